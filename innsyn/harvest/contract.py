"""The harvester plugin contract.

A harvester turns one source (a file, a directory, an archive, a URL) into a stream of
normalised records (``innsyn.harvest.records``). It knows nothing of the store or the index:
the harvest pipeline (``innsyn.harvest.pipeline``) does the rest. Plugins register in
the ``innsyn.harvesters`` entry-point group.

Two things come from outside: ``http``, the shared polite HTTP client (one per run),
and ``state``, what the previous successful run left (a JSON-able dict: a change date,
ETags...). A harvester updates ``self.state`` as it goes; the job runner saves it only
when the run completes, so a failed or killed run starts again from the old state.

Every harvester reads typed values through ``innsyn.harvest.fields`` (one rule for a bad
value: left empty, with a warning) and chooses titles with ``innsyn.harvest.titles`` (which
title may be published). ``harvesters/_template.py`` is the example to copy.
"""

from __future__ import annotations

import shutil
import tempfile
from abc import ABC, abstractmethod
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
    """True when ``location`` is an http(s) URL rather than a local path."""
    return location.startswith(("http://", "https://"))


class Harvester(ABC):
    """Base class of every harvester: one source type, many configured sources.

    A subclass sets the class attributes and implements ``records()``; copy
    ``harvesters/_template.py`` to start one.
    """

    name: ClassVar[str] = ""
    """The entry-point name (``innsyn harvesters list``, a job's ``harvester``)."""
    description: ClassVar[str] = ""
    """One line for ``innsyn harvesters list`` and the admin page."""
    complete_by_default: ClassVar[bool] = False
    """Whether a run from scratch sees every record of the source (see ``complete``)."""

    def __init__(
        self,
        location: str,
        params: dict[str, str] | None = None,
        *,
        http: HttpClient | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        self.location = location
        """A local path or an http(s) URL, as configured."""
        self.params: dict[str, str] = dict(params or {})
        """The source's configured parameters (``complete`` and harvester-specific ones)."""
        self._http = http
        self.state: dict[str, Any] = dict(state or {})
        """What the previous successful run left; updated as the harvest goes on."""
        self.from_scratch = not self.state
        """True when there is no previous state (first run or full resync)."""

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

    def offload_size(self) -> int | None:
        """Bytes ``records()`` will parse when it may run in a child process, else None.

        A harvester may say so when it needs nothing but its location, params and state
        (no shared HTTP client, no handle opened beforehand) and every record it yields
        pickles (``FileRecord.open`` included). The pipeline then reads large sources
        in a child process (``innsyn.harvest.reader``). The default: never."""
        return None

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

    @abstractmethod
    def records(self) -> Iterator[Record]:
        """The records of the source, in an order the pipeline can store: an agency before
        what it owns, a case before its entries (or in the same batch), a warning whenever
        something was skipped or left empty. ``HarvestError`` when the source cannot be
        read at all."""
