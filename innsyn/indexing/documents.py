"""Index documents: each record's public shape (``innsyn.public.shapes``) as an index
document, with the text of the documents an entry may show read from the blob store.

What is screened never enters the index: correspondents marked ``skjermet``, and the
titles and text of documents that carry a screening. A record whose public title is
missing is indexed with ``offentlig_tittel: null`` and ``tittel_screened: true``.
Fødselsnummer-shaped numbers are redacted from every title. Embargo and the retention
window of the sensitive variants depend on the time of the query and are applied there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from innsyn.config import Settings
from innsyn.extraction.status import ExtractionStatus
from innsyn.indexing.rows import CaseRow
from innsyn.privacy import redact_fodselsnummer
from innsyn.public.shapes import (
    CASE,
    ENTRY,
    PublicDocument,
    public_case,
    public_entry,
    shown_files,
)
from innsyn.public.stored import StoredCase, StoredEntry
from innsyn.store.blobs import BlobStore


class DocumentTexts:
    """The extracted text of an entry's shown documents, joined, at most
    ``settings.max_text_chars`` characters (``None`` when there is none), with every
    fødselsnummer redacted (so no snippet shows one and no search finds one)."""

    def __init__(self, settings: Settings, blobs: BlobStore | None = None) -> None:
        self.blobs = blobs or BlobStore(settings.resolved_blob_dir)
        self.max_chars = settings.max_text_chars

    def __call__(self, documents: Sequence[PublicDocument]) -> str | None:
        parts: list[str] = []
        budget = self.max_chars
        for doc in documents:
            for obj in shown_files(doc.stored):
                if (
                    obj.text_sha256
                    and obj.extraction_status == ExtractionStatus.DONE
                    and budget > 0
                ):
                    try:
                        text = self.blobs.read_text(obj.text_sha256)
                    except FileNotFoundError:
                        continue
                    parts.append(text[:budget])
                    budget -= len(parts[-1])
        return redact_fodselsnummer("\n\n".join(parts)) or None


def journalpost_document(texts: DocumentTexts, jp: StoredEntry) -> dict[str, Any]:
    """The ``journalpost`` index document for ``jp``."""
    return ENTRY.index(public_entry(jp, texts))


def saksmappe_document(sak: StoredCase, journalpost_count: int) -> dict[str, Any]:
    """The ``saksmappe`` index document for ``sak``, which has ``journalpost_count``
    entries that are not deleted."""
    return CASE.index(public_case(sak, journalpost_count))


def case_row_document(texts: DocumentTexts, sak: CaseRow) -> dict[str, Any]:
    """The ``saksmappe`` index document for a case row (which counts its entries)."""
    return saksmappe_document(sak, sak.journalpost_count)
