"""The API's responses against its served OpenAPI document (``web/openapi.py``).

``conform(response)`` runs schemathesis' response checks (documented status, content
type, headers, body schema) on one response of the Flask test client; the autouse
fixture in ``tests/conftest.py`` applies it to every ``/api/`` response any test gets,
so a response that drifts from the document fails the test that saw it. A path or
method the document does not describe must answer the one error shape.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import jsonschema
import requests
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transports.responses import WSGIResponse

from web.openapi import openapi_document

CHECKS = (
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)


@cache
def _schema() -> Any:
    return schemathesis.from_dict(openapi_document())


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    """Each documented path as a pattern whose named groups are its path parameters."""
    out = []
    for path in openapi_document()["paths"]:
        parts = re.split(r"\{([^}]+)\}", path)
        pattern = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
        )
        out.append((re.compile(pattern), path))
    return out


def operation_for(path: str, method: str) -> tuple[Any, dict[str, str]] | None:
    """The documented operation answering ``method path`` and its path parameters."""
    for pattern, template in _templates():
        found = pattern.fullmatch(path)
        if found is None:
            continue
        ops = _schema()[template]
        if method.lower() not in {m.lower() for m in ops}:
            return None
        return ops[method.upper()], found.groupdict()
    return None


def conform(response: Any) -> None:
    """Fail unless ``response`` (a Flask test client response to an ``/api/`` request)
    is what the document says that operation answers with that status."""
    request = response.request
    if not request.path.startswith("/api/") or request.method == "OPTIONS":
        return
    head = request.method == "HEAD"
    found = operation_for(request.path, "GET" if head else request.method)
    if found is None:
        assert response.status_code in (404, 405), (request.method, request.path)
        assert response.mimetype == "application/json", response.mimetype
        if not head:
            error = openapi_document()["components"]["schemas"]["Error"]
            jsonschema.validate(response.get_json(), error)
        return
    operation, path_parameters = found
    case = operation.make_case(path_parameters=path_parameters)
    case.validate_response(_as_schemathesis(response), checks=CHECKS[:2] if head else CHECKS)


def _as_schemathesis(response: Any) -> WSGIResponse:
    """A copy of ``response`` as schemathesis' WSGI transport makes them, with the
    request it names on a failure (without its body: the app has read that stream)."""
    copy = WSGIResponse(response.get_data(), status=response.status, headers=response.headers)
    request = response.request
    copy.request = requests.Request(
        request.method, request.url, headers=dict(request.headers)
    ).prepare()
    copy.elapsed = dt.timedelta(0)
    return copy
