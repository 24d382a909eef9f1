"""Reading store rows for indexing, fast: plain Core queries, one per table and batch,
turned into light row objects with the attributes the public shapes read
(``innsyn.public.stored``).

Loading a batch through the ORM (identity map, instrumented attributes, six eager
loads) took longer than building and sending its documents. These rows carry the same
field names and relations as the models (``entry.saksmappe.saksaar``,
``entry.dokumentbeskrivelser[0].dokumentobjekter``, ``enhet.parent``), and the queries
keep the ORM relationships' orderings, so the index documents built from them are
exactly those built from ORM objects.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, FromClause, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Enhet,
    Journalpost,
    Korrespondansepart,
    Saksmappe,
    Skjerming,
    utcnow,
)

_IN_CHUNK = 500
R = TypeVar("R")


@dataclass(slots=True)
class ScreeningRow:
    id: int
    tilgangsrestriksjon: str | None
    skjermingshjemmel: str | None
    skjerming_dokument: str | None


@dataclass(slots=True)
class AgencyRow:
    id: str
    parent_id: str | None
    navn: str
    navn_nynorsk: str | None
    navn_engelsk: str | None
    navn_sami: str | None
    orgnummer: str | None
    enhetstype: str | None
    kommunenummer: str | None
    kontaktpunkt_epost: str | None
    last_harvested_at: dt.datetime | None
    parent: AgencyRow | None = None


@dataclass(slots=True)
class CorrespondentRow:
    journalpost_id: str
    navn: str | None
    navn_sensitiv: str | None
    korrespondanseparttype: str | None
    skjermet: bool


@dataclass(slots=True)
class FileRow:
    id: str
    dokumentbeskrivelse_id: str
    parent_id: str | None
    variantformat: str | None
    filnavn: str | None
    media_type: str | None
    size: int | None
    sha256: str | None
    text_sha256: str | None
    extraction_status: str
    extraction_error: str | None
    language: str | None


@dataclass(slots=True)
class DocumentRow:
    id: str
    journalpost_id: str
    dokumentnummer: int | None
    tilknyttet_registrering_som: str | None
    tittel: str | None
    skjerming_id: int | None
    skjerming: ScreeningRow | None = None
    dokumentobjekter: list[FileRow] = field(default_factory=list)


@dataclass(slots=True)
class CaseRow:
    """A case, with its agency and the number of its entries that are not deleted."""

    id: str
    enhet_id: str | None
    saksaar: int | None
    sakssekvensnummer: int | None
    saksdato: dt.date | None
    offentlig_tittel: str | None
    offentlig_tittel_sensitiv: str | None
    publisert_dato: dt.datetime | None
    accessible_after: dt.datetime | None
    deleted_at: dt.datetime | None
    administrativ_enhet: str | None
    tittel_language: str | None
    updated_at: dt.datetime
    enhet: AgencyRow | None = None
    journalpost_count: int = 0


@dataclass(slots=True)
class EntryRow:
    """An entry, with its case, agency, screening, correspondents and documents."""

    id: str
    saksmappe_id: str | None
    enhet_id: str | None
    skjerming_id: int | None
    journalaar: int | None
    journalsekvensnummer: int | None
    journalpostnummer: int | None
    journalposttype: str | None
    journalstatus: str | None
    journaldato: dt.date | None
    dokumentets_dato: dt.date | None
    offentlig_tittel: str | None
    offentlig_tittel_sensitiv: str | None
    publisert_dato: dt.datetime | None
    accessible_after: dt.datetime | None
    deleted_at: dt.datetime | None
    administrativ_enhet: str | None
    tittel_language: str | None
    updated_at: dt.datetime
    saksmappe: CaseRow | None = None
    enhet: AgencyRow | None = None
    skjerming: ScreeningRow | None = None
    korrespondanseparter: list[CorrespondentRow] = field(default_factory=list)
    dokumentbeskrivelser: list[DocumentRow] = field(default_factory=list)


RowLoader = Callable[[Session, Sequence[ColumnElement[bool]], str, int, "Agencies"], list[R]]
"""``load(session, where, after, limit, agencies)``: up to ``limit`` rows matching
``where`` with id above ``after``, in id order, with their relations."""


def _query(cls: type[Any], table: FromClause) -> Any:
    """``select`` of the columns ``cls`` has a field for (its relations are not columns)."""
    return select(*(table.c[f.name] for f in dataclasses.fields(cls) if f.name in table.c))


def _objects(cls: type[R], rows: Iterable[Any]) -> list[R]:
    return [cls(**row._mapping) for row in rows]


def _page(
    session: Session,
    cls: type[R],
    table: FromClause,
    where: Sequence[ColumnElement[bool]],
    after: str,
    limit: int,
) -> list[R]:
    """Up to ``limit`` rows of ``table`` matching ``where`` with id above ``after``."""
    query = _query(cls, table).where(*where, table.c.id > after).order_by(table.c.id).limit(limit)
    return _objects(cls, session.execute(query))


def _chunks(keys: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (keys[i : i + _IN_CHUNK] for i in range(0, len(keys), _IN_CHUNK))


def _where_in(
    session: Session, cls: type[R], table: FromClause, column: Any, keys: Sequence[Any], *order: Any
) -> list[R]:
    """Rows of ``table`` whose ``column`` is one of ``keys``, as ``cls`` objects."""
    out: list[R] = []
    for chunk in _chunks(keys):
        query = _query(cls, table).where(column.in_(chunk)).order_by(*order)
        out.extend(_objects(cls, session.execute(query)))
    return out


def _grouped(objects: Iterable[R], key: str) -> dict[Any, list[R]]:
    """``objects`` by their attribute ``key``, each group in the order given."""
    groups: dict[Any, list[R]] = defaultdict(list)
    for obj in objects:
        groups[getattr(obj, key)].append(obj)
    return groups


class Agencies:
    """Every agency with its parent chain, read once per indexing run (agencies are few;
    entries are many) and again when a row names one not seen yet (a harvest running
    at the same time may have added it)."""

    def __init__(self, session: Session) -> None:
        self.by_id: dict[str, AgencyRow] = {}
        self.load(session)

    def load(self, session: Session) -> None:
        rows = _objects(AgencyRow, session.execute(_query(AgencyRow, Enhet.__table__)))
        self.by_id = {row.id: row for row in rows}
        for node in rows:
            node.parent = self.by_id.get(node.parent_id) if node.parent_id else None

    def attach(self, session: Session, rows: Sequence[EntryRow | CaseRow]) -> None:
        """Set ``row.enhet`` on every row from its ``enhet_id``."""
        if any(r.enhet_id and r.enhet_id not in self.by_id for r in rows):
            self.load(session)
        for r in rows:
            r.enhet = self.by_id.get(r.enhet_id) if r.enhet_id else None


def _screenings(session: Session, ids: set[int]) -> dict[int, ScreeningRow]:
    table = Skjerming.__table__
    return {r.id: r for r in _where_in(session, ScreeningRow, table, Skjerming.id, sorted(ids))}


def journalposts(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    after: str,
    limit: int,
    agencies: Agencies,
) -> list[EntryRow]:
    """Up to ``limit`` entries matching ``where`` with id above ``after``, in id order,
    each with its case, agency, screening, correspondents and documents."""
    entries = _page(session, EntryRow, Journalpost.__table__, where, after, limit)
    if not entries:
        return []
    ids = [e.id for e in entries]
    part = Korrespondansepart
    parts = _grouped(
        _where_in(session, CorrespondentRow, part.__table__, part.journalpost_id, ids, part.id),
        "journalpost_id",
    )
    doc = Dokumentbeskrivelse
    docs = _where_in(
        session, DocumentRow, doc.__table__, doc.journalpost_id, ids, doc.dokumentnummer
    )
    obj = Dokumentobjekt
    files = _grouped(
        _where_in(
            session, FileRow, obj.__table__, obj.dokumentbeskrivelse_id, [d.id for d in docs]
        ),
        "dokumentbeskrivelse_id",
    )
    screened: list[EntryRow | DocumentRow] = [*entries, *docs]
    screening_ids = {x.skjerming_id for x in screened if x.skjerming_id is not None}
    screenings = _screenings(session, screening_ids) if screening_ids else {}
    for d in docs:
        d.dokumentobjekter = files.get(d.id, [])
        d.skjerming = screenings.get(d.skjerming_id) if d.skjerming_id else None
    by_entry = _grouped(docs, "journalpost_id")
    case_ids = sorted({e.saksmappe_id for e in entries if e.saksmappe_id})
    cases = {
        c.id: c for c in _where_in(session, CaseRow, Saksmappe.__table__, Saksmappe.id, case_ids)
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
) -> list[CaseRow]:
    """Up to ``limit`` cases matching ``where`` with id above ``after``, in id order, each
    with its agency and the number of its entries the index holds now (not deleted, not
    under embargo: an entry whose embargo ends is indexed again, and its case after it)."""
    cases = _page(session, CaseRow, Saksmappe.__table__, where, after, limit)
    if not cases:
        return []
    ids = [c.id for c in cases]
    counts: dict[str, int] = {}
    for chunk in _chunks(ids):
        query = (
            select(Journalpost.saksmappe_id, func.count())
            .where(Journalpost.saksmappe_id.in_(chunk), *public_now(Journalpost))
            .group_by(Journalpost.saksmappe_id)
        )
        for case_id, count in session.execute(query):
            counts[str(case_id)] = int(count)
    agencies.attach(session, cases)
    for c in cases:
        c.journalpost_count = counts.get(c.id, 0)
    return cases


@functools.cache
def _field_names(cls: Any) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _from_values(cls: type[R], values: Mapping[str, Any]) -> R:
    """A ``cls`` row from the column values just inserted (its relations left empty)."""
    return cls(**{name: values[name] for name in _field_names(cast(Any, cls)) if name in values})


def written_entries(
    entries: Sequence[Mapping[str, Any]],
    parts: Sequence[Mapping[str, Any]],
    documents: Sequence[Mapping[str, Any]],
    screenings: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
    cases: Mapping[str, CaseRow],
    agencies: Agencies,
) -> list[EntryRow]:
    """Entry rows, as ``journalposts`` would read them back, from the values of a
    multi-row insert just written (entries without files): ``parts`` and ``documents``
    in the order inserted, ``screenings`` as (row, values) pairs whose row holds the
    generated ``skjerming_id``. The caller has checked that every entry's case is in
    ``cases`` and its agency in ``agencies``."""
    by_id = {
        int(row["skjerming_id"]): ScreeningRow(
            id=int(row["skjerming_id"]),
            tilgangsrestriksjon=values["tilgangsrestriksjon"],
            skjermingshjemmel=values["skjermingshjemmel"],
            skjerming_dokument=values["skjerming_dokument"],
        )
        for row, values in screenings
    }
    part_rows = _grouped((_from_values(CorrespondentRow, p) for p in parts), "journalpost_id")
    docs = [_from_values(DocumentRow, d) for d in documents]
    for d in docs:
        d.skjerming = by_id[d.skjerming_id] if d.skjerming_id is not None else None
    docs.sort(key=lambda d: (d.dokumentnummer is not None, d.dokumentnummer or 0))
    by_entry = _grouped(docs, "journalpost_id")
    out = []
    for values in entries:
        e = _from_values(EntryRow, values)
        e.saksmappe = cases[e.saksmappe_id] if e.saksmappe_id else None
        e.enhet = agencies.by_id[e.enhet_id] if e.enhet_id else None
        e.skjerming = by_id[e.skjerming_id] if e.skjerming_id is not None else None
        e.korrespondanseparter = part_rows.get(e.id, [])
        e.dokumentbeskrivelser = by_entry.get(e.id, [])
        out.append(e)
    return out


def written_case(values: Mapping[str, Any]) -> CaseRow:
    """A case row from the values of a multi-row insert just written (no agency, no count:
    what an entry's document reads of its case)."""
    return _from_values(CaseRow, values)


def _waiting(model: type[Journalpost] | type[Saksmappe]) -> Select[Any]:
    """Ids of the rows changed since last indexed, read from the partial index the store
    keeps of them (``store.models.pending_index``: the same condition, so the database
    reads that index instead of every row)."""
    waiting = aliased(model)
    return select(waiting.id).where(
        or_(waiting.last_indexed_at.is_(None), waiting.updated_at > waiting.last_indexed_at)
    )


def _changed(model: type[Journalpost] | type[Saksmappe]) -> ColumnElement[bool]:
    return model.id.in_(_waiting(model))


def stale_journalposts() -> list[ColumnElement[bool]]:
    """Entries to (re)index: changed since last indexed, or their case changed since the
    entry was last indexed (an entry's document carries its case's title and number: a
    case title screened later must not live on in its entries' documents), or their
    case's embargo ended since (its fields were left out of the entry's document while
    it lasted, ``public.shapes.public_entry``), or their own embargo ended since (they
    were kept out of the index while it lasted). An entry
    indexed straight from the harvest (``indexing.direct.DirectIndex``) is marked with a time no
    earlier than its case's last change it saw, so a case still waiting to be indexed
    does not send its entries round again; a later change of the case does (``>=``: a
    tie is re-indexed)."""
    changed_cases = _waiting(Saksmappe)
    case = aliased(Saksmappe)
    changed_since_entry = (
        select(case.id)
        .where(
            case.id == Journalpost.saksmappe_id,
            case.updated_at >= Journalpost.last_indexed_at,
        )
        .exists()
    )
    now = utcnow()
    opened = aliased(Saksmappe)
    embargo_ended = (
        select(opened.id)
        .where(
            opened.id == Journalpost.saksmappe_id,
            opened.accessible_after <= now,
            opened.accessible_after >= Journalpost.last_indexed_at,
        )
        .exists()
    )
    ended_cases = select(Saksmappe.id).where(
        Saksmappe.accessible_after.is_not(None), Saksmappe.accessible_after <= now
    )
    return [
        or_(
            _changed(Journalpost),
            _embargo_ended(Journalpost),
            and_(Journalpost.saksmappe_id.in_(changed_cases), changed_since_entry),
            and_(Journalpost.saksmappe_id.in_(ended_cases), embargo_ended),
        )
    ]


def public_now(model: type[Journalpost] | type[Saksmappe]) -> list[ColumnElement[bool]]:
    """Rows the index holds at this moment: not withdrawn and not under embargo."""
    return [
        model.deleted_at.is_(None),
        or_(model.accessible_after.is_(None), model.accessible_after <= utcnow()),
    ]


def _embargo_ended(model: type[Journalpost] | type[Saksmappe]) -> ColumnElement[bool]:
    """Rows whose own embargo ended since they were last indexed (they were kept out of
    the index while it lasted, ``indexer._actions``), read from the partial index of the
    rows with an embargo date (``ix_<table>_embargo``)."""
    opened = aliased(model)
    return model.id.in_(
        select(opened.id).where(
            opened.accessible_after.is_not(None),
            opened.accessible_after <= utcnow(),
            opened.accessible_after >= opened.last_indexed_at,
        )
    )


def stale_saksmapper() -> list[ColumnElement[bool]]:
    """Cases to (re)index: changed since last indexed, their own embargo ended since, or
    one of their entries was indexed after them (their entry count)."""
    entry = aliased(Journalpost)
    newer_entry = (
        select(entry.id)
        .where(
            entry.saksmappe_id == Saksmappe.id,
            entry.last_indexed_at > Saksmappe.last_indexed_at,
        )
        .exists()
    )
    return [or_(_changed(Saksmappe), _embargo_ended(Saksmappe), newer_entry)]
