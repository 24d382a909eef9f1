"""Harvest runs and the processes that run them.

A run's ``worker`` is ``host:pid:random`` (``worker_name()``), so the command line can
find the run it started and say what became of it.
"""

from __future__ import annotations

import os
import socket
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from innsyn.store.models import HarvestRun


def worker_name() -> str:
    """host:pid:random, unique per process (and per ``JobScheduler``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def what_became_of_the_run(sessions: sessionmaker[Session], worker: str) -> str:
    """One clause on the latest run started by ``worker``, for an error message: its id
    and status (``run 12 was marked failed``)."""
    try:
        with sessions() as s:
            run = s.scalar(
                select(HarvestRun)
                .where(HarvestRun.worker == worker)
                .order_by(HarvestRun.id.desc())
                .limit(1)
            )
    except Exception as exc:  # the database may be what failed
        return f"its run could not be looked up ({type(exc).__name__})"
    if run is None:
        return "no run was recorded"
    if run.status == "running":
        return f"run {run.id} could not be marked failed and still shows as running"
    return f"run {run.id} was marked {run.status}"
