"""Reading store rows for indexing, fast: plain Core queries, one per table and batch,
turned into light read-only objects with the attributes the document builders use.

Loading a batch through the ORM (identity map, instrumented attributes, six eager
loads) took longer than building and sending its documents. These objects carry the
same field names and relations as the models (``jp.saksmappe.saksnummer``,
``jp.dokumentbeskrivelser[0].dokumentobjekter``, ``enhet.parent``), and the queries keep
the ORM relationships' orderings, so ``journalpost_document`` and ``saksmappe_document``
build exactly the same documents from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Enhet,
    Journalpost,
    Korrespondansepart,
    Saksmappe,
    Skjerming,
)

_IN_CHUNK = 500


class _Case(SimpleNamespace):
    saksnummer = Saksmappe.saksnummer


class _Entry(SimpleNamespace):
    journalpostnummer_full = Journalpost.journalpostnummer_full


def _objects(cls: type[SimpleNamespace], rows: Iterable[Any]) -> list[Any]:
    return [cls(**row._mapping) for row in rows]


def _page(
    session: Session,
    cls: type[SimpleNamespace],
    table: Any,
    where: Sequence[ColumnElement[bool]],
    after: str,
    limit: int,
) -> list[Any]:
    """Up to ``limit`` rows of ``table`` matching ``where`` with id above ``after``."""
    query = select(table).where(*where, table.c.id > after).order_by(table.c.id).limit(limit)
    return _objects(cls, session.execute(query))


def _chunks(keys: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (keys[i : i + _IN_CHUNK] for i in range(0, len(keys), _IN_CHUNK))


def _where_in(
    session: Session,
    table: Any,
    column: Any,
    keys: Sequence[Any],
    *order: Any,
    cls: type[SimpleNamespace] = SimpleNamespace,
) -> list[Any]:
    """Rows of ``table`` whose ``column`` is one of ``keys``, as light objects."""
    out: list[Any] = []
    for chunk in _chunks(keys):
        query = select(table).where(column.in_(chunk)).order_by(*order)
        out.extend(_objects(cls, session.execute(query)))
    return out


def _grouped(objects: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    """``objects`` by their attribute ``key``, each group in the order given."""
    groups: dict[Any, list[Any]] = defaultdict(list)
    for obj in objects:
        groups[getattr(obj, key)].append(obj)
    return groups


class Agencies:
    """Every agency with its parent chain, read once per indexing run (agencies are few;
    entries are many) and again when a row names one not seen yet (a harvest running
    at the same time may have added it)."""

    def __init__(self, session: Session) -> None:
        self.by_id: dict[str, Any] = {}
        self.load(session)

    def load(self, session: Session) -> None:
        self.by_id = {
            row.id: SimpleNamespace(**row._mapping)
            for row in session.execute(select(Enhet.__table__))
        }
        for node in self.by_id.values():
            node.parent = self.by_id.get(node.parent_id) if node.parent_id else None

    def attach(self, session: Session, rows: list[Any]) -> None:
        """Set ``row.enhet`` on every row from its ``enhet_id``."""
        if any(r.enhet_id and r.enhet_id not in self.by_id for r in rows):
            self.load(session)
        for r in rows:
            r.enhet = self.by_id.get(r.enhet_id) if r.enhet_id else None


def _screenings(session: Session, ids: set[int]) -> dict[int, Any]:
    return {r.id: r for r in _where_in(session, Skjerming.__table__, Skjerming.id, sorted(ids))}


def journalposts(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    after: str,
    limit: int,
    agencies: Agencies,
) -> list[Any]:
    """Up to ``limit`` entries matching ``where`` with id above ``after``, in id order,
    each with its case, agency, screening, correspondents and documents."""
    entries = _page(session, _Entry, Journalpost.__table__, where, after, limit)
    if not entries:
        return []
    ids = [e.id for e in entries]
    part = Korrespondansepart
    parts = _grouped(
        _where_in(session, part.__table__, part.journalpost_id, ids, part.id), "journalpost_id"
    )
    doc = Dokumentbeskrivelse
    docs = _where_in(session, doc.__table__, doc.journalpost_id, ids, doc.dokumentnummer)
    obj = Dokumentobjekt
    files = _grouped(
        _where_in(session, obj.__table__, obj.dokumentbeskrivelse_id, [d.id for d in docs]),
        "dokumentbeskrivelse_id",
    )
    screening_ids = {x.skjerming_id for x in (*entries, *docs) if x.skjerming_id is not None}
    screenings = _screenings(session, screening_ids) if screening_ids else {}
    for d in docs:
        d.dokumentobjekter = files.get(d.id, [])
        d.skjerming = screenings.get(d.skjerming_id) if d.skjerming_id else None
    by_entry = _grouped(docs, "journalpost_id")
    case_ids = sorted({e.saksmappe_id for e in entries if e.saksmappe_id})
    cases = {
        c.id: c for c in _where_in(session, Saksmappe.__table__, Saksmappe.id, case_ids, cls=_Case)
    }
    agencies.attach(session, entries)
    for e in entries:
        e.saksmappe = cases.get(e.saksmappe_id) if e.saksmappe_id else None
        e.skjerming = screenings.get(e.skjerming_id) if e.skjerming_id else None
        e.korrespondanseparter = parts.get(e.id, [])
        e.dokumentbeskrivelser = by_entry.get(e.id, [])
    return entries


def saksmapper(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    after: str,
    limit: int,
    agencies: Agencies,
) -> list[Any]:
    """Up to ``limit`` cases matching ``where`` with id above ``after``, in id order, each
    with its agency and the number of its entries that are not deleted."""
    cases = _page(session, _Case, Saksmappe.__table__, where, after, limit)
    if not cases:
        return []
    ids = [c.id for c in cases]
    counts: dict[str, int] = {}
    for chunk in _chunks(ids):
        query = (
            select(Journalpost.saksmappe_id, func.count())
            .where(
                Journalpost.saksmappe_id.in_(chunk),
                Journalpost.deleted_at.is_(None),
            )
            .group_by(Journalpost.saksmappe_id)
        )
        for case_id, count in session.execute(query):
            counts[str(case_id)] = int(count)
    agencies.attach(session, cases)
    for c in cases:
        c.journalpost_count = counts.get(c.id, 0)
    return cases
