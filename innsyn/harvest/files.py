"""Fetching a document's file into the blob store and checking its declared checksum.

Called by ``innsyn.harvest.writer.StoreWriter`` for each new or changed file of an
entry; a fetched file waits as ``pending`` for extraction (``innsyn.extraction``). When
the source changed a file and its new content cannot be read, the earlier content is
forgotten (``forget_content``): it may be what a redacted version was meant to replace."""

from __future__ import annotations

import hashlib

from innsyn.extraction.status import ExtractionStatus
from innsyn.harvest.records import FileRecord
from innsyn.store.blobs import BlobStore, BlobStoreFull, BlobTooLarge
from innsyn.store.models import Dokumentobjekt, utcnow

_ALGORITHMS = {
    "sha256": "sha256",
    "sha-256": "sha256",
    "md5": "md5",
    "sha1": "sha1",
    "sha-1": "sha1",
    "sha512": "sha512",
    "sha-512": "sha512",
}


def _digest(blobs: BlobStore, sha256: str, algorithm: str) -> str:
    if algorithm == "sha256":
        return sha256
    h = hashlib.new(algorithm)
    with blobs.open(sha256) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_file(blobs: BlobStore, obj: Dokumentobjekt, rec: FileRecord, max_size: int) -> str | None:
    """Store the file of ``rec`` and update ``obj``; return an error message or None.

    A full blob store is not the document's fault: ``BlobStoreFull`` fails the run."""
    if rec.open is None:
        return None
    try:
        with rec.open() as stream:
            stored = blobs.put_stream(stream, max_size=max_size)
    except BlobTooLarge as exc:
        return _fail(obj, str(exc))
    except BlobStoreFull:
        raise
    except (OSError, KeyError, ValueError) as exc:
        return _fail(obj, f"file could not be read: {exc}")
    if obj.sha256 != stored.sha256:
        obj.sha256 = stored.sha256
        obj.size = stored.size
        obj.extraction_status = ExtractionStatus.PENDING
        obj.extraction_error = None
        obj.text_sha256 = None
        obj.updated_at = utcnow()
    algorithm = _ALGORITHMS.get((rec.declared_checksum_algorithm or "").lower().strip())
    if rec.declared_checksum and algorithm:
        actual = _digest(blobs, stored.sha256, algorithm)
        declared = rec.declared_checksum.lower().strip()
        if actual != declared:
            return _fail(obj, f"checksum mismatch: declared {declared}, got {actual}")
    if rec.declared_size is not None and rec.declared_size != stored.size:
        return _fail(obj, f"size mismatch: declared {rec.declared_size}, got {stored.size}")
    return None


def forget_content(obj: Dokumentobjekt, error: str | None) -> None:
    """Leave ``obj`` without content, text or download (the blob itself stays in the
    store); ``error`` says why, or the source gave no content to read."""
    obj.sha256 = None
    obj.size = None
    obj.text_sha256 = None
    obj.text_chars = None
    obj.language = None
    _fail(obj, error or "the source changed this file but gave no content to read")


def _fail(obj: Dokumentobjekt, message: str) -> str:
    obj.extraction_status = ExtractionStatus.FAILED
    obj.extraction_error = message
    obj.updated_at = utcnow()
    return message
