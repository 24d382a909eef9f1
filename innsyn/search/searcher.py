"""Running a search against the index; each hit is shaped by ``innsyn.public.shapes.ENTRY``."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.exceptions import (
    HTTP_EXCEPTIONS,
    ConnectionTimeout,
    NotFoundError,
    TransportError,
)
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError

from innsyn.config import Settings
from innsyn.keys import secret_key
from innsyn.kinds import JOURNALPOST
from innsyn.public.shapes import ENTRY
from innsyn.search.agency_names import AgencyNameLookup
from innsyn.search.cursor import Cursor, CursorCodec, CursorExpired, fingerprint
from innsyn.search.params import SearchParams
from innsyn.search.query_builder import (
    HIDDEN_SOURCE,
    RESULT_FIELDS,
    first_moment,
    hits_and_facets_bodies,
    search_body,
)
from innsyn.search.query_parser import parse_query
from innsyn.search.snapshots import COUNTED, OPENED

log = logging.getLogger(__name__)
WARN_EVERY = 60.0
"""Seconds between two warnings that OpenSearch opened no point in time."""
_warned_at = -WARN_EVERY


class SearchUnavailable(RuntimeError):
    """OpenSearch did not answer; the web layer answers 503."""


@dataclass
class Facet:
    key: str
    label: str
    count: int


@dataclass
class SearchResult:
    total: int
    items: list[dict[str, Any]]
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    next_cursor: str | None = None


def _facets(
    aggs: dict[str, Any], agency_names: AgencyNameLookup | None = None
) -> dict[str, list[Facet]]:
    out: dict[str, list[Facet]] = {}
    for name, agg in aggs.items():
        buckets = agg.get("buckets", [])
        keys = [str(b.get("key_as_string", b["key"])) for b in buckets]
        labels: dict[str, str] = {}
        if name == "enhet" and agency_names is not None and keys:
            labels = agency_names(keys)
        out[name] = [
            Facet(key, labels.get(key, key), int(b["doc_count"]))
            for key, b in zip(keys, buckets, strict=True)
        ]
    return out


def cursor_codec(settings: Settings) -> CursorCodec:
    """The codec signing this site's search cursors (key from the site's secret key)."""
    return CursorCodec(secret_key(settings))


def search(
    settings: Settings,
    client: OpenSearch,
    params: SearchParams,
    now: dt.datetime | None = None,
    facets: bool = True,
    agency_names: AgencyNameLookup | None = None,
    cursors: CursorCodec | None = None,
) -> SearchResult:
    """Search journal entries; raise ``SearchUnavailable`` when OpenSearch is down.

    ``agency_names`` labels the agency facet (without it, the label is the agency id).
    ``cursors`` signs and reads cursors (default: ``cursor_codec(settings)``).

    Paging: the first page is read from the live index. The first request for a next
    page opens a point in time (``INNSYN_SEARCH_CURSOR_KEEP_ALIVE``) and that page and
    every later one are read from it, with ``search_after``: no hit of that snapshot is
    repeated or skipped however the index changes, and the total and facets stay the
    same. A cursor whose point in time has expired raises ``CursorExpired`` (410).
    When OpenSearch will not open one more (``search.max_open_pit_context``), the page
    is read from the live index instead and the next request tries again.
    """
    now = now or dt.datetime.now(dt.UTC)
    node = parse_query(params.q)
    days = settings.sensitive_retention_days
    keep_alive = settings.search_cursor_keep_alive
    index = JOURNALPOST.alias(settings)
    codec = cursors
    cursor = None
    if params.cursor:
        codec = codec or cursor_codec(settings)
        cursor = codec.decode(params.cursor, params)

    def bodies(at: Cursor | None) -> list[dict[str, Any]]:
        if facets:
            return list(hits_and_facets_bodies(node, params, now, days, at, keep_alive))
        return [search_body(node, params, now, days, False, True, at, keep_alive)]

    try:
        resp, counted, cursor = _fetch(client, index, params, cursor, keep_alive, bodies)
    except NotFoundError as exc:
        if cursor is not None and cursor.pit is not None:
            raise CursorExpired() from exc
        return SearchResult(0, [])
    except (OpenSearchConnectionError, ConnectionTimeout) as exc:
        raise SearchUnavailable("the search index is not reachable") from exc
    except TransportError as exc:
        if isinstance(exc.status_code, int) and exc.status_code >= 500:
            raise SearchUnavailable("the search index failed to answer") from exc
        raise
    hits = resp["hits"]["hits"]
    next_cursor = None
    if len(hits) == params.size and hits:
        # the point in time is not closed after the last page: asked again, a page
        # answers the same until the snapshot expires
        pit = None if cursor is None else resp.get("pit_id") or cursor.pit
        after = Cursor(hits[-1]["sort"], first_moment(now, cursor), fingerprint(params), pit)
        next_cursor = (codec or cursor_codec(settings)).encode(after)
    if cursor is not None and cursor.pit is not None:
        hits = _as_indexed_now(client, index, hits)
    return SearchResult(
        total=int(counted["hits"]["total"]["value"]),
        items=[ENTRY.hit(h) for h in hits],
        facets=_facets(counted.get("aggregations", {}), agency_names),
        next_cursor=next_cursor,
    )


Bodies = Callable[[Cursor | None], list[dict[str, Any]]]


def _as_indexed_now(
    client: OpenSearch, index: str, hits: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The hits of a page read from a point in time, as the index holds them now.

    A snapshot keeps the documents it was opened on for as long as it is paged through,
    but an entry screened, withdrawn or embargoed since must vanish at once: a hit the
    index no longer holds is dropped, and one whose document changed shows what the index
    holds now, without the snapshot's highlights (they may quote what was screened)."""
    if not hits:
        return hits
    answer = client.mget(
        index=index,
        body={"ids": [h["_id"] for h in hits]},
        params={
            "_source_includes": ",".join(RESULT_FIELDS),
            "_source_excludes": ",".join(HIDDEN_SOURCE),
        },
    )
    now = {d["_id"]: d["_source"] for d in answer["docs"] if d.get("found")}
    out = []
    for hit in hits:
        current = now.get(hit["_id"])
        if current is None:
            continue
        if current != hit.get("_source"):
            hit = {key: value for key, value in hit.items() if key != "highlight"}
            hit["_source"] = current
        out.append(hit)
    return out


def _fetch(
    client: OpenSearch,
    index: str,
    params: SearchParams,
    cursor: Cursor | None,
    keep_alive: str,
    bodies: Bodies,
) -> tuple[dict[str, Any], dict[str, Any], Cursor | None]:
    """The hits and the total-and-facets answers (one answer when ``bodies`` makes one
    body), and the cursor they were read at: a first-page cursor gets the point in time
    opened (or reused) for it, if OpenSearch gives one."""
    if cursor is None or cursor.pit is not None or params.cursor is None:
        return (*_run(client, index, bodies(cursor), cursor), cursor)
    token = params.cursor
    pit = OPENED.get(token)
    if pit is not None:
        try:
            at = replace(cursor, pit=pit)
            return (*_run(client, index, bodies(at), at), at)
        except NotFoundError:
            OPENED.drop(token)
    pit = _open_pit(client, index, keep_alive)
    if pit is not None:
        OPENED.put(token, pit, keep_alive)
    at = replace(cursor, pit=pit)
    try:
        return (*_run(client, index, bodies(at), at), at)
    except NotFoundError:
        OPENED.drop(token)
        raise


def _run(
    client: OpenSearch, index: str, bodies: list[dict[str, Any]], at: Cursor | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Send the bodies (two as one ``_msearch``), to the point in time of ``at`` if it
    has one, else to ``index``; on a point in time the total and facets are counted once
    (``COUNTED``)."""
    target = {} if at is not None and at.pit is not None else {"index": index}
    if len(bodies) == 1:
        answer: dict[str, Any] = client.search(body=bodies[0], **target)
        return answer, answer
    key = None
    if at is not None and at.pit is not None:
        key = (at.pit, at.search, at.started.isoformat())
        counted = COUNTED.get(key)
        if counted is not None:
            hits: dict[str, Any] = client.search(body=bodies[0])
            return hits, counted
    both = client.msearch(body=[part for body in bodies for part in (target, body)])
    hits, counted = (_answer(r) for r in both["responses"])
    if key is not None:
        COUNTED.put(key, counted)
    return hits, counted


def _open_pit(client: OpenSearch, index: str, keep_alive: str) -> str | None:
    """A new point in time on ``index``; ``None`` when OpenSearch refuses to open one
    (too many open: the page is then read from the live index)."""
    try:
        answer = client.create_pit(index=index, params={"keep_alive": keep_alive})
    except (NotFoundError, OpenSearchConnectionError, ConnectionTimeout):
        raise
    except TransportError as exc:
        global _warned_at
        if time.monotonic() - _warned_at > WARN_EVERY:
            _warned_at = time.monotonic()
            log.warning("no point in time for paging a search, read live instead: %s", exc)
        return None
    return str(answer["pit_id"])


def _answer(response: dict[str, Any]) -> dict[str, Any]:
    """One answer of a multi-search, or the error it carries raised as the client would."""
    if "error" not in response:
        return response
    status = int(response.get("status", 500))
    error = response["error"]
    kind = error.get("type", "error") if isinstance(error, dict) else str(error)
    raise HTTP_EXCEPTIONS.get(status, TransportError)(status, kind, error)
