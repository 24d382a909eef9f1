"""Fields of a source that decide what is shown and when (issue 12): a future
``publisertDato``, redacted document variants (``variantformat``) and embargo dates,
harvested from real source shapes into a real store and index."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time

import pytest
from sqlalchemy import select

from harvesters.einnsyn_jsonld import EinnsynJsonldHarvester
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.indexing.indexer import catch_up
from innsyn.indexing.names import alias_name
from innsyn.public.shapes import Moment, entry_page
from innsyn.search.params import SearchParams
from innsyn.search.searcher import search
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentbeskrivelse, Dokumentobjekt, Journalpost, utcnow
from tests.factories import store

FULLTEKST = "felleslosninger-docs/resources/einnsyn/eksempelfiler"
SKJERMING_JSONLD = f"{FULLTEKST}/1_jpost_skjerming_minimum_jsonld-kompakt.jsonld"


def _jsonld(testdata, tmp_path, name, **entry_fields):
    """Digdir's minimum screening example with ``entry_fields`` added to its entry and a
    correspondent named (sensitively) Kari Fremtidsdatert."""
    doc = json.loads((testdata / SKJERMING_JSONLD).read_text(encoding="utf-8"))
    for node in doc["@graph"]:
        if node["@type"] == "arkiv:Journalpost":
            node.update(entry_fields)
            node.pop("arkiv:skjerming")
        if node["@type"] == "arkiv:Korrespondansepart":
            node["arkiv:korrespondansepartNavn_SENSITIV"] = "Kari Fremtidsdatert"
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_future_publication_date_does_not_keep_names_past_their_window(
    settings, testdata, tmp_path
):
    """A source that states a publisertDato in 2100 gets the harvest time stored instead
    (with a warning), so the names in the sensitive variants vanish from the page and the
    search once the window measured from the harvest has passed, and a later harvest
    stating the same future date does not move the window on."""
    sessions = store(settings)
    client = make_client(settings)
    source = _jsonld(
        testdata, tmp_path, "fremtid.jsonld", **{"arkiv:publisertDato": "2100-01-01T00:00:00Z"}
    )
    before = utcnow()
    report = harvest(
        EinnsynJsonldHarvester(str(source)), RunContext(settings, sessions, "src", extract=False)
    )
    after = utcnow()
    assert any("publisertDato" in w and "2100" in w for w in report.warnings)
    with sessions() as s:
        jp = s.scalars(select(Journalpost)).one()
        first = jp.publisert_dato
        assert first is not None and before <= first <= after
    catch_up(settings, client, sessions)
    days = settings.sensitive_retention_days
    inside = after + dt.timedelta(days=days - 1)
    past = after + dt.timedelta(days=days + 1)

    def found(now):
        return search(settings, client, SearchParams(q="Fremtidsdatert"), now=now).total

    def page(now):
        with sessions() as s:
            jp = s.scalars(select(Journalpost)).one()
            return json.dumps(entry_page(jp, Moment.of(now, settings)), ensure_ascii=False)

    assert found(inside) == 1 and "Kari Fremtidsdatert" in page(inside), "inside the window"
    assert found(past) == 0
    shown = page(past)
    assert "Kari Fremtidsdatert" not in shown and "SENSITIV" not in shown
    assert "journalreg_offentligTittel" in shown, "the entry itself stays public"

    harvest(
        EinnsynJsonldHarvester(str(source)), RunContext(settings, sessions, "src", extract=False)
    )
    with sessions() as s:
        assert s.scalars(select(Journalpost.publisert_dato)).one() == first


FULLTEKST_XML = f"{FULLTEKST}/2_jpost_fulltekst_noark5.xml"
REDACTED_OBJECT = """<dokumentobjekt>
					<versjonsnummer>1</versjonsnummer>
					<variantformat>{variant}</variantformat>
					<format>TXT</format>
					<referanseDokumentfil>dokumenter/sladdet.txt</referanseDokumentfil>
				</dokumentobjekt>
			</dokumentbeskrivelse>"""


def _extraction(testdata, root, variant=None):
    """Digdir's full-text example as a Noark 5 extraction in ``root``: its document's
    production format is a local text file naming Zqhemmelig Persen; with ``variant``, a
    second object of that variantformat holds the redacted text."""
    xml = (testdata / FULLTEKST_XML).read_text(encoding="utf-8")
    xml = xml.replace("http://fillager/207356_1_0.MSG", "dokumenter/original.txt")
    xml = xml.replace("<format>MSG</format>", "<format>TXT</format>")
    xml = xml.replace("<sjekksum>PH</sjekksum>", "").replace(
        "<filstoerrelse>206848</filstoerrelse>", ""
    )
    if variant is not None:
        xml = xml.replace("</dokumentbeskrivelse>", REDACTED_OBJECT.format(variant=variant), 1)
    (root / "dokumenter").mkdir(parents=True, exist_ok=True)
    (root / "dokumenter" / "original.txt").write_text(
        "Klagen fra Zqhemmelig Persen gjelder vedtaket om byggetillatelse i Fjordvik.",
        encoding="utf-8",
    )
    (root / "dokumenter" / "sladdet.txt").write_text(
        "Klagen fra [skjermet] gjelder vedtaket om byggetillatelse i Fjordvik.",
        encoding="utf-8",
    )
    (root / "arkivstruktur.xml").write_text(xml, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "variant", ["Dokument hvor deler av innholdet er skjermet", "O", "Skjermet"]
)
def test_a_redacted_variant_alone_is_stored_indexed_and_served(
    settings, testdata, tmp_path, variant
):
    """A Noark 5 document first harvested with its production format only is public
    whole; once a later harvest brings its redacted variant (every spelling of it), the
    unredacted file is gone from the store, the index and the download route, and only
    the redacted one is searched and served."""
    from harvesters.noark5 import Noark5Harvester
    from web import create_app

    sessions = store(settings)
    client = make_client(settings)
    root = tmp_path / "uttrekk"

    def run():
        return harvest(Noark5Harvester(str(root)), RunContext(settings, sessions, "src"))

    def secret_found():
        raw = client.search(
            index=alias_name(settings, "journalpost"),
            body={"query": {"match": {"dokument_tekst": "Zqhemmelig"}}},
        )
        api = app.get("/api/v1/search", query_string={"q": "Zqhemmelig"}).get_json()
        return len(raw["hits"]["hits"]) + api["total"]

    app = create_app(settings).test_client()
    _extraction(testdata, root)
    run()
    with sessions() as s:
        doc = s.scalars(select(Dokumentbeskrivelse)).one()
        doc_id = doc.id
        assert [o.variantformat for o in doc.dokumentobjekter] == ["Produksjonsformat"]
    assert secret_found() == 2, "before the redacted variant, the original is public"

    _extraction(testdata, root, variant)
    report = run()
    assert report.errors == []
    with sessions() as s:
        objs = s.scalars(select(Dokumentobjekt)).all()
        assert [o.variantformat for o in objs] == [variant]
    assert secret_found() == 0
    served = app.get(f"/api/v1/dokument/{doc_id}/content")
    assert served.status_code == 200 and b"[skjermet]" in served.data
    assert b"Zqhemmelig" not in served.data
    text = app.get(f"/api/v1/dokument/{doc_id}").get_json()["text"]
    assert "[skjermet]" in text and "Zqhemmelig" not in text
    api = app.get("/api/v1/search", query_string={"q": "skjermet byggetillatelse"}).get_json()
    assert api["total"] == 1


def test_a_first_harvest_with_both_variants_never_fetches_the_original(
    settings, testdata, tmp_path
):
    """Harvested together, the production format is not even stored."""
    from harvesters.noark5 import Noark5Harvester

    sessions = store(settings)
    root = _extraction(
        testdata, tmp_path / "uttrekk", "Dokument hvor deler av innholdet er skjermet"
    )
    harvest(Noark5Harvester(str(root)), RunContext(settings, sessions, "src", index=False))
    with sessions() as s:
        objs = s.scalars(select(Dokumentobjekt)).all()
        assert [o.filnavn for o in objs] == ["sladdet.txt"]
    blobs = BlobStore(settings.resolved_blob_dir)
    original = (tmp_path / "uttrekk" / "dokumenter" / "original.txt").read_bytes()
    assert not blobs.path_for(hashlib.sha256(original).hexdigest()).exists()


def _traces(settings, client, app, entry_id, now=None):
    """Where entry ``entry_id`` (titled Zqembargo) shows: the index itself (by id and by
    title), the search, its page and its API view."""
    index = alias_name(settings, "journalpost")
    client.indices.refresh(index=index)
    by_id = client.search(index=index, body={"query": {"ids": {"values": [entry_id]}}})
    by_title = client.search(
        index=index, body={"query": {"match": {"offentlig_tittel": "Zqembargo"}}}
    )
    found = {
        "index": len(by_id["hits"]["hits"]) + len(by_title["hits"]["hits"]),
        "search": search(settings, client, SearchParams(q="Zqembargo"), now=now).total,
        "page": app.get(f"/journalpost/{entry_id}").status_code == 200,
        "api": app.get(f"/api/v1/journalpost/{entry_id}").status_code == 200,
    }
    return {k: v for k, v in found.items() if v}


def _embargo_source(testdata, tmp_path, when=None):
    fields = {"arkiv:offentligTittel": "Zqembargo søknad om skjenkebevilling"}
    if when is not None:
        fields["arkiv:accessibleAfter"] = when
    return _jsonld(testdata, tmp_path, "embargo.jsonld", **fields)


def test_an_entry_embargoed_in_the_source_is_nowhere_until_the_date(settings, testdata, tmp_path):
    """eInnsyn's accessibleAfter is harvested: until then the entry is in no public
    surface and not in the index itself; after it, the catch-up (no harvest) puts it in."""
    from web import create_app

    sessions = store(settings)
    client = make_client(settings)
    app = create_app(settings).test_client()
    lifts = utcnow() + dt.timedelta(seconds=4)
    source = _embargo_source(testdata, tmp_path, lifts.isoformat())
    harvest(EinnsynJsonldHarvester(str(source)), RunContext(settings, sessions, "src"))
    with sessions() as s:
        jp = s.scalars(select(Journalpost)).one()
        entry_id = jp.id
        assert jp.accessible_after == lifts
    assert _traces(settings, client, app, entry_id, now=lifts - dt.timedelta(seconds=1)) == {}
    catch_up(settings, client, sessions)
    assert _traces(settings, client, app, entry_id, now=lifts - dt.timedelta(seconds=1)) == {}
    assert _case_counts(settings, client) == [0], "its case does not count it either"

    while utcnow() <= lifts:
        time.sleep(0.2)
    catch_up(settings, client, sessions)
    later = lifts + dt.timedelta(minutes=1)
    assert _traces(settings, client, app, entry_id, now=later) == {
        "index": 2,
        "search": 1,
        "page": True,
        "api": True,
    }
    assert _case_counts(settings, client) == [1]


def _case_counts(settings, client):
    index = alias_name(settings, "saksmappe")
    client.indices.refresh(index=index)
    hits = client.search(index=index, body={"query": {"match_all": {}}})["hits"]["hits"]
    return [h["_source"]["journalpost_count"] for h in hits]


def test_an_entry_embargoed_by_a_later_harvest_vanishes_everywhere(settings, testdata, tmp_path):
    """A public entry that a later harvest puts under embargo leaves the index, the
    search, its page and its API view; an unreadable date hides it too, with a warning."""
    from web import create_app

    sessions = store(settings)
    client = make_client(settings)
    app = create_app(settings).test_client()

    def run(when):
        source = _embargo_source(testdata, tmp_path, when)
        return harvest(EinnsynJsonldHarvester(str(source)), RunContext(settings, sessions, "src"))

    run(None)
    with sessions() as s:
        entry_id = s.scalars(select(Journalpost.id)).one()
    assert set(_traces(settings, client, app, entry_id)) == {"index", "search", "page", "api"}
    run("2100-01-01T00:00:00+01:00")
    assert _traces(settings, client, app, entry_id) == {}
    run(None)
    assert set(_traces(settings, client, app, entry_id)) == {"index", "search", "page", "api"}
    report = run("neste år")
    assert any("accessibleAfter" in w for w in report.warnings)
    assert _traces(settings, client, app, entry_id) == {}


def test_rebuild_and_status_count_an_embargoed_entry_as_not_in_the_index(settings):
    """A rebuild leaves an entry under embargo out without taking it for a lost document,
    and the status calls the index in sync."""
    from innsyn.indexing.indexer import rebuild, status
    from tests.factories import add_entry

    sessions = store(settings)
    client = make_client(settings)
    with sessions.begin() as s:
        add_entry(s, "Offentlig brev om vei")
        hidden = add_entry(s, "Zqembargo brev", accessible_after=utcnow() + dt.timedelta(days=3)).id
    catch_up(settings, client, sessions)
    report = rebuild(settings, client, sessions)
    assert report.failed == 0 and report.withheld == 1
    st = status(settings, client, sessions)["journalpost"]
    assert st["in_sync"] and st["index"] == 1 and st["store"] == 1
    assert not client.exists(index=alias_name(settings, "journalpost"), id=hidden)
