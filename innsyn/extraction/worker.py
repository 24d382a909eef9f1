"""Extracting every pending file: once per content (sha256), never twice.

For each ``Dokumentobjekt`` with ``extraction_status == "pending"`` whose file is in the
blob store: reuse the ``Extraction`` of the same sha256 when there is one (no Tika call),
otherwise ask Tika, keep the text in the blob store and record the outcome. Attachments
found inside archives and e-mails become documents (``vedlegg``) of the same entry.
When Tika is unreachable the batch stops and the rest stays pending for a later run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.extraction.tika_client import TikaUnavailable, extract_bytes
from innsyn.language import detect_language
from innsyn.progress import Progress, ProgressCallback
from innsyn.store.blobs import BlobStore
from innsyn.store.ids import stable_id
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Extraction,
    Journalpost,
    utcnow,
)


@dataclass
class ExtractionReport:
    done: int = 0
    failed: int = 0
    reused: int = 0
    tika_calls: int = 0
    tika_unavailable: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "failed": self.failed,
            "reused": self.reused,
            "tika_calls": self.tika_calls,
        }


def _new_extraction(settings: Settings, blobs: BlobStore, obj: Dokumentobjekt) -> Extraction:
    assert obj.sha256 is not None
    result = extract_bytes(settings, blobs.read_bytes(obj.sha256), obj.media_type, obj.filnavn)
    text_ref = blobs.put_text(result.text).sha256 if result.text else None
    embedded = []
    for item in result.embedded:
        ref = blobs.put_text(item.text).sha256 if item.text else None
        embedded.append(
            {
                "name": item.name,
                "media_type": item.media_type,
                "text_sha256": ref,
                "text_chars": len(item.text),
                "language": detect_language(item.text, settings.language_min_chars),
            }
        )
    return Extraction(
        sha256=obj.sha256,
        status=result.status,
        error=result.error,
        media_type=result.media_type,
        text_sha256=text_ref,
        text_chars=len(result.text),
        language=detect_language(result.text, settings.language_min_chars) if result.text else None,
        meta={"embedded": embedded},
    )


def _apply(session: Session, obj: Dokumentobjekt, ex: Extraction) -> None:
    obj.extraction_status = ex.status
    obj.extraction_error = ex.error
    obj.media_type = ex.media_type or obj.media_type
    obj.text_sha256 = ex.text_sha256
    obj.text_chars = ex.text_chars
    obj.language = ex.language
    obj.extracted_at = utcnow()
    obj.updated_at = utcnow()
    doc = obj.dokumentbeskrivelse
    for pos, item in enumerate((ex.meta or {}).get("embedded", [])):
        did = stable_id("db", obj.id, "embedded", str(pos))
        if session.get(Dokumentbeskrivelse, did) is not None:
            continue
        child = Dokumentbeskrivelse(
            id=did,
            journalpost_id=doc.journalpost_id,
            tittel=item["name"],
            tilknyttet_registrering_som="vedlegg",
            skjerming=doc.skjerming,
        )
        child.dokumentobjekter.append(
            Dokumentobjekt(
                id=stable_id("do", did),
                parent_id=obj.id,
                filnavn=item["name"],
                media_type=item["media_type"],
                extraction_status="done" if item["text_sha256"] else "skipped",
                text_sha256=item["text_sha256"],
                text_chars=item["text_chars"],
                language=item["language"],
                extracted_at=utcnow(),
            )
        )
        session.add(child)
    jp = session.get(Journalpost, doc.journalpost_id)
    if jp is not None:
        jp.updated_at = utcnow()


def extract_pending(
    settings: Settings,
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    progress: ProgressCallback | None = None,
    limit: int | None = None,
) -> ExtractionReport:
    """Extract every pending file (or ``limit`` of them); see the module docstring."""
    report = ExtractionReport()
    with sessions() as session:
        query = (
            select(Dokumentobjekt.id)
            .where(
                Dokumentobjekt.extraction_status == "pending", Dokumentobjekt.sha256.is_not(None)
            )
            .order_by(Dokumentobjekt.id)
        )
        ids = list(session.scalars(query.limit(limit) if limit else query))
    clock = Progress("extraction", len(ids), progress)
    for obj_id in ids:
        with sessions() as session:
            obj = session.get(Dokumentobjekt, obj_id)
            if obj is None or obj.extraction_status != "pending" or obj.sha256 is None:
                continue
            ex = session.get(Extraction, obj.sha256)
            if ex is None:
                try:
                    ex = _new_extraction(settings, blobs, obj)
                except TikaUnavailable:
                    report.tika_unavailable = True
                    break
                report.tika_calls += 1
                session.add(ex)
            else:
                report.reused += 1
            _apply(session, obj, ex)
            session.commit()
            if ex.status == "done":
                report.done += 1
            else:
                report.failed += 1
        clock.advance()
    if ids:
        clock.finish()
    return report
