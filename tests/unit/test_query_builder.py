"""How a search body is built: the hits part and the cacheable total-and-facets part, built
together or apart, and the 'now' taken to the minute (no index)."""

from __future__ import annotations

import datetime as dt

import pytest

from innsyn.search.cursor import Cursor, fingerprint
from innsyn.search.params import SearchParams
from innsyn.search.query_builder import (
    facets_body,
    hits_and_facets_bodies,
    retention_start,
    search_body,
)
from innsyn.search.query_parser import parse_query

NOW = dt.datetime(2026, 11, 22, 12, 0, 41, 123456, tzinfo=dt.UTC)


def test_facets_part_is_the_same_search_without_hits_or_scores():
    params = SearchParams(q="byggesak", enhet=["en_1"])
    node = parse_query(params.q)
    after = Cursor([3.5, 1700000000000, "jp_9"], NOW, fingerprint(params))
    hits = search_body(node, params, NOW, 365, facets=False, total=False, cursor=after)
    assert hits["search_after"] == [3.5, 1700000000000, "jp_9"]
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


@pytest.mark.parametrize("pit", [None, "pit-1"])
def test_the_two_parts_built_together_equal_the_parts_built_apart_after_a_cursor(pit):
    params = SearchParams(q="byggesak", sort="date_asc", enhet=["en_1"])
    node = parse_query(params.q)
    after = Cursor([1700000000000, "jp_9"], NOW, fingerprint(params), pit)
    hits, counted = hits_and_facets_bodies(node, params, NOW, 365, after, "3m")
    assert hits == search_body(node, params, NOW, 365, False, False, after, "3m")
    assert counted == facets_body(node, params, NOW, 365, after, "3m")


def test_pages_after_the_first_read_the_point_in_time_both_parts():
    params = SearchParams(q="byggesak")
    node = parse_query(params.q)
    live = Cursor([2.5, 1700000000000, "jp_9"], NOW, fingerprint(params))
    hits, counted = hits_and_facets_bodies(node, params, NOW, 365, live, "7m")
    assert hits["search_after"] == [2.5, 1700000000000, "jp_9"]
    assert "pit" not in hits and "pit" not in counted
    snap = Cursor([2.5, 1700000000000, "jp_9"], NOW, fingerprint(params), "pit-abc")
    hits, counted = hits_and_facets_bodies(node, params, NOW, 365, snap, "7m")
    assert hits["pit"] == counted["pit"] == {"id": "pit-abc", "keep_alive": "7m"}
    assert hits["search_after"] == [2.5, 1700000000000, "jp_9"]
    assert "search_after" not in counted and counted["track_total_hits"] is True


def _shown_until(body):
    query = body["query"]
    query = query.get("function_score", {}).get("query", query)
    return query["bool"]["filter"][0]["bool"]["should"][1]["range"]["accessible_after"]["lte"]


def _window_start(body):
    text = str(body["query"])
    return text.split("'publisert_dato': {'gte': '")[1].split("'")[0]


def test_later_pages_build_the_first_pages_query_but_the_current_retention_window():
    params = SearchParams(q="byggesak", period="7d")
    node = parse_query(params.q)
    started = NOW - dt.timedelta(hours=3)
    after = Cursor([2.5, 1700000000000, "jp_9"], started, fingerprint(params), "pit-abc")
    first = search_body(node, params, started, 365, False, False)
    later = search_body(node, params, NOW, 365, False, False, after)
    # embargo filter, period and date decay as on the first page
    assert _shown_until(later) == _shown_until(first) == "2026-11-22T09:00:00+00:00"
    assert (
        later["query"]["function_score"]["functions"]
        == (first["query"]["function_score"]["functions"])
    )
    assert str(later["query"]).count("'gte': '2026-11-15'") == 1
    # names in sensitive variants stop matching on time, however long the paging runs
    assert _window_start(later) == retention_start(NOW, 365) != _window_start(first)


def test_a_cursor_from_the_future_shows_nothing_still_under_embargo():
    params = SearchParams(q="byggesak")
    node = parse_query(params.q)
    ahead = Cursor([2.5, 1, "jp_9"], NOW + dt.timedelta(days=30), fingerprint(params))
    body = search_body(node, params, NOW, 365, cursor=ahead)
    assert _shown_until(body) == "2026-11-22T12:00:00+00:00"
