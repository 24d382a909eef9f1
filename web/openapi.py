"""The OpenAPI 3 description of ``/api/v1``."""

from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/responses/Error"}


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


def _get(
    summary: str, params: list[dict[str, Any]], ok: str, content: str = "application/json"
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {
                "200": {
                    "description": ok,
                    "content": {content: {"schema": {"type": "object"}}}
                    if content == "application/json"
                    else {content: {}},
                },
                "400": _ERROR,
                "404": _ERROR,
                **({"410": _ERROR} if any(p["name"] == "cursor" for p in params) else {}),
                "413": _ERROR,
                "429": _ERROR,
                "503": _ERROR,
            },
        }
    }


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


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 document."""
    ident = _param("id", "Identifier", where="path", required=True)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Innsyn API",
            "version": "1.0.0",
            "description": "Search public journal entries, cases and documents of "
            "Norwegian public bodies. Names follow Noark 5 / eInnsyn.",
        },
        "paths": {
            "/api/v1/search": _get(
                "Search journal entries", SEARCH_PARAMS, "Hits, total, facets and next_cursor"
            ),
            "/api/v1/journalpost/{id}": _get("A journal entry", [ident], "The entry"),
            "/api/v1/saksmappe/{id}": _get("A case with its entries", [ident], "The case"),
            "/api/v1/dokument/{id}": _get(
                "A document with its extracted text",
                [ident],
                "The document; ocr_status is queued while its scanned pages are being read, "
                "partial or failed (with ocr_error naming the pages) when some could not be",
            ),
            "/api/v1/dokument/{id}/content": _get(
                "The original file (supports HTTP Range)",
                [ident],
                "The file, in its own media type (application/pdf, …)",
                "*/*",
            ),
            "/api/v1/enhet": _get(
                "Agencies",
                [
                    _param("parent", "Only sub-units of this agency id"),
                    _param("limit", "1–1000", {"type": "integer"}),
                    _param("offset", "Offset", {"type": "integer"}),
                ],
                "Agencies",
            ),
            "/api/v1/enhet/{id}": _get("An agency", [ident], "The agency"),
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "parameter": {"type": "string"},
                            },
                        }
                    },
                }
            },
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
        },
    }
