"""The OCR worker in the background: in a thread of ``innsyn scheduler``, with the index
caught up after each document's text arrives, and the queue's retry of failed pages."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.ocr.engine import OcrToolMissing, check_tools
from innsyn.ocr.status import OcrStatus, PageStatus
from innsyn.ocr.worker import OcrWorker, TextCallback
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentobjekt, OcrPage, OcrTask, utcnow

Echo = Callable[[str], None]


def index_catch_up(settings: Settings, sessions: sessionmaker[Session], echo: Echo) -> TextCallback:
    """A callback that brings the index up to date (errors are told, not raised: the
    next catch-up indexes what this one could not)."""
    from innsyn.indexing.indexer import catch_up
    from innsyn.search_client import make_client

    client = make_client(settings)

    def _catch_up() -> None:
        try:
            catch_up(settings, client, sessions)
        except Exception as exc:  # OpenSearch down: the text waits in the store
            echo(f"OCR: index catch-up failed ({type(exc).__name__}: {exc}); it is retried")

    return _catch_up


class OcrThread:
    """An ``OcrWorker`` reading in a background thread until stopped."""

    def __init__(
        self, settings: Settings, sessions: sessionmaker[Session], echo: Echo, poll: float
    ) -> None:
        self.settings = settings
        self.echo = echo
        self.poll = poll
        self.worker = OcrWorker(
            settings,
            sessions,
            BlobStore(settings.resolved_blob_dir),
            after_text=index_catch_up(settings, sessions, echo),
            progress=echo,
        )
        self.thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start reading unless OCR is switched off or its tools are missing (told)."""
        if self.settings.ocr_concurrency <= 0:
            self.echo("OCR: off in this process (INNSYN_OCR_CONCURRENCY=0)")
            return False
        try:
            check_tools(self.settings)
        except OcrToolMissing as exc:
            self.echo(f"OCR: off: {exc}")
            return False
        self.thread = threading.Thread(target=self._serve, name="ocr-worker", daemon=True)
        self.thread.start()
        self.echo(f"OCR: reading up to {self.worker.concurrency} pages at a time")
        return True

    def _serve(self) -> None:
        while not self.worker.stop_event.is_set():
            try:
                self.worker.run(drain=False, poll=self.poll)
            except Exception as exc:  # the database may be briefly unavailable
                self.echo(f"OCR: worker error ({type(exc).__name__}: {exc}); retrying")
                self.worker.stop_event.wait(self.poll)

    def stop(self) -> None:
        self.worker.stop()
        if self.thread is not None:
            self.thread.join(timeout=60)


def retry_failed(sessions: sessionmaker[Session]) -> int:
    """Put documents whose OCR failed or was partial back in the queue: their failed pages
    are read again, the pages read are kept. Returns how many documents."""
    with sessions.begin() as s:
        shas = list(
            s.scalars(
                select(OcrTask.sha256).where(
                    OcrTask.status.in_([OcrStatus.PARTIAL, OcrStatus.FAILED])
                )
            )
        )
        if not shas:
            return 0
        s.execute(
            delete(OcrPage).where(OcrPage.sha256.in_(shas), OcrPage.status == PageStatus.FAILED)
        )
        s.execute(
            update(OcrTask)
            .where(OcrTask.sha256.in_(shas))
            .values(status=OcrStatus.QUEUED, error=None, finished_at=None, queued_at=utcnow())
        )
        s.execute(
            update(Dokumentobjekt)
            .where(Dokumentobjekt.sha256.in_(shas))
            .values(ocr_status=OcrStatus.QUEUED, ocr_error=None)
        )
    return len(shas)
