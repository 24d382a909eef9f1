"""Index settings and mappings: the versioned JSON of the ``index_mappings`` package,
with the shard and replica counts of this installation."""

from __future__ import annotations

from typing import Any

import index_mappings
from innsyn.config import Settings
from innsyn.indexing.names import MAPPING_VERSION


def index_body(settings: Settings, kind: str, version: int = MAPPING_VERSION) -> dict[str, Any]:
    """The create-index body for ``kind``, with shard/replica counts from settings."""
    body = index_mappings.load(kind, version)
    body["settings"]["index"].update(
        number_of_shards=settings.index_shards, number_of_replicas=settings.index_replicas
    )
    return body
