"""Opening a document file published at an http(s) URL through the shared HTTP client."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import BinaryIO

from innsyn.http_client import HttpClient


def url_opener(http: HttpClient, url: str) -> Callable[[], BinaryIO]:
    """A callable that downloads ``url`` (capped, polite, retried) and returns a stream."""

    def _open() -> BinaryIO:
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        try:
            http.download(url, spool)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool  # type: ignore[return-value]

    return _open
