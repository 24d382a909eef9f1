"""Agency facet labels come from the store, cached per process (real SQLite and index)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event

from innsyn.indexing.indexer import catch_up
from innsyn.search.agency_names import AgencyNames
from innsyn.search_client import make_client
from innsyn.store.models import Enhet
from tests.factories import add_entry, store
from web import create_app


def _count_selects(sessions):
    engine = sessions.kw["bind"]
    seen: list[str] = []

    def on_execute(conn, cursor, statement, *args):
        if statement.startswith("SELECT enhet.id, enhet.navn \nFROM enhet"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    return seen


def test_names_are_read_once_per_ttl_and_unknown_ids_are_remembered(offline_settings):
    sessions = store(offline_settings)
    with sessions.begin() as s:
        s.add_all([Enhet(id="en_a", navn="Alfa kommune"), Enhet(id="en_b", navn="Beta etat")])
    now = [0.0]
    names = AgencyNames(sessions, ttl=60, clock=lambda: now[0])
    queries = _count_selects(sessions)

    assert names(["en_a", "en_b", "en_x"]) == {"en_a": "Alfa kommune", "en_b": "Beta etat"}
    assert names(["en_b", "en_x"]) == {"en_b": "Beta etat"}
    assert len(queries) == 1

    with sessions.begin() as s:
        s.get(Enhet, "en_a").navn = "Alfa bydel"
    now[0] = 59.0
    assert names(["en_a"]) == {"en_a": "Alfa kommune"}
    now[0] = 61.0
    assert names(["en_a"]) == {"en_a": "Alfa bydel"}
    assert len(queries) == 2


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
