"""``innsyn jobs``, ``innsyn runs``, ``innsyn scheduler``, ``innsyn users``, ``innsyn apikeys``.

The terminal acts as a site admin (whoever can run it owns the installation); every
change is written to the audit log as actor ``cli``.
"""

from __future__ import annotations

import json
import signal
from typing import Any

import click
from sqlalchemy.orm import Session, sessionmaker

from innsyn.cli_errors import fail
from innsyn.config import Settings


def _sessions(settings: Settings) -> sessionmaker[Session]:
    from innsyn.store.db import open_store

    return open_store(settings)


def _kv(pairs: tuple[str, ...], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"{what} must look like key=value, got {pair!r}", 2)
        out[key] = value
    return out


@click.group()
def jobs() -> None:
    """Harvest jobs: list, add, run now, enable and disable."""


@jobs.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def jobs_list(as_json: bool) -> None:
    """Every job with its schedule, state and last run."""
    from innsyn.auth import CLI_ACTOR
    from innsyn.jobs.manage import job_view, list_jobs

    with _sessions(Settings())() as s:
        views = [job_view(j) for j in list_jobs(s, CLI_ACTOR)]
    if as_json:
        click.echo(json.dumps(views, indent=2))
        return
    if not views:
        click.echo("no jobs; add one with 'innsyn jobs add'")
    for v in views:
        state = "enabled" if v["enabled"] else "disabled"
        click.echo(
            f"{v['id']:>4}  {v['name'][:30]:<30} {v['harvester']:<14} {state:<8} "
            f"{v['schedule']:<14} last: {v['last_status'] or '-'} {v['last_run_at'] or ''}"
        )
        click.echo(f"      {v['location']}  agency={v['agency_id']}")


@jobs.command("add")
@click.option("--name", required=True, help="A name people recognise.")
@click.option("--agency", required=True, help="Agency: id, organisation number or name.")
@click.option("--harvester", required=True, help="Harvester type (see 'innsyn harvesters list').")
@click.option("--location", required=True, help="URL or path of the source.")
@click.option("--schedule", default="every 1h", show_default=True, help="Cron or interval.")
@click.option("--param", "params", multiple=True, help="Harvester parameter key=value.")
@click.option("--delay", type=float, help="Seconds between requests to the host.")
@click.option("--max-parallel", type=int, help="Most parallel requests to the host.")
@click.option("--username", help="User name for the source (HTTP basic auth).")
@click.option("--token", help="Bearer token for the source (prefer INNSYN_JOB_TOKEN).")
@click.option("--disabled", is_flag=True, help="Create the job disabled.")
def jobs_add(
    name: str,
    agency: str,
    harvester: str,
    location: str,
    schedule: str,
    params: tuple[str, ...],
    delay: float | None,
    max_parallel: int | None,
    username: str | None,
    token: str | None,
    disabled: bool,
) -> None:
    """Add a job. A password is asked for (or read from INNSYN_JOB_PASSWORD) with --username."""
    import os

    from innsyn.auth import CLI_ACTOR, AuthError, resolve_agency
    from innsyn.jobs.manage import JobInvalid, create_job

    settings = Settings()
    creds: dict[str, str] = {}
    if username:
        creds["username"] = username
        creds["password"] = os.environ.get("INNSYN_JOB_PASSWORD") or click.prompt(
            "Password", hide_input=True
        )
    token = token or os.environ.get("INNSYN_JOB_TOKEN")
    if token:
        creds["token"] = token
    politeness: dict[str, Any] = {}
    if delay is not None:
        politeness["delay"] = delay
    if max_parallel is not None:
        politeness["max_parallel"] = max_parallel
    sessions = _sessions(settings)
    try:
        with sessions.begin() as s:
            agency_id = resolve_agency(s, agency).id
            job = create_job(
                s,
                settings,
                CLI_ACTOR,
                {
                    "name": name,
                    "agency_id": agency_id,
                    "harvester": harvester,
                    "location": location,
                    "schedule": schedule,
                    "params": _kv(params, "--param"),
                    "politeness": politeness,
                    "enabled": not disabled,
                    "credentials": creds or None,
                },
            )
            job_id = job.id
    except (JobInvalid, AuthError) as exc:
        fail(str(exc), 2)
    click.echo(f"job {job_id} added")


def _set_enabled(job_id: int, enabled: bool) -> None:
    from innsyn.auth import CLI_ACTOR
    from innsyn.jobs.manage import JobNotFound, update_job

    settings = Settings()
    try:
        with _sessions(settings).begin() as s:
            update_job(s, settings, CLI_ACTOR, job_id, {"enabled": enabled})
    except JobNotFound as exc:
        fail(str(exc))
    click.echo(f"job {job_id} {'enabled' if enabled else 'disabled'}")


@jobs.command("disable")
@click.argument("job_id", type=int)
def jobs_disable(job_id: int) -> None:
    """Stop scheduling JOB_ID (a running harvest finishes)."""
    _set_enabled(job_id, False)


@jobs.command("enable")
@click.argument("job_id", type=int)
def jobs_enable(job_id: int) -> None:
    """Schedule JOB_ID again."""
    _set_enabled(job_id, True)


@jobs.command("delete")
@click.argument("job_id", type=int)
@click.confirmation_option(prompt="Delete the job? Its harvested records stay.")
def jobs_delete(job_id: int) -> None:
    """Delete JOB_ID (records it harvested stay in the store)."""
    from innsyn.auth import CLI_ACTOR
    from innsyn.jobs.manage import JobNotFound, delete_job

    try:
        with _sessions(Settings()).begin() as s:
            delete_job(s, CLI_ACTOR, job_id)
    except JobNotFound as exc:
        fail(str(exc))
    click.echo(f"job {job_id} deleted")


@jobs.command("run")
@click.argument("job_id", type=int)
@click.option("--full", is_flag=True, help="Full resync: ignore the checkpoint, see deletions.")
@click.option("--queue", is_flag=True, help="Only ask the scheduler to run it now.")
def jobs_run(job_id: int, full: bool, queue: bool) -> None:
    """Run JOB_ID now in this process (or --queue it for the scheduler)."""
    from innsyn.auth import CLI_ACTOR
    from innsyn.cli_errors import one_line_errors
    from innsyn.harvest.runs import what_became_of_the_run, worker_name
    from innsyn.harvest.status import RunStatus
    from innsyn.jobs.manage import JobNotFound, get_job, request_run
    from innsyn.jobs.runner import NotRun, run_job

    settings = Settings()
    sessions = _sessions(settings)
    try:
        with sessions.begin() as s:
            if queue:
                request_run(s, CLI_ACTOR, job_id, full)
            else:
                get_job(s, CLI_ACTOR, job_id)
    except JobNotFound as exc:
        fail(str(exc))
    if queue:
        click.echo(f"job {job_id} queued; the scheduler starts it within its poll interval")
        return
    worker = worker_name()
    with one_line_errors(f"job {job_id}", lambda: what_became_of_the_run(sessions, worker)):
        outcome = run_job(
            settings,
            sessions,
            job_id,
            worker=worker,
            trigger="full" if full else "cli",
            full=full,
            progress=click.echo,
        )
    if outcome.status == RunStatus.FAILED:
        fail(f"job {job_id} failed: {outcome.summary}; {what_became_of_the_run(sessions, worker)}")
    if outcome.status in (NotRun.BUSY, NotRun.MISSING):
        fail(f"job {job_id} did not run: {outcome.summary}")
    click.echo(f"run {outcome.run_id or '-'}: {outcome.status} {outcome.summary}")


@click.command("runs")
@click.option("--job", "job_id", type=int, help="Only this job's runs.")
@click.option("--show", "run_id", type=int, help="One run in full: counts, errors, log tail.")
@click.option("--limit", default=20, show_default=True)
def runs(job_id: int | None, run_id: int | None, limit: int) -> None:
    """Recent job runs with their counts."""
    from innsyn.auth import CLI_ACTOR
    from innsyn.jobs.manage import JobNotFound, get_run, list_runs, run_view

    try:
        with _sessions(Settings())() as s:
            if run_id is not None:
                view = run_view(get_run(s, CLI_ACTOR, run_id))
                click.echo(json.dumps(view, indent=2, ensure_ascii=False))
                return
            rows = [run_view(r) for r in list_runs(s, CLI_ACTOR, job_id, limit)]
    except JobNotFound as exc:
        fail(str(exc))
    for r in rows:
        c = r["counts"]
        click.echo(
            f"{r['id']:>5} job {r['job_id']:<4} {r['status']:<15} {r['started_at'][:19]}  "
            f"new {c['new']} updated {c['updated']} unchanged {c['unchanged']} "
            f"deleted {c['deleted']} failed {c['failed']}"
        )


@click.command("scheduler")
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time.")
def scheduler(workers: int) -> None:
    """Run due harvest jobs until SIGTERM/SIGINT (never inside gunicorn)."""
    from innsyn.jobs.scheduler import JobScheduler

    settings = Settings()
    sched = JobScheduler(settings, _sessions(settings), lambda m: click.echo(m), workers)

    def _stop(signum: int, _frame: object) -> None:
        click.echo(f"signal {signum}: finishing the batch in hand and stopping")
        sched.stop()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sched.serve()


@click.group()
def users() -> None:
    """Admin users of the web UI."""


@users.command("add")
@click.argument("username")
@click.option("--agency", help="Make an agency admin of this agency (id, orgnr or name).")
@click.option("--site-admin", is_flag=True, help="Make a site admin (all agencies).")
def users_add(username: str, agency: str | None, site_admin: bool) -> None:
    """Add USERNAME; the password is asked for (or read from INNSYN_USER_PASSWORD)."""
    import os

    from innsyn.auth import CLI_ACTOR, AuthError, audit, create_user, resolve_agency

    if site_admin == bool(agency):
        fail("give exactly one of --agency or --site-admin", 2)
    password = os.environ.get("INNSYN_USER_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        with _sessions(Settings()).begin() as s:
            agency_id = resolve_agency(s, agency).id if agency else None
            role = "site_admin" if site_admin else "agency_admin"
            create_user(s, username, password, role, agency_id)
            audit(s, CLI_ACTOR, "user.create", f"user:{username}", agency_id, {"role": role})
    except AuthError as exc:
        fail(str(exc), 2)
    click.echo(f"user {username} added")


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable USERNAME: its sessions end and its API keys are revoked for good."""
    from innsyn.auth import CLI_ACTOR, AuthError, set_user_active

    try:
        with _sessions(Settings()).begin() as s:
            revoked = set_user_active(s, CLI_ACTOR, username, False)
    except AuthError as exc:
        fail(str(exc), 2)
    click.echo(f"user {username} disabled; {revoked} API key(s) revoked")


@users.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Enable USERNAME again (keys revoked when it was disabled stay revoked)."""
    from innsyn.auth import CLI_ACTOR, AuthError, set_user_active

    try:
        with _sessions(Settings()).begin() as s:
            set_user_active(s, CLI_ACTOR, username, True)
    except AuthError as exc:
        fail(str(exc), 2)
    click.echo(f"user {username} enabled")


@users.command("delete")
@click.argument("username")
def users_delete(username: str) -> None:
    """Delete USERNAME: its sessions end and its API keys are revoked for good."""
    from innsyn.auth import CLI_ACTOR, AuthError, delete_user

    try:
        with _sessions(Settings()).begin() as s:
            revoked = delete_user(s, CLI_ACTOR, username)
    except AuthError as exc:
        fail(str(exc), 2)
    click.echo(f"user {username} deleted; {revoked} API key(s) revoked")


@click.group()
def apikeys() -> None:
    """Keys for the admin API (one agency each)."""


@apikeys.command("create")
@click.option("--agency", help="The agency the key belongs to (none: a site-wide key).")
@click.option("--name", required=True, help="What the key is for.")
def apikeys_create(agency: str | None, name: str) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from innsyn.auth import CLI_ACTOR, AuthError, issue_api_key, resolve_agency

    try:
        with _sessions(Settings()).begin() as s:
            agency_id = resolve_agency(s, agency).id if agency else None
            _key, plain = issue_api_key(s, CLI_ACTOR, name, agency_id)
    except AuthError as exc:
        fail(str(exc), 2)
    click.echo(plain)
