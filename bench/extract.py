"""Benchmark: M documents through our extraction against posting the same files straight
to the Tika server with the same concurrency; then the same source harvested again.

Ours: ``harvest()`` of a generated Noark 5 extraction (``bench.datagen``) whose every
entry has a document, in this process: parse, store, fetch the files into the blob
store, extract, index. The extraction phase is timed from the end of the ingest
progress line to the end of the extraction progress line (both come through the
harvest's progress callback), the whole harvest as well.

Raw: the files our run sends to Tika (one per distinct content, no larger than the size
cap), read from the generated directory through the same harvester, posted with
``PUT /rmeta/text`` and the headers ours sends, from a thread pool of the same size as
our ``extraction_concurrency``, over one httpx client. A few files first warm Tika up
and one text loads our language profiles (untimed: a one-off cost of a process, not of
throughput). Then half of the files are posted just before our harvest and the other
half just after it, so a load that drifts during the run (the Tika server is shared)
weighs on both sides alike. The raw time is the sum of both halves; the bench checks
that our run sent exactly these contents.

Re-harvest: the same source again, unchanged, into the same store: seconds and Tika
calls (expected none).

    .venv/bin/python -m bench.extract [--documents M] [--concurrency C ...] [--source DIR]
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import httpx

from bench.common import BenchOptions, BenchResult, Target, say, scratch_settings
from innsyn.config import Settings
from innsyn.language import detect_language

RATIO_WANTED = 0.85
REHARVEST_SPEEDUP_WANTED = 20.0
WARMUP_FILES = 10
WARMUP_TEXT = "Søknad om tilskudd til nytt skolebygg i kommunen, behandlet i formannskapet."


@dataclass
class RawFile:
    """One file as our pipeline sends it to Tika."""

    sha256: str
    data: bytes
    media_type: str | None
    filename: str | None


@dataclass
class HarvestTiming:
    seconds: float
    extraction_seconds: float
    report: Any


def make_source(opts: BenchOptions) -> Path:
    """A generated Noark 5 extraction with ``opts.documents`` entries, one document each
    (reused when the work directory already has it)."""
    from bench.datagen import write_noark5

    n = opts.documents
    src = opts.workdir / f"extract-src-{n}-{opts.seed}"
    if not (src / "arkivstruktur.xml").exists():
        shutil.rmtree(src, ignore_errors=True)
        say(f"generating a Noark 5 extraction of {n} entries with a document each in {src}")
        stats = write_noark5(src, n, documents=n, seed=opts.seed)
        say(f"generated {stats.documents} documents, {stats.bytes / 1e6:.1f} MB")
    return src


def timed_harvest(settings: Settings, sessions: Any, source: Path, key: str) -> HarvestTiming:
    """Harvest ``source`` (everything: store, files, extraction, index); time the whole
    run and its extraction phase."""
    from innsyn.harvest.pipeline import RunContext, harvest
    from innsyn.harvest.registry import get_harvester

    marks: dict[str, float] = {}

    def progress(message: str) -> None:
        now = time.perf_counter()
        if message.startswith(f"harvest {key}:") and message.endswith("done"):
            marks["ingested"] = now
        elif message.startswith("extraction:") and message.endswith("done"):
            marks["extracted"] = now

    harvester = get_harvester("noark5", str(source), {})
    started = time.perf_counter()
    report = harvest(harvester, RunContext(settings, sessions, key, progress))
    seconds = time.perf_counter() - started
    extraction = 0.0
    if "extracted" in marks:
        extraction = marks["extracted"] - marks.get("ingested", started)
    return HarvestTiming(seconds, extraction, report)


def files_sent(source: Path, max_size: int) -> list[RawFile]:
    """The files of ``source`` as our pipeline sends them to Tika: once per content, no
    larger than ``max_size``, with the media type and file name it sends along."""
    from innsyn.harvest.records import JournalpostRecord
    from innsyn.harvest.registry import get_harvester

    out: dict[str, RawFile] = {}
    for rec in get_harvester("noark5", str(source), {}).records():
        if not isinstance(rec, JournalpostRecord):
            continue
        for doc in rec.dokumenter:
            for f in doc.files:
                if f.open is None:
                    continue
                with f.open() as stream:
                    data = stream.read()
                sha = hashlib.sha256(data).hexdigest()
                if len(data) <= max_size and sha not in out:
                    out[sha] = RawFile(sha, data, f.media_type, f.filnavn)
    return list(out.values())


def raw_tika(settings: Settings, files: Sequence[RawFile], concurrency: int) -> float:
    """Post ``files`` to Tika's ``/rmeta/text`` from ``concurrency`` threads; seconds."""
    from innsyn.extraction.tika_client import _headers

    url = settings.tika_url.rstrip("/") + "/rmeta/text"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(timeout=settings.extraction_timeout, limits=limits) as http:

        def put(f: RawFile) -> int:
            r = http.put(url, content=f.data, headers=_headers(f.media_type, f.filename))
            r.read()
            return r.status_code

        with ThreadPoolExecutor(concurrency) as pool:
            started = time.perf_counter()
            statuses = list(pool.map(put, files))
            seconds = time.perf_counter() - started
    if any(s in (502, 503) for s in statuses):
        raise RuntimeError("Tika answered 502/503 during the raw run")
    return seconds


def _extracted_shas(sessions: Any) -> set[str]:
    from sqlalchemy import select

    from innsyn.store.models import Extraction

    with sessions() as s:
        return set(s.scalars(select(Extraction.sha256)))


def _drop_indices(settings: Settings) -> None:
    httpx.delete(f"{settings.opensearch_urls[0]}/{settings.index_prefix}-*", timeout=120)


def measure(opts: BenchOptions, source: Path, concurrency: int) -> dict[str, Any]:
    """First harvest, raw Tika and re-harvest at one extraction concurrency."""
    from innsyn.store.db import make_engine, make_sessionmaker, migrate

    settings = scratch_settings(
        opts.workdir,
        f"extract-c{concurrency}",
        index_prefix=f"bench-extract-c{concurrency}",
        extraction_concurrency=concurrency,
    )
    _drop_indices(settings)
    engine = make_engine(settings)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    key = "bench-extract"
    try:
        files = files_sent(source, settings.max_file_size)
        say(f"concurrency {concurrency}: warming Tika up with {WARMUP_FILES} files")
        raw_tika(settings, files[:WARMUP_FILES], concurrency)
        detect_language(WARMUP_TEXT)
        say(f"  raw: the first half of {len(files)} files")
        raw_before = raw_tika(settings, files[0::2], concurrency)
        say(f"  first harvest of {source}")
        first = timed_harvest(settings, sessions, source, key)
        say(f"  {first.report.summary()}")
        extracted = _extracted_shas(sessions)
        say("  raw: the second half")
        raw_after = raw_tika(settings, files[1::2], concurrency)
        say("  re-harvest of the unchanged source")
        again = timed_harvest(settings, sessions, source, key)
        say(f"  {again.report.summary()}")
    finally:
        _drop_indices(settings)
        engine.dispose()
        if not opts.keep:
            shutil.rmtree(settings.data_dir, ignore_errors=True)
    raw_s = raw_before + raw_after
    calls = int(first.report.extraction.get("tika_calls", 0))
    mb = sum(len(f.data) for f in files) / 1e6
    ext_s = first.extraction_seconds
    return {
        "concurrency": concurrency,
        "entries": first.report.counts["new"],
        "tika_calls": calls,
        "raw_files": len(files),
        "mb": mb,
        "extraction": dict(first.report.extraction),
        "first_seconds": first.seconds,
        "extraction_seconds": ext_s,
        "raw_seconds": raw_s,
        "raw_seconds_before_after": [raw_before, raw_after],
        "same_files": extracted == {f.sha256 for f in files},
        "ours_docs_per_s": calls / ext_s if ext_s else 0.0,
        "ours_mb_per_s": mb / ext_s if ext_s else 0.0,
        "raw_docs_per_s": len(files) / raw_s if raw_s else 0.0,
        "raw_mb_per_s": mb / raw_s if raw_s else 0.0,
        "ratio": raw_s / ext_s if ext_s else 0.0,
        "reharvest_seconds": again.seconds,
        "reharvest_tika_calls": int(again.report.extraction.get("tika_calls", 0)),
        "reharvest_counts": {k: again.report.counts[k] for k in ("new", "updated", "unchanged")},
        "speedup": first.seconds / again.seconds if again.seconds else 0.0,
        "first_status": first.report.status,
        "first_errors": list(first.report.errors[:5]),
    }


def _rows(m: dict[str, Any]) -> list[dict[str, Any]]:
    c = m["concurrency"]

    def row(path: str, docs: int, seconds: float, mb: float | None, calls: Any) -> dict[str, Any]:
        return {
            "path": path,
            "concurrency": c,
            "documents": docs,
            "seconds": seconds,
            "docs/s": docs / seconds if seconds else 0.0,
            "MB/s": mb / seconds if mb is not None and seconds else "-",
            "Tika calls": calls,
        }

    return [
        row(
            "ours: extraction phase",
            m["tika_calls"],
            m["extraction_seconds"],
            m["mb"],
            m["tika_calls"],
        ),
        row("raw: PUT /rmeta/text", m["raw_files"], m["raw_seconds"], m["mb"], m["raw_files"]),
        row("ours: first harvest (all)", m["entries"], m["first_seconds"], None, m["tika_calls"]),
        row(
            "ours: re-harvest, unchanged",
            m["entries"],
            m["reharvest_seconds"],
            None,
            m["reharvest_tika_calls"],
        ),
    ]


def run(
    opts: BenchOptions, concurrency: Sequence[int] | None = None, source: Path | None = None
) -> BenchResult:
    """Extraction ours vs raw Tika and an unchanged re-harvest, at each ``concurrency``
    (default: the configured ``extraction_concurrency``); targets at each level.
    ``source``: an existing Noark 5 extraction instead of a generated one."""
    levels = list(concurrency or [Settings().extraction_concurrency])
    source = source or make_source(opts)
    res = BenchResult(name="extract")
    measured = [measure(opts, source, c) for c in levels]
    for m in measured:
        res.rows.extend(_rows(m))
        c = m["concurrency"]
        res.targets.append(
            Target(
                f"extraction vs raw Tika (concurrency {c})",
                f">= {RATIO_WANTED:.2f} of raw documents/s",
                f"{m['ratio']:.2f} ({m['ours_docs_per_s']:.1f} vs "
                f"{m['raw_docs_per_s']:.1f} docs/s)",
                m["ratio"] >= RATIO_WANTED,
            )
        )
        res.targets.append(
            Target(
                f"re-harvest of an unchanged source (concurrency {c})",
                f">= {REHARVEST_SPEEDUP_WANTED:.0f}x faster than the first harvest, no Tika calls",
                f"{m['speedup']:.1f}x ({m['first_seconds']:.2f}s vs "
                f"{m['reharvest_seconds']:.2f}s), {m['reharvest_tika_calls']} Tika calls",
                m["speedup"] >= REHARVEST_SPEEDUP_WANTED and m["reharvest_tika_calls"] == 0,
            )
        )
        if m["raw_files"] != m["tika_calls"] or not m["same_files"]:
            res.notes.append(
                f"concurrency {c}: ours made {m['tika_calls']} Tika calls, the raw run posted "
                f"{m['raw_files']} files (same contents: {m['same_files']})"
            )
        if m["first_status"] != "ok":
            res.notes.append(
                f"concurrency {c}: first harvest {m['first_status']}: {m['first_errors']}"
            )
    res.figures = {"source": str(source), "levels": measured}
    if len(measured) == 1:
        res.figures.update({k: v for k, v in measured[0].items() if not isinstance(v, dict)})
    res.notes.append(
        "documents/s and MB/s count distinct files sent to Tika; the ratio is raw seconds / "
        "our extraction-phase seconds for the same files; re-harvest speed-up is first harvest "
        "/ re-harvest wall time, both including parse, store, extract and index"
    )
    return res


@click.command()
@click.option("--documents", default=200, show_default=True, help="Entries, one document each.")
@click.option(
    "--concurrency",
    "levels",
    type=int,
    multiple=True,
    help="Extraction concurrency (repeatable; default: INNSYN_EXTRACTION_CONCURRENCY).",
)
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--workdir",
    default=None,
    type=click.Path(path_type=Path),
    help="Scratch directory; a generated extraction found there is reused.",
)
@click.option(
    "--source",
    default=None,
    type=click.Path(path_type=Path, exists=True),
    help="Harvest this Noark 5 extraction instead of a generated one.",
)
@click.option("--keep", is_flag=True, help="Keep the scratch stores afterwards.")
def main(
    documents: int,
    levels: tuple[int, ...],
    seed: int,
    workdir: Path | None,
    source: Path | None,
    keep: bool,
) -> None:
    """Our extraction vs raw Tika, and an unchanged re-harvest."""
    opts = BenchOptions(
        documents=documents,
        seed=seed,
        workdir=workdir or Path(tempfile.mkdtemp(prefix="innsyn-bench-")),
        keep=keep,
    )
    opts.workdir.mkdir(parents=True, exist_ok=True)
    try:
        res = run(opts, levels or None, source)
    finally:
        if workdir is None and not keep:
            shutil.rmtree(opts.workdir, ignore_errors=True)
    cols = list(res.rows[0].keys()) if res.rows else []
    print(" | ".join(cols))
    for r in res.rows:
        print(" | ".join(_fmt(r[c]) for c in cols))
    for note in res.notes:
        print(f"- {note}")
    for t in res.targets:
        print(f"{t.name}: wanted {t.wanted}; measured {t.measured}; met: {t.met}")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


if __name__ == "__main__":
    main()
