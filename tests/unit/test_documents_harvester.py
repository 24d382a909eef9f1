"""The documents harvester against a real web site on 127.0.0.1 (no Tika, no index): HTML
index, sitemap, RSS and Atom listings, and the listings it refuses."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from harvesters.documents import DocumentsHarvester
from innsyn.harvest.contract import HarvestError
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.http_client import HttpClient, HttpPolicy
from innsyn.store.models import Dokumentobjekt, Journalpost
from tests.factories import document_site, store


def _http():
    return HttpClient(HttpPolicy(allow_private=True, backoff=0.01))


@pytest.fixture
def site():
    with document_site() as s:
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
