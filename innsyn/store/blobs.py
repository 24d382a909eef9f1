"""Content-addressed blob store: files kept by sha256, written atomically.

A blob lives at ``<root>/ab/cd/abcd…``. Writes go to a temporary file in the same
directory tree, are fsynced, then renamed into place, so a crash or a full disk
never leaves a half-written blob under its final name. A process killed while writing
leaves its temporary file in ``<root>/tmp``; ``remove_stale_tmp`` (called as every harvest
starts) removes those older than ``STALE_TMP_SECONDS``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
STALE_TMP_SECONDS = 3600
"""A temporary file untouched this long was left by a dead process; a younger one may
still be being written by a live one (a blob write touches its file at every chunk)."""


class BlobTooLarge(ValueError):
    """The content is larger than the configured maximum."""


class BlobStoreFull(OSError):
    """The blob store's file system has no space left: the run cannot go on."""


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path


class BlobStore:
    """Files addressed by their sha256 under one root directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    @property
    def tmp_dir(self) -> Path:
        return self.root / "tmp"

    def remove_stale_tmp(self, max_age: float = STALE_TMP_SECONDS) -> int:
        """Remove files in the tmp directory not modified for ``max_age`` seconds (left by
        a killed process); younger ones are left alone. Returns how many were removed."""
        try:
            with os.scandir(self.tmp_dir) as listing:
                entries = list(listing)
        except FileNotFoundError:
            return 0
        cutoff = time.time() - max_age
        removed = 0
        for entry in entries:
            try:
                if (
                    entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime < cutoff
                ):
                    os.unlink(entry.path)
                    removed += 1
            except FileNotFoundError:
                continue  # its writer renamed or removed it meanwhile
        return removed

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_bytes(self, data: bytes) -> StoredBlob:
        return self.put_chunks([data])

    def put_stream(self, stream: BinaryIO, max_size: int | None = None) -> StoredBlob:
        return self.put_chunks(iter(lambda: stream.read(CHUNK), b""), max_size=max_size)

    def put_chunks(self, chunks: Iterable[bytes], max_size: int | None = None) -> StoredBlob:
        """Store the concatenated chunks; raise ``BlobTooLarge`` past ``max_size`` bytes and
        ``BlobStoreFull`` when the disk is full (no file is left behind either way)."""
        tmp_dir = self.tmp_dir
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="blob-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise BlobTooLarge(f"file is larger than the limit of {max_size} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.exists():
                os.unlink(tmp_name)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp_name, final)
            return StoredBlob(sha, size, final)
        except BaseException as exc:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise BlobStoreFull(
                    f"blob store disk full: no space left under {self.root} "
                    f"({exc.strerror}); free space and run again"
                ) from exc
            raise

    def put_text(self, text: str) -> StoredBlob:
        return self.put_bytes(text.encode("utf-8"))

    def read_bytes(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def read_text(self, sha256: str) -> str:
        return self.read_bytes(sha256).decode("utf-8")

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def iter_range(self, sha256: str, start: int, end: int) -> Iterator[bytes]:
        """Yield bytes ``start..end`` (inclusive) of a blob, for HTTP Range responses."""
        with self.open(sha256) as fh:
            fh.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = fh.read(min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
