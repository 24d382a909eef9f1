"""The admin API under ``/api/v1/admin``: jobs and runs for API-key holders.

A key belongs to one agency and reaches only that agency's jobs; another agency's job
answers 404 as if it did not exist. Errors use the API's one error shape.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request
from flask.typing import ResponseReturnValue

from innsyn.jobs.manage import (
    JobInvalid,
    JobNotFound,
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
from web.admin_auth import key_required, reject_huge_ids
from web.errors import api_error
from web.resources import resources

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")
bp.url_value_preprocessor(reject_huge_ids)


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise JobInvalid({"body": "a JSON object is required"})
    return data


@bp.errorhandler(JobNotFound)
def _not_found(exc: JobNotFound) -> ResponseReturnValue:
    return api_error(404, "not_found", str(exc))


@bp.errorhandler(JobInvalid)
def _invalid(exc: JobInvalid) -> ResponseReturnValue:
    field = next(iter(exc.errors), None)
    return api_error(422, "invalid_job", str(exc), field)


@bp.get("/jobs")
@key_required
def jobs() -> ResponseReturnValue:
    with resources().sessions() as s:
        return jsonify({"jobs": [job_view(j) for j in list_jobs(s, g.actor)]})


@bp.post("/jobs")
@key_required
def job_create() -> ResponseReturnValue:
    svc = resources()
    with svc.sessions.begin() as s:
        job = create_job(s, svc.settings, g.actor, _body())
        view = job_view(job)
    return jsonify(view), 201


@bp.get("/jobs/<int:job_id>")
@key_required
def job_get(job_id: int) -> ResponseReturnValue:
    with resources().sessions() as s:
        return jsonify(job_view(get_job(s, g.actor, job_id)))


@bp.patch("/jobs/<int:job_id>")
@key_required
def job_patch(job_id: int) -> ResponseReturnValue:
    svc = resources()
    with svc.sessions.begin() as s:
        view = job_view(update_job(s, svc.settings, g.actor, job_id, _body()))
    return jsonify(view)


@bp.delete("/jobs/<int:job_id>")
@key_required
def job_delete(job_id: int) -> ResponseReturnValue:
    with resources().sessions.begin() as s:
        delete_job(s, g.actor, job_id)
    return "", 204


@bp.post("/jobs/<int:job_id>/run")
@key_required
def job_run(job_id: int) -> ResponseReturnValue:
    full = request.args.get("full", "").lower() in ("1", "true", "yes")
    with resources().sessions.begin() as s:
        view = job_view(request_run(s, g.actor, job_id, full))
    return jsonify(view), 202


@bp.get("/jobs/<int:job_id>/runs")
@key_required
def job_runs(job_id: int) -> ResponseReturnValue:
    with resources().sessions() as s:
        return jsonify({"runs": [run_view(r) for r in list_runs(s, g.actor, job_id)]})


@bp.get("/runs/<int:run_id>")
@key_required
def run_get(run_id: int) -> ResponseReturnValue:
    with resources().sessions() as s:
        return jsonify(run_view(get_run(s, g.actor, run_id)))
