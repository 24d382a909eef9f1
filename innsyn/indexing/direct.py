"""Indexing a harvest's new entries straight from the rows the store writer has just
inserted (``DirectIndex``), so the catch-up after the harvest need not read them back.

Everything it does not take (cases, entries with files, anything changed again, any
record when OpenSearch fails) stays pending for ``innsyn.indexing.indexer.catch_up``,
which remains the safety net.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from opensearchpy import OpenSearch
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from innsyn.config import Settings
from innsyn.indexing import bulk, rows
from innsyn.indexing.documents import DocumentTexts
from innsyn.indexing.indexer import BATCH, ensure_indices
from innsyn.kinds import JOURNALPOST
from innsyn.store.models import Journalpost

CASES_IN_HAND = 20_000
"""Cases a ``DirectIndex`` remembers; an entry of a case forgotten since waits for catch-up."""


class WrittenRows(Protocol):
    """What ``DirectIndex`` reads of a multi-row insert (``harvest.writer.FreshRows``)."""

    screenings: list[tuple[dict[str, Any], dict[str, Any]]]
    saksmappe: list[dict[str, Any]]
    journalpost: list[dict[str, Any]]
    parts: list[dict[str, Any]]
    documents: list[dict[str, Any]]


@dataclass
class _Marks:
    """Entries built from one commit, and the time they may be marked indexed with."""

    ids: list[str]
    mark: dt.datetime


@dataclass
class _Bulk:
    """A bulk request of directly indexed entries in flight, and their marks."""

    future: Future[bulk.BulkResult]
    marks: list[_Marks]


class DirectIndex:
    """Indexes a harvest's new entries straight from the rows the store writer has just
    inserted, without reading them back; everything else is left to ``catch_up``.

    Only entries the writer inserted as plain rows (``FreshRows``: a fresh source, no
    files, so nothing waits for extraction) are considered, and of those only the ones
    whose case was inserted the same way and not touched since (``forget_case``), whose
    agency is in the store, which carry no embargo date (catch-up keeps an entry under
    embargo out of the index), and which were not changed or withdrawn in the same batch. Their
    document is built by the kind's own builder (``JOURNALPOST.build``, the public shape
    with its screening rules) from the same values catch-up would read back.

    The writer calls ``written`` for each insert, ``committed`` after each commit and
    ``settle`` inside the next transaction. Documents are sent once there are
    ``bulk_chunk_size`` of them, one bulk request in flight while the harvest goes on;
    the entries it indexed are marked with ``last_indexed_at`` = the latest
    ``updated_at`` of the commit they were built after, only where ``updated_at`` is not
    newer (an entry changed since stays pending). Cases are never marked here (their
    entry count grows with the run): catch-up indexes them; ``rows.stale_journalposts``
    re-indexes an entry whose case changed at or after the entry's mark.

    Any error of OpenSearch switches direct indexing off for the rest of the run and is
    never raised: the entries simply stay pending for catch-up.
    """

    def __init__(self, settings: Settings, client: OpenSearch) -> None:
        """``built``, ``indexed`` and ``failed`` count entries; ``error`` says why direct
        indexing stopped, if it did."""
        self.settings = settings
        self.client = client
        self.index = JOURNALPOST.alias(settings)
        self.texts = DocumentTexts(settings)
        self.built = 0
        self.indexed = 0
        self.failed = 0
        self.error: str | None = None
        self._on = True
        self._written: list[WrittenRows] = []
        self._cases: dict[str, rows.CaseRow] = {}
        self._changed: set[str] = set()
        self._touched: set[str] = set()
        self._agencies: rows.Agencies | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="direct-bulk")
        self._in_flight: _Bulk | None = None
        self._actions: list[dict[str, Any]] = []
        self._marks: list[_Marks] = []
        self._indices_ready = False

    @property
    def active(self) -> bool:
        """Whether entries are still indexed directly in this run."""
        return self._on

    def _off(self, exc: BaseException) -> None:
        self._on = False
        self._written.clear()
        self._cases.clear()
        self._actions.clear()
        self._marks.clear()
        self.error = self.error or f"{type(exc).__name__}: {str(exc)[:200]}"

    def written(self, inserted: WrittenRows) -> None:
        """``inserted`` was written in the transaction in hand."""
        if self._on:
            self._written.append(inserted)

    def forget_case(self, case_id: str) -> None:
        """Case ``case_id`` was changed, withdrawn or recounted through another path in
        the transaction in hand: its entries are left to catch-up from now on."""
        self._cases.pop(case_id, None)
        self._touched.add(case_id)

    def entry_changed(self, entry_id: str) -> None:
        """Entry ``entry_id`` was changed or withdrawn in the transaction in hand after it
        was inserted: it is left to catch-up."""
        self._changed.add(entry_id)

    def agencies_changed(self) -> None:
        """An agency was added or changed: read them again before the next build."""
        self._agencies = None

    def discard(self) -> None:
        """The transaction in hand was rolled back: what it wrote never existed."""
        self._written.clear()
        self._changed.clear()
        self._touched.clear()
        self._cases.clear()

    def stop(self) -> None:
        """Index nothing more directly in this run and mark nothing more: the request in
        flight, if any, finishes but its entries stay pending."""
        self._on = False
        self._in_flight = None
        self._actions.clear()
        self._marks.clear()
        self.discard()

    def committed(self, session: Session) -> None:
        """The transaction in hand was committed: build the documents of its new entries
        that are sure to be right and send them in the background."""
        written, self._written = self._written, []
        changed, self._changed = self._changed, set()
        touched, self._touched = self._touched, set()
        if not self._on or not written:
            return
        for inserted in written:
            for case in inserted.saksmappe:
                if case["id"] not in touched:
                    self._cases[case["id"]] = rows.written_case(case)
        while len(self._cases) > CASES_IN_HAND:
            del self._cases[next(iter(self._cases))]
        if self._agencies is None:
            self._agencies = rows.Agencies(session)
        agencies = self._agencies
        entries: list[rows.EntryRow] = []
        for inserted in written:
            ready = [
                e
                for e in inserted.journalpost
                if e["id"] not in changed
                and e["accessible_after"] is None
                and (not e["saksmappe_id"] or e["saksmappe_id"] in self._cases)
                and (not e["enhet_id"] or e["enhet_id"] in agencies.by_id)
            ]
            if ready:
                ids = {e["id"] for e in ready}
                entries.extend(
                    rows.written_entries(
                        ready,
                        [p for p in inserted.parts if p["journalpost_id"] in ids],
                        [d for d in inserted.documents if d["journalpost_id"] in ids],
                        inserted.screenings,
                        self._cases,
                        agencies,
                    )
                )
        if not entries:
            return
        self.built += len(entries)
        self._marks.append(_Marks([e.id for e in entries], max(e.updated_at for e in entries)))
        self._actions.extend(
            {
                "_op_type": "index",
                "_index": self.index,
                "_id": e.id,
                "_source": JOURNALPOST.build(self.texts, e),
            }
            for e in entries
        )
        if len(self._actions) >= self.settings.bulk_chunk_size:
            self._send(session)

    def _send(self, session: Session) -> None:
        """Send the documents built so far (after settling the request in flight)."""
        if not self._actions:
            return
        if not self._indices_ready:
            try:
                ensure_indices(self.settings, self.client)
            except Exception as exc:
                self._off(exc)
                return
            self._indices_ready = True
        self.settle(session)
        if not self._on:
            return
        actions, self._actions = self._actions, []
        marks, self._marks = self._marks, []
        future = self._pool.submit(bulk.write, self.client, actions, self.settings.bulk_chunk_size)
        self._in_flight = _Bulk(future, marks)

    def settle(self, session: Session, wait: bool = True) -> None:
        """Mark what the bulk request in flight indexed, in ``session``'s transaction
        (committed by the caller; should that fail, the entries stay pending). Unless
        ``wait``, only when that request is done."""
        in_flight = self._in_flight
        if in_flight is None or not (wait or in_flight.future.done()):
            return
        self._in_flight = None
        try:
            result = in_flight.future.result()
        except Exception as exc:
            self._off(exc)
            return
        self.indexed += len(result.ok_ids)
        self.failed += result.failed
        ok = set(result.ok_ids)
        for marks in in_flight.marks:
            done = [i for i in marks.ids if i in ok]
            for start in range(0, len(done), BATCH):
                session.execute(
                    update(Journalpost)
                    .where(
                        Journalpost.id.in_(done[start : start + BATCH]),
                        Journalpost.updated_at <= marks.mark,
                    )
                    .values(last_indexed_at=marks.mark)
                    .execution_options(synchronize_session=False)
                )

    def finish(self, session: Session) -> None:
        """Send what is left, mark what was indexed and commit."""
        try:
            self._send(session)
            self.settle(session)
            session.commit()
        except SQLAlchemyError:
            session.rollback()

    def close(self) -> None:
        """Wait for the bulk request in flight (its entries stay pending unless settled)."""
        self._pool.shutdown(wait=True)

    def summary(self) -> str:
        """One line for the harvest report."""
        text = f"indexed directly: {self.indexed} entries"
        if self.failed:
            text += f", {self.failed} failed"
        if self.error:
            text += f"; direct indexing stopped ({self.error}), the rest waits for catch-up"
        return text
