"""Loading index settings and mappings from the versioned JSON files in ``index_mappings/``."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from innsyn.config import Settings
from innsyn.indexing.names import MAPPING_VERSION

MAPPINGS_DIR = Path(__file__).resolve().parent.parent.parent / "index_mappings"


@cache
def _load(kind: str, version: int) -> dict[str, Any]:
    path = MAPPINGS_DIR / f"{kind}.v{version}.json"
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    body.pop("_comment", None)
    return body


def index_body(settings: Settings, kind: str, version: int = MAPPING_VERSION) -> dict[str, Any]:
    """The create-index body for ``kind``, with shard/replica counts from settings."""
    body = copy.deepcopy(_load(kind, version))
    body["settings"]["index"].update(
        number_of_shards=settings.index_shards, number_of_replicas=settings.index_replicas
    )
    return body
