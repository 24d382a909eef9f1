"""Documents derived from a file (attachments found inside an e-mail) follow that file:
when a harvest applies a record to an entry (``harvest.values.apply_documents``), and
when the public shapes decide what may be shown (``public.shapes.shown_documents``)."""

from __future__ import annotations

import datetime as dt

from innsyn.harvest.records import DokumentRecord, FileRecord, SkjermingRecord
from innsyn.harvest.values import (
    apply_documents,
    document_id,
    document_values,
    file_id,
    file_values,
)
from innsyn.public.shapes import Moment, document_page, entry_page, shown_documents
from innsyn.store.models import Dokumentbeskrivelse, Dokumentobjekt, Journalpost, Skjerming

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _mail(**changes: object) -> DokumentRecord:
    values: dict[str, object] = {
        "system_id": "dok-epost",
        "tittel": "E-post fra klager",
        "files": [FileRecord(system_id=None, filnavn="epost.eml", source_uri="x#epost.eml")],
    }
    values.update(changes)
    return DokumentRecord(**values)  # type: ignore[arg-type]


def _entry() -> tuple[Journalpost, Dokumentbeskrivelse]:
    """An entry holding the e-mail (as harvested from ``_mail()``) and one attachment
    found in it; the attachment's document."""
    jp = Journalpost(id="jp_1", source_key="t", system_id="J1", offentlig_tittel="Klage")
    rec = _mail()
    did = document_id(jp.id, rec, 0, set())
    mail = Dokumentbeskrivelse(id=did, **document_values(rec))
    oid = file_id(did, rec.files[0], 0, set())
    mail.dokumentobjekter.append(
        Dokumentobjekt(id=oid, sha256="a" * 64, **file_values(rec.files[0]))
    )
    attachment = Dokumentbeskrivelse(id="db_att", tittel="Test TxtA.txt")
    attachment.dokumentobjekter.append(Dokumentobjekt(id="do_att", parent_id=oid))
    jp.dokumentbeskrivelser = [mail, attachment]
    return jp, attachment


def test_an_attachment_takes_the_screening_its_email_gets_later():
    jp, attachment = _entry()
    changed, _ = apply_documents(jp, [_mail(skjerming=SkjermingRecord(tilgangsrestriksjon="UO"))])
    assert changed
    mail = jp.dokumentbeskrivelser[0]
    assert mail.skjerming is not None and attachment.skjerming is mail.skjerming

    changed, _ = apply_documents(jp, [_mail()])
    assert changed and mail.skjerming is None and attachment.skjerming is None


def test_an_attachment_goes_with_its_email():
    jp, attachment = _entry()
    assert attachment in jp.dokumentbeskrivelser
    changed, _ = apply_documents(jp, [])
    assert changed and jp.dokumentbeskrivelser == []


def test_an_attachment_goes_with_a_file_the_source_no_longer_lists():
    jp, attachment = _entry()
    mail = jp.dokumentbeskrivelser[0]
    redacted = FileRecord(system_id=None, filnavn="epost-sladdet.txt", source_uri="x#sladdet")
    changed, fetch = apply_documents(jp, [_mail(files=[redacted])])
    assert changed and attachment not in jp.dokumentbeskrivelser
    assert jp.dokumentbeskrivelser == [mail]
    assert [o.filnavn for o in mail.dokumentobjekter] == ["epost-sladdet.txt"]
    assert [f.filnavn for _, f in fetch] == ["epost-sladdet.txt"]


def test_an_unchanged_record_keeps_the_attachment():
    jp, attachment = _entry()
    changed, fetch = apply_documents(jp, [_mail()])
    assert (changed, fetch) == (False, [])
    assert attachment in jp.dokumentbeskrivelser


def test_an_attachment_is_shown_only_while_its_email_is(offline_settings):
    """A store written before attachments followed their e-mail may still hold one
    unscreened under a screened e-mail, or one whose e-mail is gone: neither is shown."""
    jp, attachment = _entry()
    moment = Moment.of(NOW, offline_settings)
    assert attachment in shown_documents(jp)
    assert document_page(attachment, jp, moment) is not None

    jp.dokumentbeskrivelser[0].skjerming = Skjerming(tilgangsrestriksjon="UO")
    assert shown_documents(jp) == []
    assert document_page(attachment, jp, moment) is None
    page = entry_page(jp, moment)
    assert page is not None and "TxtA" not in repr(page)

    jp.dokumentbeskrivelser = [attachment]
    assert shown_documents(jp) == []
