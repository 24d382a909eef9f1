"""The harvest pipeline: records from a harvester into the store, files into the blob
store, then extraction and indexing.

A run is idempotent: ids are stable per source and system ID, unchanged records are not
written, so a killed run simply runs again with no duplicates. Commits happen in
batches. When OpenSearch is down the harvest still completes into the store and the
report says how many records wait for indexing.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.harvest import upsert
from innsyn.harvest.files import fetch_file
from innsyn.harvest.records import (
    DeleteRecord,
    EnhetRecord,
    HarvestWarning,
    JournalpostRecord,
    SaksmappeRecord,
)
from innsyn.harvest.runs import on_harvest_start, worker_name
from innsyn.progress import Progress, ProgressCallback
from innsyn.store.blobs import BlobStore
from innsyn.store.ids import stable_id
from innsyn.store.models import Enhet, HarvestRun, Journalpost, Saksmappe, utcnow

MAX_MESSAGES = 20
LOG_TAIL = 60
BUSY_RETRIES = 5


class Interrupted(Exception):
    """The run was asked to stop; what was in hand is committed."""


@dataclass
class HarvestReport:
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extraction: dict[str, Any] = field(default_factory=dict)
    index: str = ""
    status: str = "ok"
    seconds: float = 0.0
    run_id: int = 0
    log: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_TAIL))

    def say(self, message: str) -> None:
        self.log.append(f"{utcnow():%Y-%m-%d %H:%M:%S} {message}")

    def note(self, bucket: list[str], message: str) -> None:
        if len(bucket) < MAX_MESSAGES and message not in bucket:
            bucket.append(message)

    def summary(self) -> str:
        c = self.counts
        parts = [f"{k} {c[k]}" for k in ("new", "updated", "unchanged", "deleted", "failed")]
        text = f"{self.status}: entries " + ", ".join(parts)
        text += f"; cases new {c['saksmappe_new']}, updated {c['saksmappe_updated']}"
        if c["files_fetched"] or c["files_failed"]:
            text += f"; files fetched {c['files_fetched']}, failed {c['files_failed']}"
        if self.extraction:
            text += "; extraction " + ", ".join(f"{k} {v}" for k, v in self.extraction.items())
        if c["warnings"]:
            text += f"; warnings {c['warnings']}"
        if self.index:
            text += f"; index: {self.index}"
        return text + f" ({self.seconds:.1f}s)"


def harvest(
    settings: Settings,
    sessions: sessionmaker[Session],
    harvester: Any,
    source_key: str,
    progress: ProgressCallback | None = None,
    *,
    extract: bool = True,
    index: bool = True,
    default_enhet: str | None = None,
    job_id: int | None = None,
    trigger: str | None = None,
    worker: str | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> HarvestReport:
    """Harvest ``harvester`` into the store as source ``source_key``; extract and index.

    ``should_stop`` is polled between records: when it says yes, the batch in hand is
    committed, the run is marked ``interrupted`` and ``Interrupted`` is raised.
    """
    report = HarvestReport()
    started = time.monotonic()
    blobs = BlobStore(settings.resolved_blob_dir)
    with sessions.begin() as s:
        run = HarvestRun(
            source_key=source_key,
            harvester=getattr(harvester, "name", "?"),
            location=str(getattr(harvester, "location", "")),
            job_id=job_id,
            trigger=trigger,
            worker=worker or worker_name(),
        )
        s.add(run)
    report.run_id = run.id

    def _progress(message: str) -> None:
        report.say(message)
        if progress is not None:
            progress(message)

    on_harvest_start(sessions, run.id, blobs, _progress)  # dead runs, stale tmp files

    report.say(f"harvest of {source_key} started")
    try:
        seen = _ingest(
            settings,
            sessions,
            blobs,
            harvester,
            source_key,
            report,
            _progress,
            default_enhet,
            should_stop,
        )
        if harvester.complete:
            _delete_missing(sessions, source_key, seen, report)
        if extract:
            _extract(settings, sessions, blobs, report, _progress)
        if index:
            _index(settings, sessions, report, _progress)
    except Interrupted:
        report.status = "interrupted"
        report.say("stopped on request; the batch in hand was committed")
        _finish(sessions, run.id, report, started)
        raise
    except Exception as exc:
        report.status = "failed"
        report.note(report.errors, f"{type(exc).__name__}: {exc}")
        report.say(f"failed: {type(exc).__name__}: {exc}")
        _finish(sessions, run.id, report, started)
        raise
    _finish(sessions, run.id, report, started)
    return report


def _ingest(
    settings: Settings,
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    harvester: Any,
    source_key: str,
    report: HarvestReport,
    progress: ProgressCallback | None,
    default_enhet: str | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> dict[str, set[str]]:
    """Write every record into the store in batches of ``harvest_commit_every``.

    A batch is first written the fast way: no savepoint per record and one flush at
    commit. Should any database error occur, the batch is rolled back and written again
    record by record, each entry in its own savepoint (with busy retries), so one bad
    entry is counted as failed and the rest of the batch is kept. An agency is written in
    a batch of its own, so entries are never replayed against a rolled-back agency. Ids
    seen are kept only when the source is complete (they decide deletions), so memory
    stays flat otherwise.
    """
    track = bool(harvester.complete)
    seen: dict[str, set[str]] = {"journalpost": set(), "saksmappe": set()}
    clock = Progress(f"harvest {source_key}", None, progress)
    session = sessions()
    batch: list[Any] = []
    counts_at_commit = report.counts.copy()
    enhet = [default_enhet]
    upsert.mark_fresh_source(session, source_key)

    def one(rec: Any, careful: bool) -> None:
        if isinstance(rec, EnhetRecord):
            eid, _state = upsert.upsert_enhet(session, source_key, rec)
            session.flush()
            enhet[0] = enhet[0] or eid
            row = session.get(Enhet, eid)
            if row is not None:
                row.last_harvested_at = utcnow()
        elif isinstance(rec, SaksmappeRecord):
            sak_id, state = upsert.upsert_saksmappe(session, source_key, rec, enhet[0])
            if track:
                seen["saksmappe"].add(sak_id)
            report.counts[f"saksmappe_{state}"] += 1
            if careful:
                session.flush()
        elif isinstance(rec, JournalpostRecord):
            write = partial(_entry, settings, session, blobs, source_key, rec, enhet[0], report)
            if careful:
                try:
                    jp_id = with_busy_retry(session, report, write)
                except SQLAlchemyError as exc:
                    report.counts["failed"] += 1
                    report.note(
                        report.errors,
                        f"{rec.system_id}: not stored: "
                        f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                    )
                    return
            else:
                jp_id = write()
            if track:
                seen["journalpost"].add(jp_id)
        elif isinstance(rec, DeleteRecord):
            upsert.write_fresh_rows(session)
            session.flush()  # a withdrawal may name a record of this very batch
            model = Journalpost if rec.kind == "journalpost" else Saksmappe
            prefix = "jp" if rec.kind == "journalpost" else "sm"
            report.counts["deleted"] += upsert.mark_deleted(
                session, model, [stable_id(prefix, source_key, rec.system_id)]
            )

    def replay(exc: SQLAlchemyError) -> None:
        """The fast write failed: roll back and write the batch record by record."""
        session.rollback()
        upsert.forget_known(session)
        warnings = report.counts["warnings"]
        report.counts = counts_at_commit.copy()
        report.counts["warnings"] = warnings
        report.counts["batches_replayed"] += 1
        if _is_busy(exc):
            report.counts["db_busy_retries"] += 1
        for rec in batch:
            one(rec, careful=True)

    def commit(failed: SQLAlchemyError | None = None) -> None:
        nonlocal counts_at_commit
        for attempt in range(BUSY_RETRIES + 1):
            try:
                if failed is not None:
                    replay(failed)
                upsert.write_fresh_rows(session)
                session.commit()
                break
            except SQLAlchemyError as exc:
                if failed is not None and not (_is_busy(exc) and attempt < BUSY_RETRIES):
                    raise
                failed = exc
                if _is_busy(exc):
                    time.sleep(0.2 * (attempt + 1))
        batch.clear()
        upsert.trim_known(session)
        counts_at_commit = report.counts.copy()

    try:
        for rec in harvester.records():
            if should_stop is not None and should_stop():
                commit()
                raise Interrupted()
            if isinstance(rec, HarvestWarning):
                report.counts["warnings"] += 1
                report.note(report.warnings, rec.message)
                continue
            if isinstance(rec, EnhetRecord):
                commit()
                batch.append(rec)
                one(rec, careful=True)
                commit()
                continue
            batch.append(rec)
            try:
                with session.no_autoflush:
                    one(rec, careful=False)
            except SQLAlchemyError as exc:
                commit(failed=exc)
            if isinstance(rec, JournalpostRecord):
                clock.advance()
            if len(batch) >= settings.harvest_commit_every:
                commit()
        commit()
    except Interrupted:
        raise
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
    clock.finish()
    return seen


def _is_busy(exc: SQLAlchemyError) -> bool:
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


def with_busy_retry(session: Session, report: HarvestReport, write: Callable[[], str]) -> str:
    """``write()`` in a savepoint; a busy or locked database is retried, not failed.

    SQLite refuses a write from a transaction whose read snapshot another writer has
    overtaken (waiting would not help): the batch so far is committed, which releases
    the snapshot, and the write is tried again after a pause.
    """
    for attempt in range(BUSY_RETRIES + 1):
        try:
            with session.begin_nested():
                return write()
        except OperationalError as exc:
            if not _is_busy(exc) or attempt == BUSY_RETRIES:
                raise
            session.commit()
            report.counts["db_busy_retries"] += 1
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def _entry(
    settings: Settings,
    session: Session,
    blobs: BlobStore,
    source_key: str,
    rec: JournalpostRecord,
    default_enhet: str | None,
    report: HarvestReport,
) -> str:
    fresh_id = upsert.add_fresh_journalpost(session, source_key, rec, default_enhet)
    if fresh_id is not None:
        report.counts[upsert.NEW] += 1
        return fresh_id
    jp, state, files = upsert.upsert_journalpost(session, source_key, rec, default_enhet)
    for obj, frec in files:
        error = fetch_file(blobs, obj, frec, settings.max_file_size)
        report.counts["files_failed" if error else "files_fetched"] += 1
        if error:
            report.note(report.errors, f"{rec.system_id}: {error}")
        if state == upsert.UNCHANGED and (error or obj.extraction_status == "pending"):
            state = upsert.UPDATED
    if state != upsert.UNCHANGED:
        jp.updated_at = utcnow()
    report.counts[state] += 1
    return jp.id


def _delete_missing(
    sessions: sessionmaker[Session],
    source_key: str,
    seen: dict[str, set[str]],
    report: HarvestReport,
) -> None:
    with sessions.begin() as s:
        for model, kind in ((Journalpost, "journalpost"), (Saksmappe, "saksmappe")):
            ids = [
                i
                for i in s.scalars(
                    select(model.id).where(
                        model.source_key == source_key, model.deleted_at.is_(None)
                    )
                )
                if i not in seen[kind]
            ]
            if ids:
                n = upsert.mark_deleted(s, model, ids)
                if kind == "journalpost":
                    report.counts["deleted"] += n


def _extract(
    settings: Settings,
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    report: HarvestReport,
    progress: ProgressCallback | None,
) -> None:
    from innsyn.extraction.worker import extract_pending

    result = extract_pending(settings, sessions, blobs, progress)
    report.extraction = result.as_dict()
    if result.tika_unavailable:
        report.note(report.errors, "Tika unavailable: documents stay pending for a later run")


def _index(
    settings: Settings,
    sessions: sessionmaker[Session],
    report: HarvestReport,
    progress: ProgressCallback | None,
) -> None:
    from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
    from opensearchpy.exceptions import TransportError

    from innsyn.indexing.indexer import catch_up, pending_count
    from innsyn.search_client import make_client

    try:
        result = catch_up(settings, make_client(settings), sessions, progress)
        report.index = result.summary()
        if result.failed:
            report.counts["index_failed"] += result.failed
    except (OpenSearchConnectionError, TransportError) as exc:
        lag = pending_count(sessions)
        report.index = (
            f"index pending: {lag} records (OpenSearch unavailable: {type(exc).__name__})"
        )
        report.note(report.errors, report.index)


def _finish(
    sessions: sessionmaker[Session], run_id: int, report: HarvestReport, started: float
) -> None:
    report.seconds = time.monotonic() - started
    if report.status == "ok" and (report.counts["failed"] or report.errors):
        report.status = "ok_with_errors"
    with sessions.begin() as s:
        run = s.get(HarvestRun, run_id)
        if run is not None:
            run.status = report.status
            run.finished_at = utcnow()
            run.counts = dict(report.counts)
            run.errors = report.errors + report.warnings
            run.log_tail = [*report.log, report.summary()]
