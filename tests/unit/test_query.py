"""The query language and the query builder, as pure functions (dicts)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from innsyn.casenumber import CaseNumber
from innsyn.search.params import ParamError, parse_params
from innsyn.search.query_builder import node_query, search_body, visibility_filter
from innsyn.search.query_parser import (
    And,
    CaseRef,
    Not,
    Or,
    Phrase,
    Prefix,
    Property,
    Word,
    parse_query,
)

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("søknad tilskudd", And((Word("søknad"), Word("tilskudd")))),
        ('"byggesak i bergen" -klage', And((Phrase("byggesak i bergen"), Not(Word("klage"))))),
        ("vei OR veg | gate", Or((Word("vei"), Word("veg"), Word("gate")))),
        ("(vei | veg) bom", And((Or((Word("vei"), Word("veg"))), Word("bom")))),
        ("bygg*", Prefix("bygg")),
        ("24/0123-4", CaseRef("24/0123-4", CaseNumber(2024, 123, 4))),
        ("gnr 12 bnr 34", Property(12, 34)),
        ("Gnr. 5/Bnr. 7", Property(5, 7)),
        ("((ubalansert", Word("ubalansert")),
        ("", None),
        ("OR AND |", None),
    ],
)
def test_parse(text, tree):
    assert parse_query(text) == tree


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parser_and_builder_never_raise(text):
    node = parse_query(text)
    if node is not None:
        assert isinstance(node_query(node, NOW.isoformat()), dict)


@pytest.mark.parametrize("text", ["\x00gnr", "\x00gnr1:2:3", "a \x00gnr12:3 b", "\x00"])
def test_a_typed_nul_is_never_read_as_a_property_marker(text):
    node = parse_query(text)
    assert "Property" not in repr(node)
    if node is not None:
        assert isinstance(node_query(node, NOW.isoformat()), dict)


def test_word_query_restricts_sensitive_fields_to_the_retention_window():
    q = node_query(Word("ola"), "2025-11-22T12:00:00+00:00")
    public, sensitive = q["bool"]["should"]
    assert "offentlig_tittel_sensitiv" not in public["multi_match"]["fields"]
    assert sensitive["bool"]["must"][0]["multi_match"]["fields"] == [
        "offentlig_tittel_sensitiv",
        "korrespondansepart_sensitiv",
    ]
    assert sensitive["bool"]["filter"] == [
        {"range": {"publisert_dato": {"gte": "2025-11-22T12:00:00+00:00"}}}
    ]


def test_exact_title_ranks_above_stemmed():
    fields = node_query(Word("x"), "")["bool"]["should"][0]["multi_match"]["fields"]
    assert fields[0] == "offentlig_tittel.exact^4" and "offentlig_tittel^2" in fields


def test_case_number_query():
    q = node_query(parse_query("2024/123-4"), "")
    assert q["bool"]["should"][0] == {
        "match": {"saksnummer_search": {"query": "2024/123-4", "boost": 10}}
    }


def test_body_always_has_visibility_filter_and_no_sensitive_source():
    params = parse_params(
        MultiDict(
            {
                "q": "bygg",
                "enhet": "en_1",
                "journalposttype": "i",
                "period": "30d",
                "has_documents": "true",
            }
        ),
        500,
    )
    body = search_body(parse_query(params.q), params, NOW, 365)
    inner = body["query"]["function_score"]["query"]["bool"]
    assert visibility_filter(NOW) in inner["filter"]
    assert {"terms": {"enhet_path": ["en_1"]}} in inner["filter"]
    assert {"terms": {"journalposttype": ["I"]}} in inner["filter"]
    assert {"term": {"has_documents": True}} in inner["filter"]
    assert {"range": {"journaldato": {"gte": "2026-10-23"}}} in inner["filter"]
    assert "offentlig_tittel_sensitiv" in body["_source"]["excludes"]
    assert "offentlig_tittel_sensitiv" not in body["highlight"]["fields"]
    assert body["highlight"]["encoder"] == "html"
    assert body["track_total_hits"] is True
    assert body["sort"][-1] == {"id": "asc"}


def test_match_all_without_query_keeps_filters():
    params = parse_params(MultiDict({"sort": "date_desc"}), 500)
    body = search_body(None, params, NOW, 365)
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"][0] == {"journaldato": {"order": "desc", "missing": "_last"}}


@pytest.mark.parametrize(
    ("args", "param", "status"),
    [
        ({"size": "0"}, "size", 400),
        ({"sort": "random"}, "sort", 400),
        ({"journaldato_from": "2024-13-01"}, "journaldato_from", 400),
        (
            {"journaldato_from": "2024-05-01", "journaldato_to": "2024-01-01"},
            "journaldato_from",
            400,
        ),
        ({"journalposttype": "Q"}, "journalposttype", 400),
        ({"cursor": "not-a-cursor!"}, "cursor", 400),
        ({"q": "x" * 501}, "q", 413),
    ],
)
def test_bad_parameters_are_named(args, param, status):
    with pytest.raises(ParamError) as info:
        parse_params(MultiDict(args), 500)
    assert (info.value.param, info.value.status) == (param, status)


def test_fodselsnummer_refused():
    from stdnum.no import fodselsnummer

    fnr = next(
        f"010190{i}" + c1 + fodselsnummer.calc_check_digit2(f"010190{i}" + c1)
        for i in range(100, 999)
        if (c1 := fodselsnummer.calc_check_digit1(f"010190{i}"))
        and fodselsnummer.is_valid(
            f"010190{i}" + c1 + fodselsnummer.calc_check_digit2(f"010190{i}" + c1)
        )
    )
    for text in (fnr, f"søknad {fnr[:6]} {fnr[6:]}"):
        with pytest.raises(ParamError) as info:
            parse_params(MultiDict({"q": text}), 500)
        assert info.value.code == "fodselsnummer_in_query"
    parse_params(MultiDict({"q": "01019000000"}), 500)


def test_repeated_single_arguments_take_the_first_value_and_lists_take_all():
    args = MultiDict(
        [
            ("q", "bygg"),
            ("q", "vei"),
            ("sort", "date_asc"),
            ("sort", "nope"),
            ("size", "5"),
            ("size", "0"),
            ("enhet", "en_1"),
            ("enhet", ""),
            ("enhet", "en_2"),
            ("journaldato_from", "2024-01-01"),
            ("journaldato_from", "bad"),
            ("saksnummer", " 2024/5 "),
        ]
    )
    params = parse_params(args, 500)
    assert (params.q, params.sort, params.size, params.saksnummer) == (
        "bygg",
        "date_asc",
        5,
        "2024/5",
    )
    assert params.enhet == ["en_1", "en_2"]
    assert params.date_ranges == {"journaldato": (dt.date(2024, 1, 1), None)}
    assert parse_params(MultiDict([("size", ""), ("size", "7")]), 500).size == 20
