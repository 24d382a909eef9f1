"""What one harvest run did: counts, errors, warnings, a log tail and its status.

Filled in by the pipeline (``innsyn.harvest.pipeline``) and the store writer
(``innsyn.harvest.writer``), saved on the run's ``HarvestRun`` row when it ends and
returned to the caller (CLI, demo, job runner).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from innsyn.harvest.runs import RunStatus
from innsyn.store.models import utcnow

MAX_MESSAGES = 20
"""Distinct errors (and warnings) a report keeps."""
LOG_TAIL = 60
"""Log lines a report keeps."""


@dataclass
class HarvestReport:
    """Counts are keyed by name: ``new``/``updated``/``unchanged``/``deleted``/``failed``
    entries, ``saksmappe_new`` ..., ``files_fetched``, ``warnings``, ``batches_replayed``,
    ``db_busy_retries``, ``index_failed``. ``state`` is what the harvester left to resume
    from (saved by the job runner when the run completed)."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extraction: dict[str, Any] = field(default_factory=dict)
    index: str = ""
    status: RunStatus = RunStatus.OK
    seconds: float = 0.0
    run_id: int = 0
    state: dict[str, Any] | None = None
    log: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_TAIL))

    def say(self, message: str) -> None:
        self.log.append(f"{utcnow():%Y-%m-%d %H:%M:%S} {message}")

    def note(self, bucket: list[str], message: str) -> None:
        if len(bucket) < MAX_MESSAGES and message not in bucket:
            bucket.append(message)

    def summary(self) -> str:
        c = self.counts
        parts = [f"{k} {c[k]}" for k in ("new", "updated", "unchanged", "deleted", "failed")]
        text = f"{self.status}: entries " + ", ".join(parts)
        text += f"; cases new {c['saksmappe_new']}, updated {c['saksmappe_updated']}"
        if c["files_fetched"] or c["files_failed"]:
            text += f"; files fetched {c['files_fetched']}, failed {c['files_failed']}"
        if self.extraction:
            text += "; extraction " + ", ".join(f"{k} {v}" for k, v in self.extraction.items())
        if c["warnings"]:
            text += f"; warnings {c['warnings']}"
        if self.index:
            text += f"; index: {self.index}"
        return text + f" ({self.seconds:.1f}s)"
