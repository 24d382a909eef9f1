"""Agency facet labels come from the store, cached per process (real SQLite)."""

from __future__ import annotations

from sqlalchemy import event

from innsyn.search.agency_names import AgencyNames
from innsyn.store.models import Enhet
from tests.factories import store


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
