"""Hypothesis-fuzzed requests against the search API, the HTML search page and the Atom
feed of the real Flask app over a real store and index.

Whatever the query text (unicode, control characters, quotes, parentheses nested deep,
operators, very long strings, case numbers, fødselsnummer) and whatever the parameters
(known names with wrong values, unknown names, repeats, cursors that decode but were never
issued, raw and broken percent-encoding): never a 5xx. The API answers 200 with a result
or a 4xx in its one error shape (``web/errors.py``); the page and the feed answer 200 or a
4xx page, and a feed that answers 200 is well-formed XML.

The pure query parser is fuzzed in ``test_query.py``; here every example goes through
Flask, the parameter parser, the query builder and OpenSearch.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_from_bytes, urlencode

import httpx
import pytest
from defusedxml import ElementTree
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker
from stdnum.no import fodselsnummer

from innsyn.config import Settings
from innsyn.indexing.indexer import catch_up
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.models import (
    Enhet,
    Skjerming,
)
from tests.conftest import make_settings
from tests.factories import add_entry, screen_entry, store
from web import create_app

NOW = dt.datetime.now(dt.UTC)
TARGETS = ["/api/v1/search", "/", "/feed.atom"]
XSS = "<script>alert(1)</script>"


def populate(settings: Settings) -> sessionmaker[Session]:
    """A small store with what the search surfaces treat differently, indexed.

    Agencies with a sub-unit; entries of every journalposttype over several years; a
    document with extracted text and a screened one; a sensitive title inside and one
    outside the retention window; an embargoed entry; a screened correspondent.
    """
    sessions = store(settings)
    blobs = BlobStore(settings.resolved_blob_dir)
    text = blobs.put_text(
        "Vedtaket gjelder reguleringsplan for Fjordbyen gnr 12 bnr 34. Støyskjerm langs E39. "
        "Saken 2024/123-4 ble behandlet i formannskapet. " + XSS
    )
    pdf = blobs.put_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    hidden = blobs.put_text("Helseopplysninger om Per Hemmelig")
    with sessions.begin() as s:
        kommune = Enhet(id="en_k", navn="Fjordvik kommune", orgnummer="964950768")
        etat = Enhet(id="en_e", navn="Plan- og bygningsetaten", parent=kommune)
        fylke = Enhet(id="en_f", navn="Vestland fylkeskommune")
        jp = add_entry(
            s,
            "Vedtak om reguleringsplan for Fjordbyen",
            seq=123,
            nr=4,
            enhet=etat,
            journaldato=dt.date(2026, 3, 1),
            dokumentets_dato=dt.date(2026, 2, 27),
            publisert_dato=NOW,
        )
        screen_entry(jp, pdf.sha256, pdf.size, text.sha256, hidden.sha256)
        add_entry(
            s,
            "Søknad om skjenkebevilling",
            enhet=kommune,
            journaldato=dt.date(2024, 1, 1),
            offentlig_tittel_sensitiv="Søknad om skjenkebevilling - Kari Gammel",
            publisert_dato=NOW - dt.timedelta(days=800),
        )
        add_entry(
            s,
            "Søknad om dispensasjon",
            enhet=kommune,
            journaldato=NOW.date() - dt.timedelta(days=3),
            offentlig_tittel_sensitiv="Søknad om dispensasjon - Ola Fersk",
            publisert_dato=NOW - dt.timedelta(days=3),
        )
        add_entry(
            s, "Embargo-sak om budsjett", enhet=kommune, accessible_after=NOW + dt.timedelta(days=9)
        )
        add_entry(s, None, enhet=fylke, skjerming=Skjerming(skjermingshjemmel="Offl. § 13"))
        types = "IUNXSYZ"
        titles = ["Byggesak", "Søknad om tilskudd", "Klage på vedtak", "Høyring", "Ráđđehus"]
        for i in range(28):
            add_entry(
                s,
                f"{titles[i % len(titles)]} nummer {i} – «Tromsø» & <b>Bodø</b>",
                saksaar=2020 + i % 7,
                enhet=(kommune, etat, fylke)[i % 3],
                journaldato=dt.date(2020 + i % 7, 1 + i % 12, 1 + i % 28),
                journalposttype=types[i % len(types)],
                tittel_language=("nb", "nn", "se", "en")[i % 4],
            )
    catch_up(settings, make_client(settings), sessions)
    return sessions


@pytest.fixture(scope="module")
def site(services, tmp_path_factory) -> Iterator[FlaskClient]:
    """The real app over ``populate``'s store and index (search rate limit out of the way)."""
    cfg = make_settings(
        tmp_path_factory.mktemp("fuzz"), services, rate_limit_search="1000000 per minute"
    )
    populate(cfg)
    yield create_app(cfg).test_client()
    with httpx.Client(timeout=30) as client:
        client.delete(f"{services.opensearch}/{cfg.index_prefix}-*")


def _fodselsnummer(day: int, month: int, year: int, individual: int, space: bool) -> str:
    """A fødselsnummer with valid check digits when they exist, else an 11-digit lookalike."""
    base = f"{day:02d}{month:02d}{year % 100:02d}{individual:03d}"
    d1 = fodselsnummer.calc_check_digit1(base)
    number = base + d1 + fodselsnummer.calc_check_digit2(base + d1)
    number = number[:11].ljust(11, "0")
    return f"{number[:6]} {number[6:]}" if space else number


fnr = st.builds(
    _fodselsnummer,
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(1900, 2039),
    st.integers(0, 999),
    st.booleans(),
)
case_numbers = st.one_of(
    st.builds("{}/{}".format, st.integers(0, 99999), st.integers(0, 10**7)),
    st.builds("{:02d}/{:04d}".format, st.integers(0, 99), st.integers(0, 9999)),
    st.builds(
        "{}/{}-{}".format, st.integers(1900, 2100), st.integers(0, 9999), st.integers(0, 999)
    ),
    st.builds("{}/{}".format, st.integers(0, 99999), st.integers(1900, 2100)),
    st.builds("gnr {} bnr {}".format, st.integers(0, 10**6), st.integers(0, 10**6)),
    st.builds("Gnr.{}/Bnr.{}".format, st.integers(0, 999), st.integers(0, 999)),
)
words = st.sampled_from(
    [
        "søknad",
        "søknadene",
        "Byggesak",
        "reguleringsplan",
        "Fjordbyen",
        "støyskjerm",
        "Ráđđehus",
        "høyring",
        "Fersk",
        "Gammel",
        "budsjett",
        "Helseopplysninger",
        "ÆØÅ",
        "čđŋšŧž",
        "E39",
        "Tromsø",
    ]
)
operators = st.sampled_from(
    [
        "OR",
        "AND",
        "NOT",
        "|",
        "||",
        "-",
        "--",
        "*",
        "**",
        "(",
        ")",
        "()",
        '"',
        '""',
        "'",
        "\\",
        "/",
        "//",
        ":",
        "*:*",
        "_exists_:id",
        "title:x",
        "a~2",
        "x^9",
        "[1 TO 5]",
        "{}",
        "&&",
        "!",
        "?",
        "#",
        "%",
        "%00",
        "+",
        "=",
        ";",
        "\x00",
        "\x1b[31m",
        "\u202e",
        "\ufeff",
        "\u200b",
        "😀",
        "𝔘",
        "‐",
        XSS,
        "../../etc/passwd",
        "C:\\Windows",
    ]
)
token = st.one_of(words, operators, case_numbers, fnr, st.text(max_size=12))
separators = st.sampled_from([" ", "", "  ", "\t", "\n", "-", "\u00a0"])
composed = st.lists(st.tuples(token, separators), max_size=14).map(
    lambda parts: "".join(t + sep for t, sep in parts)
)
nested = st.builds(
    lambda opener, n, middle, close: opener * n + middle + (close * n),
    st.sampled_from(["(", "-", '"', "-(", "(-", "((", "NOT ", "OR "]),
    st.integers(0, 260),
    words,
    st.sampled_from([")", "", " )", '"']),
)
queries = st.one_of(
    composed,
    st.text(max_size=80),
    st.text(min_size=480, max_size=540),
    nested,
    st.builds(lambda w, n: " ".join([w] * n), words, st.integers(1, 260)),
    st.builds(lambda n: "x" * n, st.integers(490, 2000)),
    fnr,
    st.builds("{} {}".format, words, fnr),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


cursors = st.one_of(
    st.lists(json_values, max_size=5).map(_cursor),
    json_values.map(_cursor),
    st.binary(max_size=40).map(lambda b: base64.urlsafe_b64encode(b).decode()),
    st.text(max_size=40),
    st.builds(
        lambda score, date, ident: _cursor([score, date, ident]),
        st.floats(allow_nan=False, allow_infinity=False),
        st.one_of(st.integers(-(2**63), 2**63), st.text(max_size=10), st.none()),
        st.text(max_size=10),
    ),
)
numbers = st.one_of(
    st.integers(-10, 1000).map(str),
    st.text(alphabet=st.characters(whitelist_categories=("Nd", "No")), max_size=3),
    st.sampled_from(["", " 5", "5 ", "1e2", "0x10", "+5", "-0", "２０", "²", "10" * 20]),
    st.text(max_size=6),
)
dates = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.sampled_from(
        ["", "2024-02-30", "2024-13-01", "20240101", "2024-W01-1", "31.12.2024", "0000-00-00"]
    ),
    st.datetimes().map(dt.datetime.isoformat),
    st.text(max_size=12),
)


def _choice(*values: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), st.text(max_size=10))


DATE_PARAMS = [
    f"{f}_{e}" for f in ("journaldato", "dokumentetsdato", "publisertdato") for e in ("from", "to")
]
pairs = st.one_of(
    st.tuples(st.just("q"), queries),
    st.tuples(st.just("size"), numbers),
    st.tuples(st.just("cursor"), cursors),
    st.tuples(st.sampled_from(DATE_PARAMS), dates),
    st.tuples(st.just("sort"), _choice("relevance", "date_desc", "date_asc", "RELEVANCE")),
    st.tuples(st.just("period"), _choice("7d", "30d", "1y", "0d")),
    st.tuples(st.just("journaltype"), st.text(max_size=3)),
    st.tuples(st.just("journalposttype"), _choice("I", "u", "N", "X", "S", "Y", "Z", "ß")),
    st.tuples(st.just("enhet"), st.one_of(_choice("en_k", "en_e", "en_f"), st.text(max_size=300))),
    st.tuples(st.just("language"), _choice("nb", "nn", "se", "en", "und")),
    st.tuples(st.just("saksnummer"), st.one_of(case_numbers, st.text(max_size=30))),
    st.tuples(st.just("has_documents"), _choice("true", "false", "1", "0", "TRUE", "yes")),
    st.tuples(st.just("lang"), _choice("nb", "en", "nn")),
    st.tuples(st.text(max_size=12), st.text(max_size=30)),
)
encoded = st.tuples(st.one_of(st.none(), queries), st.lists(pairs, max_size=8)).map(
    lambda qp: urlencode(([("q", qp[0])] if qp[0] is not None else []) + qp[1])
)
raw = st.one_of(
    st.binary(max_size=60).map(lambda b: "q=" + quote_from_bytes(b)),
    st.text(alphabet=string.ascii_letters + string.digits + "%&=+;?#[]", max_size=40),
    st.sampled_from(["q=%", "q=%zz", "q=%FF%FE", "q=%C3", "&&&", "=", "q", "size=%00"]),
)
query_strings = st.one_of(encoded, encoded, encoded, raw)


def check_api(resp: Any) -> None:
    """200 with a result, or a 4xx in the API's one error shape."""
    assert resp.mimetype == "application/json", resp.mimetype
    body = resp.get_json()
    if resp.status_code == 200:
        assert isinstance(body["total"], int) and body["total"] >= 0
        assert isinstance(body["items"], list) and len(body["items"]) <= 100
        assert isinstance(body["facets"], dict)
        assert body["next_cursor"] is None or isinstance(body["next_cursor"], str)
        assert "Hemmelig" not in resp.get_data(as_text=True)
        return
    assert 400 <= resp.status_code < 500, (resp.status_code, body)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "parameter"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error.get("parameter", ""), str)


def check_page(resp: Any) -> None:
    assert resp.status_code == 200 or 400 <= resp.status_code < 500, resp.status_code
    assert resp.mimetype == "text/html", resp.mimetype
    html = resp.get_data(as_text=True)
    assert XSS not in html
    assert "Hemmelig" not in html


def check_feed(resp: Any) -> None:
    assert resp.status_code == 200 or 400 <= resp.status_code < 500, resp.status_code
    if resp.status_code != 200:
        return
    assert resp.mimetype == "application/atom+xml", resp.mimetype
    root = ElementTree.fromstring(resp.get_data())
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert "Hemmelig" not in resp.get_data(as_text=True)


CHECKS = {"/api/v1/search": check_api, "/": check_page, "/feed.atom": check_feed}


@pytest.mark.parametrize("target", TARGETS)
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(query_string=query_strings)
@example(query_string="size=%C2%B2")
@example(query_string="size=" + "1" * 5000)
@example(query_string="cursor=" + _cursor([1, 2, 3, "jp_1"]))
@example(query_string="sort=date_asc&cursor=" + _cursor([1.5e300, "jp_1"]))
@example(query_string="cursor=" + _cursor([float("nan"), 0, "jp_1"]))
@example(query_string="q=%00%01%1b")
@example(query_string="q=%22%3C%26")
@example(query_string=urlencode({"q": "(" * 495 + "x"}))
@example(query_string=urlencode({"q": "-" * 498 + "x"}))
@example(query_string=urlencode({"q": "-(" * 240 + "x"}))
@example(query_string=urlencode({"q": "(" * 10 + "søknad OR -(byggesak E39)" + ")" * 10}))
def test_fuzzed_requests_never_fail(site, target, query_string):
    resp = site.get(target, query_string=query_string)
    event(f"status {resp.status_code}")
    assert resp.status_code < 500, (resp.status_code, query_string, resp.get_data()[:300])
    CHECKS[target](resp)


def test_fuzzer_reaches_results_and_each_error_code(site):
    """The targets answer real results and the documented errors (so the fuzz can fail)."""
    found = site.get("/api/v1/search", query_string={"q": "søknadene"}).get_json()
    assert found["total"] == 8
    assert "<mark>" in site.get("/?q=støyskjerm").get_data(as_text=True)
    feed = ElementTree.fromstring(site.get("/feed.atom?q=byggesak").get_data())
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 6
    for sort in ("relevance", "date_asc"):
        first = site.get("/api/v1/search", query_string={"q": "nummer", "size": 2, "sort": sort})
        cursor = first.get_json()["next_cursor"]
        second = site.get(
            "/api/v1/search",
            query_string={"q": "nummer", "size": 2, "sort": sort, "cursor": cursor},
        )
        assert second.status_code == 200, second.get_json()
        assert {i["id"] for i in second.get_json()["items"]}.isdisjoint(
            i["id"] for i in first.get_json()["items"]
        )
    valid = next(
        n
        for i in range(1000)
        if fodselsnummer.is_valid(n := _fodselsnummer(1, 1, 1990, i, space=False))
    )
    for query, status, code in [
        ({"size": "0"}, 400, "invalid_parameter"),
        ({"q": "x" * 501}, 413, "query_too_long"),
        ({"q": f"søknad {valid}"}, 400, "fodselsnummer_in_query"),
        ({"cursor": _cursor(["x"])}, 400, "invalid_parameter"),
    ]:
        resp = site.get("/api/v1/search", query_string=query)
        check_api(resp)
        assert resp.status_code == status
        assert resp.get_json()["error"]["code"] == code
