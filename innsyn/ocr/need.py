"""Whether a content needs OCR once Tika has read its text layer, and which pages.

Tika's PDF parser counts the characters of each page's text layer
(``pdf:charsPerPage``) and those it could not map to Unicode
(``pdf:unmappedUnicodeCharsPerPage``, text in a broken font: garbage). A page with little
text, or mostly garbage, is a candidate; a candidate with little text must hold a scan
(``pdfimages -list``: images over 8 square inches, not a short last page of a letter or
a signature), and poppler's ``pdftotext`` then counts its letters and digits (an
archive stamp or a page number on a scan is not text enough). An ordinary text PDF costs
at most one listing of its images besides Tika's answer.
Without Tika's counts every page is looked at with ``pdftotext``; when that cannot read
the file either, Tika's page count decides (no text at all: every page is read).
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from innsyn.config import Settings
from innsyn.ocr.engine import (
    OCR_IMAGE_TYPES,
    PDF_TYPE,
    needs_ocr,
    pages_needing_ocr,
    pdf_image_pages,
    pdf_text_pages,
)
from innsyn.ocr.queue import OcrNeed

CANDIDATE_FACTOR = 4
"""A page with fewer than this many times ``ocr_min_page_chars`` characters (spaces,
punctuation and all) is looked at closer."""


def _counts(value: Any) -> list[int] | None:
    """Tika's per-page counts: a list of numbers, or one number for a one-page file."""
    values = value if isinstance(value, list) else [value] if value is not None else []
    try:
        return [int(str(v)) for v in values] or None
    except ValueError:
        return None


def ocr_need(
    settings: Settings, path: Path, media_type: str | None, text: str, meta: Mapping[str, Any]
) -> OcrNeed | None:
    """The pages of the file at ``path`` that need OCR (``None``: none); ``text`` and
    ``meta`` are what Tika made of it. An image is one page; only PDFs and images are
    OCRed."""
    if media_type in OCR_IMAGE_TYPES:
        return OcrNeed("image", 1, [1])
    if media_type != PDF_TYPE:
        return None
    least = settings.ocr_min_page_chars
    pages = str(meta.get("xmpTPg:NPages") or "")
    count = int(pages) if pages.isdigit() else None
    chars = _counts(meta.get("pdf:charsPerPage"))
    unmapped = _counts(meta.get("pdf:unmappedUnicodeCharsPerPage"))
    if chars is not None and (count is None or len(chars) == count):
        garbage = {
            n
            for n, (c, u) in enumerate(zip(chars, unmapped or [0] * len(chars), strict=False), 1)
            if c and u * 2 > c
        }
        candidates = [
            n for n, c in enumerate(chars, 1) if c < CANDIDATE_FACTOR * least or n in garbage
        ]
        candidates = sorted(garbage | set(_with_images(path, candidates)))
        if not candidates:
            return None
        layer = _text_pages(path)
        if len(layer) == len(chars):
            candidates = [n for n in candidates if n in garbage or needs_ocr(layer[n - 1], least)]
        return OcrNeed("pdf", len(chars), candidates) if candidates else None
    layer = _text_pages(path)
    if layer:
        wanted = _with_images(path, pages_needing_ocr(layer, least))
        return OcrNeed("pdf", len(layer), wanted) if wanted else None
    if count and needs_ocr(text, least * count):
        return OcrNeed("pdf", count, list(range(1, count + 1)))
    return None


def _with_images(path: Path, pages: list[int]) -> list[int]:
    """The ``pages`` that hold a scan (images over 8 square inches): a page with little
    text and no such image (the last page of a letter, a signature, a blank page) has
    nothing for OCR to read. When the images cannot be listed, every page is kept."""
    if not pages:
        return pages
    try:
        images = pdf_image_pages(path, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return pages
    return [n for n in pages if n in images]


def _text_pages(path: Path) -> list[str]:
    try:
        return pdf_text_pages(path, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return []
