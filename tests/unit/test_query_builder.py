"""How a search body is built: the hits part and the cacheable total-and-facets part, built
together or apart, and the 'now' taken to the minute (no index)."""

from __future__ import annotations

import datetime as dt

import pytest

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
