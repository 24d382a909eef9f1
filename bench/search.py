"""Benchmark: the JSON search API under gunicorn against the very same OpenSearch queries
sent straight to OpenSearch, at several concurrency levels.

The mix: the realistic queries of ``bench.datagen.sample_queries`` (words, phrases,
inflected forms, case numbers, filters on agency, type and dates), each asking for the
facets the API computes by default, plus cursor paging a few pages deep. It is fixed
before the load starts: deep pages carry the cursors the API hands out, found by paging
once. Both sides run the same list in the same order.

Raw: for every API request, what our code sends to OpenSearch is captured from
``innsyn.search.searcher.search`` itself (with a recording client: a ``_msearch`` of the
hits and the cacheable total-and-facets part, or a plain ``_search``), serialised once
and posted as it is. Before the load, every request is sent once to both sides and
their totals and hit ids compared.

Ours: ``gunicorn 'web.wsgi:app'`` in a child process with the scratch settings and a
search rate limit far above the load (the limiter still runs on every request).

Floor: ``bench.search:floor_app`` under the same gunicorn (workers, threads), a WSGI app
that passes the raw requests to OpenSearch over a kept-alive connection and returns the
answer, doing nothing else: what any Python web service on these cores could do at best,
second hop included. "API / floor" is how close the API gets to that physical limit.

All three are driven by ``bench.loadgen`` (closed loop, C clients, after a warm-up). At
each concurrency level they take turns (raw, floor, API, raw, floor, API), so a load that
drifts on the shared machine weighs on all alike; the CPU seconds gunicorn spends per
request are recorded for the API and the floor. Targets are judged at every level; at 16 clients
on two cores both sides are saturated, so latency there is mostly queueing
(p50 ~ clients / requests per second) and the p50 difference follows the throughput ratio.
The mix repeats, so the total-and-facets part of a search is mostly answered from
OpenSearch's request cache (as the same searches by many users would be); one more
level runs with that cache off, for the cost of searches nobody made in the last minute.

    .venv/bin/python -m bench.search [--entries N] [--seconds S] [--keep]
    .venv/bin/python -m bench.search --reuse DATA_DIR --prefix P [--seed S]

``--reuse`` searches an installation populated before (e.g. by ``bench.ingest --keep``,
whose index is rebuilt from the store when it has none) without generating anything;
``--seed`` must be the one its data was generated with, so the queries match it.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import click
import httpx
from werkzeug.datastructures import MultiDict

from bench.common import (
    BenchOptions,
    BenchResult,
    Target,
    cpu_count,
    percentile,
    run_child,
    say,
    scratch_settings,
    settings_env,
)
from bench.loadgen import LoadResult, Request, run_load
from innsyn.config import Settings
from innsyn.indexing.names import alias_name
from innsyn.search import query_parser as qp
from innsyn.search.params import DATE_FIELDS, parse_params
from innsyn.search.searcher import search

API_PATH = "/api/v1/search"
DEEP_PAGES = 5
LATEST: Args = [("sort", "date_desc")]
ROUNDS = 2
# A level run again with OpenSearch's request cache off: the mix repeats, so otherwise
# the total-and-facets part of nearly every request is a cache hit.
UNCACHED_CLIENTS = 4
WARMUP_SECONDS = 1.0
P50_OVERHEAD_MS = 5.0
RPS_RATIO = 0.70
P95_MS = 100.0
TARGET_ENTRIES = 1_000_000
# Gunicorn on two cores shared with OpenSearch: one worker process per core, so the
# Python parts of two requests run at once, each with four threads, since a request
# spends about half its time waiting for OpenSearch; eight requests in flight keep both
# cores busy and more clients queue in the listen backlog at no cost. Measured here at
# 200 000 entries, alternating configurations on the same mix: 2x4 threads served 5-15%
# more requests/s at 4 and 16 clients than 2 or 3 sync workers, at the same latency with
# one client; 4 sync workers spent ~30% more CPU a request (four processes contending for
# two cores); 2x8 and 1x8 came out like 2x4.
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 4
FLOOR_APP = "bench.search:floor_app"

Args = list[tuple[str, str]]


@dataclass
class MixItem:
    """One request of the mix: its API arguments, and what our API sends to OpenSearch
    for them (a ``_search`` or an ``_msearch``), ready to be sent as it is."""

    kind: str
    args: Args
    raw: Request

    def api_request(self) -> Request:
        return Request("GET", f"{API_PATH}?{urlencode(self.args)}", kind=self.kind)

    @property
    def multi(self) -> bool:
        return self.raw.path.endswith("/_msearch")

    def raw_request(self) -> Request:
        return Request(
            "POST", self.raw.path, self.raw.body, kind=self.kind, content_type=self.raw.content_type
        )

    def raw_answer(self, answer: dict[str, Any]) -> tuple[int, list[str]]:
        """Total and hit ids of OpenSearch's answer to ``raw``, as the API reads them."""
        if self.multi:
            hits, counted = answer["responses"]
        else:
            hits = counted = answer
        ids = [h["_source"]["id"] for h in hits["hits"]["hits"]]
        return int(counted["hits"]["total"]["value"]), ids


class _Captured(Exception):
    pass


def _json(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


class _RecordingClient:
    """Stands in for the OpenSearch client: keeps what ``search`` would send, sends nothing."""

    def __init__(self) -> None:
        self.request: Request | None = None

    def search(self, *, index: str, body: dict[str, Any], **extra: Any) -> Any:
        self._refuse(extra)
        self.request = Request("POST", f"/{index}/_search", _json(body))
        raise _Captured

    def msearch(self, *, body: list[dict[str, Any]], **extra: Any) -> Any:
        self._refuse(extra)
        lines = b"".join(_json(line) + b"\n" for line in body)
        self.request = Request("POST", "/_msearch", lines, content_type="application/x-ndjson")
        raise _Captured

    @staticmethod
    def _refuse(extra: dict[str, Any]) -> None:
        if extra:
            raise RuntimeError(f"search() passes {sorted(extra)}; the raw side cannot follow")


def raw_equivalent(settings: Settings, args: Args) -> Request:
    """The request our API sends to OpenSearch for the API request ``args``."""
    params = parse_params(MultiDict(args), settings.max_query_length)
    recorder = _RecordingClient()
    try:
        search(settings, recorder, params)  # type: ignore[arg-type]
    except _Captured:
        if recorder.request is not None:
            return recorder.request
    raise RuntimeError("search() did not query OpenSearch")


def _node_kinds(node: qp.Node | None) -> set[str]:
    if node is None:
        return set()
    if isinstance(node, qp.CaseRef):
        return {"case number"}
    if isinstance(node, qp.Phrase):
        return {"phrase"}
    if isinstance(node, qp.Prefix):
        return {"prefix"}
    if isinstance(node, qp.Not):
        return _node_kinds(node.node)
    if isinstance(node, qp.And | qp.Or):
        return set().union(*(_node_kinds(n) for n in node.nodes))
    return {"words"}


FILTER_PARAMS = {"enhet", "journalposttype", "language", "saksnummer", "has_documents", "period"}
FILTER_PARAMS |= {f"{d}_{end}" for d in DATE_FIELDS for end in ("from", "to")}


def classify(args: Args) -> str:
    """A short name for what a request exercises (for the mix summary)."""
    names = {k for k, _ in args}
    q = dict(args).get("q", "")
    kinds = _node_kinds(qp.parse_query(q))
    for kind in ("case number", "phrase", "prefix"):
        if kind in kinds:
            return kind
    if names & FILTER_PARAMS:
        return "filter" if q else "filter, no words"
    if not q:
        return "browse"
    return "words"


def _deep_chain(settings: Settings, client: Any, args: Args) -> list[Args]:
    """``args`` for pages 2..DEEP_PAGES, following the cursors the API would hand out."""
    out: list[Args] = []
    page = list(args)
    for _ in range(DEEP_PAGES - 1):
        result = search(settings, client, parse_params(MultiDict(page), settings.max_query_length))
        if not result.next_cursor:
            break
        page = [(k, v) for k, v in args if k != "cursor"] + [("cursor", result.next_cursor)]
        out.append(page)
    return out


def build_mix(settings: Settings, queries: list[dict[str, str]]) -> list[MixItem]:
    """The fixed mix: the latest entries (the search page without a query), ``queries``
    as given, then cursor pages 2..DEEP_PAGES of the latest entries and of the first
    query with words only."""
    from innsyn.search_client import make_client

    client = make_client(settings)
    base: list[Args] = [[(k, v) for k, v in q.items() if v != ""] for q in queries]
    chains: list[Args] = []
    base.insert(0, list(LATEST))
    words = next((a for a in base if classify(a) == "words"), None)
    for args in (base[0], words):
        if args is not None:
            chains.extend(_deep_chain(settings, client, args))
    items = [MixItem(classify(args), args, raw_equivalent(settings, args)) for args in base]
    items += [MixItem("deep page", args, raw_equivalent(settings, args)) for args in chains]
    return items


@contextmanager
def request_cache(settings: Settings, enabled: bool) -> Iterator[None]:
    """With ``enabled`` false, OpenSearch's shard request cache is off for the index
    meanwhile (every request computes its total and facets afresh), then back on."""
    if enabled:
        yield
        return
    url = f"{settings.opensearch_urls[0]}/{alias_name(settings, 'journalpost')}/_settings"
    httpx.put(url, json={"index.requests.cache.enable": False}, timeout=60).raise_for_status()
    try:
        yield
    finally:
        httpx.put(url, json={"index.requests.cache.enable": None}, timeout=60)


class _Upstream(threading.local):
    """One keep-alive connection to OpenSearch per thread of a floor worker."""

    conn: http.client.HTTPConnection | None = None


_UPSTREAM = _Upstream()


def floor_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The floor: a WSGI app that passes the request it gets (path and body, as the raw
    side sends them) to OpenSearch over a kept-alive connection and answers with
    OpenSearch's answer, doing nothing else. Under the same gunicorn as the API it is
    what any Python web service on these cores could do at best: the API additionally
    parses the arguments, builds the query, reads the answer and shapes the hits."""
    if _UPSTREAM.conn is None:
        url = urlsplit(os.environ["INNSYN_OPENSEARCH_URLS"].split(",")[0])
        _UPSTREAM.conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port or 80)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else None
    path = environ.get("PATH_INFO", "/")
    headers = {"Content-Type": environ.get("CONTENT_TYPE") or "application/json"}
    try:
        _UPSTREAM.conn.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
        resp = _UPSTREAM.conn.getresponse()
        data = resp.read()
    except (OSError, http.client.HTTPException):
        _UPSTREAM.conn.close()
        _UPSTREAM.conn = None
        raise
    start_response(
        f"{resp.status} {resp.reason}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Gunicorn:
    """``gunicorn 'web.wsgi:app'`` on a free local port with ``settings``; stopped on exit."""

    def __init__(
        self, settings: Settings, workers: int, threads: int, app: str = "web.wsgi:app"
    ) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = settings_env(settings)
        env["INNSYN_RATE_LIMIT_SEARCH"] = "100000000 per minute"
        env["INNSYN_SESSION_COOKIE_SECURE"] = "false"
        cmd = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            app,
        ]
        self.proc = subprocess.Popen(cmd, env=env)

    def wait_ready(self, timeout: float = 60.0, path: str = "/healthz") -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                r = httpx.get(f"{self.url}{path}", timeout=5)
                health: dict[str, Any] = r.json()
                return health
            except (httpx.HTTPError, ValueError):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz")

    def cpu_seconds(self) -> float:
        import psutil

        try:
            procs = [psutil.Process(self.proc.pid)]
            procs += procs[0].children(recursive=True)
            total = 0.0
            for p in procs:
                t = p.cpu_times()
                total += t.user + t.system
            return total
        except psutil.Error:
            return 0.0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def check_same_answers(api_url: str, os_url: str, mix: list[MixItem]) -> list[str]:
    """Send every request once to both sides; differences in totals or hit ids."""
    problems = []
    with httpx.Client(timeout=60) as http:
        for item in mix:
            a = http.get(api_url + item.api_request().path)
            raw = item.raw_request()
            r = http.post(
                os_url + raw.path, content=raw.body, headers={"Content-Type": raw.content_type}
            )
            if a.status_code != 200 or r.status_code != 200:
                problems.append(f"{item.args}: API {a.status_code}, raw {r.status_code}")
                continue
            api = a.json()
            api_ids = [i["id"] for i in api["items"]]
            raw_total, raw_ids = item.raw_answer(r.json())
            if api["total"] != raw_total or api_ids != raw_ids:
                problems.append(
                    f"{item.args}: API total {api['total']} vs raw {raw_total}, "
                    f"ids {'equal' if api_ids == raw_ids else 'differ'}"
                )
    return problems


def index_entries(settings: Settings) -> int:
    """Entries in the journal-entry index (0 when it does not exist)."""
    url = settings.opensearch_urls[0]
    r = httpx.get(f"{url}/{alias_name(settings, 'journalpost')}/_count", timeout=60)
    if r.status_code == 404:
        return 0
    r.raise_for_status()
    return int(r.json()["count"])


def ensure_index(settings: Settings) -> str | None:
    """Rebuild the index of a reused installation from its store when it has none (as
    ``bench.ingest`` leaves it); a note saying so, or ``None``."""
    if index_entries(settings) > 0:
        return None
    say(f"no index under prefix {settings.index_prefix}: rebuilding it from the store")
    cmd = [sys.executable, "-m", "innsyn.cli", "index", "rebuild"]
    child = run_child(cmd, settings_env(settings), echo=False)
    if child.returncode != 0:
        raise RuntimeError(f"index rebuild failed: {child.output_tail[-5:]}")
    return f"the reused store had no index; rebuilt it in {child.seconds:.0f}s"


def populate(opts: BenchOptions) -> Settings:
    """A scratch installation holding ``opts.search_entries`` generated entries."""
    from bench.datagen import write_noark5

    n = opts.search_entries
    src = opts.workdir / f"search-src-{n}-s{opts.seed}"
    if not (src / "arkivstruktur.xml").exists():
        say(f"generating a Noark 5 extraction of {n:,} entries in {src}")
        shutil.rmtree(src, ignore_errors=True)
        write_noark5(src, n, seed=opts.seed)
    settings = scratch_settings(opts.workdir, "search")
    cmd = [sys.executable, "-m", "innsyn.cli", "harvest", "run", "noark5", str(src)]
    cmd += ["--source-key", "bench-search", "--no-extract"]
    say(f"harvesting {src} into {settings.data_dir} (index prefix {settings.index_prefix})")
    child = run_child(cmd, settings_env(settings), echo=False)
    if child.returncode != 0:
        raise RuntimeError(f"harvest failed ({child.returncode}): {child.output_tail[-5:]}")
    say(f"harvested in {child.seconds:.0f}s")
    return settings


def _level_row(c: str, raw: LoadResult, api: LoadResult, floor: LoadResult) -> dict[str, Any]:
    return {
        "clients": c,
        "raw p50 ms": raw.p(50),
        "raw p95 ms": raw.p(95),
        "raw p99 ms": raw.p(99),
        "raw req/s": raw.rps,
        "floor p50 ms": floor.p(50),
        "floor req/s": floor.rps,
        "API p50 ms": api.p(50),
        "API p95 ms": api.p(95),
        "API p99 ms": api.p(99),
        "API req/s": api.rps,
        "p50 overhead ms": api.p(50) - raw.p(50),
        "req/s ratio": api.rps / raw.rps if raw.rps else 0.0,
        "floor ratio": floor.rps / raw.rps if raw.rps else 0.0,
        "API / floor": api.rps / floor.rps if floor.rps else 0.0,
        "non-2xx": raw.non_2xx
        + api.non_2xx
        + floor.non_2xx
        + raw.failures
        + api.failures
        + floor.failures,
    }


def _summary(r: LoadResult) -> dict[str, Any]:
    return {
        "requests": r.requests,
        "seconds": r.seconds,
        "p50_ms": r.p(50),
        "p95_ms": r.p(95),
        "p99_ms": r.p(99),
        "max_ms": max(r.latencies_ms, default=0.0),
        "rps": r.rps,
        "statuses": dict(r.statuses),
        "failures": r.failures,
        "failure_examples": r.failure_examples,
        "driver_cpu_seconds": r.driver_cpu_seconds,
        "p50_ms_by_kind": {k: percentile(v, 50) for k, v in sorted(r.by_kind.items())},
    }


def measure(
    settings: Settings,
    opts: BenchOptions,
    queries: list[dict[str, str]],
    workers: int = DEFAULT_WORKERS,
    threads: int = DEFAULT_THREADS,
) -> BenchResult:
    """Run the mix against the API and raw OpenSearch for ``settings``' index."""
    res = BenchResult(name="search")
    entries = index_entries(settings)
    say(f"index {alias_name(settings, 'journalpost')} holds {entries:,} entries")
    mix = build_mix(settings, queries)
    kinds = Counter(item.kind for item in mix)
    say(f"mix of {len(mix)} requests: {dict(kinds)}")
    os_url = settings.opensearch_urls[0]
    api_mix = [item.api_request() for item in mix]
    raw_mix = [item.raw_request() for item in mix]
    levels: dict[str, Any] = {}
    loads = [os.getloadavg()[0]]
    with (
        Gunicorn(settings, workers, threads) as server,
        Gunicorn(settings, workers, threads, app=FLOOR_APP) as floor_server,
    ):
        health = server.wait_ready()
        if health.get("status") != "ok":
            res.notes.append(f"/healthz: {health}")
        floor_server.wait_ready(path="/")
        problems = check_same_answers(server.url, os_url, mix)
        for line in problems[:5]:
            say(f"answers differ: {line}")
        slice_s = opts.search_seconds / ROUNDS
        runs = [(str(c), c, True) for c in opts.concurrency]
        if opts.concurrency:
            cold = UNCACHED_CLIENTS if UNCACHED_CLIENTS in opts.concurrency else opts.concurrency[0]
            runs.append((f"{cold}, request cache off", cold, False))
        for label, c, cached in runs:
            say(f"{_who(label)}: raw, floor and API in turn, {ROUNDS} x {slice_s:.1f}s each")
            raw, floor, api = LoadResult(c, 0.0), LoadResult(c, 0.0), LoadResult(c, 0.0)
            api_cpu = floor_cpu = 0.0
            with request_cache(settings, cached):
                for _ in range(ROUNDS):
                    raw.add(run_load(os_url, raw_mix, c, slice_s, WARMUP_SECONDS))
                    cpu0 = floor_server.cpu_seconds()
                    floor.add(run_load(floor_server.url, raw_mix, c, slice_s, WARMUP_SECONDS))
                    floor_cpu += floor_server.cpu_seconds() - cpu0
                    cpu0 = server.cpu_seconds()
                    api.add(run_load(server.url, api_mix, c, slice_s, WARMUP_SECONDS))
                    api_cpu += server.cpu_seconds() - cpu0
            row = _level_row(label, raw, api, floor)
            load = os.getloadavg()[0]
            loads.append(load)
            res.rows.append(row)
            levels[label] = {
                "raw": _summary(raw),
                "floor": _summary(floor),
                "api": _summary(api),
                "load_average_1min": load,
                "api_server_cpu_ms_per_request": (
                    1000 * api_cpu / max(1, api.requests) if api.requests else 0.0
                ),
                "floor_server_cpu_ms_per_request": (
                    1000 * floor_cpu / max(1, floor.requests) if floor.requests else 0.0
                ),
            }
            say(
                f"{_who(label)}: raw p50 {raw.p(50):.1f} p95 {raw.p(95):.1f} ms "
                f"{raw.rps:.0f}/s; floor p50 {floor.p(50):.1f} ms {floor.rps:.0f}/s; "
                f"API p50 {api.p(50):.1f} p95 {api.p(95):.1f} ms "
                f"{api.rps:.0f}/s; non-2xx {row['non-2xx']}"
            )
            for example in raw.failure_examples + floor.failure_examples + api.failure_examples:
                say(f"  failure: {example}")
    res.figures = {
        "index_entries": entries,
        "index": alias_name(settings, "journalpost"),
        "mix_size": len(mix),
        "mix_kinds": dict(kinds),
        "mix": [{"kind": m.kind, "args": m.args} for m in mix],
        "answers_differ": problems,
        "gunicorn": {"workers": workers, "threads": threads},
        "seconds_per_level": opts.search_seconds,
        "warmup_seconds": WARMUP_SECONDS,
        "rounds": ROUNDS,
        "levels": levels,
    }
    _targets(res, entries)
    res.notes.append(
        f"{len(mix)} requests ({', '.join(f'{n} {k}' for k, n in kinds.items())}), "
        f"each side closed-loop for {opts.search_seconds:.0f}s per level, in {ROUNDS} turns "
        f"taken alternately, each after {WARMUP_SECONDS:.0f}s warm-up (the machine is "
        f"shared, so drift hits both sides alike); gunicorn {workers} workers x {threads} "
        "threads"
    )
    res.notes.append(
        f"1-minute load average during the run: {min(loads):.1f} to {max(loads):.1f} on "
        f"{cpu_count()} cores (other work on the machine competes with both sides)"
    )
    if problems:
        res.notes.append(f"{len(problems)} requests answered differently by API and raw")
    return res


def _who(label: str) -> str:
    """``"4"`` -> ``"4 clients"``, ``"4, request cache off"`` -> ``"4 clients, request ..."``."""
    number, _, rest = label.partition(",")
    return f"{number} clients" + (f",{rest}" if rest else "")


def _targets(res: BenchResult, entries: int) -> None:
    errors = sum(int(row["non-2xx"]) for row in res.rows)
    res.targets.append(
        Target("search answers", "0 non-2xx or failed requests", str(errors), errors == 0)
    )
    for row in res.rows:
        c = row["clients"]
        over = row["p50 overhead ms"]
        res.targets.append(
            Target(
                f"API p50 overhead ({_who(c)})",
                f"<= {P50_OVERHEAD_MS:.0f} ms above raw p50",
                f"{over:+.1f} ms ({row['API p50 ms']:.1f} vs {row['raw p50 ms']:.1f})",
                over <= P50_OVERHEAD_MS,
            )
        )
        ratio = row["req/s ratio"]
        res.targets.append(
            Target(
                f"API req/s vs raw ({_who(c)})",
                f">= {RPS_RATIO:.2f} of raw req/s",
                f"{ratio:.2f} ({row['API req/s']:.0f} vs {row['raw req/s']:.0f})",
                ratio >= RPS_RATIO,
            )
        )
    for row in res.rows:
        c = row["clients"]
        p95 = row["API p95 ms"]
        judged = entries >= TARGET_ENTRIES
        res.targets.append(
            Target(
                f"API search p95 at 1,000,000 entries ({_who(c)})",
                f"<= {P95_MS:.0f} ms",
                f"{p95:.1f} ms at {entries:,} entries" + ("" if judged else " (not judged)"),
                p95 <= P95_MS if judged else None,  # type: ignore[arg-type]
            )
        )


def _drop_indices(settings: Settings) -> None:
    httpx.delete(f"{settings.opensearch_urls[0]}/{settings.index_prefix}-*", timeout=120)


def run(
    opts: BenchOptions,
    reuse: Settings | None = None,
    workers: int = DEFAULT_WORKERS,
    threads: int = DEFAULT_THREADS,
) -> BenchResult:
    """Search ``opts.search_entries`` generated entries (or the ``reuse`` installation)
    through the API and raw, ``opts.search_seconds`` per concurrency level."""
    from bench.datagen import sample_queries

    settings = reuse or populate(opts)
    try:
        rebuilt = ensure_index(settings) if reuse is not None else None
        res = measure(settings, opts, sample_queries(seed=opts.seed), workers, threads)
        if rebuilt:
            res.notes.append(rebuilt)
    finally:
        if reuse is None and not opts.keep:
            _drop_indices(settings)
            shutil.rmtree(settings.data_dir, ignore_errors=True)
    if reuse is None and opts.keep:
        res.notes.append(f"kept: --reuse {settings.data_dir} --prefix {settings.index_prefix}")
    return res


@click.command()
@click.option("--entries", default=20_000, show_default=True, help="Entries to generate.")
@click.option("--seconds", default=10.0, show_default=True, help="Seconds per level and side.")
@click.option("--concurrency", default="1,4,16", show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option("--workers", default=DEFAULT_WORKERS, show_default=True, help="gunicorn workers.")
@click.option("--threads", default=DEFAULT_THREADS, show_default=True, help="Threads a worker.")
@click.option(
    "--reuse",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Data directory of a populated installation to search instead of generating one.",
)
@click.option("--prefix", default="innsyn", show_default=True, help="Index prefix with --reuse.")
@click.option("--workdir", default=None, type=click.Path(path_type=Path))
@click.option("--keep", is_flag=True, help="Keep the generated store and index afterwards.")
@click.option("--json-out", type=click.Path(path_type=Path), help="Write the result as JSON.")
def main(
    entries: int,
    seconds: float,
    concurrency: str,
    seed: int,
    workers: int,
    threads: int,
    reuse: Path | None,
    prefix: str,
    workdir: Path | None,
    keep: bool,
    json_out: Path | None,
) -> None:
    """The search API under gunicorn vs the same queries sent straight to OpenSearch."""
    import tempfile

    opts = BenchOptions(
        search_entries=entries,
        search_seconds=seconds,
        concurrency=tuple(int(c) for c in concurrency.split(",")),
        seed=seed,
        workdir=workdir or Path(tempfile.mkdtemp(prefix="innsyn-bench-")),
        keep=keep,
    )
    opts.workdir.mkdir(parents=True, exist_ok=True)
    reuse_settings = None
    if reuse is not None:
        reuse_settings = Settings().model_copy(
            update={"data_dir": reuse.resolve(), "index_prefix": prefix, "database_url": ""}
        )
    res = run(opts, reuse_settings, workers, threads)
    for row in res.rows:
        print({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()})
    for t in res.targets:
        print(f"{t.name}: wanted {t.wanted}; measured {t.measured}; met: {t.met}")
    for note in res.notes:
        print(f"note: {note}")
    if json_out:
        json_out.write_text(json.dumps(res.as_dict(), indent=2, default=str))


if __name__ == "__main__":
    main()
