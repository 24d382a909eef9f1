"""Search cursors: where the next page of a search starts, signed so only issued ones are read.

A cursor holds the sort values of the last hit shown (``search_after``), the moment of
the first page (every later page builds the same query: embargo filter, date decay,
period), a fingerprint of the search (words, filters, sort) it belongs to, and, from the
second page on, the id of the OpenSearch point in time (PIT) the pages are read from.

It is JSON signed with a key derived from the site's secret key (itsdangerous, its own
salt): opaque, URL-safe, and a cursor that was altered or made up is a 400 before
OpenSearch sees it (a made-up PIT id would otherwise search nothing or fail there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from innsyn.search.params import ParamError, SearchParams

VERSION = 1
SALT = "innsyn.search.cursor"


@dataclass(frozen=True)
class Cursor:
    """A decoded cursor: ``after`` (search_after), ``started`` (the first page's moment),
    ``search`` (fingerprint of the search), ``pit`` (point in time id, once opened)."""

    after: list[Any]
    started: dt.datetime
    search: str
    pit: str | None = None


class CursorExpired(ParamError):
    """The point in time a cursor pages through is gone: 410, start again."""

    def __init__(self) -> None:
        super().__init__(
            "cursor",
            "this cursor's result set has expired (no page was asked for within the "
            "keep-alive time, or the search index restarted); start again from the first page",
            code="cursor_expired",
            status=410,
        )


def fingerprint(params: SearchParams) -> str:
    """What identifies a search for its cursors: the words, filters and sort (not ``size``)."""
    parts = [
        params.q,
        sorted(params.enhet),
        sorted(params.journalposttype),
        sorted(params.language),
        params.saksnummer,
        params.has_documents,
        sorted(
            (k, lo.isoformat() if lo else None, hi.isoformat() if hi else None)
            for k, (lo, hi) in params.date_ranges.items()
        ),
        params.period,
        params.sort,
    ]
    text = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _sort_value(value: Any) -> bool:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and -(2**63) <= value < 2**63


def _after_ok(after: Any, sort: str) -> bool:
    """Sort values as issued for ``sort``: numbers (score, date), then the id."""
    expected = 3 if sort == "relevance" else 2
    return (
        isinstance(after, list)
        and len(after) == expected
        and isinstance(after[-1], str)
        and all(_sort_value(v) for v in after[:-1])
    )


class CursorCodec:
    """Signs cursors into URL-safe text and reads them back."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=SALT)

    def encode(self, cursor: Cursor) -> str:
        started = int(cursor.started.timestamp())
        payload = [VERSION, cursor.after, started, cursor.search, cursor.pit]
        text: str = self._serializer.dumps(payload)
        return text

    def decode(self, text: str, params: SearchParams) -> Cursor:
        """The cursor in ``text`` for the search ``params``; ``ParamError`` when it was not
        issued by this site, or was issued for another search."""
        try:
            payload = self._serializer.loads(text)
        except BadData as exc:
            raise ParamError("cursor", "cursor is not one this API returned") from exc
        if not (isinstance(payload, list) and len(payload) == 5 and payload[0] == VERSION):
            raise ParamError("cursor", "cursor is not one this API returned")
        _, after, started, search, pit = payload
        if search != fingerprint(params):
            raise ParamError(
                "cursor",
                "cursor belongs to another search; a new query, filter or sort starts "
                "again from the first page",
            )
        if (
            not _after_ok(after, params.sort)
            or not isinstance(started, int)
            or not 0 <= started < 2**40
            or not (pit is None or (isinstance(pit, str) and pit))
        ):
            raise ParamError("cursor", "cursor is not one this API returned")
        when = dt.datetime.fromtimestamp(started, dt.UTC)
        return Cursor(after=after, started=when, search=search, pit=pit)
