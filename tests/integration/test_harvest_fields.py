"""Fields of a source that decide what is shown and when (issue 12): a future
``publisertDato``, redacted document variants (``variantformat``) and embargo dates,
harvested from real source shapes into a real store and index."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from harvesters.einnsyn_jsonld import EinnsynJsonldHarvester
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.indexing.indexer import catch_up
from innsyn.public.shapes import Moment, entry_page
from innsyn.search.params import SearchParams
from innsyn.search.searcher import search
from innsyn.search_client import make_client
from innsyn.store.models import Journalpost, utcnow
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
