"""Agency facet labels from the store on the real search page and API (real index)."""

from __future__ import annotations

import datetime as dt

from innsyn.indexing.indexer import catch_up
from innsyn.search_client import make_client
from innsyn.store.models import Enhet
from tests.factories import add_entry, store
from web import create_app


def test_agency_facet_is_labelled_with_store_names(settings):
    sessions = store(settings)
    with sessions.begin() as s:
        kommune = Enhet(id="en_k", navn="Fjordvik kommune")
        etat = Enhet(id="en_e", navn="Plan- og bygningsetaten", parent=kommune)
        for i in range(3):
            add_entry(s, f"Byggesak {i}", enhet=etat, journaldato=dt.date(2025, 1, 1 + i))
        add_entry(s, "Budsjett", enhet=kommune)
    catch_up(settings, make_client(settings), sessions)
    client = create_app(settings).test_client()

    body = client.get("/api/v1/search", query_string={"q": ""}).get_json()
    facet = {f["key"]: (f["label"], f["count"]) for f in body["facets"]["enhet"]}
    assert facet == {"en_e": ("Plan- og bygningsetaten", 3), "en_k": ("Fjordvik kommune", 1)}
    page = client.get("/?q=").get_data(as_text=True)
    assert "Plan- og bygningsetaten" in page and "Fjordvik kommune" in page
