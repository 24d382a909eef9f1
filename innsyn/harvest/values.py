"""Store values from a harvested record, and applying them to a row: no session, no state.

Both write paths of ``innsyn.harvest.writer.StoreWriter`` take their column values from
here, so a fresh source's multi-row inserts and the careful ORM path store the same
thing. References to other rows (an entry's case, a record's agency) are resolved by the
writer, which knows what exists, and passed in.

The ``apply_*`` functions compare field by field and touch only what differs, so an
unchanged record leaves its row untouched (and unwritten).
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any

from innsyn.extraction.status import ExtractionStatus
from innsyn.harvest.records import (
    DokumentRecord,
    EnhetRecord,
    FileRecord,
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
    Journalpost,
    Korrespondansepart,
    Skjerming,
    utcnow,
)


class Change(StrEnum):
    """What writing one record did to its row (also the name of its count in a report)."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def enhet_id(source_key: str, system_id: str | None, orgnummer: str | None) -> str | None:
    """An agency's id: by org number when it has one (shared across sources)."""
    if orgnummer:
        return stable_id("en", "orgnr", orgnummer)
    if system_id:
        return stable_id("en", source_key, system_id)
    return None


def saksmappe_id(source_key: str, system_id: str) -> str:
    return stable_id("sm", source_key, system_id)


def journalpost_id(source_key: str, system_id: str) -> str:
    return stable_id("jp", source_key, system_id)


def enhet_values(rec: EnhetRecord, parent_id: str | None) -> dict[str, Any]:
    values = {f.name: getattr(rec, f.name) for f in dataclasses.fields(rec)}
    for key in ("system_id", "parent_system_id", "parent_orgnummer"):
        values.pop(key)
    values["parent_id"] = parent_id
    return values


def skjerming_values(rec: SkjermingRecord) -> dict[str, Any]:
    return {
        "tilgangsrestriksjon": rec.tilgangsrestriksjon,
        "skjermingshjemmel": rec.skjermingshjemmel,
        "skjermingsvarighet": rec.skjermingsvarighet,
        "skjerming_opphoerer_dato": rec.skjerming_opphoerer_dato,
        "skjerming_metadata": list(rec.skjerming_metadata) or None,
        "skjerming_dokument": rec.skjerming_dokument,
    }


def saksmappe_values(rec: SaksmappeRecord, enhet: str | None) -> dict[str, Any]:
    """A case's columns; ``enhet`` is its agency's id (resolved by the writer)."""
    return {
        "offentlig_tittel": rec.offentlig_tittel,
        "offentlig_tittel_sensitiv": rec.offentlig_tittel_sensitiv,
        "saksaar": rec.saksaar,
        "sakssekvensnummer": rec.sakssekvensnummer,
        "saksdato": rec.saksdato,
        "administrativ_enhet": rec.administrativ_enhet,
        "tittel_language": rec.tittel_language or detect_title_language(rec.offentlig_tittel),
        "saksstatus": rec.saksstatus,
        "arkivdel": rec.arkivdel,
        "klassifikasjon": list(rec.klassifikasjon) or None,
        "publisert_dato": rec.publisert_dato,
        "accessible_after": rec.accessible_after,
        "enhet_id": enhet,
        "deleted_at": None,
    }


def journalpost_values(
    rec: JournalpostRecord, saksmappe: str | None, enhet: str | None
) -> dict[str, Any]:
    """An entry's columns; ``saksmappe`` and ``enhet`` are ids resolved by the writer."""
    return {
        "saksmappe_id": saksmappe,
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
        "tittel_language": rec.tittel_language or detect_title_language(rec.offentlig_tittel),
        "publisert_dato": rec.publisert_dato,
        "accessible_after": rec.accessible_after,
        "enhet_id": enhet,
        "deleted_at": None,
    }


PART_FIELDS = (
    "navn",
    "navn_sensitiv",
    "korrespondanseparttype",
    "administrativ_enhet",
    "skjermet",
)


def part_values(rec: KorrespondansepartRecord) -> dict[str, Any]:
    return {name: getattr(rec, name) for name in PART_FIELDS}


def document_id(jid: str, rec: DokumentRecord, pos: int, keep: set[str]) -> str:
    """The stable id of an entry's document ``pos``; unique among ``keep``, which it joins."""
    did = stable_id("db", jid, rec.system_id or f"#{pos}")
    if did in keep:
        did = stable_id("db", jid, f"{rec.system_id}#{pos}")
    keep.add(did)
    return did


def document_values(rec: DokumentRecord) -> dict[str, Any]:
    return {
        "system_id": rec.system_id,
        "dokumentnummer": rec.dokumentnummer,
        "dokumenttype": rec.dokumenttype,
        "tilknyttet_registrering_som": rec.tilknyttet_registrering_som,
        "tittel": rec.tittel,
        "tittel_sensitiv": rec.tittel_sensitiv,
    }


def file_id(did: str, rec: FileRecord, pos: int, used: set[str]) -> str:
    """The stable id of a document's file ``pos``; unique among ``used``, which it joins."""
    oid = stable_id("do", did, rec.system_id or rec.filnavn or f"#{pos}")
    if oid in used:
        oid = stable_id("do", did, f"{rec.system_id or rec.filnavn}#{pos}")
    used.add(oid)
    return oid


def file_values(rec: FileRecord) -> dict[str, Any]:
    return {
        "versjonsnummer": rec.versjonsnummer,
        "variantformat": rec.variantformat,
        "format": rec.format,
        "filnavn": rec.filnavn,
        "source_uri": rec.source_uri,
        "declared_checksum": rec.declared_checksum.lower() if rec.declared_checksum else None,
        "declared_checksum_algorithm": rec.declared_checksum_algorithm,
    }


def new_row(row_id: str, source_key: str, system_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """A whole new case or entry row for a multi-row insert."""
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


def assign(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def apply_screening(
    current: Skjerming | None, rec: SkjermingRecord | None
) -> tuple[Skjerming | None, bool]:
    """The screening a row should hold for ``rec`` (``current`` updated in place, or a new
    one), and whether it changed."""
    if rec is None:
        return None, current is not None
    values = skjerming_values(rec)
    if current is None:
        return Skjerming(**values), True
    return current, assign(current, values)


def apply_parts(jp: Journalpost, recs: list[KorrespondansepartRecord]) -> bool:
    """Replace the entry's correspondents when they differ; True when they did."""
    wanted = [part_values(r) for r in recs]
    have = [{name: getattr(k, name) for name in PART_FIELDS} for k in jp.korrespondanseparter]
    if wanted == have:
        return False
    jp.korrespondanseparter = [Korrespondansepart(**values) for values in wanted]
    return True


def apply_documents(
    jp: Journalpost, recs: list[DokumentRecord]
) -> tuple[bool, list[tuple[Dokumentobjekt, FileRecord]]]:
    """Update the entry's documents in place; (changed, files to fetch).

    A document the record no longer lists is removed, unless it holds files extracted
    from another file (embedded documents are ours, not the source's). So is a file the
    record's document no longer lists (replaced, say by a redacted one), unless files were
    extracted from it."""
    changed = False
    files: list[tuple[Dokumentobjekt, FileRecord]] = []
    keep: set[str] = set()
    existing = {d.id: d for d in jp.dokumentbeskrivelser}
    derived_from = {
        o.parent_id for d in existing.values() for o in d.dokumentobjekter if o.parent_id
    }
    for pos, rec in enumerate(recs):
        did = document_id(jp.id, rec, pos, keep)
        doc = existing.get(did)
        values = document_values(rec)
        if doc is None:
            doc = Dokumentbeskrivelse(id=did, **values)
            jp.dokumentbeskrivelser.append(doc)
            changed = True
        elif assign(doc, values):
            doc.updated_at = utcnow()
            changed = True
        sk, sk_changed = apply_screening(doc.skjerming, rec.skjerming)
        if sk_changed:
            doc.skjerming = sk
            changed = True
        objs = {o.id: o for o in doc.dokumentobjekter if o.parent_id is None}
        used: set[str] = set()
        for fpos, f in enumerate(rec.files):
            oid = file_id(did, f, fpos, used)
            obj = objs.get(oid)
            ovalues = file_values(f)
            if obj is None:
                obj = Dokumentobjekt(id=oid, media_type=f.media_type, **ovalues)
                doc.dokumentobjekter.append(obj)
                changed = True
                files.append((obj, f))
            else:
                source_changed = assign(obj, ovalues)
                if source_changed or (
                    obj.sha256 is None and obj.extraction_status == ExtractionStatus.PENDING
                ):
                    files.append((obj, f))
                    changed = changed or source_changed
        for oid, obj in objs.items():
            if oid not in used and oid not in derived_from:
                doc.dokumentobjekter.remove(obj)
                doc.updated_at = utcnow()
                changed = True
    for did, doc in existing.items():
        embedded = any(o.parent_id is not None for o in doc.dokumentobjekter)
        if did not in keep and not embedded:
            jp.dokumentbeskrivelser.remove(doc)
            changed = True
    return changed, files
