"""Run every benchmark and write the results as JSON and as a Markdown table.

    .venv/bin/python -m bench.run_all                      # small sizes, a few minutes
    .venv/bin/python -m bench.run_all --entries 1000000 --search-entries 1000000

Services: the running OpenSearch and Tika (``INNSYN_OPENSEARCH_URLS`` / ``INNSYN_TIKA_URL``,
e.g. from ``innsyn services up``); ``--start-services`` starts them first (and stops what
it started at the end). Each benchmark works in its own scratch data directory and index
prefix, so an installation's own data is never touched.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import platform
import shutil
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from bench.common import BenchOptions, BenchResult, cpu_count, say
from innsyn.config import Settings

BENCHMARKS = ("ingest", "extract", "ocr", "search", "language")


def _engine_versions(settings: Settings) -> dict[str, str]:
    import httpx

    out: dict[str, str] = {}
    try:
        info = httpx.get(settings.opensearch_urls[0], timeout=10).json()
        out["opensearch"] = str(info.get("version", {}).get("number", "?"))
    except Exception as exc:
        out["opensearch"] = f"unreachable ({type(exc).__name__})"
    try:
        out["tika"] = httpx.get(f"{settings.tika_url}/version", timeout=10).text.strip()
    except Exception as exc:
        out["tika"] = f"unreachable ({type(exc).__name__})"
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def markdown(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    """The results as Markdown: one table of figures per benchmark, then every target."""
    lines = [
        f"Measured {meta['when']} on {meta['machine']} ({meta['cpus']} cores), "
        f"OpenSearch {meta['engines'].get('opensearch')}, Tika {meta['engines'].get('tika')}.",
        f"Command: `{meta['command']}`",
        "",
    ]
    for res in results:
        lines.append(f"### {res['name']}")
        lines.append("")
        if res.get("rows"):
            cols = list(res["rows"][0].keys())
            lines.append("| " + " | ".join(cols) + " |")
            lines.append("|" + "---|" * len(cols))
            for row in res["rows"]:
                lines.append("| " + " | ".join(_fmt(row.get(c, "")) for c in cols) + " |")
            lines.append("")
        for note in res.get("notes", []):
            lines.append(f"- {note}")
        if res.get("notes"):
            lines.append("")
    lines.append("### Targets")
    lines.append("")
    lines.append("| benchmark | target | wanted | measured | met |")
    lines.append("|---|---|---|---|---|")
    for res in results:
        for t in res.get("targets", []):
            met = "yes" if t["met"] is True else ("no" if t["met"] is False else str(t["met"]))
            lines.append(
                f"| {res['name']} | {t['name']} | {t['wanted']} | {t['measured']} | {met} |"
            )
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--entries", default=20_000, show_default=True, help="Entries for bench.ingest.")
@click.option("--documents", default=200, show_default=True, help="Documents for bench.extract.")
@click.option(
    "--search-entries",
    default=20_000,
    show_default=True,
    help="Entries in the index bench.search queries.",
)
@click.option(
    "--search-seconds",
    default=10.0,
    show_default=True,
    help="Seconds of load per concurrency level.",
)
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--only", multiple=True, type=click.Choice(BENCHMARKS), help="Run only these benchmarks."
)
@click.option(
    "--out",
    default="bench-results",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Directory for results.json and results.md.",
)
@click.option(
    "--workdir",
    default=None,
    type=click.Path(path_type=Path),
    help="Scratch directory (default: a temporary one, removed afterwards).",
)
@click.option("--start-services", is_flag=True, help="Start OpenSearch and Tika first.")
def main(
    entries: int,
    documents: int,
    search_entries: int,
    search_seconds: float,
    seed: int,
    only: tuple[str, ...],
    out: Path,
    workdir: Path | None,
    start_services: bool,
) -> None:
    """Run the benchmarks (ingest, extract, ocr, search) and write results.json + results.md."""
    import tempfile

    base = Settings()
    started_services = False
    if start_services:
        from innsyn.backends import manager

        manager.up(base, print)
        started_services = True
    scratch = workdir or Path(tempfile.mkdtemp(prefix="innsyn-bench-"))
    opts = BenchOptions(
        entries=entries,
        documents=documents,
        search_entries=search_entries,
        search_seconds=search_seconds,
        seed=seed,
        workdir=scratch,
    )
    meta = {
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": platform.node() or "?",
        "cpus": cpu_count(),
        "python": platform.python_version(),
        "engines": _engine_versions(base),
        "command": " ".join(["python -m bench.run_all", *sys.argv[1:]]),
        "options": {
            "entries": entries,
            "documents": documents,
            "search_entries": search_entries,
            "search_seconds": search_seconds,
            "seed": seed,
        },
    }
    results: list[dict[str, Any]] = []
    failed = []
    try:
        for name in only or BENCHMARKS:
            say(f"=== {name} ===")
            module = importlib.import_module(f"bench.{name}")
            try:
                result: BenchResult = module.run(opts)
            except Exception as exc:
                traceback.print_exc()
                failed.append(f"{name}: {type(exc).__name__}: {exc}")
                continue
            results.append(result.as_dict())
            for t in result.targets:
                say(f"{name}: {t.name}: wanted {t.wanted}, measured {t.measured}, met {t.met}")
    finally:
        if workdir is None:
            shutil.rmtree(scratch, ignore_errors=True)
        if started_services:
            from innsyn.backends import manager

            manager.down(base, print)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps({"meta": meta, "results": results, "failed": failed}, indent=2, default=str)
    )
    (out / "results.md").write_text(markdown(results, meta))
    print((out / "results.md").read_text())
    say(f"written {out / 'results.json'} and {out / 'results.md'}")
    if failed:
        for line in failed:
            print(f"Error: {line}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
