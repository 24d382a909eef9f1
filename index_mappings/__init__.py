"""Index settings and mappings of Innsyn, one versioned JSON file per index kind.

Each file is named ``<kind>.v<version>.json`` and holds the body of an OpenSearch
create-index request (``settings`` and ``mappings``; a ``_comment`` key for the reader is
dropped on load). The files are package data, read with :mod:`importlib.resources`, so
they work the same from a source checkout and from an installed wheel. A changed
mapping is a new file with the next version, never an edit of a released one.

    >>> import index_mappings
    >>> index_mappings.versions("journalpost")
    [1]
    >>> sorted(index_mappings.load("journalpost", 1))
    ['mappings', 'settings']
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["kinds", "load", "versions"]

_FILE_NAME = re.compile(r"^(?P<kind>[a-z_]+)\.v(?P<version>[0-9]+)\.json$")


@cache
def _catalogue() -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = {}
    for entry in files(__name__).iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.setdefault(match["kind"], []).append(int(match["version"]))
    return {kind: tuple(sorted(numbers)) for kind, numbers in sorted(found.items())}


def kinds() -> list[str]:
    """The index kinds that have a mapping, sorted (e.g. ``journalpost``, ``saksmappe``)."""
    return list(_catalogue())


def versions(kind: str) -> list[int]:
    """The mapping versions shipped for ``kind``, oldest first; ``[]`` for an unknown kind."""
    return list(_catalogue().get(kind, ()))


@cache
def _read(kind: str, version: int) -> dict[str, Any]:
    if version not in versions(kind):
        raise LookupError(
            f"no index mapping {kind}.v{version}.json in the index_mappings package "
            f"(kinds: {', '.join(kinds()) or 'none'}; versions of {kind}: {versions(kind)})"
        )
    text = files(__name__).joinpath(f"{kind}.v{version}.json").read_text(encoding="utf-8")
    body: dict[str, Any] = json.loads(text)
    body.pop("_comment", None)
    return body


def load(kind: str, version: int) -> dict[str, Any]:
    """The create-index body of ``kind`` at ``version``: a fresh copy the caller may change.

    Raises ``LookupError`` naming what is shipped when there is no such file.
    """
    return copy.deepcopy(_read(kind, version))
