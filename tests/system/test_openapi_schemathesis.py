"""Schemathesis over the API's OpenAPI document, against the real app, store and index.

Every operation of ``/api/v1/openapi.json`` gets generated requests, valid ones and ones
that break the schema; every response must be no 5xx, have a documented status code, a
documented content type, documented headers, and a body that conforms to the documented
schema (errors: the one error shape).

Schemathesis' ``negative_data_rejection`` check is not used: it counts an unknown query
parameter (``?=null``) as invalid input that must be refused, while the API ignores
parameters it does not know, as the search page does with links that carry extra ones.
Invalid values of known parameters are refused, which the status and schema checks see.

The admin API (``/api/v1/admin``, Bearer API keys) is not in the served document, which
describes the public search API. So that its authorised paths are fuzzed too, this file
carries an OpenAPI description of it (``ADMIN_SPEC``, written from ``web/admin_api.py``
and ``innsyn/jobs/manage.py``) and runs it with a real agency API key.
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
from sqlalchemy import select
from sqlalchemy.orm import Session

from innsyn.auth import Actor, create_api_key
from innsyn.config import Settings
from innsyn.jobs.manage import create_job
from innsyn.store.models import Journalpost
from tests.conftest import make_settings
from tests.system.test_api_fuzz import populate
from web import create_app

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


@pytest.fixture(scope="module")
def env(services, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The app over ``populate``'s data, an agency API key for ``en_k`` and two jobs."""
    _generation_works()
    cfg = make_settings(
        tmp_path_factory.mktemp("schemathesis"),
        services,
        rate_limit_search="1000000 per minute",
    )
    sessions = populate(cfg)
    with sessions.begin() as s:
        _, key = create_api_key(s, "schemathesis", "en_k", "test")
        for agency in ("en_k", "en_f"):
            _add_job(s, cfg, agency)
        jp = s.scalars(select(Journalpost).where(Journalpost.id.like("jp_%"))).first()
        assert jp is not None and jp.saksmappe_id is not None
        ids = {"journalpost": jp.id, "saksmappe": jp.saksmappe_id}
    yield {"app": create_app(cfg), "key": key, "ids": ids, "settings": cfg, "sessions": sessions}
    with httpx.Client(timeout=30) as client:
        client.delete(f"{services.opensearch}/{cfg.index_prefix}-*")


@pytest.fixture(scope="module")
def public_schema(env):
    return schemathesis.from_wsgi(
        "/api/v1/openapi.json",
        env["app"],
        data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative],
    )


@pytest.fixture(scope="module")
def admin_schema(env):
    return schemathesis.from_dict(
        ADMIN_SPEC,
        app=env["app"],
        data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative],
    )


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
def test_admin_api_conforms_with_an_api_key(case, env):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {env['key']}"}
    _check(case, case.call())


def test_documented_operations_answer_real_records(env):
    """Every operation with a path id, called with an id that exists, conforms too."""
    schema = schemathesis.from_wsgi("/api/v1/openapi.json", env["app"])
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
    schema = schemathesis.from_dict(ADMIN_SPEC, app=env["app"])
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
    case = get.make_case(path_parameters={"job_id": mine})
    response = case.call()
    assert response.status_code == 401
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
    schema = schemathesis.from_dict(ADMIN_SPEC, app=env["app"])
    case = schema["/api/v1/admin/jobs"]["POST"].make_case(
        body={**_GOOD_JOB, **change}, headers={"Authorization": f"Bearer {env['key']}"}
    )
    response = case.call()
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["error"]["parameter"] == next(iter(change))
    case.validate_response(response, checks=CHECKS)


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _responses(ok: str, body: dict[str, Any] | None, *errors: str) -> dict[str, Any]:
    out: dict[str, Any] = {"401": _error("No or a wrong API key"), "429": _error("Rate limited")}
    for code in errors:
        out[code] = _error("Error")
    out[ok] = _json("OK", body) if body is not None else {"description": "Done"}
    return out


_JOB_ID = {
    "name": "job_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 0},
}
_JOB_BODY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "agency_id": {"type": "string", "enum": ["en_k", "en_e", "en_f", "nope"]},
        "harvester": {"type": "string", "enum": ["n5ws", "documents", "noark5", "nope"]},
        "location": {"type": "string"},
        "schedule": {"type": "string"},
        "enabled": {"type": "boolean"},
        "params": {"type": "object", "additionalProperties": {"type": "string"}},
        "politeness": {
            "type": "object",
            "properties": {
                "delay": {"type": "number"},
                "max_parallel": {"type": "integer"},
            },
        },
        "credentials": {
            "type": "object",
            "properties": {
                "username": {"type": "string"},
                "password": {"type": "string"},
                "token": {"type": "string"},
                "clear": {"type": "boolean"},
            },
        },
    },
}
_RUN = {
    "type": "object",
    "required": ["id", "job_id", "status", "started_at", "counts"],
    "properties": {
        "id": {"type": "integer"},
        "job_id": {"type": "integer", "nullable": True},
        "status": {"type": "string"},
        "started_at": {"type": "string"},
        "finished_at": {"type": "string", "nullable": True},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}
ADMIN_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Innsyn admin API (test description)", "version": "1.0.0"},
    "components": {
        "securitySchemes": {"key": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "additionalProperties": False,
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "additionalProperties": False,
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "parameter": {"type": "string"},
                        },
                    }
                },
            },
            "Job": {
                "type": "object",
                "required": ["id", "name", "agency_id", "harvester", "location", "schedule"],
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "agency_id": {"type": "string", "enum": ["en_k", "en_e"]},
                    "harvester": {"type": "string"},
                    "location": {"type": "string"},
                    "schedule": {"type": "string"},
                    "enabled": {"type": "boolean"},
                    "credentials_set": {"type": "boolean"},
                    "run_requested": {
                        "type": "string",
                        "enum": ["incremental", "full"],
                        "nullable": True,
                    },
                },
                "not": {"required": ["credentials"]},
            },
        },
    },
    "security": [{"key": []}],
    "paths": {
        "/api/v1/admin/jobs": {
            "get": {
                "responses": _responses(
                    "200",
                    {
                        "type": "object",
                        "required": ["jobs"],
                        "properties": {
                            "jobs": {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}
                        },
                    },
                )
            },
            "post": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _JOB_BODY}},
                },
                "responses": _responses(
                    "201", {"$ref": "#/components/schemas/Job"}, "400", "415", "422"
                ),
            },
        },
        "/api/v1/admin/jobs/{job_id}": {
            "parameters": [_JOB_ID],
            "get": {
                "responses": _responses("200", {"$ref": "#/components/schemas/Job"}, "404"),
            },
            "patch": {
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _JOB_BODY}},
                },
                "responses": _responses(
                    "200", {"$ref": "#/components/schemas/Job"}, "400", "404", "415", "422"
                ),
            },
            "delete": {"responses": _responses("204", None, "404")},
        },
        "/api/v1/admin/jobs/{job_id}/run": {
            "parameters": [_JOB_ID],
            "post": {
                "parameters": [{"name": "full", "in": "query", "schema": {"type": "boolean"}}],
                "responses": _responses("202", {"$ref": "#/components/schemas/Job"}, "404"),
            },
        },
        "/api/v1/admin/jobs/{job_id}/runs": {
            "parameters": [_JOB_ID],
            "get": {
                "responses": _responses(
                    "200",
                    {
                        "type": "object",
                        "required": ["runs"],
                        "properties": {"runs": {"type": "array", "items": _RUN}},
                    },
                    "404",
                )
            },
        },
        "/api/v1/admin/runs/{run_id}": {
            "parameters": [{**_JOB_ID, "name": "run_id"}],
            "get": {"responses": _responses("200", _RUN, "404")},
        },
    },
}
