"""OpenSearch request bodies from a parsed query and parameters: pure functions.

Every body carries the visibility filter (embargo: ``accessible_after`` empty or past).
The sensitive title variants are matched only for records published within the
retention window, and are never highlighted.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from innsyn.public.shapes import ENTRY
from innsyn.search.cursor import Cursor
from innsyn.search.params import PERIODS, SearchParams
from innsyn.search.query_parser import (
    And,
    CaseRef,
    DateRef,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Property,
    Word,
)

PUBLIC_FIELDS = [
    "offentlig_tittel.exact^4",
    "offentlig_tittel^2",
    "saksmappe.offentlig_tittel",
    "korrespondansepart.navn^2",
    "dokumenter.tittel",
    "dokument_tekst.exact^1.5",
    "dokument_tekst",
    "enhet_navn",
    "administrativ_enhet",
]
SENSITIVE_FIELDS = ["offentlig_tittel_sensitiv", "korrespondansepart_sensitiv"]
PREFIX_FIELDS = [
    "offentlig_tittel.exact",
    "dokument_tekst.exact",
    "korrespondansepart.navn",
    "saksmappe.offentlig_tittel",
]
HIDDEN_SOURCE = ["dokument_tekst", "offentlig_tittel_sensitiv", "korrespondansepart_sensitiv"]
# What a search hit shows (the HIT fields of ``innsyn.public.shapes.ENTRY``); nothing
# else is fetched.
RESULT_FIELDS = ENTRY.hit_source
DEFAULT_KEEP_ALIVE = "10m"


def _minute_down(t: dt.datetime) -> dt.datetime:
    return t.replace(second=0, microsecond=0)


def _minute_up(t: dt.datetime) -> dt.datetime:
    down = _minute_down(t)
    return down if down == t else down + dt.timedelta(minutes=1)


def visibility_filter(now: dt.datetime) -> dict[str, Any]:
    """Only records whose embargo (``accessible_after``) is absent or past.

    ``now`` is taken down to the minute: the filter is then the same for every request of
    that minute, so OpenSearch can cache it (a new timestamp per request costs a fresh
    evaluation over the whole index each time). An embargo lifts up to a minute late,
    never early.
    """
    return {
        "bool": {
            "should": [
                {"bool": {"must_not": {"exists": {"field": "accessible_after"}}}},
                {"range": {"accessible_after": {"lte": _minute_down(now).isoformat()}}},
            ],
            "minimum_should_match": 1,
        }
    }


def retention_start(now: dt.datetime, days: int) -> str:
    """Start of the sensitive-variant window, taken up to the minute (cacheable like the
    visibility filter; the window closes up to a minute early, never late)."""
    return _minute_up(now - dt.timedelta(days=days)).isoformat()


def _with_sensitive(
    public: dict[str, Any], sensitive: dict[str, Any], since: str
) -> dict[str, Any]:
    return {
        "bool": {
            "should": [
                public,
                {
                    "bool": {
                        "must": [sensitive],
                        "filter": [{"range": {"publisert_dato": {"gte": since}}}],
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }


READING_BOOSTS = (10.0, 6.0, 4.0)
"""Boost of a case number's readings, the likeliest first (``07/1974``: 2007/1974, then
1974/7): every reading is searched, the likelier ones rank above."""


def _text_phrase(text: str) -> dict[str, Any]:
    """A number as it may stand in titles and text: as typed (``22.10.09`` is one token
    to the analyzer) and as its parts without leading zeros, adjacent (``07/1974`` in a
    title reading ``gnr 7/1974``)."""
    numbers = re.findall(r"\d+", text)
    parts = " ".join(p.lstrip("0") or "0" for p in numbers)
    zeros = parts != " ".join(numbers)
    spellings = [text] + ([parts] if zeros else [])
    return {
        "bool": {
            "should": [
                {"multi_match": {"query": q, "fields": PUBLIC_FIELDS, "type": "phrase", "slop": 1}}
                for q in spellings
            ],
            "minimum_should_match": 1,
        }
    }


def _number_readings(node: CaseRef) -> list[dict[str, Any]]:
    """A case number's readings (``saksnummer_search``) and the number read as text: a
    property number (gnr/bnr) or a number in a title."""
    out: list[dict[str, Any]] = [
        {"match": {"saksnummer_search": {"query": str(number), "boost": boost}}}
        for number, boost in zip(node.readings, READING_BOOSTS, strict=False)
    ]
    out.append(_text_phrase(node.text))
    return out


def node_query(node: Node, since: str) -> dict[str, Any]:
    """The query for one node of the parsed query."""
    if isinstance(node, Word):
        # a word with punctuation inside (``HYTTE,LIARVATNET``) is split by the field's
        # analyzer, as it was when indexed; every part must match
        public = {"multi_match": {"query": node.text, "fields": PUBLIC_FIELDS, "operator": "and"}}
        sensitive = {
            "multi_match": {"query": node.text, "fields": SENSITIVE_FIELDS, "operator": "and"}
        }
        return _with_sensitive(public, sensitive, since)
    if isinstance(node, Phrase):
        public = {"multi_match": {"query": node.text, "fields": PUBLIC_FIELDS, "type": "phrase"}}
        sensitive = {
            "multi_match": {"query": node.text, "fields": SENSITIVE_FIELDS, "type": "phrase"}
        }
        return _with_sensitive(public, sensitive, since)
    if isinstance(node, Prefix):
        return {
            "bool": {
                "should": [{"prefix": {f: {"value": node.text}}} for f in PREFIX_FIELDS],
                "minimum_should_match": 1,
            }
        }
    if isinstance(node, CaseRef):
        return {"bool": {"should": _number_readings(node), "minimum_should_match": 1}}
    if isinstance(node, DateRef):
        day = node.date.isoformat()
        return {
            "bool": {
                "should": [
                    {"term": {"journaldato": {"value": day, "boost": 4}}},
                    {"term": {"dokumentets_dato": {"value": day, "boost": 3}}},
                    _text_phrase(node.text),
                ],
                "minimum_should_match": 1,
            }
        }
    if isinstance(node, Property):
        return {
            "multi_match": {
                "query": f"{node.gnr} {node.bnr}",
                "fields": PUBLIC_FIELDS,
                "type": "phrase",
                "slop": 1,
            }
        }
    if isinstance(node, Not):
        return {"bool": {"must_not": [node_query(node.node, since)]}}
    if isinstance(node, And):
        return {"bool": {"must": [node_query(n, since) for n in node.nodes]}}
    if isinstance(node, Or):
        return {
            "bool": {
                "should": [node_query(n, since) for n in node.nodes],
                "minimum_should_match": 1,
            }
        }
    raise TypeError(f"unknown query node {node!r}")


def filters(params: SearchParams, now: dt.datetime) -> list[dict[str, Any]]:
    """Filter clauses from the parameters, always with the visibility filter."""
    out: list[dict[str, Any]] = [visibility_filter(now)]
    if params.enhet:
        out.append({"terms": {"enhet_path": params.enhet}})
    if params.journalposttype:
        out.append({"terms": {"journalposttype": params.journalposttype}})
    if params.language:
        out.append({"terms": {"languages": params.language}})
    if params.has_documents is not None:
        out.append({"term": {"has_documents": params.has_documents}})
    if params.saksnummer:
        out.append({"match": {"saksnummer_search": params.saksnummer}})
    for field_name, (lo, hi) in params.date_ranges.items():
        rng: dict[str, str] = {}
        if lo:
            rng["gte"] = lo.isoformat()
        if hi:
            rng["lte"] = hi.isoformat()
        out.append({"range": {field_name: rng}})
    if params.period:
        start = (now - dt.timedelta(days=PERIODS[params.period])).date().isoformat()
        out.append({"range": {"journaldato": {"gte": start}}})
    return out


AGGREGATIONS: dict[str, Any] = {
    # Ids only: the names come from the store (``innsyn.search.agency_names``).
    "enhet": {"terms": {"field": "enhet_id", "size": 20}},
    "journalposttype": {"terms": {"field": "journalposttype", "size": 10}},
    "year": {
        "date_histogram": {
            "field": "journaldato",
            "calendar_interval": "year",
            "format": "yyyy",
            "min_doc_count": 1,
            "order": {"_key": "desc"},
        }
    },
    "language": {"terms": {"field": "languages", "size": 10}},
}

HIGHLIGHT: dict[str, Any] = {
    "encoder": "html",
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "fields": {
        "offentlig_tittel": {"number_of_fragments": 0},
        "offentlig_tittel.exact": {"number_of_fragments": 0},
        "dokument_tekst": {"fragment_size": 180, "number_of_fragments": 3},
        "dokument_tekst.exact": {"fragment_size": 180, "number_of_fragments": 3},
        "korrespondansepart.navn": {"number_of_fragments": 0},
    },
}


def sort_clause(sort: str) -> list[dict[str, Any]]:
    if sort == "date_desc":
        return [{"journaldato": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    if sort == "date_asc":
        return [{"journaldato": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]
    return [
        {"_score": "desc"},
        {"journaldato": {"order": "desc", "missing": "_last"}},
        {"id": "asc"},
    ]


TITLE_PHRASE_BOOST = 5.0
"""Weight of the whole query standing as a phrase in an entry's title: a title pasted in
ranks its own entry above entries that only share its words (or its case number)."""


def _title_words(node: Node) -> list[str]:
    """The query's words in order, as they would stand in a title (excluded words, OR
    alternatives and prefixes left out)."""
    if isinstance(node, Word | Phrase | CaseRef | DateRef):
        return [node.text]
    if isinstance(node, And):
        return [w for n in node.nodes for w in _title_words(n)]
    return []


WHOLE_TITLE_MAX_CHARS = 300
"""Longest query compared with whole titles (the case-insensitive term is an automaton
built per request; longer input is matched by the phrase clause alone)."""


def _title_like(text: str) -> bool:
    """Whether ``text`` could be a journal title to compare whole: not empty, not too
    long, and printable letters of the Latin, Greek and Cyrillic blocks only (each other
    character multiplies the case-insensitive automaton OpenSearch must build: 500
    characters of mixed scripts took over a second to answer)."""
    return 0 < len(text) <= WHOLE_TITLE_MAX_CHARS and all(
        ch.isprintable() and ord(ch) < 0x0530 for ch in text
    )


def title_boost(node: Node | None, typed: str = "") -> list[dict[str, Any]]:
    """Optional clauses scoring entries whose title holds the whole query as a phrase, and
    higher still those whose title is the query itself, in any letter case (empty for a
    query of one word: the field weights already rank titles first)."""
    words = _title_words(node) if node is not None else []
    if len(words) < 2:
        return []
    text = " ".join(words)
    out: list[dict[str, Any]] = [
        {"match_phrase": {"offentlig_tittel.exact": {"query": text, "boost": TITLE_PHRASE_BOOST}}}
    ]
    whole = " ".join(typed.split())
    if _title_like(whole):
        out.append(
            {
                "term": {
                    "offentlig_tittel.keyword": {
                        "value": whole,
                        "case_insensitive": True,
                        "boost": TITLE_PHRASE_BOOST,
                    }
                }
            }
        )
    return out


def _matching(
    node: Node | None, params: SearchParams, now: dt.datetime, since: str
) -> dict[str, Any]:
    must = [node_query(node, since)] if node is not None else [{"match_all": {}}]
    out: dict[str, Any] = {"must": must, "filter": filters(params, now)}
    should = title_boost(node, params.q or "")
    if should:
        out["should"] = should
    return {"bool": out}


def first_moment(now: dt.datetime, cursor: Cursor | None) -> dt.datetime:
    """The moment a search's query is built for: its first page's (from the cursor), so
    every page has the same embargo filter, date decay and period; never later than
    ``now``. The sensitive-variant window always follows ``now``: a long paging session
    never keeps a name searchable past its retention period."""
    return min(cursor.started, now) if cursor is not None else now


def _query_for(
    node: Node | None,
    params: SearchParams,
    now: dt.datetime,
    retention_days: int,
    cursor: Cursor | None,
) -> tuple[dict[str, Any], dt.datetime]:
    """The matching query and the moment it was built for (``first_moment``)."""
    moment = first_moment(now, cursor)
    return _matching(node, params, moment, retention_start(now, retention_days)), moment


def search_body(
    node: Node | None,
    params: SearchParams,
    now: dt.datetime,
    retention_days: int,
    facets: bool = True,
    total: bool = True,
    cursor: Cursor | None = None,
    keep_alive: str = DEFAULT_KEEP_ALIVE,
) -> dict[str, Any]:
    """The complete search request body (``total``: count every match exactly); a page
    after ``cursor``, read from its point in time when it has one."""
    query, moment = _query_for(node, params, now, retention_days, cursor)
    body = _search_body(query, node, params, moment, facets, total, cursor)
    return on_pit(body, cursor, keep_alive)


def on_pit(body: dict[str, Any], cursor: Cursor | None, keep_alive: str) -> dict[str, Any]:
    """``body`` reading the cursor's point in time (if it has one), keeping it alive for
    ``keep_alive`` more; such a request names no index."""
    if cursor is None or cursor.pit is None:
        return body
    return {**body, "pit": {"id": cursor.pit, "keep_alive": keep_alive}}


def _search_body(
    query: dict[str, Any],
    node: Node | None,
    params: SearchParams,
    now: dt.datetime,
    facets: bool,
    total: bool,
    cursor: Cursor | None,
) -> dict[str, Any]:
    """``search_body`` around the already built matching ``query``."""
    if params.sort == "relevance" and node is not None:
        query = {
            "function_score": {
                "query": query,
                "functions": [
                    {
                        "gauss": {
                            "journaldato": {
                                "origin": now.date().isoformat(),
                                "scale": "365d",
                                "decay": 0.5,
                            }
                        },
                        "weight": 1,
                    }
                ],
                "boost_mode": "sum",
                "score_mode": "sum",
            }
        }
    body: dict[str, Any] = {
        "query": query,
        "size": params.size,
        "sort": sort_clause(params.sort),
        "track_total_hits": total,
        "_source": {"includes": RESULT_FIELDS, "excludes": HIDDEN_SOURCE},
    }
    if node is not None:
        body["highlight"] = HIGHLIGHT
    if facets:
        body["aggs"] = AGGREGATIONS
    if cursor is not None:
        body["search_after"] = cursor.after
    return body


def _facets_body(query: dict[str, Any]) -> dict[str, Any]:
    return {"query": query, "size": 0, "track_total_hits": True, "aggs": AGGREGATIONS}


def facets_body(
    node: Node | None,
    params: SearchParams,
    now: dt.datetime,
    retention_days: int,
    cursor: Cursor | None = None,
    keep_alive: str = DEFAULT_KEEP_ALIVE,
) -> dict[str, Any]:
    """The exact total and the facets of a search, without hits or scores.

    This part is the same for every page of a search and, with ``now`` taken to the
    minute, for everyone making the same search within that minute: as a request of
    size 0 it is answered from OpenSearch's shard request cache after the first time
    (until the index changes). Counting every match is what makes a search over a large
    index slow, so the hits are then asked for without it. On a point in time (pages
    after the first) it is counted in that snapshot, the same for each of its pages.
    """
    query, _ = _query_for(node, params, now, retention_days, cursor)
    return on_pit(_facets_body(query), cursor, keep_alive)


def hits_and_facets_bodies(
    node: Node | None,
    params: SearchParams,
    now: dt.datetime,
    retention_days: int,
    cursor: Cursor | None = None,
    keep_alive: str = DEFAULT_KEEP_ALIVE,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``search_body(..., facets=False, total=False)`` and ``facets_body(...)``, equal to
    what those give, with the matching query (words, filters, visibility) built once
    and shared by both (a search's two parts are sent together, as one ``_msearch``)."""
    query, moment = _query_for(node, params, now, retention_days, cursor)
    hits = _search_body(query, node, params, moment, False, False, cursor)
    return on_pit(hits, cursor, keep_alive), on_pit(_facets_body(query), cursor, keep_alive)
