"""The OCR queue in the database: scanned contents waiting to be read, page by page.

The extraction puts a content in the queue (``enqueue``) when some of its pages have no
text layer; its files are marked ``OcrStatus.QUEUED`` at once, so the public page can say
the text is being read. A worker takes a content with a lease (``claim``: one
conditional UPDATE, so two workers never read the same content), keeps each page's
outcome as soon as it has it (``record``) and, when every page has one, ``complete``
writes the document's text (text layer plus the pages read), gives it to every file
holding that content and stamps their entries for the index to catch up. A worker that
dies leaves its lease to expire; the next one reads only the pages still missing.
Writes are short transactions of their own, retried while a harvest holds the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.language import detect_language
from innsyn.ocr.engine import PageResult
from innsyn.ocr.status import OcrStatus, PageStatus
from innsyn.store.blobs import BlobStore
from innsyn.store.db import retry_busy
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Extraction,
    Journalpost,
    OcrPage,
    OcrTask,
    utcnow,
)


@dataclass(frozen=True)
class OcrNeed:
    """What the extraction found out about a content that needs OCR."""

    kind: str
    """``pdf`` (pages rendered one by one) or ``image`` (the file is one page)."""
    page_count: int
    pages: list[int]


@dataclass
class ClaimedTask:
    """A content a worker holds: what to read, as plain values."""

    sha256: str
    kind: str
    page_count: int
    todo: list[int]
    """The pages that still have no outcome, in order."""


@dataclass
class OcrBacklog:
    """How far the OCR queue is: for ``innsyn index status``, ``innsyn ocr status`` and
    the admin pages."""

    documents_waiting: int = 0
    documents_reading: int = 0
    pages_waiting: int = 0
    pages_read: int = 0
    documents_done: int = 0
    documents_partial: int = 0
    documents_failed: int = 0
    pages_failed: int = 0
    seconds_per_page: float | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def documents_open(self) -> int:
        return self.documents_waiting + self.documents_reading

    def eta_seconds(self, concurrency: int) -> float | None:
        """Seconds until the pages waiting are read, at the measured pace."""
        if not self.pages_waiting or self.seconds_per_page is None:
            return 0.0 if not self.pages_waiting else None
        return self.pages_waiting * self.seconds_per_page / max(1, concurrency)

    def summary(self) -> str:
        text = (
            f"OCR: {self.documents_open} documents waiting or being read "
            f"({self.pages_waiting} pages to read, {self.documents_reading} being read); "
            f"finished: {self.documents_done} done, {self.documents_partial} partly, "
            f"{self.documents_failed} failed ({self.pages_failed} pages failed)"
        )
        if self.seconds_per_page is not None:
            text += f"; {self.seconds_per_page:.1f} s per page"
        return text

    def as_dict(self) -> dict[str, object]:
        """The counts (not the failure lines, which name documents)."""
        return {k: v for k, v in asdict(self).items() if k != "failures"}


def enqueue(
    session: Session, sha256: str, need: OcrNeed, media_type: str | None, base_text: str | None
) -> OcrTask:
    """Put a content in the queue (or back in it, keeping pages already read that are
    still wanted). The caller commits."""
    task = session.get(OcrTask, sha256)
    if task is None:
        task = OcrTask(sha256=sha256, claims=0)
        session.add(task)
    task.kind = need.kind
    task.media_type = media_type
    task.page_count = need.page_count
    task.pages = list(need.pages)
    task.base_text_sha256 = base_text
    task.status = OcrStatus.QUEUED
    task.error = None
    task.queued_at = utcnow()
    task.finished_at = None
    return task


def status_of(session: Session, sha256: str | None) -> tuple[str | None, str | None]:
    """The OCR status and error a file holding ``sha256`` gets (``(None, None)`` when the
    content needs no OCR)."""
    if sha256 is None:
        return None, None
    task = session.get(OcrTask, sha256)
    if task is None:
        return None, None
    return task.status, task.error


class OcrQueue:
    """The queue's operations for one worker (``owner``) over one database."""

    def __init__(
        self, settings: Settings, sessions: sessionmaker[Session], blobs: BlobStore, owner: str
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.blobs = blobs
        self.owner = owner
        self.lease = dt.timedelta(seconds=settings.ocr_lease_seconds)

    def claim(self, skip: Sequence[str] = ()) -> ClaimedTask | None:
        """Take the oldest queued content no live worker holds (not one of ``skip``)."""
        now = utcnow()
        with self.sessions() as s:
            candidates = list(
                s.scalars(
                    select(OcrTask.sha256)
                    .where(
                        OcrTask.status == OcrStatus.QUEUED,
                        or_(OcrTask.lease_until.is_(None), OcrTask.lease_until < now),
                        OcrTask.sha256.not_in(list(skip)) if skip else OcrTask.sha256.is_not(None),
                    )
                    .order_by(OcrTask.queued_at, OcrTask.sha256)
                    .limit(20)
                )
            )
        for sha256 in candidates:
            with self.sessions.begin() as s:
                taken = s.execute(
                    update(OcrTask)
                    .where(
                        OcrTask.sha256 == sha256,
                        OcrTask.status == OcrStatus.QUEUED,
                        or_(OcrTask.lease_until.is_(None), OcrTask.lease_until < now),
                    )
                    .values(
                        lease_owner=self.owner,
                        lease_until=now + self.lease,
                        claims=OcrTask.claims + 1,
                        started_at=func.coalesce(OcrTask.started_at, now),
                    )
                )
                if not taken.rowcount:  # type: ignore[attr-defined]
                    continue
                task = s.get_one(OcrTask, sha256)
                done = set(s.scalars(select(OcrPage.page).where(OcrPage.sha256 == sha256)))
                return ClaimedTask(
                    sha256, task.kind, task.page_count, [p for p in task.pages if p not in done]
                )
        return None

    def renew(self, sha256s: Sequence[str]) -> None:
        """Extend the leases of the contents this worker holds."""
        if not sha256s:
            return
        with self.sessions.begin() as s:
            s.execute(
                update(OcrTask)
                .where(OcrTask.sha256.in_(list(sha256s)), OcrTask.lease_owner == self.owner)
                .values(lease_until=utcnow() + self.lease)
            )

    def release(self, sha256: str) -> None:
        """Give a content back unfinished (the worker stops): the next worker may take it
        at once."""
        with self.sessions.begin() as s:
            s.execute(
                update(OcrTask)
                .where(OcrTask.sha256 == sha256, OcrTask.lease_owner == self.owner)
                .values(lease_owner=None, lease_until=None)
            )

    def record(self, sha256: str, result: PageResult) -> None:
        """Keep one page's outcome (committed at once, so it survives the worker)."""
        retry_busy(lambda: self._record(sha256, result))

    def _record(self, sha256: str, result: PageResult) -> None:
        with self.sessions.begin() as s:
            row = s.get(OcrPage, (sha256, result.page)) or OcrPage(sha256=sha256, page=result.page)
            row.status = result.status
            row.text = result.text or None
            row.error = result.error
            row.seconds = result.seconds
            row.read_at = utcnow()
            s.add(row)

    def complete(self, sha256: str) -> OcrStatus:
        """Every page has an outcome: write the document's text and hand it to the files.
        (A catch-up that read the entries before this commit does not mark them indexed:
        it marks only rows whose ``updated_at`` is still the one it read.)"""
        return retry_busy(lambda: self._complete(sha256))

    def _complete(self, sha256: str) -> OcrStatus:
        with self.sessions.begin() as s:
            task = s.get_one(OcrTask, sha256)
            pages = {p.page: p for p in s.scalars(select(OcrPage).where(OcrPage.sha256 == sha256))}
            wanted = [pages[n] for n in task.pages if n in pages]
            failed = [p for p in wanted if p.status != PageStatus.DONE]
            missing = [n for n in task.pages if n not in pages]
            status, error = _verdict(task, wanted, failed, missing)
            base = self.blobs.read_text(task.base_text_sha256) if task.base_text_sha256 else ""
            read = [p.text for p in wanted if p.text]
            text = "\n\n".join(part for part in (base.strip(), *read) if part)
            text = text[: self.settings.max_text_chars]
            text_ref = self.blobs.put_text(text).sha256 if text else None
            language = detect_language(text, self.settings.language_min_chars) if text else None
            task.status = status
            task.error = error
            task.finished_at = utcnow()
            task.lease_owner = None
            task.lease_until = None
            ex = s.get(Extraction, sha256)
            if ex is not None:
                ex.text_sha256 = text_ref
                ex.text_chars = len(text)
                ex.language = language
            _hand_to_files(s, sha256, status, error, text_ref, len(text), language)
        return status


def _verdict(
    task: OcrTask, wanted: list[OcrPage], failed: list[OcrPage], missing: list[int]
) -> tuple[OcrStatus, str | None]:
    """The status and the error message of a content once its pages are read."""
    problems = [f"page {p.page}: {p.error or 'no text'}" for p in failed[:20]]
    if missing:
        problems.append(f"pages {_ranges(missing)}: not read")
    if len(failed) > 20:
        problems.append(f"and {len(failed) - 20} more pages failed")
    if not problems:
        return OcrStatus.DONE, None
    good = len(wanted) - len(failed)
    total = len(task.pages)
    summary = f"OCR read {good} of {total} pages; " + "; ".join(problems)
    return (OcrStatus.PARTIAL if good else OcrStatus.FAILED), summary[:2000]


def _ranges(numbers: list[int]) -> str:
    """``[1, 2, 3, 7]`` as ``1-3, 7``."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


def _hand_to_files(
    s: Session,
    sha256: str,
    status: OcrStatus,
    error: str | None,
    text_ref: str | None,
    chars: int,
    language: str | None,
) -> set[str]:
    """Give the content's new text to every file holding it; stamp their entries and
    return their ids."""
    now = utcnow()
    objs = list(s.scalars(select(Dokumentobjekt).where(Dokumentobjekt.sha256 == sha256)))
    for obj in objs:
        obj.ocr_status = status
        obj.ocr_error = error
        obj.text_sha256 = text_ref
        obj.text_chars = chars
        obj.language = language
        obj.updated_at = now
    doc_ids = {obj.dokumentbeskrivelse_id for obj in objs}
    if not doc_ids:
        return set()
    entry_ids = set(
        s.scalars(
            select(Dokumentbeskrivelse.journalpost_id).where(Dokumentbeskrivelse.id.in_(doc_ids))
        )
    )
    s.execute(update(Journalpost).where(Journalpost.id.in_(entry_ids)).values(updated_at=now))
    return entry_ids


def backlog(sessions: sessionmaker[Session]) -> OcrBacklog:
    """Where the OCR queue stands, counted in the database."""
    now = utcnow()
    out = OcrBacklog()
    with sessions() as s:
        open_tasks = list(s.scalars(select(OcrTask).where(OcrTask.status == OcrStatus.QUEUED)))
        read_pages = dict(
            s.execute(
                select(OcrPage.sha256, func.count())
                .join(OcrTask, OcrTask.sha256 == OcrPage.sha256)
                .where(OcrTask.status == OcrStatus.QUEUED)
                .group_by(OcrPage.sha256)
            ).all()
        )
        for task in open_tasks:
            if task.lease_until is not None and task.lease_until >= now:
                out.documents_reading += 1
            else:
                out.documents_waiting += 1
            done = int(read_pages.get(task.sha256, 0))
            out.pages_read += done
            out.pages_waiting += max(0, len(task.pages) - done)
        for status, count in s.execute(
            select(OcrTask.status, func.count())
            .where(OcrTask.status != OcrStatus.QUEUED)
            .group_by(OcrTask.status)
        ).all():
            if status == OcrStatus.DONE:
                out.documents_done = count
            elif status == OcrStatus.PARTIAL:
                out.documents_partial = count
            elif status == OcrStatus.FAILED:
                out.documents_failed = count
        out.pages_failed = (
            s.scalar(
                select(func.count()).select_from(OcrPage).where(OcrPage.status == PageStatus.FAILED)
            )
            or 0
        )
        pace = s.execute(
            select(func.avg(OcrPage.seconds)).where(OcrPage.status == PageStatus.DONE)
        ).scalar()
        out.seconds_per_page = float(pace) if pace is not None else None
        out.failures = [
            f"{sha[:12]}: {err}"
            for sha, err in s.execute(
                select(OcrTask.sha256, OcrTask.error)
                .where(OcrTask.status.in_([OcrStatus.PARTIAL, OcrStatus.FAILED]))
                .order_by(OcrTask.finished_at.desc())
                .limit(5)
            ).all()
        ]
    return out
