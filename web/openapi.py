"""The OpenAPI 3 description of ``/api/v1``, served at ``/api/v1/openapi.json``: the public
API (tag ``public``) and the admin API (tag ``admin``, an API key as Bearer token).

Response schemas are not written here but taken from the code that builds the responses:
the records' shapes (``innsyn.public.shapes``: each field carries its type) and the admin
views (``innsyn.jobs.manage``). Every status a route can answer is listed with its body.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from innsyn import jsontypes as t
from innsyn.jobs.manage import JOB_INPUT_SCHEMA, JOB_SCHEMA, RUN_SCHEMA
from innsyn.public.shapes import AGENCY, CASE, DOCUMENT, ENTRY, HIT, PAGE
from innsyn.search.query_builder import AGGREGATIONS

PUBLIC, ADMIN = "public", "admin"
MAX_OFFSET = 2**31 - 1
ADMIN_SECURITY: list[dict[str, list[str]]] = [{"adminKey": []}]

ERRORS: dict[str, tuple[str, str]] = {
    "400": ("BadRequest", "A parameter is invalid; `error.parameter` names it."),
    "401": ("Unauthorized", "No valid admin API key (`Authorization: Bearer <key>`)."),
    "404": ("NotFound", "No such record, or not one that may be shown (or reached)."),
    "413": ("QueryTooLong", "The query is longer than the installation allows."),
    "410": ("CursorExpired", "The cursor's snapshot is gone; start again from the first page."),
    "416": ("RangeNotSatisfiable", "The requested byte range is outside the file."),
    "422": ("Invalid", "The job is invalid; `error.parameter` names the first wrong field."),
    "429": ("RateLimited", "Too many requests from this address; try again later."),
    "500": ("InternalError", "An unexpected error (logged on the server)."),
    "503": ("Unavailable", "The search index is not reachable; try again shortly."),
}
"""Every error status of the API, its component name and what it means; the body is
always the one error shape (``web/errors.py``)."""

_HEADERS = {
    "401": {"WWW-Authenticate": '`Bearer realm="innsyn-admin"`'},
    "503": {"Retry-After": "Seconds to wait (30)."},
}

ERROR_SCHEMA = t.closed(
    {
        "error": t.closed(
            {"code": t.string(), "message": t.string(), "parameter": t.string()},
            optional=("parameter",),
        )
    }
)
FACET = t.closed({"key": t.string(), "label": t.string(), "count": t.integer(minimum=0)})
SEARCH_RESULT = t.closed(
    {
        "total": t.integer(minimum=0),
        "items": t.array(ENTRY.component(HIT)),
        "facets": t.closed(
            {name: t.array(t.component("Facet")) for name in AGGREGATIONS},
            optional=tuple(AGGREGATIONS),
        ),
        "next_cursor": t.string(nullable=True),
    }
)
_FREE = {"type": "object", "additionalProperties": True}
OPENAPI_SCHEMA = t.closed(
    {
        "openapi": t.string(),
        "info": t.closed({"title": t.string(), "version": t.string(), "description": t.string()}),
        "tags": t.array(t.closed({"name": t.string(), "description": t.string()})),
        "paths": t.mapping(t.mapping(_FREE)),
        "components": t.mapping(t.mapping(_FREE)),
    }
)
"""The served document itself: its parts are OpenAPI objects (free JSON here)."""


def _param(
    name: str,
    description: str,
    schema: dict[str, Any] | None = None,
    where: str = "query",
    required: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(
    tag: str, summary: str, params: list[dict[str, Any]], ok: dict[str, Any], *errors: str
) -> dict[str, Any]:
    """An operation answering ``ok`` (status: response) or one of ``errors``; every one
    may answer 500, a public one 429 (rate limit), an admin one 401."""
    extra = ("429",) if tag == PUBLIC else ("401",)
    codes = sorted({*errors, *extra, "500"})
    op: dict[str, Any] = {
        "tags": [tag],
        "summary": summary,
        "parameters": params,
        "responses": {
            **ok,
            **{c: {"$ref": f"#/components/responses/{ERRORS[c][0]}"} for c in codes},
        },
    }
    if tag == ADMIN:
        op["security"] = ADMIN_SECURITY
    return op


SEARCH_PARAMS = [
    _param(
        "q",
        'Query: words (all must match), "phrases", OR or |, -exclude, prefix*, '
        "case numbers (2024/123, 24/123, 2024/123-4), gnr/bnr.",
        {"type": "string", "maxLength": 500},
    ),
    _param(
        "enhet",
        "Agency id; includes its sub-units. Repeatable.",
        {"type": "array", "items": {"type": "string"}},
    ),
    _param(
        "journalposttype",
        "Entry type code. Repeatable.",
        {"type": "array", "items": {"type": "string", "enum": ["I", "U", "N", "X", "S", "Y", "Z"]}},
    ),
    _param(
        "language",
        "Language code (nb, nn, se, en, und…). Repeatable.",
        {"type": "array", "items": {"type": "string"}},
    ),
    _param("saksnummer", "Case or entry number in any spelling."),
    _param(
        "has_documents",
        "Only entries with (true) or without (false) documents.",
        {"type": "boolean"},
    ),
    *[
        _param(
            f"{f}_{e}",
            f"{f} {'from' if e == 'from' else 'to'} (YYYY-MM-DD)",
            {"type": "string", "format": "date"},
        )
        for f in ("journaldato", "dokumentetsdato", "publisertdato")
        for e in ("from", "to")
    ],
    _param("period", "Preset on journaldato.", {"type": "string", "enum": ["7d", "30d", "1y"]}),
    _param("sort", "Order.", {"type": "string", "enum": ["relevance", "date_desc", "date_asc"]}),
    _param("size", "Results per page (1–100).", {"type": "integer", "minimum": 1, "maximum": 100}),
    _param(
        "cursor",
        "Opaque, signed cursor from next_cursor of the previous page, with the same q, "
        "filters and sort (size may change). The first page is read from the live index; "
        "the request for page two opens a snapshot of the index and it and every later "
        "page are read from it: however the index changes meanwhile, no hit of the "
        "snapshot is repeated or skipped and total and facets stay the same, also past "
        "10 000 hits. The snapshot is kept for INNSYN_SEARCH_CURSOR_KEEP_ALIVE (10 "
        "minutes) after each page; a cursor used later answers 410 cursor_expired: start "
        "again from the first page. A cursor not issued by this site, or for another "
        "search, answers 400.",
        {"type": "string", "maxLength": 4096, "pattern": "^[A-Za-z0-9_.-]+$"},
    ),
]


def _public_paths() -> dict[str, Any]:
    ident = [_param("id", "Identifier", where="path", required=True)]
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "/api/v1/search": {
            "get": _op(
                PUBLIC,
                "Search journal entries",
                SEARCH_PARAMS,
                {"200": _json("Hits, total, facets and next_cursor", t.component("SearchResult"))},
                "400",
                "410",
                "413",
                "503",
            )
        },
        "/api/v1/journalpost/{id}": {
            "get": _op(
                PUBLIC,
                "A journal entry",
                ident,
                {"200": _json("The entry", ENTRY.component(PAGE))},
                "404",
            )
        },
        "/api/v1/saksmappe/{id}": {
            "get": _op(
                PUBLIC,
                "A case with its entries",
                ident,
                {"200": _json("The case", CASE.component(PAGE))},
                "404",
            )
        },
        "/api/v1/dokument/{id}": {
            "get": _op(
                PUBLIC,
                "A document with its extracted text",
                ident,
                {
                    "200": _json(
                        "The document; ocr_status is queued while its scanned pages are being "
                        "read, partial or failed (with ocr_error naming the pages) when some "
                        "could not be",
                        t.extend(
                            DOCUMENT.schema(PAGE),
                            journalpost_id=t.string(),
                            text=t.string(nullable=True),
                        ),
                    )
                },
                "404",
            )
        },
        "/api/v1/dokument/{id}/content": {
            "get": _op(
                PUBLIC,
                "The original file (supports HTTP Range and conditional requests)",
                [
                    *ident,
                    _param("Range", "A byte range, e.g. `bytes=0-1023`.", where="header"),
                ],
                {
                    "200": {
                        "description": "The file, in its own media type (application/pdf, …)",
                        "content": {"*/*": binary},
                    },
                    "206": {"description": "The requested range", "content": {"*/*": binary}},
                    "304": {"description": "Not modified (If-None-Match, If-Modified-Since)"},
                },
                "404",
                "416",
            )
        },
        "/api/v1/enhet": {
            "get": _op(
                PUBLIC,
                "Agencies",
                [
                    _param("parent", "Only sub-units of this agency id"),
                    _param("limit", "1–1000", {"type": "integer", "minimum": 1, "maximum": 1000}),
                    _param(
                        "offset",
                        "Offset",
                        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                    ),
                ],
                {
                    "200": _json(
                        "Agencies, by name",
                        t.closed(
                            {
                                "total": t.integer(minimum=0),
                                "items": t.array(AGENCY.component(PAGE)),
                            }
                        ),
                    )
                },
                "400",
            )
        },
        "/api/v1/enhet/{id}": {
            "get": _op(
                PUBLIC,
                "An agency with its sub-units",
                ident,
                {
                    "200": _json(
                        "The agency",
                        t.extend(
                            AGENCY.schema(PAGE),
                            children=t.array(t.closed({"id": t.string(), "navn": t.string()})),
                        ),
                    )
                },
                "404",
            )
        },
        "/api/v1/openapi.json": {
            "get": _op(
                PUBLIC,
                "This document",
                [],
                {"200": _json("The OpenAPI 3.0 document", OPENAPI_SCHEMA)},
            )
        },
        "/api/v1/docs": {
            "get": _op(
                PUBLIC,
                "This document as a web page",
                [],
                {
                    "200": {
                        "description": "HTML",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            )
        },
    }


def _admin_paths() -> dict[str, Any]:
    def row_id(name: str) -> dict[str, Any]:
        return _param(
            name, "Row id", {"type": "integer", "minimum": 0}, where="path", required=True
        )

    job = t.component("Job")
    body = {
        "required": True,
        "content": {"application/json": {"schema": t.component("JobInput")}},
    }
    return {
        "/api/v1/admin/jobs": {
            "get": _op(
                ADMIN,
                "The jobs the key reaches",
                [],
                {"200": _json("Jobs by id", t.closed({"jobs": t.array(job)}))},
            ),
            "post": {
                **_op(ADMIN, "Create a job", [], {"201": _json("The job", job)}, "422"),
                "requestBody": body,
            },
        },
        "/api/v1/admin/jobs/{job_id}": {
            "get": _op(ADMIN, "A job", [row_id("job_id")], {"200": _json("The job", job)}, "404"),
            "patch": {
                **_op(
                    ADMIN,
                    "Change a job (only the fields given)",
                    [row_id("job_id")],
                    {"200": _json("The job", job)},
                    "404",
                    "422",
                ),
                "requestBody": body,
            },
            "delete": _op(
                ADMIN,
                "Delete a job (its runs are kept)",
                [row_id("job_id")],
                {"204": {"description": "Deleted"}},
                "404",
            ),
        },
        "/api/v1/admin/jobs/{job_id}/run": {
            "post": _op(
                ADMIN,
                "Ask the scheduler to run a job now",
                [
                    row_id("job_id"),
                    _param(
                        "full",
                        "From scratch, ignoring the job's saved state (1, true or yes)",
                        {"type": "boolean"},
                    ),
                ],
                {"202": _json("The job, with run_requested set", job)},
                "404",
            )
        },
        "/api/v1/admin/jobs/{job_id}/runs": {
            "get": _op(
                ADMIN,
                "A job's newest runs (50)",
                [row_id("job_id")],
                {
                    "200": _json(
                        "Runs, newest first", t.closed({"runs": t.array(t.component("Run"))})
                    )
                },
                "404",
            )
        },
        "/api/v1/admin/runs/{run_id}": {
            "get": _op(
                ADMIN,
                "A run of a job",
                [row_id("run_id")],
                {"200": _json("The run", t.component("Run"))},
                "404",
            )
        },
    }


def _error_response(status: str, description: str) -> dict[str, Any]:
    response = _json(description, t.component("Error"))
    headers = _HEADERS.get(status)
    if headers:
        response["headers"] = {
            name: {"description": text, "required": True, "schema": {"type": "string"}}
            for name, text in headers.items()
        }
    return response


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 document (a copy of its one build: the caller may change it)."""
    return copy.deepcopy(_document())


@cache
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Innsyn API",
            "version": "1.0.0",
            "description": "Search public journal entries, cases and documents of "
            "Norwegian public bodies. Names follow Noark 5 / eInnsyn. The admin "
            "operations (tag admin) manage harvest jobs with an admin API key.",
        },
        "tags": [
            {"name": PUBLIC, "description": "Public search and records; no key needed."},
            {
                "name": ADMIN,
                "description": "Harvest jobs and runs; needs an admin API key. A key of an "
                "agency reaches that agency's jobs only (others answer 404); a key "
                "without an agency (a site admin's) reaches all.",
            },
        ],
        "paths": {**_public_paths(), **_admin_paths()},
        "components": {
            "schemas": {
                "Error": ERROR_SCHEMA,
                "SearchResult": SEARCH_RESULT,
                "Facet": FACET,
                ENTRY.component_name(HIT): ENTRY.schema(HIT),
                **{s.component_name(PAGE): s.schema(PAGE) for s in (ENTRY, CASE, DOCUMENT, AGENCY)},
                "Job": JOB_SCHEMA,
                "JobInput": JOB_INPUT_SCHEMA,
                "Run": RUN_SCHEMA,
            },
            "responses": {
                name: _error_response(code, text) for code, (name, text) in ERRORS.items()
            },
            "securitySchemes": {
                "adminKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An admin API key (`innsyn apikeys create`, or the admin "
                    "UI), sent as `Authorization: Bearer <key>`. The admin UI's session "
                    "cookie does not open the API.",
                }
            },
        },
    }
