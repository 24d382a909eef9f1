"""``innsyn ocr …``: read queued scanned pages, show the backlog, retry failures."""

from __future__ import annotations

import json
import signal
import sys

import click
from sqlalchemy.orm import Session, sessionmaker

from innsyn.cli_errors import fail, one_line_errors
from innsyn.config import Settings


def _sessions(settings: Settings) -> sessionmaker[Session]:
    from innsyn.store.db import open_store

    return open_store(settings)


@click.group()
def ocr() -> None:
    """OCR of scanned documents (a queue filled by extraction, read apart from harvests)."""


@ocr.command("run")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 256),
    default=None,
    help="Pages read at the same time (default: INNSYN_OCR_CONCURRENCY).",
)
@click.option(
    "--follow",
    is_flag=True,
    help="Keep waiting for new documents instead of returning when the queue is empty.",
)
@click.option("--no-index", is_flag=True, help="Do not catch the index up as texts arrive.")
def run_cmd(concurrency: int | None, follow: bool, no_index: bool) -> None:
    """Read the queued pages; the index catches up after each document. SIGTERM/SIGINT
    kill the pages in hand; the next run resumes with them."""
    from innsyn.ocr.background import index_catch_up
    from innsyn.ocr.engine import OcrToolMissing, check_tools
    from innsyn.ocr.worker import OcrWorker
    from innsyn.store.blobs import BlobStore

    settings = Settings()
    try:
        check_tools(settings)
    except OcrToolMissing as exc:
        fail(f"ocr run: {exc}")
    with one_line_errors("ocr run"):
        sessions = _sessions(settings)
        worker = OcrWorker(
            settings,
            sessions,
            BlobStore(settings.resolved_blob_dir),
            concurrency=concurrency,
            after_text=None if no_index else index_catch_up(settings, sessions, click.echo),
            progress=click.echo,
        )

        def _stop(signum: int, _frame: object) -> None:
            click.echo(f"signal {signum}: stopping; pages in hand are read again next time")
            worker.stop()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        report = worker.run(drain=not follow, poll=settings.scheduler_poll_seconds)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@ocr.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status_cmd(as_json: bool) -> None:
    """The OCR backlog: documents and pages waiting, read, failed; pace and ETA."""
    from innsyn.ocr.queue import backlog

    settings = Settings()
    with one_line_errors("ocr status"):
        state = backlog(_sessions(settings))
    if as_json:
        click.echo(json.dumps(state.as_dict(), indent=2))
        return
    click.echo(state.summary())
    eta = state.eta_seconds(settings.ocr_concurrency)
    if state.pages_waiting:
        click.echo(
            f"ETA at {settings.ocr_concurrency} pages at a time: "
            + (f"{eta:.0f} s" if eta is not None else "unknown (no page read yet)")
        )
    for line in state.failures:
        click.echo(f"  {line}")


@ocr.command("retry")
def retry_cmd() -> None:
    """Queue the failed pages of partly read and failed documents again."""
    from innsyn.ocr.background import retry_failed

    with one_line_errors("ocr retry"):
        count = retry_failed(_sessions(Settings()))
    click.echo(f"{count} documents queued again")
