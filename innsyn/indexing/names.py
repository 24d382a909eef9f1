"""Index and alias names. Reads always go through the alias; indices are versioned."""

from __future__ import annotations

import time

from innsyn.config import Settings
from innsyn.kinds import INDEXED, index_kind

KINDS = tuple(kind.name for kind in INDEXED)
MAPPING_VERSION = 1


def alias_name(settings: Settings, kind: str) -> str:
    """The alias of the kind called ``kind``, e.g. ``innsyn-journalpost``."""
    return index_kind(kind).alias(settings)


def new_index_name(settings: Settings, kind: str) -> str:
    """A fresh concrete index name, e.g. ``innsyn-journalpost-v1-20261122t101500123``."""
    stamp = time.strftime("%Y%m%dt%H%M%S", time.gmtime()) + f"{time.time_ns() % 10**9:09d}"
    return f"{alias_name(settings, kind)}-v{MAPPING_VERSION}-{stamp}"
