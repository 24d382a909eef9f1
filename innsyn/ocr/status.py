"""OCR statuses: where a scanned content (``OcrTask.status``), its files
(``Dokumentobjekt.ocr_status``) and its pages (``OcrPage.status``) stand."""

from __future__ import annotations

from enum import StrEnum


class OcrStatus(StrEnum):
    """The OCR status of a content and of the files holding it (stored as its string)."""

    QUEUED = "queued"
    """Waiting for (or in the hands of) an OCR worker: the text is being read."""
    DONE = "done"
    """Every page that needed OCR has its text."""
    PARTIAL = "partial"
    """Some pages have text, others failed (which and why is in the error)."""
    FAILED = "failed"
    """No page could be read (the reason is in the error)."""


class PageStatus(StrEnum):
    """The outcome of one page (a page with no row has not been read yet)."""

    DONE = "done"
    FAILED = "failed"
