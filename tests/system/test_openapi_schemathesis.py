"""Schemathesis over the API's served OpenAPI document, against the real app, store and index.

Every operation of ``/api/v1/openapi.json`` gets generated requests, valid ones and ones
that break the schema; every response must be no 5xx, have a documented status code, a
documented content type, documented headers, and a body that conforms to the documented
schema (errors: the one error shape). The public operations (tag ``public``) are called
without a key; the admin operations (tag ``admin``) with a real API key of a site admin.

Schemathesis' ``negative_data_rejection`` check is not used: it counts an unknown query
parameter (``?=null``) as invalid input that must be refused, while the API ignores
parameters it does not know, as the search page does with links that carry extra ones.
Invalid values of known parameters are refused, which the status and schema checks see.

So that generated job bodies can succeed, the admin run narrows the request body's
``agency_id`` and ``harvester`` to values that exist (and one that does not); the
response schemas are the served ones, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import DataGenerationMethod
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.constants import NOT_SET
from sqlalchemy import select
from sqlalchemy.orm import Session

from innsyn.auth import Actor, create_api_key
from innsyn.config import Settings
from innsyn.harvest.status import RunStatus
from innsyn.jobs.manage import create_job
from innsyn.store.models import HarvestRun, Journalpost, utcnow
from tests.conftest import make_settings
from tests.system.test_api_fuzz import populate
from web import create_app
from web.openapi import openapi_document

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
FUZZ_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _add_job(session: Session, cfg: Settings, agency: str) -> int:
    job = create_job(
        session,
        cfg,
        Actor("test", "site_admin", None),
        {
            "name": f"Postliste {agency}",
            "agency_id": agency,
            "harvester": "n5ws",
            "location": "https://arkiv.example.org/api",
            "schedule": "every 1h",
        },
    )
    return job.id


def _generation_works() -> None:
    """hypothesis 6.170.10 dropped ``many.more()``, which hypothesis-jsonschema 0.23.1 (used
    by schemathesis 3.x for every parameter object) calls: say so instead of a traceback."""
    from hypothesis.internal.conjecture import utils

    if not hasattr(utils.many, "more"):
        pytest.fail(
            "this hypothesis release cannot drive hypothesis-jsonschema 0.23.1 "
            "(no many.more()); install hypothesis<6.170.10"
        )


def _add_run(session: Session, job_id: int) -> int:
    """A finished run of the job, as the runner records one."""
    run = HarvestRun(
        source_key=f"job:{job_id}",
        harvester="n5ws",
        location="https://arkiv.example.org/api",
        job_id=job_id,
        agency_id="en_k",
        trigger="schedule",
        status=RunStatus.OK_WITH_ERRORS,
        finished_at=utcnow(),
        counts={"new": 3, "failed": 1, "warnings": 2},
        errors=["jp 7: no title"],
        log_tail=["3 new", "1 failed"],
    )
    session.add(run)
    session.flush()
    return run.id


@pytest.fixture(scope="module")
def env(services, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The app over ``populate``'s data, a site admin's API key, an agency key for
    ``en_k``, two jobs and a run."""
    _generation_works()
    cfg = make_settings(
        tmp_path_factory.mktemp("schemathesis"),
        services,
        rate_limit_search="1000000 per minute",
    )
    sessions = populate(cfg)
    with sessions.begin() as s:
        _, admin_key = create_api_key(s, "schemathesis", None, "test")
        _, key = create_api_key(s, "schemathesis-en_k", "en_k", "test")
        jobs = [_add_job(s, cfg, agency) for agency in ("en_k", "en_f")]
        run = _add_run(s, jobs[0])
        jp = s.scalars(select(Journalpost).where(Journalpost.id.like("jp_%"))).first()
        assert jp is not None and jp.saksmappe_id is not None
        ids = {"journalpost": jp.id, "saksmappe": jp.saksmappe_id, "job": jobs[0], "run": run}
    yield {
        "app": create_app(cfg),
        "admin_key": admin_key,
        "key": key,
        "ids": ids,
        "settings": cfg,
        "sessions": sessions,
    }
    with httpx.Client(timeout=30) as client:
        client.delete(f"{services.opensearch}/{cfg.index_prefix}-*")


GENERATION = [DataGenerationMethod.positive, DataGenerationMethod.negative]


def served(app: Any) -> dict[str, Any]:
    """The document the app serves (it must be the one ``web.openapi`` builds)."""
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    assert doc == openapi_document()
    return doc


def admin_document(app: Any) -> dict[str, Any]:
    """The served document with job bodies narrowed to agencies and harvesters that
    exist, and one that does not (request side only)."""
    doc = served(app)
    body = doc["components"]["schemas"]["JobInput"]["properties"]
    body["agency_id"]["enum"] = ["en_k", "en_e", "en_f", "nope"]
    body["harvester"]["enum"] = ["n5ws", "documents", "noark5", "nope"]
    return doc


@pytest.fixture(scope="module")
def public_schema(env):
    return schemathesis.from_wsgi(
        "/api/v1/openapi.json", env["app"], data_generation_methods=GENERATION
    ).include(tag="public")


@pytest.fixture(scope="module")
def admin_schema(env):
    return schemathesis.from_dict(
        admin_document(env["app"]), app=env["app"], data_generation_methods=GENERATION
    ).include(tag="admin")


def _check(case: Any, response: Any) -> None:
    case.validate_response(response, checks=CHECKS)


public = schemathesis.from_pytest_fixture("public_schema")
admin = schemathesis.from_pytest_fixture("admin_schema")


@public.parametrize()
@FUZZ_SETTINGS
def test_public_api_conforms_to_its_openapi_document(case):
    _check(case, case.call())


@admin.parametrize()
@FUZZ_SETTINGS
def test_admin_api_conforms_with_a_site_admins_key(case, env):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {env['admin_key']}"}
    _check(case, case.call())


def test_the_fuzz_covers_every_api_route(env, public_schema, admin_schema):
    """Between them the two runs reach every documented operation."""
    documented = {(p, m) for p, ops in served(env["app"])["paths"].items() for m in ops}
    fuzzed = {
        (op.path, op.method.lower())
        for schema in (public_schema, admin_schema)
        for op in (result.ok() for result in schema.get_all_operations())
    }
    assert fuzzed == documented
    assert ("/api/v1/admin/jobs/{job_id}", "patch") in fuzzed


def test_documented_operations_answer_real_records(env):
    """Every operation with a path id, called with an id that exists, conforms too."""
    schema = schemathesis.from_wsgi("/api/v1/openapi.json", env["app"]).include(tag="public")
    ids = {
        "/api/v1/journalpost/{id}": env["ids"]["journalpost"],
        "/api/v1/saksmappe/{id}": env["ids"]["saksmappe"],
        "/api/v1/dokument/{id}": "db_pub",
        "/api/v1/dokument/{id}/content": "db_pub",
        "/api/v1/enhet/{id}": "en_e",
    }
    for path, ident in ids.items():
        case = schema[path]["GET"].make_case(path_parameters={"id": ident})
        response = case.call()
        assert response.status_code == 200, (path, response.get_data()[:300])
        case.validate_response(response, checks=CHECKS)
    case = schema["/api/v1/search"]["GET"].make_case(query={"q": "søknadene", "size": 2})
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    assert response.json["total"] == 8 and response.json["next_cursor"]


def test_admin_operations_reach_own_jobs_and_refuse_others(env):
    """The key sees its agency's job, not the other agency's (404), and nothing without it."""
    with env["sessions"].begin() as s:
        mine = _add_job(s, env["settings"], "en_k")
        other = _add_job(s, env["settings"], "en_f")
    schema = schemathesis.from_dict(served(env["app"]), app=env["app"])
    auth = {"Authorization": f"Bearer {env['key']}"}
    listing = schema["/api/v1/admin/jobs"]["GET"].make_case(headers=auth)
    response = listing.call()
    listing.validate_response(response, checks=CHECKS)
    assert mine in [j["id"] for j in response.json["jobs"]]
    assert all(j["agency_id"] == "en_k" for j in response.json["jobs"])
    get = schema["/api/v1/admin/jobs/{job_id}"]["GET"]
    for job_id, status in ((mine, 200), (other, 404), (2**40, 404)):
        case = get.make_case(path_parameters={"job_id": job_id}, headers=auth)
        response = case.call()
        assert response.status_code == status
        case.validate_response(response, checks=CHECKS)
    for op in (r.ok() for r in schema.include(tag="admin").get_all_operations()):
        params = {p.name: mine for p in op.path_parameters}
        case = op.make_case(path_parameters=params, body={} if op.body else NOT_SET)
        response = case.call()
        assert response.status_code == 401, (op.method, op.path)
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="innsyn-admin"'
        case.validate_response(response, checks=CHECKS)


def test_admin_operations_answer_real_jobs_and_runs(env):
    """With a site admin's key: every admin operation on a job and a run that exist
    answers its success status with a body of the documented schema."""
    schema = schemathesis.from_dict(served(env["app"]), app=env["app"]).include(tag="admin")
    auth = {"Authorization": f"Bearer {env['admin_key']}"}
    job, run = env["ids"]["job"], env["ids"]["run"]
    calls = [
        ("/api/v1/admin/jobs", "GET", {}, NOT_SET, 200),
        ("/api/v1/admin/jobs", "POST", {}, {**_GOOD_JOB, "agency_id": "en_f"}, 201),
        ("/api/v1/admin/jobs/{job_id}", "GET", {"job_id": job}, NOT_SET, 200),
        ("/api/v1/admin/jobs/{job_id}", "PATCH", {"job_id": job}, {"enabled": False}, 200),
        ("/api/v1/admin/jobs/{job_id}/run", "POST", {"job_id": job}, NOT_SET, 202),
        ("/api/v1/admin/jobs/{job_id}/runs", "GET", {"job_id": job}, NOT_SET, 200),
        ("/api/v1/admin/runs/{run_id}", "GET", {"run_id": run}, NOT_SET, 200),
    ]
    for path, method, params, body, status in calls:
        case = schema[path][method].make_case(path_parameters=params, body=body, headers=auth)
        response = case.call()
        assert response.status_code == status, (method, path, response.get_data()[:300])
        case.validate_response(response, checks=CHECKS)
    assert response.json["counts"]["failed"] == 1 and response.json["details"]["warnings"] == 2
    created = schema["/api/v1/admin/jobs"]["GET"].make_case(headers=auth).call().json["jobs"][-1]
    case = schema["/api/v1/admin/jobs/{job_id}"]["DELETE"].make_case(
        path_parameters={"job_id": created["id"]}, headers=auth
    )
    response = case.call()
    assert response.status_code == 204
    case.validate_response(response, checks=CHECKS)


_GOOD_JOB = {
    "name": "Postliste",
    "agency_id": "en_k",
    "harvester": "n5ws",
    "location": "https://arkiv.example.org/api",
    "schedule": "every 1h",
}


@pytest.mark.parametrize(
    "change",
    [
        {"harvester": []},
        {"harvester": {"n5ws": 1}},
        {"location": "http://arkiv.example.org:99999/api"},
        {"location": "http://[::1/api"},
        {"schedule": "every 99999999999999999999d"},
        {"schedule": "every 400d"},
        {"politeness": {"max_parallel": 1e300}},
        {"politeness": {"delay": [1]}},
        {"agency_id": {"id": "en_k"}},
        {"name": ""},
    ],
    ids=repr,
)
def test_admin_refuses_odd_job_bodies(env, change):
    """Bodies random generation seldom reaches (the first five were 500s): a 422 naming
    the field."""
    schema = schemathesis.from_dict(admin_document(env["app"]), app=env["app"])
    case = schema["/api/v1/admin/jobs"]["POST"].make_case(
        body={**_GOOD_JOB, **change}, headers={"Authorization": f"Bearer {env['key']}"}
    )
    response = case.call()
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["error"]["parameter"] == next(iter(change))
    case.validate_response(response, checks=CHECKS)
