"""Writing normalised records into the store: stable ids, field-by-field comparison,
so an unchanged record is never written and a changed one is updated in place."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from innsyn.harvest.records import (
    DokumentRecord,
    EnhetRecord,
    JournalpostRecord,
    KorrespondansepartRecord,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.language import detect_title_language
from innsyn.store.ids import stable_id
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

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
_KNOWN = "innsyn.known_ids"
_KNOWN_MAX = 50_000
_FRESH = "innsyn.fresh_source"


def _remember(session: Session, row_id: str, exists: bool = True) -> None:
    session.info.setdefault(_KNOWN, {})[row_id] = exists


def _known(session: Session, row_id: str) -> bool:
    """Whether ``row_id`` was written or found earlier in this session."""
    return bool(session.info.get(_KNOWN, {}).get(row_id))


def _exists(session: Session, model: Any, row_id: str) -> bool:
    """Whether the agency or case ``row_id`` is in the store or added in this session.

    Remembered per session (misses too, until the row is added), so a harvest does not
    ask the database once per entry, and it works while new rows wait unflushed in a
    batch. ``trim_known`` bounds the memory between batches.
    """
    known = session.info.get(_KNOWN, {}).get(row_id)
    if known is not None:
        return bool(known)
    found = session.get(model, row_id) is not None
    _remember(session, row_id, found)
    return found


def _stored(session: Session, model: Any, row_id: str) -> Any:
    """The stored case or entry ``row_id``, or None. A fresh source's id not seen in
    this session needs no lookup (should it repeat one seen before ``trim_known``, the
    insert fails and the batch is replayed record by record)."""
    fresh = session.info.get(_FRESH) and not _known(session, row_id)
    row = None if fresh else session.get(model, row_id)
    _remember(session, row_id)
    return row


def trim_known(session: Session) -> None:
    """Forget remembered ids once there are too many; call only after a commit (the
    rows of the batch in hand may exist nowhere else yet)."""
    if len(session.info.get(_KNOWN, ())) >= _KNOWN_MAX:
        session.info.pop(_KNOWN, None)


def forget_known(session: Session) -> None:
    """Drop what ``_exists`` remembered (after a rollback it may be wrong), stop trusting
    that the source was empty, and drop rows buffered for the batch insert."""
    session.info.pop(_KNOWN, None)
    session.info.pop(_ROWS, None)
    session.info[_FRESH] = False


def mark_fresh_source(session: Session, source_key: str) -> bool:
    """Note whether ``source_key`` has no entries or cases in the store yet: then a new
    record needs no lookup (a repeated one fails the fast batch, which is replayed carefully)."""
    fresh = all(
        session.scalar(select(model.id).where(model.source_key == source_key).limit(1)) is None
        for model in (Journalpost, Saksmappe)
    )
    session.info[_FRESH] = fresh
    return fresh


_ROWS = "innsyn.fresh_rows"


@dataclass
class FreshRows:
    """New records of a fresh source, kept as plain rows and written at commit with one
    multi-row INSERT per table instead of one ORM object each.

    A source with no rows in the store yet holds nothing to compare with, so its
    records need neither lookups nor change tracking, which is what the first harvest
    of a large extraction otherwise spends most of its time on. Screenings get their
    generated ids first and are handed to the rows that refer to them.
    """

    screenings: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    saksmappe: list[dict[str, Any]] = field(default_factory=list)
    journalpost: list[dict[str, Any]] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    cases: dict[str, tuple[dict[str, Any], SkjermingRecord | None]] = field(default_factory=dict)

    def screening(self, row: dict[str, Any], rec: SkjermingRecord | None) -> None:
        row["skjerming_id"] = None
        if rec is not None:
            self.screenings.append((row, _skjerming_values(rec)))

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

    def write(self, session: Session) -> None:
        """Insert everything buffered: screenings, cases, then (after flushing ORM
        objects, as an entry with files may refer to a buffered case) the entries."""
        if self.screenings:
            ids = session.scalars(
                insert(Skjerming).returning(Skjerming.id, sort_by_parameter_order=True),
                [values for _row, values in self.screenings],
            ).all()
            for (row, _values), sk_id in zip(self.screenings, ids, strict=True):
                row["skjerming_id"] = sk_id
        if self.saksmappe:
            session.execute(insert(Saksmappe), self.saksmappe)
        session.flush()
        for model, rows in (
            (Journalpost, self.journalpost),
            (Korrespondansepart, self.parts),
            (Dokumentbeskrivelse, self.documents),
        ):
            if rows:
                session.execute(insert(model), rows)


def _fresh_rows(session: Session) -> FreshRows | None:
    """The batch's row buffer while the source is fresh, else None."""
    if not session.info.get(_FRESH):
        return None
    rows: FreshRows | None = session.info.get(_ROWS)
    if rows is None:
        rows = session.info[_ROWS] = FreshRows()
    return rows


def write_fresh_rows(session: Session) -> None:
    """Insert the rows buffered since the last commit; call before committing."""
    rows: FreshRows | None = session.info.pop(_ROWS, None)
    if rows is not None:
        rows.write(session)


def _assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set attributes that differ; return True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def enhet_id(source_key: str, system_id: str | None, orgnummer: str | None) -> str | None:
    if orgnummer:
        return stable_id("en", "orgnr", orgnummer)
    if system_id:
        return stable_id("en", source_key, system_id)
    return None


def upsert_enhet(
    session: Session, source_key: str, rec: EnhetRecord, known: dict[str, str] | None = None
) -> tuple[str, str]:
    """Insert or update one agency; ``known`` maps system ids seen so far to ids (parents)."""
    known = {} if known is None else known
    eid = enhet_id(source_key, rec.system_id, rec.orgnummer)
    assert eid is not None
    known[rec.system_id] = eid
    parent = known.get(rec.parent_system_id or "") or enhet_id(
        source_key, rec.parent_system_id, rec.parent_orgnummer
    )
    values = {f.name: getattr(rec, f.name) for f in dataclasses.fields(rec)}
    for key in ("system_id", "parent_system_id", "parent_orgnummer"):
        values.pop(key)
    values["parent_id"] = parent if parent and _exists(session, Enhet, parent) else None
    row = session.get(Enhet, eid)
    _remember(session, eid)
    if row is None:
        session.add(Enhet(id=eid, **values))
        return eid, NEW
    if _assign(row, values):
        row.updated_at = utcnow()
        return eid, UPDATED
    return eid, UNCHANGED


def _skjerming_values(rec: SkjermingRecord) -> dict[str, Any]:
    return {
        "tilgangsrestriksjon": rec.tilgangsrestriksjon,
        "skjermingshjemmel": rec.skjermingshjemmel,
        "skjermingsvarighet": rec.skjermingsvarighet,
        "skjerming_opphoerer_dato": rec.skjerming_opphoerer_dato,
        "skjerming_metadata": list(rec.skjerming_metadata) or None,
        "skjerming_dokument": rec.skjerming_dokument,
    }


def _skjerming(
    session: Session, current: Skjerming | None, rec: SkjermingRecord | None
) -> tuple[Skjerming | None, bool]:
    if rec is None:
        return None, current is not None
    values = _skjerming_values(rec)
    if current is None:
        row = Skjerming(**values)
        session.add(row)
        return row, True
    return current, _assign(current, values)


def _owner(
    session: Session, source_key: str, sys_id: str | None, orgnr: str | None, default: str | None
) -> str | None:
    eid = enhet_id(source_key, sys_id, orgnr)
    if eid and _exists(session, Enhet, eid):
        return eid
    return default


def _new_row(
    row_id: str, source_key: str, system_id: str, values: dict[str, Any]
) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": row_id,
        "source_key": source_key,
        "system_id": system_id,
        **values,
        "created_at": now,
        "updated_at": now,
        "last_indexed_at": None,
    }


def upsert_saksmappe(
    session: Session, source_key: str, rec: SaksmappeRecord, default_enhet: str | None
) -> tuple[str, str]:
    """Insert or update one case; return its id and ``new``/``updated``/``unchanged``."""
    sid = stable_id("sm", source_key, rec.system_id)
    values = {
        "offentlig_tittel": rec.offentlig_tittel,
        "offentlig_tittel_sensitiv": rec.offentlig_tittel_sensitiv,
        "saksaar": rec.saksaar,
        "sakssekvensnummer": rec.sakssekvensnummer,
        "saksdato": rec.saksdato,
        "administrativ_enhet": rec.administrativ_enhet,
        "tittel_language": detect_title_language(rec.offentlig_tittel),
        "saksstatus": rec.saksstatus,
        "arkivdel": rec.arkivdel,
        "klassifikasjon": list(rec.klassifikasjon) or None,
        "publisert_dato": rec.publisert_dato,
        "accessible_after": rec.accessible_after,
        "enhet_id": _owner(
            session, source_key, rec.enhet_system_id, rec.enhet_orgnummer, default_enhet
        ),
        "deleted_at": None,
    }
    fresh = _fresh_rows(session)
    if fresh is not None:
        if not _known(session, sid):
            _remember(session, sid)
            fresh.add_case(sid, _new_row(sid, source_key, rec.system_id, values), rec.skjerming)
            return sid, NEW
        if fresh.same_case(sid, values, rec.skjerming):
            return sid, UNCHANGED
        write_fresh_rows(session)
    row = _stored(session, Saksmappe, sid)
    if row is None:
        row = Saksmappe(id=sid, source_key=source_key, system_id=rec.system_id, **values)
        row.skjerming, _ = _skjerming(session, None, rec.skjerming)
        session.add(row)
        return sid, NEW
    changed = _assign(row, values)
    sk, sk_changed = _skjerming(session, row.skjerming, rec.skjerming)
    if sk_changed:
        row.skjerming = sk
    if changed or sk_changed:
        row.updated_at = utcnow()
        return sid, UPDATED
    return sid, UNCHANGED


_PART_FIELDS = (
    "navn",
    "navn_sensitiv",
    "korrespondanseparttype",
    "administrativ_enhet",
    "skjermet",
)


def _part_values(rec: KorrespondansepartRecord) -> dict[str, Any]:
    return {name: getattr(rec, name) for name in _PART_FIELDS}


def _parts(jp: Journalpost, recs: list[KorrespondansepartRecord]) -> bool:
    wanted = [_part_values(r) for r in recs]
    have = [{name: getattr(k, name) for name in _PART_FIELDS} for k in jp.korrespondanseparter]
    if wanted == have:
        return False
    jp.korrespondanseparter = [Korrespondansepart(**values) for values in wanted]
    return True


def _document_id(jid: str, rec: DokumentRecord, pos: int, keep: set[str]) -> str:
    """The stable id of an entry's document ``pos``; unique among ``keep``, which it joins."""
    did = stable_id("db", jid, rec.system_id or f"#{pos}")
    if did in keep:
        did = stable_id("db", jid, f"{rec.system_id}#{pos}")
    keep.add(did)
    return did


def _document_values(rec: DokumentRecord) -> dict[str, Any]:
    return {
        "system_id": rec.system_id,
        "dokumentnummer": rec.dokumentnummer,
        "dokumenttype": rec.dokumenttype,
        "tilknyttet_registrering_som": rec.tilknyttet_registrering_som,
        "tittel": rec.tittel,
        "tittel_sensitiv": rec.tittel_sensitiv,
    }


def _documents(
    session: Session, jp: Journalpost, recs: list[DokumentRecord]
) -> tuple[bool, list[tuple[Dokumentobjekt, Any]]]:
    """Update the entry's documents in place; return (changed, files to fetch)."""
    changed = False
    files: list[tuple[Dokumentobjekt, Any]] = []
    keep: set[str] = set()
    existing = {d.id: d for d in jp.dokumentbeskrivelser}
    for pos, rec in enumerate(recs):
        did = _document_id(jp.id, rec, pos, keep)
        doc = existing.get(did)
        values = _document_values(rec)
        if doc is None:
            doc = Dokumentbeskrivelse(id=did, **values)
            jp.dokumentbeskrivelser.append(doc)
            changed = True
        elif _assign(doc, values):
            doc.updated_at = utcnow()
            changed = True
        sk, sk_changed = _skjerming(session, doc.skjerming, rec.skjerming)
        if sk_changed:
            doc.skjerming = sk
            changed = True
        objs = {o.id: o for o in doc.dokumentobjekter if o.parent_id is None}
        used: set[str] = set()
        for fpos, f in enumerate(rec.files):
            oid = stable_id("do", did, f.system_id or f.filnavn or f"#{fpos}")
            if oid in used:
                oid = stable_id("do", did, f"{f.system_id or f.filnavn}#{fpos}")
            used.add(oid)
            obj = objs.get(oid)
            ovalues = {
                "versjonsnummer": f.versjonsnummer,
                "variantformat": f.variantformat,
                "format": f.format,
                "filnavn": f.filnavn,
                "source_uri": f.source_uri,
                "declared_checksum": f.declared_checksum.lower() if f.declared_checksum else None,
                "declared_checksum_algorithm": f.declared_checksum_algorithm,
            }
            if obj is None:
                obj = Dokumentobjekt(id=oid, media_type=f.media_type, **ovalues)
                doc.dokumentobjekter.append(obj)
                changed = True
                files.append((obj, f))
            else:
                source_changed = _assign(obj, ovalues)
                if source_changed or (obj.sha256 is None and obj.extraction_status == "pending"):
                    files.append((obj, f))
                    changed = changed or source_changed
    for did, doc in existing.items():
        embedded = any(o.parent_id is not None for o in doc.dokumentobjekter)
        if did not in keep and not embedded:
            jp.dokumentbeskrivelser.remove(doc)
            changed = True
    return changed, files


def _journalpost_values(
    session: Session, source_key: str, rec: JournalpostRecord, default_enhet: str | None
) -> dict[str, Any]:
    sak_id = (
        stable_id("sm", source_key, rec.saksmappe_system_id) if rec.saksmappe_system_id else None
    )
    return {
        "saksmappe_id": sak_id if sak_id and _exists(session, Saksmappe, sak_id) else None,
        "offentlig_tittel": rec.offentlig_tittel,
        "offentlig_tittel_sensitiv": rec.offentlig_tittel_sensitiv,
        "journalaar": rec.journalaar,
        "journalsekvensnummer": rec.journalsekvensnummer,
        "journalpostnummer": rec.journalpostnummer,
        "journalposttype": rec.journalposttype,
        "journalstatus": rec.journalstatus,
        "journaldato": rec.journaldato,
        "dokumentets_dato": rec.dokumentets_dato,
        "administrativ_enhet": rec.administrativ_enhet,
        "tittel_language": detect_title_language(rec.offentlig_tittel),
        "publisert_dato": rec.publisert_dato,
        "accessible_after": rec.accessible_after,
        "enhet_id": _owner(
            session, source_key, rec.enhet_system_id, rec.enhet_orgnummer, default_enhet
        ),
        "deleted_at": None,
    }


def add_fresh_journalpost(
    session: Session, source_key: str, rec: JournalpostRecord, default_enhet: str | None
) -> str | None:
    """Buffer a new entry of a fresh source for the batch insert and return its id.

    None when the entry must take ``upsert_journalpost`` instead: the source is not
    fresh, the entry has files to fetch, or it repeats an entry seen earlier.
    """
    fresh = _fresh_rows(session)
    if fresh is None:
        return None
    jid = stable_id("jp", source_key, rec.system_id)
    if _known(session, jid) or any(d.files for d in rec.dokumenter):
        write_fresh_rows(session)  # the ORM path may flush at any query: cases first
        return None
    _remember(session, jid)
    row = _new_row(
        jid, source_key, rec.system_id, _journalpost_values(session, source_key, rec, default_enhet)
    )
    fresh.screening(row, rec.skjerming)
    fresh.journalpost.append(row)
    fresh.parts.extend({"journalpost_id": jid, **_part_values(p)} for p in rec.korrespondanseparter)
    keep: set[str] = set()
    for pos, d in enumerate(rec.dokumenter):
        doc = {
            "id": _document_id(jid, d, pos, keep),
            "journalpost_id": jid,
            **_document_values(d),
            "updated_at": row["updated_at"],
        }
        fresh.screening(doc, d.skjerming)
        fresh.documents.append(doc)
    return jid


def upsert_journalpost(
    session: Session, source_key: str, rec: JournalpostRecord, default_enhet: str | None
) -> tuple[Journalpost, str, list[Any]]:
    jid = stable_id("jp", source_key, rec.system_id)
    values = _journalpost_values(session, source_key, rec, default_enhet)
    row = _stored(session, Journalpost, jid)
    state = UNCHANGED
    if row is not None and row.saksmappe_id and row.saksmappe_id != values["saksmappe_id"]:
        _recount(session, row.saksmappe_id)
    if row is None:
        row = Journalpost(id=jid, source_key=source_key, system_id=rec.system_id, **values)
        session.add(row)
        state = NEW
    elif _assign(row, values):
        state = UPDATED
    sk, sk_changed = _skjerming(session, row.skjerming, rec.skjerming)
    if sk_changed:
        row.skjerming = sk
    parts_changed = _parts(row, rec.korrespondanseparter)
    docs_changed, files = _documents(session, row, rec.dokumenter)
    if state == UNCHANGED and (sk_changed or parts_changed or docs_changed):
        state = UPDATED
    if state != UNCHANGED:
        row.updated_at = utcnow()
    return row, state, files


def _recount(session: Session, case_id: str) -> None:
    """The case an entry left is due for reindexing (its entry count changed)."""
    session.execute(
        update(Saksmappe)
        .where(Saksmappe.id == case_id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def mark_deleted(session: Session, model: Any, ids: list[str]) -> int:
    """Tombstone ``ids``: kept in the store, removed from the index by the next catch-up."""
    now = utcnow()
    count = 0
    for row in session.scalars(select(model).where(model.id.in_(ids), model.deleted_at.is_(None))):
        row.deleted_at = now
        row.updated_at = now
        count += 1
    return count
