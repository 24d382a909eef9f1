"""Creating, changing and reading jobs and runs, always through an ``Actor``.

Every function checks agency scoping: a job outside the actor's reach is reported as
not found (its existence is not revealed). Every change is written to the audit log,
with the names of changed fields but never credential values. Agency admins may point
jobs only at http(s) URLs; local paths (files on the server) are for site admins.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from innsyn import jsontypes as t
from innsyn.auth import Actor, audit, scoped
from innsyn.config import Settings
from innsyn.harvest.caps import param_errors
from innsyn.harvest.patterns import pattern_errors
from innsyn.harvest.runs import STATUS_NOTES
from innsyn.harvest.status import RunStatus
from innsyn.http_client import BlockedAddress, HttpFailure, check_address
from innsyn.jobs.schedule import ScheduleError, min_interval, parse_schedule
from innsyn.keys import encrypt_credentials
from innsyn.store.models import AuditEntry, Enhet, HarvestRun, Job, utcnow

EDITABLE = (
    "name",
    "agency_id",
    "harvester",
    "location",
    "params",
    "schedule",
    "enabled",
    "politeness",
)
CREDENTIAL_FIELDS = ("username", "password", "token")


class JobNotFound(LookupError):
    """No such job or run within the actor's reach."""


class JobInvalid(ValueError):
    """The job's settings are invalid; ``errors`` maps field to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


_POLITENESS = {"delay": t.number(), "max_parallel": t.integer(minimum=1)}
JOB_SCHEMA = t.closed(
    {
        "id": t.integer(),
        "name": t.string(),
        "agency_id": t.string(),
        "harvester": t.string(),
        "location": t.string(),
        "params": t.mapping(t.string()),
        "schedule": t.string(),
        "enabled": t.boolean(),
        "politeness": t.closed(_POLITENESS, optional=tuple(_POLITENESS)),
        "credentials_set": t.boolean(),
        "run_requested": t.string(nullable=True, enum=["incremental", "full"]),
        "running": t.boolean(),
        "last_run_at": t.datetime(),
        "last_status": t.string(nullable=True, enum=RunStatus),
        "created_at": t.datetime(nullable=False),
        "updated_at": t.datetime(nullable=False),
    }
)
"""The OpenAPI schema of ``job_view``."""

JOB_INPUT_SCHEMA = t.fields(
    {
        "name": {**t.string(), "minLength": 1, "maxLength": 200},
        "agency_id": t.string(),
        "harvester": t.string(),
        "location": t.string(),
        "schedule": t.string(),
        "enabled": t.boolean(),
        "params": t.mapping(t.string()),
        "politeness": t.fields(_POLITENESS),
        "credentials": t.fields(
            {
                "username": t.string(),
                "password": t.string(),
                "token": t.string(),
                "clear": t.boolean(),
            }
        ),
    }
)
"""The body of a job to create (``name``, ``agency_id`` (site admins), ``harvester``,
``location``, ``schedule`` required) or the fields to change; ``credentials`` are stored
encrypted and never shown (``clear`` removes them)."""


def job_view(job: Job) -> dict[str, Any]:
    """A job as shown in the UI and API: everything but the credentials themselves."""
    return {
        "id": job.id,
        "name": job.name,
        "agency_id": job.agency_id,
        "harvester": job.harvester,
        "location": job.location,
        "params": job.params or {},
        "schedule": job.schedule,
        "enabled": job.enabled,
        "politeness": job.politeness or {},
        "credentials_set": bool(job.credentials),
        "run_requested": job.run_requested,
        "running": job.lease_until is not None and job.lease_until > utcnow(),
        "last_run_at": job.last_run_at.isoformat() if job.last_run_at else None,
        "last_status": job.last_status,
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
    }


COUNTS = ("new", "updated", "unchanged", "deleted", "failed")
RUN_SCHEMA = t.closed(
    {
        "id": t.integer(),
        "job_id": t.integer(),
        "trigger": t.string(nullable=True),
        "status": t.string(enum=RunStatus),
        "status_note": t.string(),
        "started_at": t.datetime(nullable=False),
        "finished_at": t.datetime(),
        "counts": t.closed({k: t.integer(minimum=0) for k in COUNTS}),
        "details": t.mapping(t.integer()),
        "errors": t.array(t.string()),
        "log_tail": t.array(t.string()),
    }
)
"""The OpenAPI schema of ``run_view`` (runs of jobs only: ``job_id`` is set)."""


def run_view(run: HarvestRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "job_id": run.job_id,
        "trigger": run.trigger,
        "status": run.status,
        "status_note": STATUS_NOTES.get(run.status, ""),
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "counts": {k: (run.counts or {}).get(k, 0) for k in COUNTS},
        "details": run.counts or {},
        "errors": run.errors or [],
        "log_tail": run.log_tail or [],
    }


def list_jobs(session: Session, actor: Actor) -> list[Job]:
    return list(session.scalars(scoped(select(Job).order_by(Job.id), Job.agency_id, actor)))


def get_job(session: Session, actor: Actor, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or not actor.may_reach(job.agency_id):
        raise JobNotFound(f"no job {job_id}")
    return job


def _validate(
    session: Session, settings: Settings, actor: Actor, values: dict[str, Any]
) -> dict[str, Any]:
    from innsyn.harvest.registry import available

    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if "name" in values:
        name = str(values["name"] or "").strip()
        if not 1 <= len(name) <= 200:
            errors["name"] = "a name of 1 to 200 characters is required"
        clean["name"] = name
    if "agency_id" in values:
        agency = str(values["agency_id"] or "")
        if not actor.may_reach(agency):
            errors["agency_id"] = "you may only configure jobs for your own agency"
        elif session.get(Enhet, agency) is None:
            errors["agency_id"] = f"no agency {agency!r}"
        clean["agency_id"] = agency
    if "harvester" in values:
        names = available()
        if not isinstance(values["harvester"], str) or values["harvester"] not in names:
            errors["harvester"] = f"unknown harvester; installed: {', '.join(sorted(names))}"
        clean["harvester"] = values["harvester"]
    if "location" in values:
        location = str(values["location"] or "").strip()
        if location.startswith(("http://", "https://")):
            try:
                check_address(location, settings.http_allow_private_addresses)
            except BlockedAddress as exc:
                errors["location"] = str(exc)
            except HttpFailure:
                pass  # not resolvable now; checked again at every request
        elif not location:
            errors["location"] = "a URL or path is required"
        elif not actor.site_admin:
            errors["location"] = "only http(s) URLs are allowed (local paths need a site admin)"
        clean["location"] = location
    if "schedule" in values:
        try:
            parse_schedule(str(values["schedule"] or ""), min_interval(settings))
        except ScheduleError as exc:
            errors["schedule"] = str(exc)
        clean["schedule"] = str(values["schedule"] or "").strip()
    if "enabled" in values:
        clean["enabled"] = bool(values["enabled"])
    if "params" in values:
        params = values["params"] or {}
        if not isinstance(params, dict):
            errors["params"] = "an object of string values"
        else:
            clean["params"] = {str(k): str(v) for k, v in params.items()}
            problems = param_errors(settings, clean["params"]) | pattern_errors(clean["params"])
            errors.update({f"params.{k}": v for k, v in problems.items()})
    if "politeness" in values:
        clean["politeness"] = _politeness(values["politeness"] or {}, errors)
    if errors:
        raise JobInvalid(errors)
    return clean


def _politeness(raw: Any, errors: dict[str, str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        errors["politeness"] = "an object with 'delay' (seconds) and 'max_parallel'"
        return {}
    out: dict[str, Any] = {}
    try:
        if raw.get("delay") not in (None, ""):
            out["delay"] = float(raw["delay"])
            if not 0 <= out["delay"] <= 3600:
                raise ValueError
        if raw.get("max_parallel") not in (None, ""):
            out["max_parallel"] = int(raw["max_parallel"])
            if not 1 <= out["max_parallel"] <= 16:
                raise ValueError
    except (TypeError, ValueError):
        errors["politeness"] = "delay 0 to 3600 seconds, max_parallel 1 to 16"
    return out


def _credentials(
    settings: Settings, job: Job, raw: Any, changed: list[str], errors: dict[str, str]
) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        errors["credentials"] = "an object with username/password or token"
        return
    given = {k: str(v) for k, v in raw.items() if k in CREDENTIAL_FIELDS and v not in (None, "")}
    if raw.get("clear"):
        job.credentials = None
        changed.append("credentials")
    elif given:
        job.credentials = encrypt_credentials(settings, given)
        changed.append("credentials")


def create_job(session: Session, settings: Settings, actor: Actor, values: dict[str, Any]) -> Job:
    data = {"enabled": True, "params": {}, "politeness": {}, **values}
    if not actor.site_admin and not data.get("agency_id"):
        data["agency_id"] = actor.agency_id
    missing = [
        f for f in ("name", "agency_id", "harvester", "location", "schedule") if f not in data
    ]
    if missing:
        raise JobInvalid({f: "required" for f in missing})
    clean = _validate(session, settings, actor, {k: data[k] for k in EDITABLE if k in data})
    job = Job(**clean)
    changed: list[str] = []
    errors: dict[str, str] = {}
    _credentials(settings, job, values.get("credentials"), changed, errors)
    if errors:
        raise JobInvalid(errors)
    session.add(job)
    session.flush()
    audit(session, actor, "job.create", f"job:{job.id}", job.agency_id, {"fields": sorted(clean)})
    return job


def update_job(
    session: Session, settings: Settings, actor: Actor, job_id: int, values: dict[str, Any]
) -> Job:
    job = get_job(session, actor, job_id)
    clean = _validate(session, settings, actor, {k: values[k] for k in EDITABLE if k in values})
    changed = [k for k, v in clean.items() if getattr(job, k) != v]
    if "location" in changed or "harvester" in changed:
        job.state = None
    for key in changed:
        setattr(job, key, clean[key])
    if "location" in changed and job.credentials:
        # the stored credentials belong to the old location's server: pointing the job
        # elsewhere must not deliver them there (new ones may come with the same change)
        job.credentials = None
        changed.append("credentials")
    errors: dict[str, str] = {}
    _credentials(settings, job, values.get("credentials"), changed, errors)
    if errors:
        raise JobInvalid(errors)
    changed = list(dict.fromkeys(changed))
    if changed:
        job.updated_at = utcnow()
        audit(session, actor, "job.update", f"job:{job.id}", job.agency_id, {"fields": changed})
    return job


def delete_job(session: Session, actor: Actor, job_id: int) -> None:
    job = get_job(session, actor, job_id)
    audit(session, actor, "job.delete", f"job:{job.id}", job.agency_id, {"name": job.name})
    session.delete(job)


def request_run(session: Session, actor: Actor, job_id: int, full: bool = False) -> Job:
    """Ask the scheduler to run the job now ("full": from scratch, ignoring its state)."""
    job = get_job(session, actor, job_id)
    job.run_requested = "full" if full else "incremental"
    audit(session, actor, "job.run_full" if full else "job.run", f"job:{job.id}", job.agency_id)
    return job


def list_runs(
    session: Session, actor: Actor, job_id: int | None = None, limit: int = 50
) -> list[HarvestRun]:
    """The newest runs of jobs (of job ``job_id``) that ran for the actor's agency."""
    query = scoped(
        select(HarvestRun).where(HarvestRun.job_id.is_not(None)), HarvestRun.agency_id, actor
    )
    if job_id is not None:
        get_job(session, actor, job_id)
        query = query.where(HarvestRun.job_id == job_id)
    return list(session.scalars(query.order_by(HarvestRun.id.desc()).limit(limit)))


def get_run(session: Session, actor: Actor, run_id: int) -> HarvestRun:
    """A run of a job that ran for the actor's agency; another agency's run is reported
    as not found, as a run that does not exist."""
    run = session.get(HarvestRun, run_id)
    if run is None or run.job_id is None or not actor.may_reach(run.agency_id):
        raise JobNotFound(f"no run {run_id}")
    return run


def audit_log(session: Session, actor: Actor, limit: int = 100) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(scoped(query, AuditEntry.agency_id, actor)))
