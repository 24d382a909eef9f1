"""Running one job: take its lease, harvest its source (``pipeline.run_source``) with its
state and credentials, save the new state only when the run completes.

A killed run leaves the old state (and an expiring lease), so the next run harvests the
same changes again; upserts are idempotent, so nothing is duplicated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.harvest.runs import RunStatus
from innsyn.jobs import lease
from innsyn.keys import decrypt_credentials
from innsyn.progress import ProgressCallback
from innsyn.store.models import HarvestRun, Job, utcnow


class NotRun(StrEnum):
    """Why a job did not run at all (no run row was written)."""

    BUSY = "busy"
    MISSING = "missing"


@dataclass
class RunOutcome:
    """What became of one attempt to run a job: a run status, or why it did not run."""

    job_id: int
    status: RunStatus | NotRun
    run_id: int | None = None
    summary: str = ""
    http_requests: int = 0


def run_job(
    settings: Settings,
    sessions: sessionmaker[Session],
    job_id: int,
    *,
    worker: str,
    trigger: str = "schedule",
    full: bool | None = None,
    should_stop: Callable[[], bool] | None = None,
    progress: ProgressCallback | None = None,
) -> RunOutcome:
    """Run job ``job_id`` unless another worker holds it (status ``busy``)."""
    from innsyn.harvest.contract import HarvestError
    from innsyn.harvest.pipeline import Interrupted, RunContext, run_source
    from innsyn.http_client import Credentials, HttpClient, HttpPolicy

    if not lease.acquire(sessions, job_id, worker, settings.job_lease_seconds):
        return RunOutcome(job_id, NotRun.BUSY, summary="already running in another worker")
    try:
        with sessions.begin() as s:
            job = s.get(Job, job_id)
            if job is None:
                return RunOutcome(job_id, NotRun.MISSING, summary="the job was deleted")
            requested = job.run_requested
            job.run_requested = None
            s.execute(
                update(HarvestRun)
                .where(HarvestRun.job_id == job_id, HarvestRun.status == RunStatus.RUNNING)
                .values(status=RunStatus.ABANDONED, finished_at=utcnow())
            )
            full = bool(full) or requested == "full"
            if requested and trigger == "schedule":
                trigger = "full" if full else "manual"
            if full:
                job.state = None
        creds = decrypt_credentials(settings, job.credentials)
        credentials = None
        if "token" in creds:
            credentials = Credentials.bearer(job.location, creds["token"])
        elif "username" in creds:
            credentials = Credentials.basic(
                job.location, creds["username"], creds.get("password", "")
            )
        http = HttpClient(
            HttpPolicy.from_settings(settings, job.politeness), credentials=credentials
        )
        with http, lease.Heartbeat(sessions, job_id, worker, settings.job_lease_seconds) as beat:

            def _stop() -> bool:
                return beat.lost or (should_stop is not None and should_stop())

            run = RunContext(
                settings,
                sessions,
                job.source_key,
                progress,
                default_enhet=job.agency_id,
                job_id=job_id,
                trigger=trigger,
                worker=worker,
                should_stop=_stop,
            )
            try:
                report = run_source(
                    run, job.harvester, job.location, job.params or {}, http=http, state=job.state
                )
            except Interrupted:
                _record(sessions, job_id, RunStatus.INTERRUPTED, None)
                return RunOutcome(job_id, RunStatus.INTERRUPTED, _last_run(sessions, job_id))
            except (HarvestError, OSError, ValueError) as exc:
                _record(sessions, job_id, RunStatus.FAILED, None)
                return RunOutcome(
                    job_id,
                    RunStatus.FAILED,
                    _last_run(sessions, job_id),
                    f"{type(exc).__name__}: {exc}",
                    http.requests_made,
                )
            _record(sessions, job_id, report.status, report.state)
            return RunOutcome(
                job_id, report.status, report.run_id, report.summary(), http.requests_made
            )
    finally:
        lease.release(sessions, job_id, worker)


def _record(
    sessions: sessionmaker[Session],
    job_id: int,
    status: RunStatus,
    state: dict[str, object] | None,
) -> None:
    with sessions.begin() as s:
        job = s.get(Job, job_id)
        if job is None:
            return
        job.last_run_at = utcnow()
        job.last_status = status
        if state is not None:
            job.state = state


def _last_run(sessions: sessionmaker[Session], job_id: int) -> int | None:
    from sqlalchemy import select

    with sessions() as s:
        return s.scalar(
            select(HarvestRun.id).where(HarvestRun.job_id == job_id).order_by(HarvestRun.id.desc())
        )
