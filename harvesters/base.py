"""The harvester plugin contract.

A harvester turns one source (a file, a directory, an archive, a URL) into a stream of
normalised records (``innsyn.records``). It knows nothing of the store or the index:
the harvest pipeline (``innsyn.harvest.pipeline``) does the rest. Plugins register in
the ``innsyn.harvesters`` entry-point group.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from innsyn.records import Record


class HarvestError(Exception):
    """The source cannot be read at all (missing, malformed, hostile); the message says why."""


class Harvester:
    """Base class of every harvester: one source type, many configured sources."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def __init__(self, location: str, params: dict[str, str] | None = None) -> None:
        self.location = location
        self.params = dict(params or {})

    @property
    def complete(self) -> bool:
        """True when the source lists every record it has, so missing ones were deleted."""
        return self.params.get("complete", "").lower() in ("1", "true", "yes")

    def records(self) -> Iterator[Record]:
        raise NotImplementedError
