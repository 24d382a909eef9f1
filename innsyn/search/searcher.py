"""Running a search against the index; each hit is shaped by ``innsyn.public.shapes.ENTRY``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
from innsyn.kinds import JOURNALPOST
from innsyn.public.shapes import ENTRY
from innsyn.search.agency_names import AgencyNameLookup
from innsyn.search.params import SearchParams, encode_cursor
from innsyn.search.query_builder import hits_and_facets_bodies, search_body
from innsyn.search.query_parser import parse_query


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


def search(
    settings: Settings,
    client: OpenSearch,
    params: SearchParams,
    now: dt.datetime | None = None,
    facets: bool = True,
    agency_names: AgencyNameLookup | None = None,
) -> SearchResult:
    """Search journal entries; raise ``SearchUnavailable`` when OpenSearch is down.

    ``agency_names`` labels the agency facet (without it, the label is the agency id).
    """
    now = now or dt.datetime.now(dt.UTC)
    node = parse_query(params.q)
    days = settings.sensitive_retention_days
    index = JOURNALPOST.alias(settings)
    try:
        if facets:
            hits_part, facets_part = hits_and_facets_bodies(node, params, now, days)
            both = client.msearch(body=[{"index": index}, hits_part, {"index": index}, facets_part])
            resp, counted = (_answer(r) for r in both["responses"])
        else:
            resp = counted = client.search(
                index=index, body=search_body(node, params, now, days, facets=False)
            )
    except NotFoundError:
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
        next_cursor = encode_cursor(hits[-1]["sort"])
    return SearchResult(
        total=int(counted["hits"]["total"]["value"]),
        items=[ENTRY.hit(h) for h in hits],
        facets=_facets(counted.get("aggregations", {}), agency_names),
        next_cursor=next_cursor,
    )


def _answer(response: dict[str, Any]) -> dict[str, Any]:
    """One answer of a multi-search, or the error it carries raised as the client would."""
    if "error" not in response:
        return response
    status = int(response.get("status", 500))
    error = response["error"]
    kind = error.get("type", "error") if isinstance(error, dict) else str(error)
    raise HTTP_EXCEPTIONS.get(status, TransportError)(status, kind, error)
