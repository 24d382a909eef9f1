"""Search, pages, feed and API against a real index and store (Flask test client)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from innsyn.indexing.indexer import catch_up
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.models import (
    Enhet,
    Journalpost,
    Korrespondansepart,
)
from tests.conftest import make_settings
from tests.factories import add_entry, screen_entry, store
from web import create_app

NOW = dt.datetime.now(dt.UTC)
PDF_BYTES = b"%PDF-1.4\n" + bytes(range(256)) * 40


FNR_SPELLED = "01.01.90\u00a0100 46"
"""A valid fødselsnummer (01019010046) as a person might type it."""


@pytest.fixture
def site(settings):
    sessions = store(settings)
    blobs = BlobStore(settings.resolved_blob_dir)
    text = blobs.put_text(
        "Vedtaket gjelder reguleringsplan for Fjordbyen. "
        "<script>alert('x')</script> Støyskjerm langs E39. "
        f"Tiltakshaver har fødselsnummer {FNR_SPELLED} i saken om støyskjerm."
    )
    pdf = blobs.put_bytes(PDF_BYTES)
    hidden = blobs.put_text("Helseopplysninger om Per Hemmelig")
    with sessions.begin() as s:
        kommune = Enhet(id="en_k", navn="Fjordvik kommune")
        etat = Enhet(id="en_e", navn="Plan- og bygningsetaten", parent=kommune)
        jp = add_entry(
            s,
            "Vedtak om reguleringsplan",
            seq=55,
            nr=2,
            enhet=etat,
            journaldato=dt.date(2026, 3, 1),
            publisert_dato=NOW,
        )
        screen_entry(jp, pdf.sha256, pdf.size, text.sha256, hidden.sha256)
        add_entry(
            s,
            "Søknad om tilskudd til idrettslag",
            enhet=kommune,
            journaldato=dt.date(2025, 6, 1),
            journalposttype="U",
        )
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
            journaldato=dt.date(2026, 1, 5),
            offentlig_tittel_sensitiv="Søknad om dispensasjon - Ola Fersk",
            publisert_dato=NOW - dt.timedelta(days=10),
        )
        add_entry(
            s,
            "Embargo-sak om budsjett",
            enhet=kommune,
            accessible_after=NOW + dt.timedelta(days=30),
        )
        for i in range(25):
            add_entry(
                s,
                f"Byggesak nummer {i}",
                enhet=etat,
                journaldato=dt.date(2026, 2, 1) + dt.timedelta(days=i),
            )
    catch_up(settings, make_client(settings), sessions)
    client = create_app(settings).test_client()
    client.sessions = sessions  # type: ignore[attr-defined]
    return client


def test_a_fodselsnummer_in_document_text_shows_nowhere(site, settings):
    """Issue 14 item 10: written with dots and a no-break space in the text of a public
    document, it is redacted in the snippets, the text page, the API and the index."""
    digits = FNR_SPELLED.replace(".", "").replace("\u00a0", "").replace(" ", "")
    hit = _api(site, q="tiltakshaver")["items"][0]
    assert hit["snippets"] and "fødselsnummer fjernet" in "".join(hit["snippets"])
    api_text = site.get("/api/v1/dokument/db_pub").get_json()["text"]
    page = site.get("/dokument/db_pub").get_data(as_text=True)
    raw = make_client(settings).search(
        index=f"{settings.index_prefix}-journalpost",
        body={"query": {"match": {"dokument_tekst": "tiltakshaver"}}},
    )
    assert raw["hits"]["hits"], "the document's entry is in the index"
    for shown in ("".join(hit["snippets"]), api_text, page, str(raw)):
        flat = shown.replace(".", "").replace("\u00a0", "").replace(" ", "")
        assert digits not in flat and digits[6:] not in flat
    assert "fødselsnummer fjernet" in api_text
    assert _api(site, q=digits[6:])["total"] == 0


def _api(client, **args):
    resp = client.get("/api/v1/search", query_string=args)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_search_by_title_and_document_text(site):
    assert _api(site, q="reguleringsplan")["total"] == 1
    hit = _api(site, q="støyskjerm")["items"][0]
    assert hit["offentlig_tittel"] == "Vedtak om reguleringsplan"
    assert any("<mark>" in s for s in hit["snippets"])
    assert "<script>" not in repr(hit["snippets"])
    assert "&lt;script&gt;" in "".join(hit["snippets"]) or "script" not in "".join(hit["snippets"])


def test_inflection_and_case_numbers(site):
    assert _api(site, q="søknadene")["total"] == 3
    assert _api(site, q="24/0055")["total"] == 1
    assert _api(site, q="2024/55-2")["items"][0]["journalpost_nummer"] == "2024/55-2"


def test_facets_and_agency_filter_include_sub_units(site):
    body = _api(site, q="", size=1)
    assert body["total"] == 29
    years = {f["key"]: f["count"] for f in body["facets"]["year"]}
    assert years["2026"] >= 26
    assert _api(site, enhet="en_k")["total"] == 29
    assert _api(site, enhet="en_e")["total"] == 26
    assert _api(site, journalposttype="U")["total"] == 1


def test_embargo_invisible_everywhere(site):
    assert _api(site, q="budsjett")["total"] == 0
    assert "Embargo-sak" not in site.get("/?q=budsjett").get_data(as_text=True)
    with site.sessions() as s:
        hidden = s.scalars(
            select(Journalpost.id).where(Journalpost.offentlig_tittel.like("Embargo%"))
        ).one()
    assert site.get(f"/journalpost/{hidden}").status_code == 404
    assert site.get(f"/api/v1/journalpost/{hidden}").status_code == 404
    assert "Embargo" not in site.get("/feed.atom").get_data(as_text=True)


def test_sensitive_names_only_within_retention(site):
    assert _api(site, q="Fersk")["total"] == 1
    assert _api(site, q="Gammel")["total"] == 0


def test_a_correspondent_named_only_sensitively_is_left_out_after_the_window(site):
    with site.sessions.begin() as s:
        jp = add_entry(s, "Brev om gjerde", publisert_dato=NOW - dt.timedelta(days=800))
        jp.korrespondanseparter = [
            Korrespondansepart(navn=None, navn_sensitiv="Ola Gammel", korrespondanseparttype="A")
        ]
        jp_id = jp.id
    body = site.get(f"/api/v1/journalpost/{jp_id}").get_json()
    assert body["korrespondansepart"] == []
    page = site.get(f"/journalpost/{jp_id}").get_data(as_text=True)
    assert "None" not in page and "Ola Gammel" not in page


def test_screened_parts_never_shown(site):
    hit = _api(site, q="reguleringsplan")["items"][0]
    page = site.get(f"/journalpost/{hit['id']}").get_data(as_text=True)
    api = site.get(f"/api/v1/journalpost/{hit['id']}").get_data(as_text=True)
    for surface in (page, api, repr(hit)):
        assert "Per Hemmelig" not in surface and "Legeerklæring" not in surface
    assert "Statens vegvesen" in page
    assert site.get("/dokument/db_sec").status_code == 404
    assert site.get("/api/v1/dokument/db_sec/content").status_code == 404
    assert _api(site, q="Helseopplysninger")["total"] == 0


def test_document_text_is_escaped_and_highlighted(site):
    html = site.get("/dokument/db_pub?q=Fjordbyen").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Fjordbyen</mark>" in html


def test_a_failed_extraction_says_so_without_its_details(site):
    """Issue 14 item 12: the error of a failed extraction may name a source URL with a
    token or a server path; the public page and API say only that the text could not be
    read."""
    from sqlalchemy import update

    from innsyn.store.models import Dokumentobjekt

    detail = "https://arkiv.example.no/fil?token=s3cr3t-tok: HTTP 500; /var/lib/innsyn/blobs/ab"
    with site.sessions.begin() as s:
        s.execute(
            update(Dokumentobjekt)
            .where(Dokumentobjekt.dokumentbeskrivelse_id == "db_pub")
            .values(extraction_status="failed", extraction_error=detail)
        )
    hit = _api(site, q="reguleringsplan")["items"][0]
    surfaces = [
        site.get("/dokument/db_pub").get_data(as_text=True),
        site.get("/api/v1/dokument/db_pub").get_data(as_text=True),
        site.get(f"/journalpost/{hit['id']}").get_data(as_text=True),
        site.get(f"/api/v1/journalpost/{hit['id']}").get_data(as_text=True),
    ]
    assert "kunne ikke hentes ut" in surfaces[2], "the entry page says the text failed"
    for shown in surfaces:
        assert "s3cr3t" not in shown and "/var/lib" not in shown and "arkiv.example" not in shown


def test_original_with_range_and_safe_headers(site):
    full = site.get("/dokument/db_pub/original")
    assert full.status_code == 200 and full.data == PDF_BYTES
    assert full.headers["Cache-Control"].startswith("private")
    assert full.headers["Content-Type"] == "application/pdf"
    assert full.headers["X-Content-Type-Options"] == "nosniff"
    assert "inline" in full.headers.get("Content-Disposition", "inline")
    part = site.get("/api/v1/dokument/db_pub/content", headers={"Range": "bytes=9-18"})
    assert part.status_code == 206
    assert part.data == PDF_BYTES[9:19]
    assert part.headers["Content-Range"] == f"bytes 9-18/{len(PDF_BYTES)}"


def test_cursor_paging_returns_every_hit_once(site):
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        args = {"q": "byggesak", "size": 7, "sort": "date_desc"}
        if cursor:
            args["cursor"] = cursor
        body = _api(site, **args)
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 25 and len(set(seen)) == 25


def test_api_error_shape_and_codes(site):
    for url, status, code, param in [
        ("/api/v1/search?size=0", 400, "invalid_parameter", "size"),
        ("/api/v1/search?q=" + "x" * 501, 413, "query_too_long", "q"),
        ("/api/v1/journalpost/nope", 404, "not_found", None),
    ]:
        resp = site.get(url)
        body = resp.get_json()
        assert resp.status_code == status
        assert set(body) == {"error"}
        assert body["error"]["code"] == code and body["error"]["message"]
        assert body["error"].get("parameter") == param


def test_cors_and_openapi(site):
    resp = site.get("/api/v1/search?q=vedtak")
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    spec = site.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/search" in spec["paths"]
    assert "GET /api/v1/search" in site.get("/api/v1/docs").get_data(as_text=True)


def test_pages_render_in_both_languages(site):
    nb = site.get("/?q=søknad").get_data(as_text=True)
    en = site.get("/?q=søknad&lang=en").get_data(as_text=True)
    assert 'lang="nb"' in nb and "treff" in nb
    assert 'lang="en"' in en and "results" in en
    assert re.search(r'<link rel="alternate" type="application/atom\+xml"', nb)
    sak = _api(site, q="reguleringsplan")["items"][0]["saksmappe"]["id"]
    assert "Vedtak om reguleringsplan" in site.get(f"/saksmappe/{sak}").get_data(as_text=True)
    assert "Plan- og bygningsetaten" in site.get("/enhet/en_e").get_data(as_text=True)


def test_feed_lists_newest_matches(site):
    resp = site.get("/feed.atom?q=byggesak")
    assert resp.mimetype == "application/atom+xml"
    assert resp.get_data(as_text=True).count("<entry>") == 25


def test_opensearch_down_is_503(services, tmp_path):
    down = make_settings(
        tmp_path, services, opensearch_urls=["http://127.0.0.1:9"], opensearch_timeout=2
    )
    client = create_app(down).test_client()
    resp = client.get("/api/v1/search?q=x")
    assert resp.status_code == 503
    assert resp.get_json()["error"]["code"] == "search_unavailable"
    assert client.get("/?q=x").status_code == 503


def test_fodselsnummer_refused_in_ui_and_api(site):
    resp = site.get("/api/v1/search?q=01019012345")
    if resp.status_code == 400:
        assert resp.get_json()["error"]["code"] == "fodselsnummer_in_query"
    from stdnum.no import fodselsnummer

    valid = next(
        n
        for i in range(10**10, 10**10 + 5000)
        if fodselsnummer.is_valid(n := f"0101901{i % 10000:04d}")
    )
    api = site.get(f"/api/v1/search?q={valid}")
    assert api.status_code == 400
    assert api.get_json()["error"]["code"] == "fodselsnummer_in_query"
    ui = site.get(f"/?q={valid}")
    assert ui.status_code == 400 and "fødselsnummer" in ui.get_data(as_text=True)


def test_api_answers_are_byte_for_byte_those_of_the_default_json_and_client(site, settings):
    """orjson (OrjsonSerializer for OpenSearch's answers) changes no byte of the API's
    answers, nor their status or headers (the rate-limit counters aside, which move with
    every request)."""
    from flask.json.provider import DefaultJSONProvider
    from opensearchpy import OpenSearch

    with site.sessions() as s:
        jp = s.scalars(
            select(Journalpost).where(Journalpost.offentlig_tittel.like("Vedtak%"))
        ).one()
        jp_id, sak_id = jp.id, jp.saksmappe_id
    urls = [
        f"/api/v1/search?{q}"
        for q in (
            "",
            "q=søknad",
            "q=støyskjerm",
            "q=reguleringsplan&size=3",
            "q=byggesak&size=7&sort=date_desc",
            "q=%22søknad+om%22",
            "q=24/0055",
            "q=søknad*",
            "journalposttype=U&journaldato_from=2020-01-01",
            "enhet=en_e&sort=date_asc&size=4",
            "q=Fersk",
            "q=budsjett",
            "size=0",
            "q=01019012345",
            "sort=nope",
        )
    ]
    urls += [
        f"/api/v1/journalpost/{jp_id}",
        f"/api/v1/saksmappe/{sak_id}",
        "/api/v1/dokument/db_pub",
        "/api/v1/enhet",
        "/api/v1/enhet/en_k",
        "/api/v1/journalpost/nope",
        "/api/v1/openapi.json",
        "/healthz",
    ]
    app = site.application
    cursor = site.get("/api/v1/search?q=byggesak&size=7").get_json()["next_cursor"]
    urls.append(f"/api/v1/search?q=byggesak&size=7&cursor={cursor}")

    def answers() -> list[tuple[int, list[tuple[str, str]], bytes]]:
        out = []
        for url in urls:
            resp = site.get(url)
            # a cursor holds its moment and snapshot: it differs from one run to the next
            data = re.sub(rb'"next_cursor":"[^"]+"', b'"next_cursor":"~"', resp.data)
            headers = [
                (k, v)
                for k, v in resp.headers
                if not k.startswith("X-RateLimit")
                and k not in ("Retry-After", "Date")
                and (k != "Content-Length" or data == resp.data)
            ]
            out.append((resp.status_code, headers, data))
        return out

    ours = answers()
    app.json = DefaultJSONProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["innsyn"].__dict__["opensearch"] = OpenSearch(
        hosts=settings.opensearch_urls, timeout=settings.opensearch_timeout
    )
    default = answers()
    assert [a[0] for a in ours].count(200) >= 18
    for url, a, b in zip(urls, ours, default, strict=True):
        assert a == b, url
