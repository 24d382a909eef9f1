"""``innsyn index …``: create, catch up, rebuild and compare the OpenSearch index."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click
from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from sqlalchemy.orm import Session, sessionmaker

from innsyn.cli_errors import fail, one_line_errors
from innsyn.config import Settings

T = TypeVar("T")
_CATCH_UP_AFTER = "records not yet indexed stay pending for the next catch-up"
_REBUILD_AFTER = "an alias moves to its new index only once that index is complete"


def _parts(settings: Settings) -> tuple[OpenSearch, sessionmaker[Session]]:
    from innsyn.search_client import make_client
    from innsyn.store.db import make_engine, make_sessionmaker, migrate

    engine = make_engine(settings)
    migrate(engine)
    return make_client(settings), make_sessionmaker(engine)


def _unreachable(settings: Settings) -> NoReturn:
    fail(
        f"OpenSearch is not reachable at {', '.join(settings.opensearch_urls)} "
        "(start it with 'innsyn services up' or set INNSYN_OPENSEARCH_URLS). "
        "Nothing was lost: the store keeps every record and the index catches up later."
    )


def _run(what: str, work: Callable[[Settings, OpenSearch, Any], T], after: str = "") -> T:
    """``work(settings, client, sessions)`` with one-line errors; ``after`` says what
    became of the work when it fails."""
    settings = Settings()
    with one_line_errors(what, (lambda: after) if after else None):
        client, sessions = _parts(settings)
        try:
            return work(settings, client, sessions)
        except OpenSearchConnectionError:
            _unreachable(settings)
    raise AssertionError("unreachable")  # one_line_errors exits on any error


@click.group()
def index() -> None:
    """The OpenSearch index (a derived copy of the store)."""


@index.command("create")
def create_cmd() -> None:
    """Create the indices and aliases if they do not exist."""
    from innsyn.indexing.indexer import ensure_indices

    _run("index create", lambda settings, client, _sessions: ensure_indices(settings, client))
    click.echo("indices ready")


@index.command("catch-up")
def catch_up_cmd() -> None:
    """Index every record changed since it was last indexed."""
    from innsyn.indexing.indexer import catch_up

    report = _run(
        "index catch-up",
        lambda st, client, sessions: catch_up(st, client, sessions, click.echo),
        _CATCH_UP_AFTER,
    )
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@index.command("rebuild")
def rebuild_cmd() -> None:
    """Build new indices from the store and swap the aliases atomically."""
    from innsyn.indexing.indexer import rebuild

    report = _run(
        "index rebuild",
        lambda st, client, sessions: rebuild(st, client, sessions, click.echo),
        _REBUILD_AFTER,
    )
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@index.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status_cmd(as_json: bool) -> None:
    """Compare store and index counts; show the OCR backlog (text still to come)."""
    from innsyn.indexing.indexer import status
    from innsyn.ocr.queue import backlog

    result = _run(
        "index status",
        lambda st, client, sessions: (status(st, client, sessions), backlog(sessions)),
    )
    kinds, ocr = result
    if as_json:
        click.echo(json.dumps({**kinds, "ocr": ocr.as_dict()}, indent=2))
        return
    for kind, row in kinds.items():
        state = "in sync" if row["in_sync"] else "NOT in sync"
        click.echo(
            f"{kind:<12} store {row['store']:>8}  index {row['index']:>8}  "
            f"pending {row['pending']:>6}  {state}  ({', '.join(row['indices']) or 'no index'})"
        )
    click.echo(ocr.summary())
