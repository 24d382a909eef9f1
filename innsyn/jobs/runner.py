"""Running one job: take its lease, harvest with its state and credentials, save the
new state only when the run completes.

A killed run leaves the old state (and an expiring lease), so the next run harvests the
same changes again; upserts are idempotent, so nothing is duplicated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.jobs import lease
from innsyn.keys import decrypt_credentials
from innsyn.progress import ProgressCallback
from innsyn.store.models import HarvestRun, Job, utcnow


@dataclass
class RunOutcome:
    job_id: int
    status: str
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
    from innsyn.harvest.pipeline import Interrupted, harvest
    from innsyn.harvest.registry import get_harvester
    from innsyn.http_client import HttpClient, HttpPolicy

    if not lease.acquire(sessions, job_id, worker, settings.job_lease_seconds):
        return RunOutcome(job_id, "busy", summary="already running in another worker")
    try:
        with sessions.begin() as s:
            job = s.get(Job, job_id)
            if job is None:
                return RunOutcome(job_id, "missing", summary="the job was deleted")
            requested = job.run_requested
            job.run_requested = None
            s.execute(
                update(HarvestRun)
                .where(HarvestRun.job_id == job_id, HarvestRun.status == "running")
                .values(status="abandoned", finished_at=utcnow())
            )
            full = bool(full) or requested == "full"
            if requested and trigger == "schedule":
                trigger = "full" if full else "manual"
            if full:
                job.state = None
        creds = decrypt_credentials(settings, job.credentials)
        headers = {"Authorization": f"Bearer {creds['token']}"} if "token" in creds else None
        auth = (creds["username"], creds.get("password", "")) if "username" in creds else None
        http = HttpClient(
            HttpPolicy.from_settings(settings, job.politeness), auth=auth, headers=headers
        )
        with http, lease.Heartbeat(sessions, job_id, worker, settings.job_lease_seconds) as beat:
            harvester = get_harvester(
                job.harvester, job.location, job.params or {}, http=http, state=job.state
            )

            def _stop() -> bool:
                return beat.lost or (should_stop is not None and should_stop())

            try:
                report = harvest(
                    settings,
                    sessions,
                    harvester,
                    f"job:{job_id}",
                    progress,
                    default_enhet=job.agency_id,
                    job_id=job_id,
                    trigger=trigger,
                    worker=worker,
                    should_stop=_stop,
                )
            except Interrupted:
                _record(sessions, job_id, "interrupted", None)
                return RunOutcome(job_id, "interrupted", _last_run(sessions, job_id))
            except (HarvestError, OSError, ValueError) as exc:
                _record(sessions, job_id, "failed", None)
                return RunOutcome(
                    job_id,
                    "failed",
                    _last_run(sessions, job_id),
                    f"{type(exc).__name__}: {exc}",
                    http.requests_made,
                )
            _record(sessions, job_id, report.status, harvester.state)
            return RunOutcome(
                job_id, report.status, report.run_id, report.summary(), http.requests_made
            )
    finally:
        lease.release(sessions, job_id, worker)


def _record(
    sessions: sessionmaker[Session], job_id: int, status: str, state: dict[str, object] | None
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
