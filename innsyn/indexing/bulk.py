"""Bulk writes through ``opensearchpy.helpers.streaming_bulk`` with per-item error accounting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import streaming_bulk

MAX_SAMPLES = 10


@dataclass
class BulkResult:
    ok_ids: list[str] = field(default_factory=list)
    failed: int = 0
    samples: list[str] = field(default_factory=list)

    def merge(self, other: BulkResult) -> None:
        self.ok_ids.extend(other.ok_ids)
        self.failed += other.failed
        self.samples.extend(other.samples[: MAX_SAMPLES - len(self.samples)])


def write(client: OpenSearch, actions: Iterable[dict[str, Any]], chunk_size: int) -> BulkResult:
    """Send ``actions``; count every item that failed (a delete of a missing doc is fine).

    Connection errors propagate: the caller decides what an unreachable index means.
    """
    result = BulkResult()
    for ok, item in streaming_bulk(
        client,
        actions,
        chunk_size=chunk_size,
        raise_on_error=False,
        max_retries=3,
        initial_backoff=1,
    ):
        op, info = next(iter(item.items()))
        doc_id = str(info.get("_id"))
        if ok or (op == "delete" and info.get("status") == 404):
            result.ok_ids.append(doc_id)
            continue
        result.failed += 1
        if len(result.samples) < MAX_SAMPLES:
            error = info.get("error")
            reason = error.get("reason", error) if isinstance(error, dict) else error
            result.samples.append(f"{doc_id}: {reason}")
    return result
