"""The admin UI under ``/admin``: log in, manage harvest jobs, watch runs, API keys, audit.

Site admins see every agency; agency admins only their own (another agency's job is a
404). Every form carries a CSRF token (Flask-WTF); login is rate limited.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from innsyn.auth import (
    AuthError,
    issue_api_key,
    list_api_keys,
    login_attempt,
    revoke_api_key,
    session_stamp,
)
from innsyn.auth import logout as record_logout
from innsyn.harvest.registry import available
from innsyn.jobs.manage import (
    JobInvalid,
    JobNotFound,
    audit_log,
    create_job,
    delete_job,
    get_job,
    get_run,
    job_view,
    list_jobs,
    list_runs,
    request_run,
    run_view,
    update_job,
)
from innsyn.jobs.schedule import human_interval, min_interval
from innsyn.ocr.queue import backlog
from innsyn.store.models import Enhet
from web.admin_auth import current_actor, login_required, reject_huge_ids
from web.resources import resources

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.url_value_preprocessor(reject_huge_ids)


@bp.app_template_global()
def admin_actor() -> Any:
    return current_actor() if request.path.startswith("/admin") else None


def _agencies() -> list[Enhet]:
    actor = current_actor()
    assert actor is not None
    with resources().sessions() as s:
        query = select(Enhet).where(Enhet.parent_id.is_(None)).order_by(Enhet.navn)
        if not actor.site_admin:
            query = select(Enhet).where(Enhet.id == actor.agency_id)
        return list(s.scalars(query))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")[:100]
        password = request.form.get("password", "")[:1000]
        with resources().sessions.begin() as s:
            user = login_attempt(s, username, password, request.remote_addr)
            user_id = user.id if user else None
            stamp = session_stamp(user) if user else None
        if user_id is not None:
            session.clear()
            session["user_id"] = user_id
            session["user_stamp"] = stamp
            session.permanent = True
            target = request.args.get("next", "")
            if not target.startswith("/admin") or target.startswith("//"):
                target = url_for("admin.jobs")
            return redirect(target)
        error = "Wrong user name or password."
    return render_template("admin/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    user_id = session.get("user_id")
    if isinstance(user_id, int):
        with resources().sessions.begin() as s:
            record_logout(s, user_id, request.remote_addr)
    session.clear()
    return redirect(url_for("admin.login"))


@bp.get("/")
@login_required
def jobs() -> ResponseReturnValue:
    with resources().sessions() as s:
        views = [job_view(j) for j in list_jobs(s, g.actor)]
        names = {
            e.id: e.navn
            for e in s.scalars(select(Enhet).where(Enhet.id.in_({v["agency_id"] for v in views})))
        }
    ocr = backlog(resources().sessions)
    return render_template(
        "admin/jobs.html",
        jobs=views,
        agency_names=names,
        ocr=ocr,
        ocr_eta=ocr.eta_seconds(resources().settings.ocr_concurrency),
        ocr_failures=ocr.failures if g.actor.site_admin else [],
    )


def _form_values() -> dict[str, Any]:
    form = request.form
    values: dict[str, Any] = {
        "name": form.get("name", ""),
        "agency_id": form.get("agency_id", ""),
        "harvester": form.get("harvester", ""),
        "location": form.get("location", ""),
        "schedule": form.get("schedule", ""),
        "enabled": form.get("enabled") == "on",
        "politeness": {
            "delay": form.get("delay", ""),
            "max_parallel": form.get("max_parallel", ""),
        },
    }
    params: dict[str, str] = {}
    for line in form.get("params", "").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            params[key.strip()] = value.strip()
    values["params"] = params
    creds = {k: form.get(f"cred_{k}", "") for k in ("username", "password", "token")}
    if form.get("cred_clear") == "on":
        values["credentials"] = {"clear": True}
    elif any(creds.values()):
        values["credentials"] = creds
    return values


def _job_form(
    job: dict[str, Any] | None, errors: dict[str, str], status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "admin/job_form.html",
            job=job,
            errors=errors,
            agencies=_agencies(),
            harvesters=sorted(available()),
            min_interval=human_interval(min_interval(resources().settings)),
        ),
        status,
    )


@bp.route("/jobs/new", methods=["GET", "POST"])
@login_required
def job_new() -> ResponseReturnValue:
    if request.method == "GET":
        return _job_form(None, {})
    svc = resources()
    values = _form_values()
    try:
        with svc.sessions.begin() as s:
            job_id = create_job(s, svc.settings, g.actor, values).id
    except JobInvalid as exc:
        shown = {k: v for k, v in values.items() if k != "credentials"}
        return _job_form(shown, exc.errors, 422)
    flash("Job created.")
    return redirect(url_for("admin.job_detail", job_id=job_id))


def _job_or_404(job_id: int) -> dict[str, Any]:
    try:
        with resources().sessions() as s:
            return job_view(get_job(s, g.actor, job_id))
    except JobNotFound:
        abort(404)


@bp.get("/jobs/<int:job_id>")
@login_required
def job_detail(job_id: int) -> ResponseReturnValue:
    job = _job_or_404(job_id)
    with resources().sessions() as s:
        runs = [run_view(r) for r in list_runs(s, g.actor, job_id, 30)]
    return render_template("admin/job.html", job=job, runs=runs)


@bp.route("/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@login_required
def job_edit(job_id: int) -> ResponseReturnValue:
    job = _job_or_404(job_id)
    if request.method == "GET":
        return _job_form(job, {})
    svc = resources()
    values = _form_values()
    try:
        with svc.sessions.begin() as s:
            update_job(s, svc.settings, g.actor, job_id, values)
    except JobInvalid as exc:
        shown = {**job, **{k: v for k, v in values.items() if k != "credentials"}}
        return _job_form(shown, exc.errors, 422)
    flash("Job saved.")
    return redirect(url_for("admin.job_detail", job_id=job_id))


@bp.post("/jobs/<int:job_id>/delete")
@login_required
def job_delete(job_id: int) -> ResponseReturnValue:
    try:
        with resources().sessions.begin() as s:
            delete_job(s, g.actor, job_id)
    except JobNotFound:
        abort(404)
    flash("Job deleted; the records it harvested stay.")
    return redirect(url_for("admin.jobs"))


@bp.post("/jobs/<int:job_id>/run")
@login_required
def job_run(job_id: int) -> ResponseReturnValue:
    full = request.form.get("full") == "1"
    try:
        with resources().sessions.begin() as s:
            request_run(s, g.actor, job_id, full)
    except JobNotFound:
        abort(404)
    flash("Full resync requested." if full else "Run requested; the scheduler starts it shortly.")
    return redirect(url_for("admin.job_detail", job_id=job_id))


@bp.get("/runs/<int:run_id>")
@login_required
def run_detail(run_id: int) -> ResponseReturnValue:
    try:
        with resources().sessions() as s:
            run = run_view(get_run(s, g.actor, run_id))
    except JobNotFound:
        abort(404)
    return render_template("admin/run.html", run=run, details=json.dumps(run["details"], indent=1))


@bp.get("/audit")
@login_required
def audit_page() -> ResponseReturnValue:
    with resources().sessions() as s:
        entries = audit_log(s, g.actor, 200)
        rows = [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "agency_id": e.agency_id,
                "details": json.dumps(e.details or {}, ensure_ascii=False),
            }
            for e in entries
        ]
    return render_template("admin/audit.html", entries=rows)


@bp.route("/keys", methods=["GET", "POST"])
@login_required
def keys() -> ResponseReturnValue:
    created = None
    error = None
    if request.method == "POST":
        try:
            with resources().sessions.begin() as s:
                _key, created = issue_api_key(
                    s, g.actor, request.form.get("name", ""), request.form.get("agency_id")
                )
        except AuthError as exc:
            error = str(exc)
    with resources().sessions() as s:
        rows = list_api_keys(s, g.actor)
    return render_template(
        "admin/keys.html", keys=rows, created=created, error=error, agencies=_agencies()
    )


@bp.post("/keys/<int:key_id>/revoke")
@login_required
def key_revoke(key_id: int) -> ResponseReturnValue:
    try:
        with resources().sessions.begin() as s:
            revoke_api_key(s, g.actor, key_id)
    except LookupError:
        abort(404)
    flash("Key revoked.")
    return redirect(url_for("admin.keys"))
