"""Loading public records from the store for pages and the API. What of a record may be
shown is decided in ``innsyn.public.shapes``; here records are read and turned into
their page at the time of the request, or answered with 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, send_file
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from innsyn.privacy import redact_fodselsnummer
from innsyn.public.shapes import (
    AGENCY,
    Moment,
    case_page,
    document_page,
    entry_page,
    shown_files,
)
from innsyn.store.models import Dokumentbeskrivelse, Enhet, Journalpost, Saksmappe
from web.resources import resources


def moment() -> Moment:
    """Now, with this installation's retention window for sensitive names."""
    return Moment.of(dt.datetime.now(dt.UTC), resources().settings)


def journalpost_or_404(session: Session, jp_id: str) -> dict[str, Any]:
    jp = session.get(Journalpost, jp_id)
    view = entry_page(jp, moment()) if jp else None
    if view is None:
        abort(404)
    return view


def saksmappe_or_404(session: Session, sak_id: str) -> dict[str, Any]:
    sak = session.get(Saksmappe, sak_id)
    view = case_page(sak, sak.journalposter, moment()) if sak else None
    if view is None:
        abort(404)
    return view


def document_or_404(session: Session, doc_id: str) -> tuple[Dokumentbeskrivelse, dict[str, Any]]:
    """The stored document (for its files) and its page."""
    doc = session.get(Dokumentbeskrivelse, doc_id)
    view = document_page(doc, doc.journalpost, moment()) if doc else None
    if doc is None or view is None:
        abort(404)
    return doc, view


def enhet_or_404(session: Session, enhet_id: str) -> tuple[Enhet, dict[str, Any]]:
    """The stored agency (for its relations) and its API view."""
    enhet = session.get(Enhet, enhet_id)
    if enhet is None:
        abort(404)
    return enhet, AGENCY.page(enhet, moment())


def document_text(doc: Dokumentbeskrivelse) -> str | None:
    """The document's extracted text as it may be shown (fødselsnummer redacted)."""
    obj = next((o for o in shown_files(doc) if o.text_sha256), None)
    if obj is None or obj.text_sha256 is None:
        return None
    return redact_fodselsnummer(resources().blobs.read_text(obj.text_sha256))


INLINE_TYPES = {"application/pdf", "text/plain", "image/png", "image/jpeg"}


def send_original(doc: Dokumentbeskrivelse) -> ResponseReturnValue:
    """The stored original file, with Range support, never rendered as active content."""
    obj = next((o for o in shown_files(doc) if o.sha256), None)
    if obj is None or obj.sha256 is None:
        abort(404)
    path = resources().blobs.path_for(obj.sha256)
    if not path.is_file():
        abort(404)
    media_type = (obj.media_type or "application/octet-stream").split(";")[0]
    inline = media_type in INLINE_TYPES
    resp = send_file(
        path,
        mimetype=media_type,
        as_attachment=not inline,
        download_name=obj.filnavn or f"{doc.id}",
        conditional=True,
        etag=obj.sha256,
        max_age=3600,
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    # a shared cache must not keep a file that a later harvest screens or withdraws
    resp.headers["Cache-Control"] = "private, max-age=3600"
    return resp
