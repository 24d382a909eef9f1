"""What every benchmark shares: settings for a scratch installation against running
services, the result shape, targets, percentiles and peak memory.

A benchmark module exposes ``run(opts: BenchOptions) -> BenchResult``. ``bench.run_all``
calls them in turn and writes every result as JSON and as a Markdown table.
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from innsyn.config import Settings

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = ROOT.parent / "shared" / "testdata"


@dataclass
class BenchOptions:
    """Sizes and knobs of one benchmark run (``bench.run_all`` fills it from the CLI)."""

    entries: int = 20_000
    documents: int = 200
    search_entries: int = 20_000
    search_seconds: float = 10.0
    concurrency: Sequence[int] = (1, 4, 16)
    seed: int = 1
    workdir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "innsyn-bench")
    keep: bool = False


@dataclass
class Target:
    """One target of the issue, checked by the benchmark that measures it."""

    name: str
    wanted: str
    measured: str
    met: bool


@dataclass
class BenchResult:
    name: str
    figures: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def scratch_settings(workdir: Path, name: str, **extra: Any) -> Settings:
    """Settings of a fresh installation under ``workdir/name`` against the running services
    (``INNSYN_OPENSEARCH_URLS`` / ``INNSYN_TIKA_URL``), with an index prefix of its own,
    so a kept installation from an earlier run is never written to or deleted."""
    suffix = uuid.uuid4().hex[:6]
    data = workdir / f"{name}-{suffix}"
    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    base = Settings()
    values: dict[str, Any] = {
        "data_dir": data,
        "database_url": "",
        "blob_dir": None,
        "index_prefix": f"bench-{name}-{suffix}",
        "http_allow_private_addresses": True,
    }
    values.update(extra)
    return base.model_copy(update=values)


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mib() -> float:
    """Peak resident memory of the largest waited-for child process, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@contextmanager
def timed() -> Iterator[list[float]]:
    """``with timed() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    box: list[float] = []
    started = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - started)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def cpu_count() -> int:
    return os.cpu_count() or 1


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process (CLI, gunicorn) use ``settings``."""
    env = dict(os.environ)
    env.update(
        {
            "INNSYN_DATA_DIR": str(settings.data_dir),
            "INNSYN_DATABASE_URL": settings.database_url,
            "INNSYN_INDEX_PREFIX": settings.index_prefix,
            "INNSYN_OPENSEARCH_URLS": ",".join(settings.opensearch_urls),
            "INNSYN_TIKA_URL": settings.tika_url,
            "INNSYN_HTTP_ALLOW_PRIVATE_ADDRESSES": str(settings.http_allow_private_addresses),
            "INNSYN_HARVEST_READER_MIN_BYTES": str(settings.harvest_reader_min_bytes),
        }
    )
    if settings.blob_dir is not None:
        env["INNSYN_BLOB_DIR"] = str(settings.blob_dir)
    return env


@dataclass
class ChildRun:
    """A finished child process: exit code, wall seconds, peak RSS (MiB) of it and its children."""

    returncode: int
    seconds: float
    peak_rss_mib: float
    output_tail: list[str]
    cpu_seconds: float = 0.0
    """User + system CPU time of the child and every descendant it waited for."""


def run_child(cmd: Sequence[str], env: dict[str, str], echo: bool = True) -> ChildRun:
    """Run ``cmd``, sampling its resident memory every 50 ms; stream its output."""
    import resource
    import subprocess
    import threading
    from collections import deque

    import psutil

    tail: deque[str] = deque(maxlen=40)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            p = psutil.Process(proc.pid)
            while not done.is_set():
                try:
                    rss = p.memory_info().rss
                    rss += sum(c.memory_info().rss for c in p.children(recursive=True))
                except psutil.Error:
                    break
                peak = max(peak, rss)
                done.wait(0.05)
        except psutil.Error:
            return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stdout is not None
    for line in proc.stdout:
        tail.append(line.rstrip())
        if echo:
            print(f"    {line.rstrip()}", flush=True)
    proc.wait()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return ChildRun(proc.returncode, seconds, peak / 1024 / 1024, list(tail), cpu)


def engine_cpu_seconds(url: str) -> float:
    """CPU seconds the OpenSearch node's process has used so far (its own node stats)."""
    import httpx

    r = httpx.get(f"{url}/_nodes/_local/stats/process", timeout=30)
    r.raise_for_status()
    nodes = r.json()["nodes"]
    return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values()) / 1000.0
