"""Index documents built from store records, with screening applied.

What is screened never enters the index: correspondents marked ``skjermet``, and the
titles and text of documents that carry a screening. A record whose public title is
missing is indexed with ``offentlig_tittel: null`` and ``tittel_screened: true``.
Fødselsnummer-shaped numbers are redacted from every title. Embargo and the retention
window of the sensitive variants depend on the time of the query and are applied there.
"""

from __future__ import annotations

from typing import Any

from innsyn.casenumber import variants
from innsyn.config import Settings
from innsyn.privacy import is_screened, redact_fodselsnummer
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentbeskrivelse, Enhet, Journalpost, Saksmappe


def enhet_path(enhet: Enhet | None) -> list[str]:
    """Ids of ``enhet`` and every ancestor (cycle-safe)."""
    path: list[str] = []
    node = enhet
    while node is not None and node.id not in path:
        path.append(node.id)
        node = node.parent
    return path


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _owner_fields(enhet: Enhet | None) -> dict[str, Any]:
    return {
        "enhet_id": enhet.id if enhet else None,
        "enhet_path": enhet_path(enhet),
        "enhet_navn": enhet.navn if enhet else None,
    }


def public_documents(jp: Journalpost) -> list[Dokumentbeskrivelse]:
    """The documents of an entry that may be shown: none that carry a screening, and none
    at all when the entry's own screening covers its documents (``skjermingDokument``)."""
    if jp.skjerming is not None and jp.skjerming.skjerming_dokument:
        return []
    return [d for d in jp.dokumentbeskrivelser if not is_screened(d.skjerming)]


def _document_text(settings: Settings, blobs: BlobStore, docs: list[Dokumentbeskrivelse]) -> str:
    parts: list[str] = []
    budget = settings.max_text_chars
    for doc in docs:
        for obj in doc.dokumentobjekter:
            if obj.text_sha256 and obj.extraction_status == "done" and budget > 0:
                try:
                    text = blobs.read_text(obj.text_sha256)
                except FileNotFoundError:
                    continue
                parts.append(text[:budget])
                budget -= len(parts[-1])
    return "\n\n".join(parts)


def journalpost_document(settings: Settings, blobs: BlobStore, jp: Journalpost) -> dict[str, Any]:
    """The ``journalpost`` index document for ``jp``."""
    sak = jp.saksmappe
    docs = public_documents(jp)
    saksaar = sak.saksaar if sak else None
    seq = sak.sakssekvensnummer if sak else None
    public_parts = [k for k in jp.korrespondanseparter if not k.skjermet]
    doc_entries = []
    languages = {jp.tittel_language} if jp.tittel_language else set()
    for d in docs:
        obj = d.dokumentobjekter[0] if d.dokumentobjekter else None
        if obj and obj.language:
            languages.add(obj.language)
        doc_entries.append(
            {
                "id": d.id,
                "tittel": redact_fodselsnummer(d.tittel),
                "dokumentnummer": d.dokumentnummer,
                "tilknyttet_registrering_som": d.tilknyttet_registrering_som,
                "media_type": obj.media_type if obj else None,
                "filnavn": obj.filnavn if obj else None,
                "extraction_status": obj.extraction_status if obj else None,
                "language": obj.language if obj else None,
                "size": obj.size if obj else None,
            }
        )
    title = redact_fodselsnummer(jp.offentlig_tittel)
    return {
        "id": jp.id,
        "offentlig_tittel": title,
        "offentlig_tittel_sensitiv": redact_fodselsnummer(jp.offentlig_tittel_sensitiv),
        "tittel_screened": not title,
        "journalaar": jp.journalaar,
        "journalsekvensnummer": jp.journalsekvensnummer,
        "journalpostnummer": jp.journalpostnummer,
        "journalposttype": jp.journalposttype,
        "journalstatus": jp.journalstatus,
        "journaldato": _iso(jp.journaldato),
        "dokumentets_dato": _iso(jp.dokumentets_dato),
        "publisert_dato": _iso(jp.publisert_dato),
        "accessible_after": _iso(jp.accessible_after),
        "saksnummer": sak.saksnummer if sak else None,
        "journalpost_nummer": jp.journalpostnummer_full,
        "saksnummer_search": variants(saksaar, seq, jp.journalpostnummer),
        "saksmappe": {
            "id": sak.id,
            "offentlig_tittel": redact_fodselsnummer(sak.offentlig_tittel),
            "saksnummer": sak.saksnummer,
        }
        if sak
        else None,
        **_owner_fields(jp.enhet),
        "administrativ_enhet": jp.administrativ_enhet,
        "korrespondansepart": [
            {"navn": k.navn, "korrespondanseparttype": k.korrespondanseparttype}
            for k in public_parts
            if k.navn
        ],
        "korrespondansepart_sensitiv": " ".join(
            k.navn_sensitiv for k in public_parts if k.navn_sensitiv
        )
        or None,
        "skjerming": {
            "tilgangsrestriksjon": jp.skjerming.tilgangsrestriksjon,
            "skjermingshjemmel": jp.skjerming.skjermingshjemmel,
        }
        if jp.skjerming
        else None,
        "dokumenter": doc_entries,
        "dokument_tekst": _document_text(settings, blobs, docs) or None,
        "dokument_count": len(doc_entries),
        "has_documents": bool(doc_entries),
        "language": jp.tittel_language,
        "languages": sorted(languages),
        "updated_at": _iso(jp.updated_at),
    }


def saksmappe_document(sak: Saksmappe, journalpost_count: int) -> dict[str, Any]:
    """The ``saksmappe`` index document for ``sak``, which has ``journalpost_count``
    entries that are not deleted."""
    title = redact_fodselsnummer(sak.offentlig_tittel)
    return {
        "id": sak.id,
        "offentlig_tittel": title,
        "offentlig_tittel_sensitiv": redact_fodselsnummer(sak.offentlig_tittel_sensitiv),
        "tittel_screened": not title,
        "saksaar": sak.saksaar,
        "sakssekvensnummer": sak.sakssekvensnummer,
        "saksnummer": sak.saksnummer,
        "saksnummer_search": variants(sak.saksaar, sak.sakssekvensnummer),
        "saksdato": _iso(sak.saksdato),
        "publisert_dato": _iso(sak.publisert_dato),
        "accessible_after": _iso(sak.accessible_after),
        **_owner_fields(sak.enhet),
        "administrativ_enhet": sak.administrativ_enhet,
        "journalpost_count": journalpost_count,
        "language": sak.tittel_language,
        "updated_at": _iso(sak.updated_at),
    }
