"""Opening a document file published at an http(s) URL through the shared HTTP client."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import BinaryIO, cast

from innsyn.http_client import HttpClient

SPOOL_IN_MEMORY = 8 * 1024 * 1024
"""Bytes of a downloaded file kept in memory before it spills to a temporary file."""


def spool() -> BinaryIO:
    """An empty temporary binary file, in memory up to ``SPOOL_IN_MEMORY`` bytes."""
    # typeshed types SpooledTemporaryFile as IO[bytes]; it has every method of BinaryIO
    return cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY))


def url_opener(http: HttpClient, url: str) -> Callable[[], BinaryIO]:
    """A callable that downloads ``url`` (capped, polite, retried) and returns a stream."""

    def _open() -> BinaryIO:
        stream = spool()
        try:
            http.download(url, stream)
        except BaseException:
            stream.close()
            raise
        stream.seek(0)
        return stream

    return _open
