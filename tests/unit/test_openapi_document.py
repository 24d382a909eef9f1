"""The served OpenAPI document against the app: every ``/api/`` route and method is in it,
nothing else is, and every response of every operation has a concrete schema (an object
lists its properties or the type of its values, an array its items, every value a type;
objects with listed properties are closed). Also: the check applied to every API
response in the tests (``tests/apicontract.py``) does catch a drift."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask

from innsyn.config import Settings
from tests.apicontract import conform
from tests.factories import store
from web import create_app
from web.openapi import openapi_document

NO_BODY = {"204", "304"}


@pytest.fixture
def app(offline_settings: Settings) -> Flask:
    store(offline_settings)
    return create_app(offline_settings)


def _template(path: str) -> str:
    """A path with its parameters unnamed: Flask's ``<int:x>`` and OpenAPI's ``{x}``."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def _api_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (_template(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def _documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(_template(path), method) for path, ops in doc["paths"].items() for method in ops}


def test_every_api_route_is_in_the_document_and_nothing_else(app):
    routes, documented = _api_routes(app), _documented(openapi_document())
    assert ("/api/v1/admin/jobs/{}", "patch") in routes
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations no route answers"


def _resolve(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def untyped(doc: dict[str, Any], schema: dict[str, Any], where: str) -> Iterator[str]:
    """Where ``schema`` (and every schema inside it) leaves a value's type open."""
    schema = _resolve(doc, schema)
    kind = schema.get("type")
    if kind is None:
        yield f"{where}: no type"
    elif kind == "array":
        if "items" not in schema:
            yield f"{where}: an array without items"
        else:
            yield from untyped(doc, schema["items"], f"{where}[]")
    elif kind == "object":
        properties = schema.get("properties")
        values = schema.get("additionalProperties")
        if properties:
            if values is not False:
                yield f"{where}: an object with properties but open to others"
            for name, sub in properties.items():
                yield from untyped(doc, sub, f"{where}.{name}")
            missing = set(schema.get("required", [])) - set(properties)
            if missing:
                yield f"{where}: requires {sorted(missing)} it does not describe"
        elif isinstance(values, dict) and values:
            yield from untyped(doc, values, f"{where}{{}}")
        elif values is not True or not where.startswith("GET /api/v1/openapi.json"):
            yield f"{where}: an object without properties"


def _responses(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["responses"], (method, path)
            for status, response in op["responses"].items():
                yield f"{method.upper()} {path}", status, _resolve(doc, response)


def test_every_response_has_a_concrete_schema():
    doc = openapi_document()
    problems = []
    for op, status, response in _responses(doc):
        content = response.get("content")
        if status in NO_BODY:
            assert not content, (op, status)
            continue
        if not content:
            problems.append(f"{op} {status}: no content")
            continue
        for media_type, body in content.items():
            if "schema" not in body:
                problems.append(f"{op} {status} {media_type}: no schema")
            elif media_type == "application/json":
                problems.extend(untyped(doc, body["schema"], f"{op} {status}"))
            else:
                assert body["schema"]["type"] == "string", (op, status, media_type)
        if status >= "400":
            assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert problems == []


def test_the_typing_rules_catch_an_untyped_response():
    doc = openapi_document()
    doc["components"]["schemas"]["Run"]["properties"]["details"] = {"type": "object"}
    doc["components"]["schemas"]["Enhet"]["additionalProperties"] = True
    doc["components"]["schemas"]["Facet"]["properties"]["count"] = {}
    run = {"$ref": "#/components/schemas/Run"}
    assert list(untyped(doc, run, "run")) == ["run.details: an object without properties"]
    agency = {"$ref": "#/components/schemas/Enhet"}
    assert list(untyped(doc, agency, "enhet")) == [
        "enhet: an object with properties but open to others"
    ]
    search = {"$ref": "#/components/schemas/SearchResult"}
    assert "s.facets.year[].count: no type" in list(untyped(doc, search, "s"))


def test_admin_operations_need_the_api_key_and_public_ones_none():
    doc = openapi_document()
    scheme = doc["components"]["securitySchemes"]["adminKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for path, ops in doc["paths"].items():
        for op in ops.values():
            admin = path.startswith("/api/v1/admin/")
            assert op["tags"] == (["admin"] if admin else ["public"]), path
            assert op.get("security") == ([{"adminKey": []}] if admin else None), path
            assert ("401" in op["responses"]) is admin, path


def test_the_document_is_valid_openapi_and_served(app):
    schemathesis.from_dict(openapi_document(), validate_schema=True)
    served = app.test_client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.get_json() == openapi_document()


def test_a_response_that_drifts_from_the_document_fails_the_test(app):
    """An extra key, a wrong type, an undocumented status: each fails the request."""
    drift: list[Any] = [None]

    @app.after_request
    def _drift(resp: Any) -> Any:
        if drift[0] is not None and resp.status_code == 200:
            resp.set_data(app.json.dumps(drift[0](resp.get_json())))
        return resp

    client = app.test_client()
    assert client.get("/api/v1/enhet").status_code == 200
    for change in (
        lambda body: {**body, "secret": 1},
        lambda body: {**body, "total": str(body["total"])},
        lambda body: {**body, "items": [{"id": "x", "navn": "X"}]},
    ):
        drift[0] = change
        with pytest.raises(AssertionError):
            client.get("/api/v1/enhet")
    drift[0] = None
    resp = client.get("/api/v1/enhet")
    resp.status_code = 418
    with pytest.raises(AssertionError):
        conform(resp)
