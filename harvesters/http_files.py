"""Opening a document file published at an http(s) URL, with a timeout and a size cap."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

import httpx

USER_AGENT = "Innsyn-harvester/0.1 (+https://github.com/innsyn)"
MAX_DOWNLOAD = 200 * 1024 * 1024


def url_opener(
    url: str, timeout: float = 30.0, max_size: int = MAX_DOWNLOAD
) -> Callable[[], BinaryIO]:
    """A callable that downloads ``url`` and returns its bytes as a stream."""

    def _open() -> BinaryIO:
        buf = io.BytesIO()
        try:
            with httpx.stream(
                "GET",
                url,
                timeout=timeout,
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT},
            ) as resp:
                resp.raise_for_status()
                for chunk in resp.iter_bytes(1 << 20):
                    if buf.tell() + len(chunk) > max_size:
                        raise ValueError(f"download larger than {max_size} bytes")
                    buf.write(chunk)
        except httpx.HTTPError as exc:
            raise OSError(f"download of {url} failed: {exc}") from exc
        buf.seek(0)
        return buf

    return _open
