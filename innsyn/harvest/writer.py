"""The store writer: one harvest's records into the database, in batches.

``StoreWriter`` is the step between a harvester and extraction in the path of a record
(harvester -> ``pipeline.run_source`` -> **StoreWriter** -> extraction -> index
catch-up). It owns everything that writing needs to remember:

- **the session** it writes through, and the **batch in hand** (records since the last
  commit); every ``harvest_commit_every`` records the batch is committed;
- **whether the source is fresh** (no entry or case of it in the store yet). A fresh
  source's new cases and entries are buffered as plain rows (``FreshRows``) and written
  at commit with one multi-row INSERT per table: nothing to look up, nothing to compare.
  Anything else (an entry with files to fetch, a repeated record, any record of a source
  seen before) takes the careful path: ORM rows, compared field by field
  (``innsyn.harvest.values``), written only when changed;
- **the known ids** (agencies, cases and entries found or written, and misses), so a
  harvest does not ask the database once per entry; forgotten after a commit once there
  are ``KNOWN_IDS_LIMIT`` of them, so memory stays flat;
- **the counts at the last commit**: should a batch fail with a database error, it is
  rolled back, the counts go back to what was committed, and the batch is **replayed**
  record by record, each entry in its own savepoint (a busy database is retried), so one
  bad entry is counted as failed and the rest are kept. A replayed source is no longer
  trusted to be fresh;
- for a source that lists everything (``complete``), the ids it listed, so ``finish()``
  can tombstone the rest;
- optionally a ``DirectIndex`` (``innsyn.indexing.direct``), told of every multi-row
  insert and every commit, so the new entries are indexed straight from the rows just
  written; and of every other change to a case, an agency or a withdrawal, so what it
  may no longer be sure of is left to the index catch-up.

An agency is written in a batch of its own, so entries are never replayed against a
rolled-back agency; the first agency written becomes the owner of records that name
none (unless the run gives one). A withdrawal (``DeleteRecord``) first writes what is
buffered, so it may name a record of its own batch.

Use::

    with StoreWriter(sessions, settings, blobs, source_key, report) as writer:
        for rec in records:
            writer.write(rec)
        writer.finish()
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.extraction.status import ExtractionStatus
from innsyn.harvest.files import fetch_file, forget_content
from innsyn.harvest.records import (
    DeleteRecord,
    EnhetRecord,
    JournalpostRecord,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.harvest.report import HarvestReport
from innsyn.harvest.values import (
    Change,
    apply_documents,
    apply_parts,
    apply_screening,
    assign,
    document_id,
    document_values,
    enhet_id,
    enhet_values,
    journalpost_id,
    journalpost_values,
    new_row,
    part_values,
    saksmappe_id,
    saksmappe_values,
    skjerming_values,
)
from innsyn.privacy import (
    keep_earlier_publication,
    keep_first_seen,
    publication_date,
    without_unwindowed_names,
)
from innsyn.store.blobs import BlobStore
from innsyn.store.db import is_busy
from innsyn.store.derived import drop_derived
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Enhet,
    Journalpost,
    Korrespondansepart,
    Saksmappe,
    Skjerming,
    utcnow,
)

if TYPE_CHECKING:
    from innsyn.indexing.direct import DirectIndex

T = TypeVar("T")

StoredRecord = EnhetRecord | SaksmappeRecord | JournalpostRecord | DeleteRecord
"""A record the writer stores (a harvester's warnings go to the report instead)."""

KNOWN_IDS_LIMIT = 50_000
"""Known ids kept between batches; beyond this they are forgotten at the next commit."""
BUSY_RETRIES = 5
"""Times a write refused by a busy or locked database is tried again."""


class AgencyScope:
    """The agencies a job's run may write and attribute records to: the job's agency and
    every unit under it (and units the run adds under them). Agencies elsewhere come
    from the registries and site admins, never from an agency's source."""

    def __init__(self, ids: set[str]) -> None:
        self._ids = ids

    @classmethod
    def under(cls, session: Session, root: str) -> AgencyScope:
        ids = {root}
        frontier = [root]
        while frontier:
            children = session.scalars(select(Enhet.id).where(Enhet.parent_id.in_(frontier)))
            frontier = [c for c in children if c not in ids]
            ids.update(frontier)
        return cls(ids)

    def __contains__(self, eid: object) -> bool:
        return eid in self._ids

    def add(self, eid: str) -> None:
        self._ids.add(eid)


class StoreWriter:
    """Writes one source's records into the store; see the module docstring.

    ``write(rec)`` for every record, ``commit()`` to make what is in hand durable (a
    stop on request), ``finish()`` at the end of the source, ``close()`` (or a ``with``
    block) always. Counts, errors and notes go to ``report``. ``fresh`` overrides what
    the store says about the source (``False`` forces the careful path).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        blobs: BlobStore,
        source_key: str,
        report: HarvestReport,
        *,
        default_enhet: str | None = None,
        complete: bool = False,
        fresh: bool | None = None,
        direct: DirectIndex | None = None,
        agency_scope: str | None = None,
    ) -> None:
        self.source_key = source_key
        self.report = report
        self._blobs = blobs
        self._max_file_size = settings.max_file_size
        self._commit_every = settings.harvest_commit_every
        self._enhet = default_enhet
        self._session = sessions()
        self._scope = AgencyScope.under(self._session, agency_scope) if agency_scope else None
        self._direct = direct
        self.fresh = self._source_is_empty() if fresh is None else fresh
        self._rows = FreshRows()
        self._known: dict[str, bool] = {}
        self._batch: list[StoredRecord] = []
        self._counts_at_commit = report.counts.copy()
        self.harvested_at = utcnow()
        """The harvest time: no publication date stored by this run is later."""
        self.seen: dict[str, set[str]] | None = (
            {"journalpost": set(), "saksmappe": set()} if complete else None
        )

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the session; whatever was not committed is dropped."""
        if self._direct is not None:
            self._direct.close()
        self._session.close()

    @property
    def known_ids(self) -> int:
        """How many ids the writer remembers now."""
        return len(self._known)

    def write(self, rec: StoredRecord) -> None:
        """Write one record into the batch in hand; commit when the batch is full."""
        if isinstance(rec, EnhetRecord):
            self.commit()
            self._batch.append(rec)
            self._write(rec, careful=True)
            self.commit()
            return
        self._batch.append(rec)
        try:
            with self._session.no_autoflush:
                self._write(rec, careful=False)
        except SQLAlchemyError as exc:
            self._commit(failed=exc)  # the batch, this record included, is replayed
        if len(self._batch) >= self._commit_every:
            self.commit()

    def commit(self) -> None:
        """Commit the batch in hand (replayed record by record should that fail)."""
        self._commit()

    def finish(self) -> None:
        """Commit the last batch; for a complete source, tombstone the entries and cases
        of this source that it no longer lists."""
        self.commit()
        if self.seen is not None:
            self._tombstone_unlisted(self.seen)
        if self._direct is not None:
            self._direct.finish(self._session)

    def _tombstone_unlisted(self, seen: dict[str, set[str]]) -> None:
        """Tombstone this source's entries and cases that are not in ``seen``."""
        for model, kind in ((Journalpost, "journalpost"), (Saksmappe, "saksmappe")):
            listed = seen[kind]
            ids = [
                i
                for i in self._session.scalars(
                    select(model.id).where(
                        model.source_key == self.source_key, model.deleted_at.is_(None)
                    )
                )
                if i not in listed
            ]
            if ids:
                n = mark_deleted(self._session, model, ids)
                if kind == "journalpost":
                    self.report.counts["deleted"] += n
        self._session.commit()

    def _commit(self, failed: SQLAlchemyError | None = None) -> None:
        """Commit the batch in hand. Should that fail (or ``failed`` say the fast write
        already did), replay it record by record and commit again; a busy database is
        waited for, up to ``BUSY_RETRIES`` times; any other second failure is raised."""
        for attempt in range(BUSY_RETRIES + 1):
            try:
                if failed is not None:
                    self._replay(failed)
                self._write_buffered_rows()
                if self._direct is not None:
                    self._direct.settle(self._session, wait=False)
                self._session.commit()
                break
            except SQLAlchemyError as exc:
                if failed is not None and not (is_busy(exc) and attempt < BUSY_RETRIES):
                    raise
                failed = exc
                if is_busy(exc):
                    time.sleep(0.2 * (attempt + 1))
        self._batch.clear()
        if self._direct is not None:
            self._direct.committed(self._session)
        if len(self._known) >= KNOWN_IDS_LIMIT:
            self._known.clear()  # safe only now: the batch's rows exist in the store
        self._counts_at_commit = self.report.counts.copy()

    def _replay(self, exc: SQLAlchemyError) -> None:
        """The batch failed: roll back, and write it again record by record."""
        self._session.rollback()
        if self._direct is not None:
            self._direct.discard()
        self._known.clear()
        self._rows = FreshRows()
        self.fresh = False
        counts = self.report.counts
        warnings = counts["warnings"]
        counts.clear()
        counts.update(self._counts_at_commit)
        counts["warnings"] = warnings
        counts["batches_replayed"] += 1
        if is_busy(exc):
            counts["db_busy_retries"] += 1
        for rec in self._batch:
            self._write(rec, careful=True)

    def _write(self, rec: StoredRecord, careful: bool) -> None:
        if isinstance(rec, EnhetRecord):
            self._write_agency(rec)
        elif isinstance(rec, SaksmappeRecord):
            self._write_case(without_unwindowed_names(rec), careful)
        elif isinstance(rec, JournalpostRecord):
            self._write_entry(without_unwindowed_names(rec), careful)
        else:
            self._withdraw(rec)

    def _write_buffered_rows(self) -> None:
        """Insert the fresh rows buffered so far (before any ORM flush that may need them)."""
        if self._rows.empty:
            return
        rows, self._rows = self._rows, FreshRows()
        rows.write(self._session)
        if self._direct is not None:
            self._direct.written(rows)

    def _exists(self, model: Any, row_id: str) -> bool:
        """Whether the agency or case ``row_id`` is in the store or in the batch."""
        known = self._known.get(row_id)
        if known is None:
            known = self._known[row_id] = self._session.get(model, row_id) is not None
        return known

    def _stored(self, model: Any, row_id: str) -> Any:
        """The stored case or entry ``row_id``, or None. A fresh source's id not seen yet
        needs no lookup (should it repeat one forgotten since, the insert fails and the
        batch is replayed). A row added earlier in the batch is flushed to be found."""
        known = self._known.get(row_id)
        if self.fresh and not known:
            row = None
        else:
            row = self._session.get(model, row_id)
            if row is None and known:
                self._session.flush()
                row = self._session.get(model, row_id)
        self._known[row_id] = True
        return row

    def _owner(self, system_id: str | None, orgnummer: str | None) -> str | None:
        eid = enhet_id(self.source_key, system_id, orgnummer)
        if eid and (self._scope is None or eid in self._scope) and self._exists(Enhet, eid):
            return eid
        return self._enhet

    def _write_agency(self, rec: EnhetRecord) -> None:
        if self._scope is not None and not self._agency_in_scope(rec):
            self.report.counts["agencies_refused"] += 1
            self.report.note(
                self.report.warnings,
                f"agency {rec.navn!r} ({rec.orgnummer or rec.system_id}) is not this job's "
                "agency or one of its units: not written; its records go to the job's agency",
            )
            return
        eid, change = upsert_enhet(self._session, self.source_key, rec)
        if self._scope is not None:
            self._scope.add(eid)
        self._session.flush()
        if self._direct is not None and change != Change.UNCHANGED:
            self._agency_changed(change)
        self._known[eid] = True
        self._enhet = self._enhet or eid
        row = self._session.get(Enhet, eid)
        if row is not None:
            row.last_harvested_at = utcnow()

    def _agency_in_scope(self, rec: EnhetRecord) -> bool:
        """Whether a job may write ``rec``: an agency of its own tree, or a new one placed
        under it (an existing agency elsewhere, or a new one outside, may not be renamed,
        moved or made by an agency's job)."""
        assert self._scope is not None
        eid = enhet_id(self.source_key, rec.system_id, rec.orgnummer)
        if eid is None:
            return False
        if self._session.get(Enhet, eid) is not None:
            return eid in self._scope
        parent = enhet_id(self.source_key, rec.parent_system_id, rec.parent_orgnummer)
        return parent is not None and parent in self._scope

    def _write_case(self, rec: SaksmappeRecord, careful: bool) -> None:
        sid = saksmappe_id(self.source_key, rec.system_id)
        values = saksmappe_values(rec, self._owner(rec.enhet_system_id, rec.enhet_orgnummer))
        self._clamp_publication(rec, values)
        change = self._case_row(sid, rec, values)
        if self.seen is not None:
            self.seen["saksmappe"].add(sid)
        self.report.counts[f"saksmappe_{change}"] += 1
        if careful:
            self._session.flush()

    def _agency_changed(self, change: Change) -> None:
        """An agency is new (the direct index reads agencies again) or changed: the entries
        of this source indexed directly so far may carry its old name or place, so direct
        indexing stops and they are left to catch-up again."""
        assert self._direct is not None
        self._direct.agencies_changed()
        if change != Change.UPDATED:
            return
        built = self._direct.built
        self._direct.stop()
        if built:  # a fresh source: its entries in the store are this run's
            self._session.execute(
                update(Journalpost)
                .where(Journalpost.source_key == self.source_key)
                .values(last_indexed_at=None)
                .execution_options(synchronize_session=False)
            )

    def _forget_case(self, case_id: str) -> None:
        if self._direct is not None:
            self._direct.forget_case(case_id)

    def _case_row(self, sid: str, rec: SaksmappeRecord, values: dict[str, Any]) -> Change:
        if self.fresh:
            if not self._known.get(sid):
                self._known[sid] = True
                row = new_row(sid, self.source_key, rec.system_id, values)
                self._rows.add_case(sid, row, rec.skjerming)
                return Change.NEW
            if self._rows.same_case(sid, values, rec.skjerming):
                return Change.UNCHANGED
            self._write_buffered_rows()
        stored = self._stored(Saksmappe, sid)
        if stored is None:
            stored = Saksmappe(
                id=sid, source_key=self.source_key, system_id=rec.system_id, **values
            )
            stored.skjerming, _ = apply_screening(None, rec.skjerming)
            self._session.add(stored)
            return Change.NEW
        keep_earlier_publication(values, stored.publisert_dato, rec.publisert_dato)
        keep_first_seen(values, stored.publisert_dato, stored.created_at, rec.publisert_dato)
        changed = assign(stored, values)
        sk, sk_changed = apply_screening(stored.skjerming, rec.skjerming)
        if sk_changed:
            stored.skjerming = sk
        if changed or sk_changed:
            stored.updated_at = utcnow()
            self._forget_case(sid)
            return Change.UPDATED
        return Change.UNCHANGED

    def _write_entry(self, rec: JournalpostRecord, careful: bool) -> None:
        write = partial(self._entry, rec)
        if careful:
            try:
                jid, change = with_busy_retry(self._session, self.report, write)
            except SQLAlchemyError as exc:
                self.report.counts["failed"] += 1
                self.report.note(
                    self.report.errors,
                    f"{rec.system_id}: not stored: "
                    f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                )
                return
        else:
            jid, change = write()
        self.report.counts[change.value] += 1
        if self.seen is not None:
            self.seen["journalpost"].add(jid)

    def _entry_values(self, rec: JournalpostRecord) -> dict[str, Any]:
        sak = (
            saksmappe_id(self.source_key, rec.saksmappe_system_id)
            if rec.saksmappe_system_id
            else None
        )
        values = journalpost_values(
            rec,
            sak if sak and self._exists(Saksmappe, sak) else None,
            self._owner(rec.enhet_system_id, rec.enhet_orgnummer),
        )
        self._clamp_publication(rec, values)
        return values

    def _clamp_publication(
        self, rec: SaksmappeRecord | JournalpostRecord, values: dict[str, Any]
    ) -> None:
        """The publication date to store (``privacy.publication_date``): none stated
        becomes the harvest time; one after the harvest time becomes the harvest time,
        with a warning (a source's future ``publisertDato`` would otherwise keep sensitive
        names shown past their window)."""
        published, clamped = publication_date(rec.publisert_dato, self.harvested_at)
        values["publisert_dato"] = published
        if not clamped:
            return
        self.report.counts["publisert_dato_clamped"] += 1
        self.report.note(
            self.report.warnings,
            f"{rec.system_id}: publisertDato {rec.publisert_dato:%Y-%m-%d %H:%M} is later "
            "than the harvest time; the harvest time is stored instead",
        )

    def _entry(self, rec: JournalpostRecord) -> tuple[str, Change]:
        """Write one entry (buffered, or an ORM row with its files fetched); its id and
        what changed."""
        jid = journalpost_id(self.source_key, rec.system_id)
        if self.fresh:
            if not self._known.get(jid) and not any(d.files for d in rec.dokumenter):
                self._known[jid] = True
                row = new_row(jid, self.source_key, rec.system_id, self._entry_values(rec))
                self._rows.add_entry(row, rec)
                return jid, Change.NEW
            self._write_buffered_rows()  # the ORM path may flush at any query: cases first
            if self._direct is not None:
                self._direct.entry_changed(jid)
        jp, change, files = self._entry_row(jid, rec)
        for obj, frec in files:
            content = obj.sha256
            error = fetch_file(self._blobs, obj, frec, self._max_file_size)
            if content is not None and obj.sha256 == content and (error or frec.open is None):
                forget_content(obj, error)  # the source replaced it; the new one is unread
            if content is not None and obj.sha256 != content and drop_derived(jp, [obj.id]):
                change = Change.UPDATED  # what was found in the earlier content goes with it
            self.report.counts["files_failed" if error else "files_fetched"] += 1
            if error:
                self.report.note(self.report.errors, f"{rec.system_id}: {error}")
            if change == Change.UNCHANGED and (
                error or obj.extraction_status == ExtractionStatus.PENDING
            ):
                change = Change.UPDATED
        if change != Change.UNCHANGED:
            jp.updated_at = utcnow()
        return jp.id, change

    def _entry_row(
        self, jid: str, rec: JournalpostRecord
    ) -> tuple[Journalpost, Change, list[tuple[Any, Any]]]:
        """The entry's ORM row brought in line with ``rec``: (row, change, files to fetch)."""
        values = self._entry_values(rec)
        row = self._stored(Journalpost, jid)
        if row is not None and row.saksmappe_id and row.saksmappe_id != values["saksmappe_id"]:
            self._recount(row.saksmappe_id)
        change = Change.UNCHANGED
        if row is not None:
            keep_earlier_publication(values, row.publisert_dato, rec.publisert_dato)
            keep_first_seen(values, row.publisert_dato, row.created_at, rec.publisert_dato)
        if row is None:
            row = Journalpost(id=jid, source_key=self.source_key, system_id=rec.system_id, **values)
            self._session.add(row)
            change = Change.NEW
        elif assign(row, values):
            change = Change.UPDATED
        sk, sk_changed = apply_screening(row.skjerming, rec.skjerming)
        if sk_changed:
            row.skjerming = sk
        parts_changed = apply_parts(row, rec.korrespondanseparter)
        docs_changed, files = apply_documents(row, rec.dokumenter)
        if change == Change.UNCHANGED and (sk_changed or parts_changed or docs_changed):
            change = Change.UPDATED
        if change != Change.UNCHANGED:
            row.updated_at = utcnow()
        return row, change, files

    def _recount(self, case_id: str) -> None:
        """The case an entry left is due for reindexing (its entry count changed)."""
        self._forget_case(case_id)
        self._session.execute(
            update(Saksmappe)
            .where(Saksmappe.id == case_id)
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    def _withdraw(self, rec: DeleteRecord) -> None:
        self._write_buffered_rows()
        self._session.flush()  # a withdrawal may name a record of this very batch
        if rec.kind == "journalpost":
            model: Any = Journalpost
            row_id = journalpost_id(self.source_key, rec.system_id)
        else:
            model = Saksmappe
            row_id = saksmappe_id(self.source_key, rec.system_id)
            self._forget_case(row_id)
        if self._direct is not None and model is Journalpost:
            self._direct.entry_changed(row_id)
        self.report.counts["deleted"] += mark_deleted(self._session, model, [row_id])

    def _source_is_empty(self) -> bool:
        return all(
            self._session.scalar(
                select(model.id).where(model.source_key == self.source_key).limit(1)
            )
            is None
            for model in (Journalpost, Saksmappe)
        )


@dataclass
class FreshRows:
    """New cases and entries of a fresh source, kept as plain rows until the commit,
    then written with one multi-row INSERT per table instead of one ORM object each.

    Screenings get their generated ids first and are handed to the rows that refer to
    them."""

    screenings: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    saksmappe: list[dict[str, Any]] = field(default_factory=list)
    journalpost: list[dict[str, Any]] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    cases: dict[str, tuple[dict[str, Any], SkjermingRecord | None]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.saksmappe or self.journalpost)

    def screening(self, row: dict[str, Any], rec: SkjermingRecord | None) -> None:
        row["skjerming_id"] = None
        if rec is not None:
            self.screenings.append((row, skjerming_values(rec)))

    def add_case(self, sid: str, row: dict[str, Any], rec: SkjermingRecord | None) -> None:
        self.screening(row, rec)
        self.saksmappe.append(row)
        self.cases[sid] = (row, rec)

    def same_case(self, sid: str, values: dict[str, Any], rec: SkjermingRecord | None) -> bool:
        """Whether case ``sid`` is buffered with exactly these values (a journal that
        repeats the case with every entry)."""
        buffered = self.cases.get(sid)
        if buffered is None:
            return False
        row, screening = buffered
        return screening == rec and all(row[k] == v for k, v in values.items())

    def add_entry(self, row: dict[str, Any], rec: JournalpostRecord) -> None:
        """Buffer the entry ``row`` with its correspondents and documents (no files)."""
        jid = row["id"]
        self.screening(row, rec.skjerming)
        self.journalpost.append(row)
        self.parts.extend(
            {"journalpost_id": jid, **part_values(p)} for p in rec.korrespondanseparter
        )
        keep: set[str] = set()
        for pos, d in enumerate(rec.dokumenter):
            doc = {
                "id": document_id(jid, d, pos, keep),
                "journalpost_id": jid,
                **document_values(d),
                "updated_at": row["updated_at"],
            }
            self.screening(doc, d.skjerming)
            self.documents.append(doc)

    def write(self, session: Session) -> None:
        """Insert everything buffered: screenings, cases, then (after flushing ORM
        objects, as an entry with files may refer to a buffered case) the entries."""
        if self.screenings:
            table = _table(Skjerming)
            ids = session.scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                _with_defaults(table, [values for _row, values in self.screenings]),
            ).all()
            for (row, _values), sk_id in zip(self.screenings, ids, strict=True):
                row["skjerming_id"] = sk_id
        if self.saksmappe:
            table = _table(Saksmappe)
            session.execute(insert(table), _with_defaults(table, self.saksmappe))
        session.flush()
        for model, rows in (
            (Journalpost, self.journalpost),
            (Korrespondansepart, self.parts),
            (Dokumentbeskrivelse, self.documents),
        ):
            if rows:
                table = _table(model)
                session.execute(insert(table), _with_defaults(table, rows))


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _with_defaults(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` for one multi-row INSERT of ``table`` through SQLAlchemy Core, which
    writes every key as given, with a missing key or a ``None`` where the column has a
    Python default replaced by that default, as the ORM would have written them.

    The ORM's own bulk INSERT leaves out a row's ``None`` values, so rows differing in
    which values are ``None`` went to the database in separate statements: about 17 000
    statements for a 20 000-entry harvest instead of one per table and commit."""
    defaults = [c for c in table.columns if c.default is not None]
    if not defaults:
        return rows
    for row in rows:
        for column in defaults:
            if row.get(column.name) is None:
                default: Any = column.default
                row[column.name] = default.arg(None) if default.is_callable else default.arg
    return rows


def upsert_enhet(
    session: Session, source_key: str, rec: EnhetRecord, parents: dict[str, str] | None = None
) -> tuple[str, Change]:
    """Insert or update one agency; ``parents`` maps system ids seen so far to ids (for
    a source that names a parent by system id). Also used by the agency registry import."""
    parents = {} if parents is None else parents
    eid = enhet_id(source_key, rec.system_id, rec.orgnummer)
    assert eid is not None
    parents[rec.system_id] = eid
    parent = parents.get(rec.parent_system_id or "") or enhet_id(
        source_key, rec.parent_system_id, rec.parent_orgnummer
    )
    if parent and session.get(Enhet, parent) is None:
        parent = None
    values = enhet_values(rec, parent)
    row = session.get(Enhet, eid)
    if row is None:
        session.add(Enhet(id=eid, **values))
        return eid, Change.NEW
    if assign(row, values):
        row.updated_at = utcnow()
        return eid, Change.UPDATED
    return eid, Change.UNCHANGED


def mark_deleted(session: Session, model: Any, ids: list[str]) -> int:
    """Tombstone ``ids``: kept in the store, removed from the index by the next catch-up."""
    now = utcnow()
    count = 0
    for row in session.scalars(select(model).where(model.id.in_(ids), model.deleted_at.is_(None))):
        row.deleted_at = now
        row.updated_at = now
        count += 1
    return count


def with_busy_retry(session: Session, report: HarvestReport, write: Callable[[], T]) -> T:
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
            if not is_busy(exc) or attempt == BUSY_RETRIES:
                raise
            session.commit()
            report.counts["db_busy_retries"] += 1
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")
