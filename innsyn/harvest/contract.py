"""The harvester plugin contract.

A harvester turns one source (a file, a directory, an archive, a URL) into a stream of
normalised records (``innsyn.harvest.records``). It knows nothing of the store or the index:
the harvest pipeline (``innsyn.harvest.pipeline``) does the rest. Plugins register in
the ``innsyn.harvesters`` entry-point group.

Two things come from outside: ``http``, the shared polite HTTP client (one per run),
and ``state``, what the previous successful run left (a JSON-able dict: a change date,
ETags...). A harvester updates ``self.state`` as it goes; the job runner saves it only
when the run completes, so a failed or killed run starts again from the old state.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from innsyn.harvest.records import Record
from innsyn.http_client import HttpClient, HttpFailure


class HarvestError(Exception):
    """The source cannot be read at all (missing, malformed, hostile); the message says why."""


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class Harvester:
    """Base class of every harvester: one source type, many configured sources."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    complete_by_default: ClassVar[bool] = False

    def __init__(
        self,
        location: str,
        params: dict[str, str] | None = None,
        *,
        http: HttpClient | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        self.location = location
        self.params = dict(params or {})
        self._http = http
        self.state: dict[str, Any] = dict(state or {})
        self.from_scratch = not self.state

    @property
    def http(self) -> HttpClient:
        """The shared HTTP client (a default polite one when none was given)."""
        if self._http is None:
            self._http = HttpClient()
        return self._http

    @property
    def complete(self) -> bool:
        """True when the source lists every record it has, so missing ones were deleted."""
        value = self.params.get("complete", "")
        if value == "":
            return self.complete_by_default and self.from_scratch
        return value.lower() in ("1", "true", "yes")

    @contextmanager
    def local_path(self) -> Iterator[Path]:
        """The location as a local path; an http(s) URL is downloaded to a temporary file."""
        if not is_url(self.location):
            yield Path(self.location)
            return
        suffix = "".join(Path(urlsplit(self.location).path).suffixes[-2:])[:20]
        tmpdir = Path(tempfile.mkdtemp(prefix="innsyn-dl-"))
        try:
            target = tmpdir / f"source{suffix}"
            try:
                with target.open("wb") as fh:
                    self.http.download(self.location, fh)
            except HttpFailure as exc:
                raise HarvestError(f"download failed: {exc}") from exc
            yield target
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)

    def records(self) -> Iterator[Record]:
        raise NotImplementedError
