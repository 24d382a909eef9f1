"""The documents harvester against a real web site on 127.0.0.1, with real Tika and
OpenSearch: HTML index, sitemap, RSS and Atom; conditional GET on re-harvest."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from harvesters.documents import DocumentsHarvester
from innsyn.harvest.contract import HarvestError
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.http_client import HttpClient, HttpPolicy
from innsyn.store.models import Dokumentobjekt, Journalpost
from tests.factories import store
from tests.httpsource import DocumentSite


def _http():
    return HttpClient(HttpPolicy(allow_private=True, backoff=0.01))


@pytest.fixture
def site():
    with DocumentSite() as s:
        s.publish(
            "budsjett.txt",
            b"Budsjett for kommunen 2027, vedtatt av kommunestyret.",
            "Budsjett 2027",
        )
        s.publish(
            "plan.html",
            b"<html><body><p>Kommuneplanens arealdel, horingsutkast.</p></body></html>",
            "Kommuneplan",
            "text/html",
        )
        yield s


@pytest.mark.parametrize("listing", ["/sitemap.xml", "/feed.rss", "/feed.atom", "/index.html"])
def test_every_listing_kind(offline_settings, site, listing):
    sessions = store(offline_settings)
    h = DocumentsHarvester(f"{site.base}{listing}", http=_http())
    report = harvest(h, RunContext(offline_settings, sessions, "docs", extract=False, index=False))
    assert report.counts["new"] == 2, report.errors
    with sessions() as s:
        urls = set(s.scalars(select(Dokumentobjekt.source_uri)))
        assert urls == {f"{site.base}/docs/budsjett.txt", f"{site.base}/docs/plan.html"}
        assert s.scalar(select(func.count()).where(Dokumentobjekt.sha256.is_not(None))) == 2
        titles = set(s.scalars(select(Journalpost.offentlig_tittel)))
    if listing != "/sitemap.xml":
        assert titles == {"Budsjett 2027", "Kommuneplan"}


@pytest.mark.services
def test_unchanged_documents_cost_one_304_and_no_extraction(settings, site):
    sessions = store(settings)
    state: dict = {}
    h = DocumentsHarvester(f"{site.base}/index.html", http=_http(), state=state)
    first = harvest(h, RunContext(settings, sessions, "docs"))
    assert first.extraction["tika_calls"] == 2, first.extraction

    site.reset_counts()
    h2 = DocumentsHarvester(f"{site.base}/index.html", http=_http(), state=h.state)
    again = harvest(h2, RunContext(settings, sessions, "docs"))
    assert again.counts["unchanged"] == 2
    assert again.extraction["tika_calls"] == 0
    docs = [r for r in site.requests if r.path.startswith("/docs/")]
    assert len(docs) == 2 and all(r.status == 304 for r in docs)
    assert all("if-none-match" in r.headers for r in docs)

    site.publish("budsjett.txt", b"Revidert budsjett for kommunen 2027.", "Budsjett 2027")
    del site.docs["plan.html"]
    h3 = DocumentsHarvester(f"{site.base}/index.html", http=_http(), state=h2.state)
    third = harvest(h3, RunContext(settings, sessions, "docs"))
    assert third.counts["updated"] == 1 and third.counts["deleted"] == 1
    assert third.extraction["tika_calls"] == 1
    from innsyn.indexing.names import alias_name
    from innsyn.search_client import make_client

    client = make_client(settings)
    client.indices.refresh(index=alias_name(settings, "journalpost"))
    hits = client.search(
        index=alias_name(settings, "journalpost"),
        body={"query": {"query_string": {"query": "revidert"}}},
    )["hits"]["total"]["value"]
    assert hits == 1


def test_listing_not_found_is_a_clear_error(offline_settings, site):
    sessions = store(offline_settings)
    h = DocumentsHarvester(f"{site.base}/nope.html", http=_http())
    with pytest.raises(HarvestError, match=r"listing unavailable.*404"):
        harvest(h, RunContext(offline_settings, sessions, "docs", extract=False, index=False))


def test_listing_disallowed_by_robots(offline_settings, site):
    sessions = store(offline_settings)
    h = DocumentsHarvester(f"{site.base}/private/index.html", http=_http())
    with pytest.raises(HarvestError, match=r"robots\.txt"):
        harvest(h, RunContext(offline_settings, sessions, "docs", extract=False, index=False))


def test_hostile_feed_is_refused(offline_settings, site):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item>'
        b"<title>&b;</title></item></channel></rss>"
    )
    site.route = lambda path, q, h: (200, {"Content-Type": "application/rss+xml"}, bomb)
    sessions = store(offline_settings)
    h = DocumentsHarvester(f"{site.base}/feed.rss", http=_http())
    with pytest.raises(HarvestError):
        harvest(h, RunContext(offline_settings, sessions, "docs", extract=False, index=False))
