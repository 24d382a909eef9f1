"""The OCR worker: reads queued pages with its own concurrency, apart from any harvest.

One ``OcrWorker`` keeps ``settings.ocr_concurrency`` pages in hand at once, taken from
as many queued contents as it needs to keep them busy (a short scan never leaves a core
idle while a long one waits). Each page's outcome is kept as it arrives; a content whose
pages are all read gets its text, and the index catches up. Stopping (``stop``, SIGTERM
in ``innsyn ocr run``) kills the pages in hand and gives their contents back at once.
Run by ``innsyn ocr run`` and, in a thread, by ``innsyn scheduler``.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.harvest.runs import worker_name
from innsyn.ocr.engine import Cancelled, PageReader, PageResult, pdf_page_sizes
from innsyn.ocr.queue import ClaimedTask, OcrQueue
from innsyn.ocr.status import OcrStatus, PageStatus
from innsyn.progress import ProgressCallback
from innsyn.store.blobs import BlobStore

TEXT_EVERY = 5.0
"""Seconds between two ``after_text`` calls while pages are still being read."""
TextCallback = Callable[[], None]
"""Called after a content's new text is written (e.g. to catch the index up)."""


@dataclass
class OcrRunReport:
    """What one worker run did."""

    documents: int = 0
    pages_read: int = 0
    pages_failed: int = 0
    partial: int = 0
    failed: int = 0
    seconds: float = 0.0
    statuses: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        pace = f", {self.pages_read / self.seconds:.2f} pages/s" if self.seconds else ""
        return (
            f"OCR: {self.documents} documents finished ({self.partial} partly, "
            f"{self.failed} failed), {self.pages_read} pages read, "
            f"{self.pages_failed} pages failed in {self.seconds:.0f} s{pace}"
        )


@dataclass
class _Held:
    """A content in this worker's hands."""

    task: ClaimedTask
    path: Path
    sizes: list[tuple[float, float]]
    outstanding: int = 0


class OcrWorker:
    """Reads queued pages until the queue is empty (``drain``) or it is stopped."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        blobs: BlobStore,
        *,
        concurrency: int | None = None,
        after_text: TextCallback | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.settings = settings
        self.blobs = blobs
        self.concurrency = max(1, concurrency or settings.ocr_concurrency or 1)
        self.queue = OcrQueue(settings, sessions, blobs, f"ocr:{worker_name()}")
        self.stop_event = threading.Event()
        self._cancel = threading.Event()
        self.reader = PageReader(settings, self._cancel)
        self.after_text = after_text
        self.progress = progress
        self.report = OcrRunReport()
        self._held: dict[str, _Held] = {}
        self._todo: deque[tuple[str, int]] = deque()
        self._running: dict[Future[PageResult], str] = {}
        self._last_renew = time.monotonic()
        self._last_say = 0.0
        self._text_due = False
        self._last_text = 0.0

    def stop(self) -> None:
        """Give up: pages in hand are killed, their contents released."""
        self.stop_event.set()
        self._cancel.set()

    def run(self, drain: bool = True, poll: float = 5.0) -> OcrRunReport:
        """Read pages; with ``drain``, return when the queue is empty, else wait for more
        (every ``poll`` seconds) until stopped."""
        started = time.monotonic()
        if not self.stop_event.is_set():
            self._cancel.clear()
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="ocr") as pool:
            try:
                while not self.stop_event.is_set():
                    self._fill(pool)
                    if not self._running:
                        self._texts_written(now=True)
                        if drain:
                            break
                        self.stop_event.wait(poll)
                        continue
                    done, _ = wait(self._running, timeout=5.0, return_when=FIRST_COMPLETED)
                    for future in done:
                        self._finish_page(future)
                    self._renew()
                    self._texts_written(now=False)
            finally:
                self._cancel.set()
                for future in list(self._running):
                    future.cancel()
                wait(self._running)
                self._running.clear()
                self._todo.clear()
                for sha256 in list(self._held):
                    self.queue.release(sha256)
                self._held.clear()
        self._texts_written(now=True)
        self.report.seconds = time.monotonic() - started
        return self.report

    def _fill(self, pool: ThreadPoolExecutor) -> None:
        """Keep ``concurrency`` pages in hand, claiming contents as long as there are any."""
        while len(self._running) < self.concurrency and not self.stop_event.is_set():
            if not self._todo:
                if not self._claim():
                    return
                continue  # a content with nothing left to read was completed at once
            sha256, page = self._todo.popleft()
            held = self._held[sha256]
            held.outstanding += 1
            self._running[pool.submit(self._read, held, page)] = sha256

    def _claim(self) -> bool:
        task = self.queue.claim(skip=list(self._held))
        if task is None:
            return False
        held = _Held(task, self.blobs.path_for(task.sha256), [])
        self._held[task.sha256] = held
        if task.kind == "pdf" and task.todo:
            try:
                held.sizes = pdf_page_sizes(held.path, timeout=60)
            except (OSError, subprocess.SubprocessError, ValueError):
                held.sizes = []  # a hint only: pages are then rendered at the set resolution
        limit = self.settings.ocr_max_pages
        for page in task.todo:
            if page > limit:
                reason = f"past the limit of {limit} pages read per document"
                self.queue.record(task.sha256, PageResult(page, PageStatus.FAILED, "", reason, 0))
            else:
                self._todo.append((task.sha256, page))
        if not any(sha == task.sha256 for sha, _ in self._todo):
            self._complete(task.sha256)
        return True

    def _read(self, held: _Held, page: int) -> PageResult:
        if not held.path.exists():
            return PageResult(page, PageStatus.FAILED, "", "the file is no longer stored", 0)
        if held.task.kind == "image":
            return self.reader.read_image(held.path)
        size = held.sizes[page - 1] if page <= len(held.sizes) else None
        return self.reader.read_pdf_page(held.path, page, size)

    def _finish_page(self, future: Future[PageResult]) -> None:
        sha256 = self._running.pop(future)
        held = self._held[sha256]
        held.outstanding -= 1
        try:
            result = future.result()
        except Cancelled:
            return
        self.queue.record(sha256, result)
        if result.status == PageStatus.DONE:
            self.report.pages_read += 1
        else:
            self.report.pages_failed += 1
        self._say(f"OCR: page {result.page}/{held.task.page_count} of {sha256[:12]}")
        if held.outstanding == 0 and not any(sha == sha256 for sha, _ in self._todo):
            self._complete(sha256)

    def _complete(self, sha256: str) -> None:
        self._held.pop(sha256, None)
        status = self.queue.complete(sha256)
        self.report.documents += 1
        self.report.statuses[sha256] = status
        if status == OcrStatus.PARTIAL:
            self.report.partial += 1
        elif status == OcrStatus.FAILED:
            self.report.failed += 1
        self._say(f"OCR: {sha256[:12]} {status}", force=True)
        self._text_due = True

    def _texts_written(self, now: bool) -> None:
        """Call ``after_text`` once for the documents finished since the last call: at
        once when ``now`` (nothing left in hand), else at most every ``TEXT_EVERY``
        seconds, so a queue of many short documents does not catch the index up for
        each one."""
        if not self._text_due or self.after_text is None:
            return
        if not now and time.monotonic() - self._last_text < TEXT_EVERY:
            return
        self._text_due = False
        self._last_text = time.monotonic()
        self.after_text()

    def _renew(self) -> None:
        if time.monotonic() - self._last_renew >= self.settings.ocr_lease_seconds / 3:
            self.queue.renew(list(self._held))
            self._last_renew = time.monotonic()

    def _say(self, line: str, force: bool = False) -> None:
        now = time.monotonic()
        if self.progress is not None and (force or now - self._last_say >= 2.0):
            self._last_say = now
            self.progress(
                f"{line}; {self.report.pages_read} pages read, "
                f"{self.report.documents} documents finished"
            )
