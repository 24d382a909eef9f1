"""Benchmark: N journal entries (metadata only) through our whole path against a raw
``_bulk`` of the same final documents into the same OpenSearch, in the same run.

Ours: ``innsyn harvest run noark5`` on a generated Noark 5 extraction (``bench.datagen``)
in a child process: parse the XML, upsert into the store (SQLite), index. Its peak
resident memory is sampled; the same harvest of a tenth of the entries shows whether
memory grows with the size of the extraction.

Floor: the harvester alone reading the same extraction in a child process (parsed and
checked, nothing stored or indexed): what any path through it must spend at least.

CPU budget: the CPU seconds of our harvest (its process and its reader child) and of
the OpenSearch node (its own node stats) in each run. On a machine of N cores no path
doing the same work can take less than (ours + engine CPU) / N seconds, so this shows
how much CPU a harvest may spend for a given ratio.

Raw: the documents our run put into OpenSearch (journal entries and case files) are read
back, written to an NDJSON file (not timed), then posted to ``_bulk`` into new indices
with the same settings and mappings, in chunks of the same size, one request at a time
as ours sends them.

    .venv/bin/python -m bench.ingest [--entries N] [--workdir DIR] [--keep]
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import click
import httpx

from bench.common import (
    BenchOptions,
    BenchResult,
    Target,
    engine_cpu_seconds,
    run_child,
    say,
    scratch_settings,
    settings_env,
)
from innsyn.config import Settings
from innsyn.indexing.mappings import index_body
from innsyn.indexing.names import KINDS, alias_name

RAW_PREFIX = "bench-rawbulk"
MEMORY_FLAT_SLACK = 1.25
MEMORY_FLAT_MIB = 30.0


def harvest_child(settings: Settings, source: Path, label: str) -> dict[str, Any]:
    """Harvest ``source`` with our CLI in a child process; wall time, peak RSS and CPU.
    Its empty indices are created first (not timed), as the raw run's are."""
    cmd = [
        sys.executable,
        "-m",
        "innsyn.cli",
        "harvest",
        "run",
        "noark5",
        str(source),
        "--source-key",
        f"bench-{label}",
        "--no-extract",
    ]
    prepare = [sys.executable, "-m", "innsyn.cli", "index", "create"]
    created = run_child(prepare, settings_env(settings), echo=False)
    if created.returncode != 0:
        raise RuntimeError(f"index create failed: {created.output_tail[-5:]}")
    say(f"ours ({label}): {' '.join(cmd[2:])}")
    engine_before = engine_cpu_seconds(settings.opensearch_urls[0])
    child = run_child(cmd, settings_env(settings))
    if child.returncode != 0:
        raise RuntimeError(f"harvest failed ({child.returncode}): {child.output_tail[-5:]}")
    return {
        "seconds": child.seconds,
        "peak_rss_mib": child.peak_rss_mib,
        "cpu_seconds": child.cpu_seconds,
        "engine_cpu_seconds": engine_cpu_seconds(settings.opensearch_urls[0]) - engine_before,
    }


PARSE_ONLY = (
    "import sys\n"
    "from innsyn.harvest.registry import get_harvester\n"
    "for _ in get_harvester('noark5', sys.argv[1], None).records():\n"
    "    pass\n"
)


def parse_child(settings: Settings, source: Path) -> float:
    """Seconds a child process takes to read ``source`` with the harvester alone: every
    record parsed and checked, nothing stored or indexed. The least any path through
    this harvester must spend, whatever it does after."""
    say("parse only: the noark5 harvester reading the extraction, nothing stored")
    child = run_child([sys.executable, "-c", PARSE_ONLY, str(source)], settings_env(settings))
    if child.returncode != 0:
        raise RuntimeError(f"parse failed ({child.returncode}): {child.output_tail[-5:]}")
    return child.seconds


def dump_documents(settings: Settings, out: Path) -> dict[str, int]:
    """Write every document our run indexed as ``_bulk`` NDJSON per kind; counts per kind."""
    from opensearchpy.helpers import scan

    from innsyn.search_client import make_client

    client = make_client(settings)
    counts: dict[str, int] = {}
    for kind in KINDS:
        n = 0
        with (out / f"{kind}.ndjson").open("w", encoding="utf-8") as fh:
            for hit in scan(
                client, index=alias_name(settings, kind), query={"sort": ["_doc"]}, size=2000
            ):
                action = {"index": {"_index": f"{RAW_PREFIX}-{kind}", "_id": hit["_id"]}}
                fh.write(json.dumps(action) + "\n")
                fh.write(json.dumps(hit["_source"], ensure_ascii=False) + "\n")
                n += 1
        counts[kind] = n
    return counts


def raw_bulk(settings: Settings, dump_dir: Path) -> tuple[float, float]:
    """Post the dumped NDJSON to ``_bulk`` (same index settings, same chunk size);
    seconds and the engine's CPU seconds."""
    url = settings.opensearch_urls[0]
    chunk = settings.bulk_chunk_size
    with httpx.Client(timeout=300) as http:
        for kind in KINDS:
            http.delete(f"{url}/{RAW_PREFIX}-{kind}")
            http.put(
                f"{url}/{RAW_PREFIX}-{kind}", json=index_body(settings, kind)
            ).raise_for_status()
        engine_before = engine_cpu_seconds(url)
        started = time.perf_counter()
        for kind in KINDS:
            buf: list[str] = []
            with (dump_dir / f"{kind}.ndjson").open(encoding="utf-8") as fh:
                for line in fh:
                    buf.append(line)
                    if len(buf) == 2 * chunk:
                        _post(http, url, buf)
                        buf = []
            if buf:
                _post(http, url, buf)
        http.post(f"{url}/{RAW_PREFIX}-*/_refresh").raise_for_status()
        seconds = time.perf_counter() - started
        engine_cpu = engine_cpu_seconds(url) - engine_before
        for kind in KINDS:
            http.delete(f"{url}/{RAW_PREFIX}-{kind}")
    return seconds, engine_cpu


def _post(http: httpx.Client, url: str, lines: list[str]) -> None:
    r = http.post(
        f"{url}/_bulk",
        content="".join(lines).encode("utf-8"),
        headers={"Content-Type": "application/x-ndjson"},
    )
    r.raise_for_status()
    if r.json().get("errors"):
        raise RuntimeError("raw _bulk reported item errors")


def _store_count(settings: Settings) -> int:
    from sqlalchemy import func, select

    from innsyn.store.db import make_engine, make_sessionmaker
    from innsyn.store.models import Journalpost

    with make_sessionmaker(make_engine(settings))() as s:
        return int(s.scalar(select(func.count()).select_from(Journalpost)) or 0)


def _drop_indices(settings: Settings) -> None:
    httpx.delete(f"{settings.opensearch_urls[0]}/{settings.index_prefix}-*", timeout=120)


def run(opts: BenchOptions) -> BenchResult:
    """Ingest ``opts.entries`` entries ours vs raw; memory at a tenth of the size."""
    from bench.datagen import write_noark5

    n = opts.entries
    small_n = max(1000, n // 10)
    res = BenchResult(name="ingest")
    src = opts.workdir / f"ingest-src-{n}"
    small_src = opts.workdir / f"ingest-src-{small_n}"
    for path, size in ((src, n), (small_src, small_n)):
        if not (path / "arkivstruktur.xml").exists():
            say(f"generating a Noark 5 extraction of {size:,} entries in {path}")
            shutil.rmtree(path, ignore_errors=True)
            stats = write_noark5(path, size, seed=opts.seed)
            say(
                f"generated {stats.entries:,} entries, {stats.cases:,} cases ({stats.seconds:.0f}s)"
            )

    # the small run reads in a child process as the full one does (its XML is under the
    # default threshold), so both have the same processes and memory compares like for like
    small = scratch_settings(opts.workdir, "ingest-small", harvest_reader_min_bytes=1)
    small_run = harvest_child(small, small_src, "small")
    _drop_indices(small)

    ours_settings = scratch_settings(opts.workdir, "ingest")
    ours = harvest_child(ours_settings, src, "full")
    stored = _store_count(ours_settings)
    dump_dir = ours_settings.data_dir / "raw-dump"
    dump_dir.mkdir()
    say("reading back the documents our run indexed (not timed)")
    counts = dump_documents(ours_settings, dump_dir)
    if not opts.keep:
        _drop_indices(ours_settings)
    say(f"raw _bulk of {counts} documents")
    raw_s, raw_engine_cpu = raw_bulk(ours_settings, dump_dir)
    parse_s = parse_child(ours_settings, src)

    ours_rate = n / ours["seconds"]
    raw_rate = n / raw_s
    ratio = ours_rate / raw_rate
    parse_ratio = raw_s / parse_s
    cores = os.cpu_count() or 1
    budget_s = (ours["cpu_seconds"] + ours["engine_cpu_seconds"]) / cores
    half_raw_python_cpu = 2 * raw_s * cores - ours["engine_cpu_seconds"]
    res.figures = {
        "entries": n,
        "stored_entries": stored,
        "indexed_documents": counts,
        "ours_seconds": ours["seconds"],
        "raw_seconds": raw_s,
        "ours_entries_per_s": ours_rate,
        "raw_entries_per_s": raw_rate,
        "ratio": ratio,
        "parse_only_seconds": parse_s,
        "parse_only_ratio": parse_ratio,
        "peak_rss_mib": ours["peak_rss_mib"],
        "peak_rss_mib_small": small_run["peak_rss_mib"],
        "ours_cpu_seconds": ours["cpu_seconds"],
        "ours_engine_cpu_seconds": ours["engine_cpu_seconds"],
        "raw_engine_cpu_seconds": raw_engine_cpu,
        "cores": cores,
        "cpu_bound_seconds": budget_s,
        "small_entries": small_n,
    }
    res.rows = [
        {
            "path": "ours: parse + store + index (harvest CLI)",
            "entries": n,
            "seconds": ours["seconds"],
            "entries/s": ours_rate,
            "peak RSS MiB": ours["peak_rss_mib"],
            "our CPU s": ours["cpu_seconds"],
            "engine CPU s": ours["engine_cpu_seconds"],
        },
        {
            "path": "ours, a tenth of the size",
            "entries": small_n,
            "seconds": small_run["seconds"],
            "entries/s": small_n / small_run["seconds"],
            "peak RSS MiB": small_run["peak_rss_mib"],
        },
        {
            "path": "raw _bulk of the same documents",
            "entries": n,
            "seconds": raw_s,
            "entries/s": raw_rate,
            "peak RSS MiB": "-",
            "our CPU s": "-",
            "engine CPU s": raw_engine_cpu,
        },
        {
            "path": "floor: parse only (the harvester alone, nothing stored or indexed)",
            "entries": n,
            "seconds": parse_s,
            "entries/s": n / parse_s,
            "peak RSS MiB": "-",
        },
    ]
    res.notes.append(
        f"ours also wrote {counts.get('saksmappe', 0):,} case-file documents, which the raw "
        "run posts too; ratio ours/raw entries/s = " + f"{ratio:.2f}"
    )
    res.notes.append(
        f"parsing alone takes {parse_s:.1f}s, {parse_s / raw_s:.2f}x the raw _bulk: a path "
        f"that reads this XML in Python could reach at most {parse_ratio:.2f} of raw if "
        "storing and indexing cost nothing"
    )
    res.notes.append(
        f"CPU budget on {cores} cores: our harvest used {ours['cpu_seconds']:.1f} CPU-s and "
        f"OpenSearch {ours['engine_cpu_seconds']:.1f} CPU-s (raw _bulk: "
        f"{raw_engine_cpu:.1f} CPU-s in {raw_s:.1f}s), so even with perfect overlap the "
        f"harvest needs >= {budget_s:.1f}s; 0.5 of raw ({2 * raw_s:.1f}s) leaves our Python "
        f"{half_raw_python_cpu:.1f} CPU-s for parsing, storing and building documents"
    )
    res.targets.append(
        Target("ingest vs raw _bulk", ">= 0.50 of raw entries/s", f"{ratio:.2f}", ratio >= 0.5)
    )
    flat_limit = small_run["peak_rss_mib"] * MEMORY_FLAT_SLACK + MEMORY_FLAT_MIB
    res.targets.append(
        Target(
            "harvester memory flat",
            f"peak RSS at {n:,} <= 1.25 x peak at {small_n:,} + 30 MiB ({flat_limit:.0f} MiB)",
            f"{ours['peak_rss_mib']:.0f} MiB vs {small_run['peak_rss_mib']:.0f} MiB",
            ours["peak_rss_mib"] <= flat_limit,
        )
    )
    if stored != n:
        res.notes.append(f"store holds {stored:,} entries, expected {n:,}")
    if opts.keep:
        res.notes.append(
            f"kept: --reuse {ours_settings.data_dir} --prefix {ours_settings.index_prefix}"
        )
    else:
        _drop_indices(ours_settings)
        shutil.rmtree(ours_settings.data_dir, ignore_errors=True)
        shutil.rmtree(small.data_dir, ignore_errors=True)
    return res


@click.command()
@click.option("--entries", default=20_000, show_default=True)
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--workdir",
    default=None,
    type=click.Path(path_type=Path),
    help="Scratch directory; a generated extraction found there is reused.",
)
@click.option("--keep", is_flag=True, help="Keep the scratch store and index afterwards.")
def main(entries: int, seed: int, workdir: Path | None, keep: bool) -> None:
    """Our ingest path vs raw _bulk of the same documents."""
    import tempfile

    opts = BenchOptions(
        entries=entries,
        seed=seed,
        workdir=workdir or Path(tempfile.mkdtemp(prefix="innsyn-bench-")),
        keep=keep,
    )
    opts.workdir.mkdir(parents=True, exist_ok=True)
    res = run(opts)
    for row in res.rows:
        print(row)
    for note in res.notes:
        print(note)
    for t in res.targets:
        print(f"{t.name}: wanted {t.wanted}; measured {t.measured}; met: {t.met}")


if __name__ == "__main__":
    main()
