"""Keeping the index in step with the store: create, catch up, rebuild, compare.

- ``ensure_indices`` creates the first versioned index behind each alias.
- ``catch_up`` indexes every record whose ``updated_at`` is newer than its
  ``last_indexed_at`` (and removes tombstoned ones), in id-ordered batches.
- ``rebuild`` fills a new versioned index from the store and swaps the alias in one
  atomic ``_aliases`` call; readers never see a missing or half-filled index.
- ``status`` compares store and index counts.
- ``DirectIndex`` indexes a harvest's new entries straight from the rows it has just
  written, where that is sure to give catch-up's document; catch-up does the rest.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

from opensearchpy import OpenSearch
from sqlalchemy import ColumnElement, Table, bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.indexing import bulk, rows
from innsyn.indexing.documents import DocumentTexts
from innsyn.indexing.mappings import index_body
from innsyn.indexing.names import new_index_name
from innsyn.kinds import INDEXED, IndexKind
from innsyn.progress import Progress, ProgressCallback
from innsyn.store.models import utcnow

BATCH = 500


@dataclass
class IndexReport:
    indexed: int = 0
    deleted: int = 0
    failed: int = 0
    withheld: int = 0
    """Rows under embargo kept out of the index (counted in ``deleted`` too)."""
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, result: bulk.BulkResult, deletes: int) -> None:
        self.indexed += len(result.ok_ids) - deletes
        self.deleted += deletes
        self.failed += result.failed
        self.errors.extend(result.samples[: bulk.MAX_SAMPLES - len(self.errors)])

    def summary(self, samples: bool = True) -> str:
        """Counts and rate, and (``samples``) the first errors, which name documents."""
        rate = (self.indexed + self.deleted) / self.seconds if self.seconds > 0 else 0.0
        text = (
            f"indexed {self.indexed}, deleted {self.deleted}, failed {self.failed} "
            f"in {self.seconds:.1f}s ({rate:.0f}/s)"
        )
        if self.errors and samples:
            text += "; first errors: " + "; ".join(self.errors[:3])
        return text


def ensure_indices(settings: Settings, client: OpenSearch) -> None:
    """Create the first versioned index behind each alias, unless the alias exists."""
    for kind in INDEXED:
        alias = kind.alias(settings)
        if client.indices.exists_alias(name=alias):
            continue
        body = index_body(settings, kind.mapping)
        body["aliases"] = {alias: {}}
        client.indices.create(index=new_index_name(settings, kind.name), body=body)


def _batches(
    sessions: sessionmaker[Session], kind: IndexKind[Any], where: Sequence[ColumnElement[bool]]
) -> Iterator[tuple[Session, list[Any]]]:
    """Id-ordered batches of rows matching ``where``, each with its open session.

    The ids are read in one pass (streamed from one snapshot, so the pending indexes
    are read once, not once a page), and each batch's rows are loaded by id."""
    model = kind.model
    with sessions() as session:
        agencies = rows.Agencies(session)
    with sessions() as reader:
        ids = reader.scalars(
            select(model.id).where(*where).order_by(model.id),
            execution_options={"yield_per": BATCH},
        )
        for chunk in ids.partitions(BATCH):
            with sessions() as session:
                batch = kind.load(session, [model.id.in_(chunk)], "", BATCH, agencies)
                if batch:
                    yield session, batch


def _actions(
    index: str, rows: list[Any], build: Callable[[Any], dict[str, Any]], now: dt.datetime
) -> tuple[list[dict[str, Any]], int, int]:
    """The bulk actions for ``rows`` at ``now``: a delete for a withdrawn row or one under
    embargo (``withheld``: it is kept out of the index until the embargo ends, when
    ``rows.stale_*`` offers it again), an index action for the rest;
    (actions, deletes, withheld among the deletes)."""
    actions = []
    deletes = withheld = 0
    for row in rows:
        embargoed = row.accessible_after is not None and row.accessible_after > now
        if row.deleted_at is not None or embargoed:
            deletes += 1
            withheld += row.deleted_at is None
            actions.append({"_op_type": "delete", "_index": index, "_id": row.id})
        else:
            actions.append(
                {"_op_type": "index", "_index": index, "_id": row.id, "_source": build(row)}
            )
    return actions, deletes, withheld


Stamp = tuple[dt.datetime, dt.datetime | None]
"""What a document was built from: its row's ``updated_at`` and its lender's."""


def _stamps(kind: IndexKind[Any], batch: list[Any]) -> dict[str, Stamp]:
    lender = kind.lender
    return {
        row.id: (row.updated_at, lender.stamp(row) if lender is not None else None) for row in batch
    }


def _mark_indexed(
    session: Session, kind: IndexKind[Any], read: dict[str, Stamp], started: dt.datetime
) -> None:
    """Mark the rows in ``read`` (id: the stamps their documents were built from)
    indexed at ``started``, each only while its ``updated_at`` is still the one read and
    so is its lender's (an entry's case).

    A row written meanwhile keeps waiting, whatever its ``updated_at`` says: a writer
    whose transaction took its time stamp before ``started`` but committed after the row
    was read would otherwise be marked indexed with the old document in the index (the
    race a time comparison alone cannot see). The same holds one level up: an entry
    whose case was written that way carries the case's old title in its document, and
    the case's newer ``updated_at`` does not send it round again."""
    if not read:
        return
    table: Table = cast(Table, kind.model.__table__)
    mark = (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.updated_at == bindparam("row_read"))
        .values(last_indexed_at=started)
    )
    plain = [{"row_id": i, "row_read": own} for i, (own, lent) in read.items() if lent is None]
    if plain:
        session.execute(mark, plain)
    lender = kind.lender
    guarded = [
        {"row_id": i, "row_read": own, "lent_read": lent}
        for i, (own, lent) in read.items()
        if lent is not None
    ]
    if guarded and lender is not None:
        other: Table = cast(Table, lender.model.__table__)
        unchanged = (
            select(other.c.id)
            .where(other.c.id == table.c[lender.key], other.c.updated_at == bindparam("lent_read"))
            .exists()
        )
        session.execute(mark.where(unchanged), guarded)
    session.commit()


def _index_where(
    settings: Settings,
    client: OpenSearch,
    sessions: sessionmaker[Session],
    kind: IndexKind[Any],
    index: str,
    where: Sequence[ColumnElement[bool]],
    report: IndexReport,
    progress: Progress,
    skip_deleted: bool = False,
) -> None:
    """Index the rows matching ``where``, batch by batch.

    One bulk request is in flight in a background thread while the next batch is read
    from the store and turned into documents, so OpenSearch and Python work at the same
    time; a batch is marked indexed only once its bulk answer has been checked.
    """
    model = kind.model
    texts = DocumentTexts(settings)

    def build(row: Any) -> dict[str, Any]:
        return kind.build(texts, row)

    clauses = list(where) + ([model.deleted_at.is_(None)] if skip_deleted else [])
    in_flight: tuple[Future[bulk.BulkResult], dt.datetime, int, dict[str, Stamp]] | None
    in_flight = None

    def settle(session: Session) -> None:
        assert in_flight is not None
        future, started, deletes, read = in_flight
        result = future.result()
        report.add(result, deletes)
        ok = set(result.ok_ids)
        _mark_indexed(session, kind, {i: t for i, t in read.items() if i in ok}, started)
        progress.advance(len(read))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk") as pool:
        for session, batch in _batches(sessions, kind, clauses):
            started = utcnow()
            actions, deletes, withheld = _actions(index, batch, build, started)
            report.withheld += withheld
            if in_flight is not None:
                settle(session)
            future = pool.submit(bulk.write, client, actions, settings.bulk_chunk_size)
            in_flight = (future, started, deletes, _stamps(kind, batch))
        if in_flight is not None:
            with sessions() as session:
                settle(session)


def catch_up(
    settings: Settings,
    client: OpenSearch,
    sessions: sessionmaker[Session],
    progress: ProgressCallback | None = None,
) -> IndexReport:
    """Index every record changed since it was last indexed; remove tombstoned ones."""
    ensure_indices(settings, client)
    report = IndexReport()
    clock = Progress("index catch-up", None, progress)
    for kind in INDEXED:
        clock.label = f"index catch-up ({kind.name})"
        where = kind.stale()
        _index_where(settings, client, sessions, kind, kind.alias(settings), where, report, clock)
    client.indices.refresh(index=",".join(k.alias(settings) for k in INDEXED))
    report.seconds = time.monotonic() - clock.started
    clock.finish()
    return report


def _indices_behind(client: OpenSearch, alias: str) -> list[str]:
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias).keys())


def rebuild(
    settings: Settings,
    client: OpenSearch,
    sessions: sessionmaker[Session],
    progress: ProgressCallback | None = None,
) -> IndexReport:
    """Fill new versioned indices from the store and swap each alias atomically."""
    report = IndexReport()
    started = time.monotonic()
    for kind in INDEXED:
        model = kind.model
        alias = kind.alias(settings)
        if client.indices.exists(index=alias) and not client.indices.exists_alias(name=alias):
            raise RuntimeError(f"{alias} is a concrete index, not an alias; delete it first")
        new = new_index_name(settings, kind.name)
        body = index_body(settings, kind.mapping)
        replicas = body["settings"]["index"]["number_of_replicas"]
        body["settings"]["index"].update(number_of_replicas=0, refresh_interval="-1")
        client.indices.create(index=new, body=body)
        snapshot = utcnow()
        with sessions() as session:
            total = session.scalar(
                select(func.count()).select_from(model).where(model.deleted_at.is_(None))
            )
        clock = Progress(f"rebuild {kind.name}", int(total or 0), progress)
        withheld = report.withheld
        _index_where(settings, client, sessions, kind, new, [], report, clock, skip_deleted=True)
        total = int(total or 0) - (report.withheld - withheld)
        client.indices.put_settings(
            index=new,
            body={"index": {"refresh_interval": "1s", "number_of_replicas": replicas}},
        )
        client.indices.refresh(index=new)
        count = int(client.count(index=new)["count"])
        if count != total and report.failed == 0:
            raise RuntimeError(f"rebuild of {kind.name}: store has {total}, new index has {count}")
        old = _indices_behind(client, alias)
        actions: list[dict[str, Any]] = [{"remove": {"index": i, "alias": alias}} for i in old]
        actions.append({"add": {"index": new, "alias": alias}})
        client.indices.update_aliases(body={"actions": actions})
        for index in old:
            client.indices.delete(index=index, ignore_unavailable=True)
        changed = [model.updated_at >= snapshot]
        _index_where(
            settings,
            client,
            sessions,
            kind,
            alias,
            changed,
            report,
            Progress(f"rebuild {kind.name} (changes during rebuild)", None, progress),
        )
        clock.finish()
    report.seconds = time.monotonic() - started
    return report


def status(
    settings: Settings, client: OpenSearch, sessions: sessionmaker[Session]
) -> dict[str, Any]:
    """Per kind: store count, index count, pending records, and the index behind the alias."""
    out: dict[str, Any] = {}
    for kind in INDEXED:
        model = kind.model
        alias = kind.alias(settings)
        with sessions() as session:
            stored = session.scalar(
                select(func.count()).select_from(model).where(*rows.public_now(model))
            )
            pending = session.scalar(select(func.count()).select_from(model).where(*kind.stale()))
        indices = _indices_behind(client, alias)
        indexed = int(client.count(index=alias)["count"]) if indices else 0
        out[kind.name] = {
            "alias": alias,
            "indices": indices,
            "store": int(stored or 0),
            "index": indexed,
            "pending": int(pending or 0),
            "in_sync": indexed == int(stored or 0) and not pending,
        }
    return out


def pending_count(sessions: sessionmaker[Session]) -> int:
    """Records of every kind waiting to be (re)indexed."""
    total = 0
    with sessions() as session:
        for kind in INDEXED:
            query = select(func.count()).select_from(kind.model).where(*kind.stale())
            total += int(session.scalar(query) or 0)
    return total
