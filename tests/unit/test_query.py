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
    DateRef,
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
        ("24/0123-4", CaseRef("24/0123-4", (CaseNumber(2024, 123, 4),))),
        # issue 15: a pasted journal title's spaced dash is punctuation, not an exclusion
        (
            "31/595 LOKAL GODKJENNING AV FORETAK - FORSTØTNINGSMUR",
            And(
                (
                    CaseRef("31/595", (CaseNumber(2031, 595),)),
                    Word("LOKAL"),
                    Word("GODKJENNING"),
                    Word("AV"),
                    Word("FORETAK"),
                    Word("FORSTØTNINGSMUR"),
                )
            ),
        ),
        ("Søknad om ferie -", And((Word("Søknad"), Word("om"), Word("ferie")))),
        ("Svar – avslag — klage", And((Word("Svar"), Word("avslag"), Word("klage")))),
        ("Nord-Fron", Word("Nord-Fron")),
        ("(-klage bygg)", And((Not(Word("klage")), Word("bygg")))),
        ('-"klage på vedtak" bygg', And((Not(Phrase("klage på vedtak")), Word("bygg")))),
        # words joined by punctuation stay one word, split by the index's analyzer
        ("HYTTE,LIARVATNET", Word("HYTTE,LIARVATNET")),
        ("«Ny skole», anbud.", And((Word("Ny"), Word("skole"), Word("anbud")))),
        ("hytte,lia*", And((Word("hytte"), Prefix("lia")))),
        # every reading of an ambiguous number, the likeliest first
        ("07/1974", CaseRef("07/1974", (CaseNumber(2007, 1974), CaseNumber(1974, 7)))),
        ("12/2020", CaseRef("12/2020", (CaseNumber(2012, 2020), CaseNumber(2020, 12)))),
        ("123/2024", CaseRef("123/2024", (CaseNumber(2024, 123),))),
        ("22.10.09", DateRef("22.10.09", dt.date(2009, 10, 22))),
        ("31.02.2020", Word("31.02.2020")),
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


def test_an_ambiguous_number_is_searched_in_every_reading():
    should = node_query(parse_query("07/1974"), "")["bool"]["should"]
    cases = [c["match"]["saksnummer_search"] for c in should if "match" in c]
    assert cases == [{"query": "2007/1974", "boost": 10}, {"query": "1974/7", "boost": 6}]
    text = [m["multi_match"] for c in should if "bool" in c for m in c["bool"]["should"]]
    assert [t["query"] for t in text] == ["07/1974", "7 1974"]
    assert {t["type"] for t in text} == {"phrase"}


def test_a_date_is_searched_as_a_date_and_as_text():
    should = node_query(parse_query("22.10.09"), "")["bool"]["should"]
    assert {"term": {"journaldato": {"value": "2009-10-22", "boost": 4}}} in should
    text = [m["multi_match"]["query"] for c in should if "bool" in c for m in c["bool"]["should"]]
    assert text == ["22.10.09", "22 10 9"]


def test_a_word_with_punctuation_inside_needs_every_part():
    public = node_query(Word("HYTTE,LIARVATNET"), "")["bool"]["should"][0]["multi_match"]
    assert public["query"] == "HYTTE,LIARVATNET" and public["operator"] == "and"


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


def test_a_pasted_title_is_boosted_as_a_phrase_and_as_the_whole_title():
    from innsyn.search.query_builder import TITLE_PHRASE_BOOST, title_boost

    typed = "31/595 LOKAL GODKJENNING AV FORETAK - FORSTØTNINGSMUR"
    phrase, whole = title_boost(parse_query(typed), typed)
    assert phrase == {
        "match_phrase": {
            "offentlig_tittel.exact": {
                "query": "31/595 LOKAL GODKJENNING AV FORETAK FORSTØTNINGSMUR",
                "boost": TITLE_PHRASE_BOOST,
            }
        }
    }
    assert whole["term"]["offentlig_tittel.keyword"]["value"] == typed
    assert whole["term"]["offentlig_tittel.keyword"]["case_insensitive"] is True


@pytest.mark.parametrize("typed", ["bygg", "bygg*", "vei | veg", "-klage", ""])
def test_no_title_boost_without_two_words_in_a_row(typed):
    from innsyn.search.query_builder import title_boost

    assert title_boost(parse_query(typed), typed) == []


def test_the_title_boost_is_optional_in_the_search_body():
    params = parse_params(MultiDict({"q": "søknad om tilskudd - flå"}), 500)
    query = search_body(parse_query(params.q), params, NOW, 365)["query"]["function_score"]
    clauses = query["query"]["bool"]
    assert clauses["must"] and len(clauses["should"]) == 2
    assert "minimum_should_match" not in clauses, "the boost never decides what matches"


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 301 + " y",
        "søknad om \U0004c50a\U0005b5ab tilskudd",
        "søknad \x1c\x1b om tilskudd",
    ],
)
def test_no_whole_title_term_for_input_no_title_has(typed):
    """The case-insensitive term is built as an automaton per request: odd scripts and
    control characters made a fuzzed query of 500 characters take over a second."""
    from innsyn.search.query_builder import title_boost

    clauses = title_boost(parse_query(typed), typed)
    assert clauses and not any("term" in c for c in clauses)


def test_a_query_keeps_at_most_max_terms_terms():
    """Each term is a clause per field, and OpenSearch refuses more than 1 024 clauses:
    a fuzzed query of words glued by punctuation made one (503 instead of an answer)."""
    from innsyn.search.query_parser import MAX_TERMS, terms

    glued = ",".join(f"ord{i}" for i in range(200))
    node = parse_query(f"{glued} slutt")
    assert isinstance(node, Word | And)
    kept = terms(node)
    assert sum(len(t.split(",")) for t in kept) <= MAX_TERMS
    long_title = " ".join(f"ord{i}" for i in range(100))
    assert len(terms(parse_query(long_title))) == MAX_TERMS
    assert terms(parse_query("søknad om tilskudd")) == ["søknad", "om", "tilskudd"]
