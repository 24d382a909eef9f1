"""How a search is sent to OpenSearch: hits and the cacheable total-and-facets part, the
'now' taken to the minute, errors of either part (real index)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from opensearchpy.exceptions import RequestError

from innsyn.indexing.indexer import catch_up
from innsyn.indexing.names import alias_name
from innsyn.search.params import SearchParams, decode_cursor
from innsyn.search.query_builder import (
    facets_body,
    hits_and_facets_bodies,
    retention_start,
    search_body,
)
from innsyn.search.query_parser import parse_query
from innsyn.search.searcher import search
from innsyn.search_client import make_client
from innsyn.store.models import Enhet
from tests.factories import add_entry, store

NOW = dt.datetime(2026, 11, 22, 12, 0, 41, 123456, tzinfo=dt.UTC)


def test_facets_part_is_the_same_search_without_hits_or_scores():
    params = SearchParams(q="byggesak", enhet=["en_1"], cursor=[3.5, 1700000000000, "jp_9"])
    node = parse_query(params.q)
    hits = search_body(node, params, NOW, 365, facets=False, total=False)
    counted = facets_body(node, params, NOW, 365)
    assert counted["size"] == 0 and counted["track_total_hits"] is True
    assert "aggs" not in hits and hits["track_total_hits"] is False
    assert counted["query"] == hits["query"]["function_score"]["query"]
    assert "search_after" not in counted and "highlight" not in counted
    assert set(counted["aggs"]) == {"enhet", "journalposttype", "year", "language"}


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"q": "byggesak"},
        {"q": "byggesak", "sort": "date_desc"},
        {"q": '"søknad om" -bygg OR vei*', "enhet": "en_1", "journalposttype": "U"},
        {"q": "2024/55-2", "period": "30d", "has_documents": "false", "size": "7"},
        {"q": "gnr 12 bnr 3", "saksnummer": "24/55", "language": "nn"},
        {"journaldato_from": "2024-01-01", "publisertdato_to": "2026-01-01"},
        {"q": "x", "cursor": "WzMuNSwgMTcwMDAwMDAwMDAwMCwgImpwXzkiXQ"},
        {"sort": "date_asc", "cursor": "WzE3MDAwMDAwMDAwMDAsICJqcF85Il0"},
    ],
)
def test_the_two_parts_built_together_equal_the_parts_built_apart(args):
    import json

    from werkzeug.datastructures import MultiDict

    from innsyn.search.params import parse_params

    params = parse_params(MultiDict(args), 500)
    node = parse_query(params.q)
    hits, counted = hits_and_facets_bodies(node, params, NOW, 365)
    assert hits == search_body(node, params, NOW, 365, facets=False, total=False)
    assert counted == facets_body(node, params, NOW, 365)
    # and they serialise to the same text (shared parts are written out in both)
    assert json.dumps([hits, counted]) == json.dumps(
        [
            search_body(node, params, NOW, 365, facets=False, total=False),
            facets_body(node, params, NOW, 365),
        ]
    )


def test_now_is_taken_to_the_minute_towards_less_visibility():
    params = SearchParams(q="x")
    a = facets_body(parse_query("x"), params, NOW, 365)
    b = facets_body(parse_query("x"), params, NOW + dt.timedelta(seconds=15), 365)
    assert a == b
    shown = a["query"]["bool"]["filter"][0]["bool"]["should"][1]["range"]["accessible_after"]
    assert shown == {"lte": "2026-11-22T12:00:00+00:00"}
    assert retention_start(NOW, 365) == "2025-11-22T12:01:00+00:00"
    assert retention_start(NOW.replace(second=0, microsecond=0), 365) == (
        "2025-11-22T12:00:00+00:00"
    )


@pytest.fixture
def indexed(settings):
    sessions = store(settings)
    with sessions.begin() as s:
        enhet = Enhet(id="en_k", navn="Fjordvik kommune")
        for i in range(25):
            add_entry(s, f"Byggesak {i}", enhet=enhet, journaldato=dt.date(2025, 3, 1 + i))
    catch_up(settings, make_client(settings), sessions)
    return settings


def _request_cache_hits(settings) -> int:
    url = settings.opensearch_urls[0]
    index = alias_name(settings, "journalpost")
    stats = httpx.get(f"{url}/{index}/_stats/request_cache", timeout=30).json()
    return int(stats["_all"]["total"]["request_cache"]["hit_count"])


def test_pages_share_the_cached_total_and_facets(indexed):
    client = make_client(indexed)
    params = SearchParams(q="byggesak", size=10)
    now = dt.datetime.now(dt.UTC).replace(second=10)
    first = search(indexed, client, params, now=now)
    assert first.total == 25 and len(first.items) == 10
    assert [(f.key, f.count) for f in first.facets["enhet"]] == [("en_k", 25)]
    before = _request_cache_hits(indexed)
    second_page = SearchParams(q="byggesak", size=10)
    assert first.next_cursor is not None
    second_page.cursor = decode_cursor(first.next_cursor)
    second = search(indexed, client, second_page, now=now + dt.timedelta(milliseconds=1))
    assert second.total == 25 and len(second.items) == 10
    assert not {i["id"] for i in first.items} & {i["id"] for i in second.items}
    assert second.facets == first.facets
    assert _request_cache_hits(indexed) > before


def test_without_facets_one_search_counts_exactly(indexed):
    result = search(indexed, make_client(indexed), SearchParams(size=5), facets=False)
    assert result.total == 25 and len(result.items) == 5 and result.facets == {}


def test_missing_index_is_empty_and_a_bad_request_is_raised(indexed):
    client = make_client(indexed)
    gone = indexed.model_copy(update={"index_prefix": indexed.index_prefix + "-none"})
    assert search(gone, client, SearchParams(q="byggesak")).total == 0
    bad = SearchParams(q="byggesak", cursor=["not a score", "nor a date", "jp_1"])
    with pytest.raises(RequestError):
        search(indexed, client, bad)
