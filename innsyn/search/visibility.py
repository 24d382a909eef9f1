"""What of a stored record may be shown: one place for the UI, the API and the feed.

A record is public when it is not deleted and its embargo (``accessible_after``) has
passed. Its sensitive title variant is shown only within the retention window after
publication. Screened correspondents and screened documents are never shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from innsyn.config import Settings
from innsyn.indexing.documents import public_documents
from innsyn.privacy import redact_fodselsnummer
from innsyn.store.models import Dokumentbeskrivelse, Enhet, Journalpost, Saksmappe


def _visible(record: Journalpost | Saksmappe, now: dt.datetime) -> bool:
    if record.deleted_at is not None:
        return False
    return record.accessible_after is None or record.accessible_after <= now


def in_retention(published: dt.datetime | None, now: dt.datetime, settings: Settings) -> bool:
    """True when names in sensitive variants may still be shown."""
    if published is None:
        return False
    return now - published <= dt.timedelta(days=settings.sensitive_retention_days)


def _title(record: Journalpost | Saksmappe, now: dt.datetime, settings: Settings) -> str | None:
    if record.offentlig_tittel_sensitiv and in_retention(record.publisert_dato, now, settings):
        return redact_fodselsnummer(record.offentlig_tittel_sensitiv)
    return redact_fodselsnummer(record.offentlig_tittel)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def enhet_summary(enhet: Enhet | None) -> dict[str, Any] | None:
    if enhet is None:
        return None
    return {"id": enhet.id, "navn": enhet.navn, "orgnummer": enhet.orgnummer}


def public_document(doc: Dokumentbeskrivelse) -> dict[str, Any]:
    obj = next((o for o in doc.dokumentobjekter if o.parent_id is None), None) or (
        doc.dokumentobjekter[0] if doc.dokumentobjekter else None
    )
    return {
        "id": doc.id,
        "tittel": redact_fodselsnummer(doc.tittel),
        "dokumentnummer": doc.dokumentnummer,
        "tilknyttet_registrering_som": doc.tilknyttet_registrering_som,
        "filnavn": obj.filnavn if obj else None,
        "media_type": obj.media_type if obj else None,
        "size": obj.size if obj else None,
        "extraction_status": obj.extraction_status if obj else None,
        "extraction_error": obj.extraction_error if obj else None,
        "language": obj.language if obj else None,
        "downloadable": bool(obj and obj.sha256),
        "has_text": bool(obj and obj.text_sha256),
    }


def public_journalpost(
    jp: Journalpost, now: dt.datetime, settings: Settings
) -> dict[str, Any] | None:
    """The public view of an entry, or ``None`` when it may not be shown at all."""
    if not _visible(jp, now):
        return None
    sak = jp.saksmappe
    title = _title(jp, now, settings)
    parts = [
        {
            "navn": k.navn_sensitiv
            if k.navn_sensitiv and in_retention(jp.publisert_dato, now, settings)
            else k.navn,
            "korrespondanseparttype": k.korrespondanseparttype,
        }
        for k in jp.korrespondanseparter
        if not k.skjermet and (k.navn or k.navn_sensitiv)
    ]
    return {
        "id": jp.id,
        "offentlig_tittel": title,
        "tittel_screened": not title,
        "journalaar": jp.journalaar,
        "journalsekvensnummer": jp.journalsekvensnummer,
        "journalpostnummer": jp.journalpostnummer,
        "journalpost_nummer": jp.journalpostnummer_full,
        "journalposttype": jp.journalposttype,
        "journalstatus": jp.journalstatus,
        "journaldato": _iso(jp.journaldato),
        "dokumentets_dato": _iso(jp.dokumentets_dato),
        "publisert_dato": _iso(jp.publisert_dato),
        "administrativ_enhet": jp.administrativ_enhet,
        "skjerming": {
            "tilgangsrestriksjon": jp.skjerming.tilgangsrestriksjon,
            "skjermingshjemmel": jp.skjerming.skjermingshjemmel,
        }
        if jp.skjerming
        else None,
        "korrespondansepart": parts,
        "saksmappe": {
            "id": sak.id,
            "saksnummer": sak.saksnummer,
            "offentlig_tittel": _title(sak, now, settings),
        }
        if sak is not None and _visible(sak, now)
        else None,
        "enhet": enhet_summary(jp.enhet),
        "dokumenter": [public_document(d) for d in public_documents(jp)],
    }


def public_saksmappe(sak: Saksmappe, now: dt.datetime, settings: Settings) -> dict[str, Any] | None:
    """The public view of a case with its visible entries in order, or ``None``."""
    if not _visible(sak, now):
        return None
    entries = [e for jp in sak.journalposter if (e := public_journalpost(jp, now, settings))]
    title = _title(sak, now, settings)
    return {
        "id": sak.id,
        "saksnummer": sak.saksnummer,
        "offentlig_tittel": title,
        "tittel_screened": not title,
        "saksdato": _iso(sak.saksdato),
        "administrativ_enhet": sak.administrativ_enhet,
        "enhet": enhet_summary(sak.enhet),
        "journalposter": entries,
    }


def document_visible(doc: Dokumentbeskrivelse, now: dt.datetime) -> bool:
    """True when a document may be shown and downloaded."""
    jp = doc.journalpost
    return _visible(jp, now) and doc in public_documents(jp)
