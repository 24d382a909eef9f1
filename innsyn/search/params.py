"""Search parameters: parsed and validated from request arguments (shared by UI, API, feed)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from innsyn.digits import is_ascii_digits
from innsyn.privacy import find_fodselsnummer

JOURNALPOSTTYPES = ("I", "U", "N", "X", "S", "Y", "Z")
SORTS = ("relevance", "date_desc", "date_asc")
PERIODS = {"7d": 7, "30d": 30, "1y": 365}
DATE_FIELDS = {
    "journaldato": "journaldato",
    "dokumentetsdato": "dokumentets_dato",
    "publisertdato": "publisert_dato",
}
MAX_SIZE = 100
MAX_CURSOR_CHARS = 4096
_CURSOR_TEXT = re.compile(r"[A-Za-z0-9_.\-]+")


class ParamError(ValueError):
    """A bad parameter: ``code`` for machines, ``param`` names it, ``status`` for HTTP."""

    def __init__(
        self, param: str, message: str, code: str = "invalid_parameter", status: int = 400
    ) -> None:
        super().__init__(message)
        self.param = param
        self.code = code
        self.status = status


@dataclass
class SearchParams:
    q: str = ""
    enhet: list[str] = field(default_factory=list)
    journalposttype: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    saksnummer: str | None = None
    has_documents: bool | None = None
    date_ranges: dict[str, tuple[dt.date | None, dt.date | None]] = field(default_factory=dict)
    period: str | None = None
    sort: str = "relevance"
    size: int = 20
    cursor: str | None = None
    """The cursor as sent (``innsyn.search.cursor`` reads it)."""


def _date(args: Any, name: str) -> dt.date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ParamError(name, f"{name} must be a date like 2024-05-31") from exc


def bounded_int(text: str, lo: int, hi: int) -> int | None:
    """``text`` as a whole number from ``lo`` to ``hi`` (ASCII digits only), else ``None``."""
    if not is_ascii_digits(text) or len(text) > len(str(hi)):
        return None
    number = int(text)
    return number if lo <= number <= hi else None


def parse_params(args: Any, max_query_length: int) -> SearchParams:
    """``SearchParams`` from a mapping of request arguments; ``ParamError`` when bad."""
    # The first value of each argument, as args.get gives it. (A werkzeug MultiDict's
    # get raises and catches a KeyError inside for every missing key: most of the dozen
    # looked up here are missing in a usual search.)
    first = dict(args.items())
    q = (first.get("q") or "").strip()
    if len(q) > max_query_length:
        raise ParamError(
            "q",
            f"the query is longer than {max_query_length} characters",
            code="query_too_long",
            status=413,
        )
    if find_fodselsnummer(q):
        raise ParamError(
            "q",
            "the query contains a Norwegian national identity number (fødselsnummer); "
            "searching for people by identity number is not allowed",
            code="fodselsnummer_in_query",
        )
    params = SearchParams(q=q)
    params.enhet = [v for v in args.getlist("enhet") if v]
    types = [v.upper() for v in args.getlist("journalposttype") if v]
    bad = [t for t in types if t not in JOURNALPOSTTYPES]
    if bad:
        raise ParamError(
            "journalposttype",
            f"unknown journalposttype {bad[0]!r}; use one of " + ", ".join(JOURNALPOSTTYPES),
        )
    params.journalposttype = types
    params.language = [v for v in args.getlist("language") if v]
    params.saksnummer = (first.get("saksnummer") or "").strip() or None
    has_docs = (first.get("has_documents") or "").lower()
    if has_docs:
        if has_docs not in ("true", "false", "1", "0"):
            raise ParamError("has_documents", "has_documents must be true or false")
        params.has_documents = has_docs in ("true", "1")
    for name, field_name in DATE_FIELDS.items():
        lo, hi = _date(first, f"{name}_from"), _date(first, f"{name}_to")
        if lo and hi and lo > hi:
            raise ParamError(f"{name}_from", f"{name}_from is after {name}_to")
        if lo or hi:
            params.date_ranges[field_name] = (lo, hi)
    period = first.get("period") or None
    if period and period not in PERIODS:
        raise ParamError("period", "period must be one of " + ", ".join(PERIODS))
    params.period = period
    sort = first.get("sort") or "relevance"
    if sort not in SORTS:
        raise ParamError("sort", "sort must be one of " + ", ".join(SORTS))
    params.sort = sort
    size = first.get("size") or "20"
    number = bounded_int(str(size), 1, MAX_SIZE)
    if number is None:
        raise ParamError("size", f"size must be a number from 1 to {MAX_SIZE}")
    params.size = number
    cursor = first.get("cursor") or ""
    if cursor:
        if len(cursor) > MAX_CURSOR_CHARS or not _CURSOR_TEXT.fullmatch(cursor):
            raise ParamError("cursor", "cursor is not one this API returned")
        params.cursor = cursor
    return params
