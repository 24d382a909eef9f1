"""Extraction statuses: where a file (``Dokumentobjekt.extraction_status``) and a content
(``Extraction.status``) stand with text extraction."""

from __future__ import annotations

from enum import StrEnum


class ExtractionStatus(StrEnum):
    """The extraction status of a file or of a content.

    A ``StrEnum``: it is stored, compared and shown as its plain string (the column stays
    a string; a row read back holds the plain string, equal to the member)."""

    PENDING = "pending"
    """Not extracted yet: a new or changed file, or Tika was unreachable last time."""
    DONE = "done"
    """Tika read the file; its text (possibly empty, e.g. a scanned page) is kept."""
    FAILED = "failed"
    """No text, for a reason in ``extraction_error`` (encrypted, corrupt, too large,
    timed out, a checksum or size mismatch, a file that could not be fetched)."""
    SKIPPED = "skipped"
    """An attachment found inside an archive or an e-mail with no text of its own."""
