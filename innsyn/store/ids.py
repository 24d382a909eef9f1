"""Identifiers: stable, prefixed ids like eInnsyn's (``jp_…``, ``sm_…``)."""

from __future__ import annotations

import functools
import uuid

_NAMESPACE = uuid.UUID("6f1c6c5e-8a55-4c7e-9d0e-2f6c1f7f3a10")


def stable_id(prefix: str, *parts: str) -> str:
    """An id derived from ``parts`` (same parts, same id), or a random one without parts."""
    if not parts:
        return f"{prefix}_{uuid.uuid4().hex}"
    return _derived(prefix, "\x1f".join(parts))


@functools.lru_cache(maxsize=16384)
def _derived(prefix: str, key: str) -> str:
    """Remembered: every entry of a case names the case's and its agency's id again."""
    return f"{prefix}_{uuid.uuid5(_NAMESPACE, key).hex}"
