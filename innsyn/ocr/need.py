"""Whether a content needs OCR once Tika has read its text layer, and which pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

from innsyn.config import Settings
from innsyn.ocr.engine import (
    OCR_IMAGE_TYPES,
    PDF_TYPE,
    needs_ocr,
    pages_needing_ocr,
    pdf_text_pages,
)
from innsyn.ocr.queue import OcrNeed


def ocr_need(
    settings: Settings, path: Path, media_type: str | None, text: str, tika_pages: int | None
) -> OcrNeed | None:
    """The pages of the file at ``path`` that have no text layer (``None``: none).

    A PDF is looked at page by page (poppler's ``pdftotext``); when that cannot read it,
    Tika's page count and text decide (no text at all: every page is read). An image is
    one page. Other types are never OCRed here."""
    if media_type in OCR_IMAGE_TYPES:
        return OcrNeed("image", 1, [1])
    if media_type != PDF_TYPE:
        return None
    try:
        pages = pdf_text_pages(path, timeout=120)
    except (OSError, subprocess.SubprocessError):
        pages = []
    if pages:
        wanted = pages_needing_ocr(pages, settings.ocr_min_page_chars)
        return OcrNeed("pdf", len(pages), wanted) if wanted else None
    count = tika_pages or 0
    if count and needs_ocr(text, settings.ocr_min_page_chars * count):
        return OcrNeed("pdf", count, list(range(1, count + 1)))
    return None
