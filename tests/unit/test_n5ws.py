"""The N5WS harvester against a real Noark 5 web-service stand-in on 127.0.0.1."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from harvesters.n5ws import N5wsHarvester
from innsyn.harvest.contract import HarvestError
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.http_client import HttpClient, HttpPolicy
from innsyn.store.models import Dokumentobjekt, Journalpost, Korrespondansepart
from tests.factories import store
from tests.httpsource import N5wsSite


def _harvest(settings, sessions, site, state=None):
    http = HttpClient(HttpPolicy(allow_private=True, backoff=0.01))
    h = N5wsHarvester(f"{site.base}/api", {"page_size": "3"}, http=http, state=state)
    report = harvest(h, RunContext(settings, sessions, "n5", extract=False, index=False))
    return report, h.state


@pytest.fixture
def site():
    with N5wsSite(entries=7) as s:
        yield s


def test_full_then_incremental(offline_settings, site):
    sessions = store(offline_settings)
    report, state = _harvest(offline_settings, sessions, site)
    assert report.counts["new"] == 7, report.errors
    assert report.counts["saksmappe_new"] == 1
    assert state["since"].startswith("2026-11-01")
    first = site.count()
    assert first > 7 * 4
    pages = site.count(lambda r: r.path == "/api/sakarkiv/journalpost")
    assert pages == 3  # 7 entries, server caps pages at 4, next links followed

    with sessions() as s:
        jp = s.scalar(select(Journalpost).where(Journalpost.system_id == "jp-3"))
        assert jp.offentlig_tittel == "Søknad om byggetillatelse gnr 3/13"
        assert jp.saksmappe is not None and jp.saksmappe.system_id == "sak-1"
        assert jp.journalposttype == "N"
        assert s.scalar(select(func.count()).select_from(Dokumentobjekt)) == 7
        assert s.scalar(select(func.count()).where(Dokumentobjekt.sha256.is_not(None))) == 7
        names = set(s.scalars(select(Korrespondansepart.navn)))
        assert names == {"Frank Grimes"}

    site.reset_counts()
    site.touch("jp-2", offentligTittel="Søknad om dispensasjon gnr 2/12")
    site.add_entry("jp-8", "sak-1", "Klage på vedtak om skjenkebevilling")
    report, state2 = _harvest(offline_settings, sessions, site, state)
    assert report.counts["new"] == 1 and report.counts["updated"] == 1
    assert report.counts["unchanged"] == 0
    assert state2["since"] > state["since"]
    assert site.count() < first / 3
    fetched_children = {r.path.split("/")[4] for r in site.requests if r.path.count("/") >= 5}
    assert fetched_children == {"jp-2", "jp-8"}
    filters = [
        r.query.get("$filter") for r in site.requests if r.path == "/api/sakarkiv/journalpost"
    ]
    assert filters[0] == [f"endretDato gt {state['since']}"]
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Journalpost)) == 8
        jp = s.scalar(select(Journalpost).where(Journalpost.system_id == "jp-2"))
        assert jp.offentlig_tittel == "Søknad om dispensasjon gnr 2/12"


def test_internal_titles_and_identity_numbers_never_stored(offline_settings, site):
    sessions = store(offline_settings)
    site.add_entry("jp-x", "sak-1", "", skjerming={"skjermingshjemmel": "Offl. § 13"})
    _harvest(offline_settings, sessions, site)
    with sessions() as s:
        titles = list(s.scalars(select(Journalpost.offentlig_tittel)))
        assert not any("INTERNAL" in (t or "") for t in titles)
        assert (
            s.scalar(select(Journalpost.offentlig_tittel).where(Journalpost.system_id == "jp-x"))
            is None
        )
    import sqlite3

    raw = sqlite3.connect(offline_settings.data_dir / "innsyn.db").iterdump()
    dump = "\n".join(raw)
    assert "09088512345" not in dump and "Ola Nordmann" not in dump


def test_documents_and_files_repeating_a_screened_title_are_withheld(offline_settings, site):
    """Issue 14 items 7 and 9: n5ws applies the rule the other harvesters apply, in every
    spelling: a document title or file name that repeats the entry's withheld title (any
    case, punctuation, order, words run together) is withheld; the file gets a neutral
    name."""
    from innsyn.store.models import Dokumentbeskrivelse, Dokumentobjekt

    sessions = store(offline_settings)
    site.add_entry(
        "jp-x",
        "sak-1",
        "",
        tittel="Barnevernsak Kari Fjelltoppen",
        skjerming={"skjermingshjemmel": "Offl. § 13"},
    )
    site.documents["jp-x"] = {"offentligTittel": "Vedtak: FJELLTOPPEN,  kari - barnevernsak"}
    site.objects["jp-x"] = {"filnavn": "kari_fjelltoppen-BARNEVERNSAK.pdf"}
    site.documents["jp-1"] = {"offentligTittel": "Vedtak om byggetillatelse"}
    site.objects["jp-1"] = {"filnavn": "vedtak-byggetillatelse.pdf"}
    _harvest(offline_settings, sessions, site)
    with sessions() as s:
        docs = {d.id: d for d in s.scalars(select(Dokumentbeskrivelse))}
        by_entry = {d.journalpost.system_id: d for d in docs.values()}
        assert by_entry["jp-x"].tittel is None
        assert by_entry["jp-1"].tittel == "Vedtak om byggetillatelse"
        names = {
            o.dokumentbeskrivelse.journalpost.system_id: o.filnavn
            for o in s.scalars(select(Dokumentobjekt))
        }
    assert names["jp-x"] == "dokument-1.pdf"
    assert names["jp-1"] == "vedtak-byggetillatelse.pdf"
    import sqlite3

    dump = "\n".join(sqlite3.connect(offline_settings.data_dir / "innsyn.db").iterdump())
    assert "fjelltoppen" not in dump.lower()


def test_server_error_then_success_is_retried(offline_settings, site):
    sessions = store(offline_settings)
    site.fail("/api/sakarkiv/journalpost", 500)
    report, _ = _harvest(offline_settings, sessions, site)
    assert report.counts["new"] == 7
    assert site.count(lambda r: r.path == "/api/sakarkiv/journalpost" and r.status == 500) == 1


def test_service_down_is_a_clear_error_and_keeps_state(offline_settings, site):
    sessions = store(offline_settings)
    site.fail("/api/sakarkiv/", 503, 503, 503, 503, 503)
    with pytest.raises(HarvestError, match="N5WS service unavailable"):
        _harvest(offline_settings, sessions, site, {"since": "2026-01-01T00:00:00+00:00"})


def test_not_an_n5ws_service(offline_settings):
    from tests.httpsource import DocumentSite

    sessions = store(offline_settings)
    with DocumentSite() as other:
        http = HttpClient(HttpPolicy(allow_private=True, retries=0))
        h = N5wsHarvester(f"{other.base}/robots.txt", http=http)
        with pytest.raises(HarvestError, match="not JSON"):
            harvest(h, RunContext(offline_settings, sessions, "n5", extract=False, index=False))
