"""Identifiers: stable, prefixed ids like eInnsyn's (``jp_…``, ``sm_…``)."""

from __future__ import annotations

import uuid

_NAMESPACE = uuid.UUID("6f1c6c5e-8a55-4c7e-9d0e-2f6c1f7f3a10")


def stable_id(prefix: str, *parts: str) -> str:
    """An id derived from ``parts`` (same parts, same id), or a random one without parts."""
    value = uuid.uuid5(_NAMESPACE, "\x1f".join(parts)) if parts else uuid.uuid4()
    return f"{prefix}_{value.hex}"
