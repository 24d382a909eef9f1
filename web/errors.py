"""One JSON error shape for the API: ``{"error": {"code", "message", "parameter"?}}``."""

from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

from innsyn.search.params import ParamError
from innsyn.search.searcher import SearchUnavailable


def api_error(status: int, code: str, message: str, parameter: str | None = None) -> Response:
    """The API's error response."""
    error: dict[str, str] = {"code": code, "message": message}
    if parameter:
        error["parameter"] = parameter
    resp = jsonify({"error": error})
    resp.status_code = status
    if status == 503:
        resp.headers["Retry-After"] = "30"
    return resp


def is_api() -> bool:
    return request.path.startswith("/api/")


def from_exception(exc: Exception) -> Response | None:
    """The API error for a known exception, else ``None``."""
    if isinstance(exc, ParamError):
        return api_error(exc.status, exc.code, str(exc), exc.param)
    if isinstance(exc, SearchUnavailable):
        return api_error(
            503, "search_unavailable", "the search index is not reachable; try again shortly"
        )
    if isinstance(exc, HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return api_error(exc.code or 500, code, exc.description or exc.name)
    return None
