"""Extracting every pending file: once per content (sha256), never twice.

For each ``Dokumentobjekt`` whose ``extraction_status`` is ``ExtractionStatus.PENDING``
and whose file is in the blob store: reuse the ``Extraction`` of the same sha256 when
there is one (no Tika call), otherwise ask Tika, keep the text in the blob store and
record the outcome. Tika reads text layers only; a PDF page without one, or an image,
goes to the OCR queue (``innsyn.ocr``), which adds the pages' text later. Attachments
found inside archives and e-mails become documents (``vedlegg``) of the same entry.
When Tika is unreachable the batch stops and the rest stays pending for a later run.

Tika calls run in a small thread pool (``extraction_concurrency``); reading and writing
the database and detecting languages stay in the calling thread, so one SQLite
connection is never shared and a content that several files share is sent once.
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.extraction.status import ExtractionStatus
from innsyn.extraction.tika_client import ExtractionResult, TikaUnavailable, extract_bytes
from innsyn.harvest.titles import neutral_file_name
from innsyn.language import detect_language
from innsyn.ocr.need import ocr_need
from innsyn.ocr.queue import OcrNeed, enqueue, status_of
from innsyn.privacy import title_screened
from innsyn.progress import Progress, ProgressCallback
from innsyn.store.blobs import BlobStore
from innsyn.store.derived import by_origin, follow_screening
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
    ocr_queued: int = 0
    ocr_pages: int = 0
    tika_unavailable: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "failed": self.failed,
            "reused": self.reused,
            "tika_calls": self.tika_calls,
            "ocr_queued": self.ocr_queued,
            "ocr_pages": self.ocr_pages,
        }


@dataclass
class _Job:
    """One file content to send to Tika, with what is sent along; plain values only, so
    it can cross into a worker thread."""

    sha256: str
    media_type: str | None
    filename: str | None


@dataclass
class _Outcome:
    """What a worker thread brings back: Tika's result with its texts already in the
    blob store, and the pages that need OCR."""

    result: ExtractionResult
    text_ref: str | None
    embedded_refs: list[str | None]
    ocr: OcrNeed | None = None


def _call_tika(
    settings: Settings, blobs: BlobStore, slots: threading.BoundedSemaphore, job: _Job
) -> _Outcome:
    """Runs in a worker thread: read the file, ask Tika (holding one of ``slots``), keep
    the texts. No database."""
    data = blobs.read_bytes(job.sha256)
    with slots:
        result = extract_bytes(settings, data, job.media_type, job.filename)
    text_ref = blobs.put_text(result.text).sha256 if result.text else None
    refs = [blobs.put_text(e.text).sha256 if e.text else None for e in result.embedded]
    need = None
    if result.status == ExtractionStatus.DONE:
        path = blobs.path_for(job.sha256)
        need = ocr_need(settings, path, result.media_type, result.text, result.metadata)
    return _Outcome(result, text_ref, refs, need)


def _extraction(settings: Settings, sha256: str, outcome: _Outcome) -> Extraction:
    """The ``Extraction`` row of an outcome (language detection happens here, in the
    calling thread)."""
    result = outcome.result
    embedded = [
        {
            "name": item.name,
            "media_type": item.media_type,
            "text_sha256": ref,
            "text_chars": len(item.text),
            "language": detect_language(item.text, settings.language_min_chars),
        }
        for item, ref in zip(result.embedded, outcome.embedded_refs, strict=True)
    ]
    return Extraction(
        sha256=sha256,
        status=result.status,
        error=result.error,
        media_type=result.media_type,
        text_sha256=outcome.text_ref,
        text_chars=len(result.text),
        language=detect_language(result.text, settings.language_min_chars) if result.text else None,
        meta={"embedded": embedded},
    )


def _apply(session: Session, obj: Dokumentobjekt, ex: Extraction) -> None:
    obj.ocr_status, obj.ocr_error = status_of(session, obj.sha256)
    obj.extraction_status = ex.status
    obj.extraction_error = ex.error
    obj.media_type = ex.media_type or obj.media_type
    obj.text_sha256 = ex.text_sha256
    obj.text_chars = ex.text_chars
    obj.language = ex.language
    obj.extracted_at = utcnow()
    obj.updated_at = utcnow()
    doc = obj.dokumentbeskrivelse
    found: set[str] = set()
    withheld = _titles_withheld(session, doc)
    for pos, item in enumerate((ex.meta or {}).get("embedded", [])):
        did = stable_id("db", obj.id, "embedded", str(pos))
        found.add(did)
        stored = session.get(Dokumentbeskrivelse, did)
        if stored is not None:
            follow_screening(doc, [stored])
            continue
        name = item["name"]
        child = Dokumentbeskrivelse(
            id=did,
            journalpost_id=doc.journalpost_id,
            tittel=None if withheld else name,
            tilknyttet_registrering_som="vedlegg",
            skjerming=doc.skjerming,
        )
        child.dokumentobjekter.append(
            Dokumentobjekt(
                id=stable_id("do", did),
                parent_id=obj.id,
                filnavn=neutral_file_name(name, pos + 1) if withheld and name else name,
                media_type=item["media_type"],
                extraction_status=(
                    ExtractionStatus.DONE if item["text_sha256"] else ExtractionStatus.SKIPPED
                ),
                text_sha256=item["text_sha256"],
                text_chars=item["text_chars"],
                language=item["language"],
                extracted_at=utcnow(),
            )
        )
        session.add(child)
    jp = session.get(Journalpost, doc.journalpost_id)
    if jp is not None:
        for stale in by_origin(jp.dokumentbeskrivelser).get(obj.id, []):
            if stale.id not in found:  # found in an earlier content of this file
                jp.dokumentbeskrivelser.remove(stale)
        jp.updated_at = utcnow()


def _titles_withheld(session: Session, doc: Dokumentbeskrivelse) -> bool:
    """Whether the document, its entry or its case withholds a title. The withheld title
    itself is not stored, so a file found inside this document cannot be checked against
    it: its name (which may repeat that title) is not published either."""
    jp = session.get(Journalpost, doc.journalpost_id)
    screenings = [doc.skjerming]
    if jp is not None:
        screenings += [jp.skjerming, jp.saksmappe.skjerming if jp.saksmappe else None]
    return any(sk is not None and title_screened(sk.skjerming_metadata) for sk in screenings)


def _count(report: ExtractionReport, ex: Extraction) -> None:
    if ex.status == ExtractionStatus.DONE:
        report.done += 1
    else:
        report.failed += 1


class _Extractor:
    """The state of one ``extract_pending`` run. Every database read and write happens
    in the calling thread; the pool only runs ``_call_tika``."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        blobs: BlobStore,
        pool: ThreadPoolExecutor,
        slots: threading.BoundedSemaphore,
        report: ExtractionReport,
        clock: Progress,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.blobs = blobs
        self.pool = pool
        self.slots = slots
        self.report = report
        self.clock = clock
        self.waiting: dict[str, list[str]] = {}
        self.running: dict[Future[_Outcome], str] = {}

    def start(self, obj_id: str) -> None:
        """Reuse the extraction of the file's content, wait for the one under way, or
        send the content to Tika."""
        with self.sessions() as session:
            obj = session.get(Dokumentobjekt, obj_id)
            if (
                obj is None
                or obj.extraction_status != ExtractionStatus.PENDING
                or obj.sha256 is None
            ):
                self.clock.advance()
                return
            if obj.sha256 in self.waiting:
                self.waiting[obj.sha256].append(obj_id)
                return
            ex = session.get(Extraction, obj.sha256)
            if ex is not None:
                self.report.reused += 1
                _apply(session, obj, ex)
                session.commit()
                _count(self.report, ex)
                self.clock.advance()
                return
            job = _Job(obj.sha256, obj.media_type, obj.filnavn)
        self.waiting[job.sha256] = [obj_id]
        self.running[self.pool.submit(_call_tika, self.settings, self.blobs, self.slots, job)] = (
            job.sha256
        )

    def finish(self, future: Future[_Outcome]) -> None:
        """Record the outcome of one Tika call for every entry waiting for it."""
        sha256 = self.running.pop(future)
        obj_ids = self.waiting.pop(sha256)
        try:
            outcome = future.result()
        except TikaUnavailable:
            self.report.tika_unavailable = True
            return
        self.report.tika_calls += 1
        with self.sessions() as session:
            ex = session.get(Extraction, sha256)
            if ex is None:
                ex = _extraction(self.settings, sha256, outcome)
                session.add(ex)
                if outcome.ocr is not None and outcome.ocr.pages:
                    enqueue(session, sha256, outcome.ocr, ex.media_type, outcome.text_ref)
                    self.report.ocr_queued += 1
                    self.report.ocr_pages += len(outcome.ocr.pages)
            for n, obj_id in enumerate(obj_ids):
                obj = session.get(Dokumentobjekt, obj_id)
                if (
                    obj is None
                    or obj.extraction_status != ExtractionStatus.PENDING
                    or obj.sha256 != sha256
                ):
                    continue
                if n:
                    self.report.reused += 1
                _apply(session, obj, ex)
                _count(self.report, ex)
            session.commit()
        self.clock.advance(len(obj_ids))


def extract_pending(
    settings: Settings,
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    progress: ProgressCallback | None = None,
    limit: int | None = None,
) -> ExtractionReport:
    """Extract every pending file (or ``limit`` of them); see the module docstring.

    Up to ``settings.extraction_concurrency`` files are with Tika at once. The pool has
    twice as many threads, so storing one answer's texts never holds up the next call,
    and the calling thread keeps it fed while it writes to the database.
    """
    report = ExtractionReport()
    with sessions() as session:
        query = (
            select(Dokumentobjekt.id)
            .where(
                Dokumentobjekt.extraction_status == ExtractionStatus.PENDING,
                Dokumentobjekt.sha256.is_not(None),
            )
            .order_by(Dokumentobjekt.id)
        )
        ids = list(session.scalars(query.limit(limit) if limit else query))
    clock = Progress("extraction", len(ids), progress)
    workers = max(1, settings.extraction_concurrency)
    slots = threading.BoundedSemaphore(workers)
    with ThreadPoolExecutor(2 * workers, thread_name_prefix="extract") as pool:
        run = _Extractor(settings, sessions, blobs, pool, slots, report, clock)
        todo = iter(ids)
        while True:
            while not report.tika_unavailable and len(run.running) < 2 * workers:
                obj_id = next(todo, None)
                if obj_id is None:
                    break
                run.start(obj_id)
            if not run.running:
                break
            done, _ = wait(run.running, return_when=FIRST_COMPLETED)
            for future in done:
                run.finish(future)
    if ids:
        clock.finish()
    if report.ocr_queued and progress is not None:
        progress(
            f"{report.ocr_queued} scanned documents ({report.ocr_pages} pages) queued for OCR: "
            "'innsyn scheduler' reads them, or run 'innsyn ocr run'; their titles are "
            "searchable now, their text when it has been read"
        )
    return report
