"""The status of a harvest run, as stored in ``HarvestRun.status`` and a job's
``last_status`` (kept apart from ``innsyn.harvest.runs`` so the models can use it)."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """The status of a harvest run (a ``HarvestRun`` row, a report, a job's last run).

    A ``StrEnum``: it is stored, compared and shown as its plain string."""

    RUNNING = "running"
    OK = "ok"
    OK_WITH_ERRORS = "ok_with_errors"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    ABANDONED = "abandoned"
