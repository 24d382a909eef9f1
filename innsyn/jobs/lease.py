"""A lease in the database so one job never runs twice at once, across processes.

Taking the lease is one conditional UPDATE (atomic in SQLite and PostgreSQL): it
succeeds only when no one holds it or the holder's lease has expired (a crashed
worker). A running job renews it; finishing releases it.
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import or_, update
from sqlalchemy.orm import Session, sessionmaker

from innsyn.store.models import Job, utcnow


def acquire(sessions: sessionmaker[Session], job_id: int, owner: str, seconds: float) -> bool:
    now = utcnow()
    with sessions.begin() as s:
        result = s.execute(
            update(Job)
            .where(
                Job.id == job_id,
                or_(Job.lease_until.is_(None), Job.lease_until < now, Job.lease_owner == owner),
            )
            .values(lease_owner=owner, lease_until=now + dt.timedelta(seconds=seconds))
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def renew(sessions: sessionmaker[Session], job_id: int, owner: str, seconds: float) -> bool:
    with sessions.begin() as s:
        result = s.execute(
            update(Job)
            .where(Job.id == job_id, Job.lease_owner == owner)
            .values(lease_until=utcnow() + dt.timedelta(seconds=seconds))
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def release(sessions: sessionmaker[Session], job_id: int, owner: str) -> None:
    with sessions.begin() as s:
        s.execute(
            update(Job)
            .where(Job.id == job_id, Job.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )


class Heartbeat:
    """Renews a lease every third of its length until stopped."""

    def __init__(
        self, sessions: sessionmaker[Session], job_id: int, owner: str, seconds: float
    ) -> None:
        self._args = (sessions, job_id, owner, seconds)
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, name=f"lease-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        seconds = self._args[3]
        while not self._stop.wait(max(0.5, seconds / 3)):
            try:
                if not renew(*self._args):
                    self.lost = True
            except Exception:  # noqa: S112 - a missed renewal is retried next beat
                continue
