"""Issue 15: a journalist who pastes a title or types a case number finds the entry at
rank 1. Measured on a real index holding the demo journals of ``../shared/testdata`` and a
generated municipal journal (Noark 5 and OEP) full of near-identical titles, with the
queries ``bench.known_item`` makes: titles pasted as they stand, in lower case and in
capitals, with a word dropped, and case numbers in every spelling."""

from __future__ import annotations

import pytest

from bench.known_item import Query, _entries, evaluate, load, queries
from innsyn.search_client import make_client

pytestmark = pytest.mark.services


@pytest.fixture
def installation(settings):
    load(settings, 600, echo=lambda _m: None)
    return settings, make_client(settings)


def test_pasted_titles_and_case_numbers_find_their_entry_first(installation):
    settings, client = installation
    entries = _entries(settings, client)
    assert len(entries) > 600, "the demo journals and the generated one are in the index"
    outcome = evaluate(settings, client, list(queries(entries)))
    report = "\n".join(outcome.lines() + [f"{k}: {v}" for k, v in outcome.misses.items()])
    assert outcome.tries["pasted"] > 300, report
    assert outcome.rate("pasted") >= 0.95, report
    assert outcome.rate("lower") >= 0.95, report
    assert outcome.rate("upper") >= 0.95, report
    assert outcome.rate("case") >= 0.95, report
    assert outcome.rate("dropped") >= 0.85, report


@pytest.mark.parametrize(
    "typed",
    [
        "31/595 LOKAL GODKJENNING AV FORETAK - FORSTØTNINGSMUR",
        "31/595 lokal godkjenning av foretak - forstøtningsmur",
        "LOKAL GODKJENNING AV FORETAK - FORSTØTNINGSMUR",
        "HYTTE,LIARVATNET",
        "hytte,liarvatnet",
        "07/1974",
        "2007/1974",
        "2007/01974",
    ],
)
def test_the_titles_of_the_issue_find_their_entries(settings, typed):
    """The three misses named in issue 15, as real OEP journal rows."""
    from innsyn.indexing.indexer import catch_up
    from tests.factories import add_entry, store

    sessions = store(settings)
    with sessions.begin() as s:
        wall = add_entry(s, "31/595 LOKAL GODKJENNING AV FORETAK - FORSTØTNINGSMUR")
        add_entry(s, "31/595 LOKAL GODKJENNING AV FORETAK - GARASJE")
        add_entry(s, "LOKAL GODKJENNING AV FORETAK")
        cabin = add_entry(s, "SØKNAD OM DELING AV GRUNNEIENDOM - HYTTE,LIARVATNET")
        add_entry(s, "HYTTE VED STORVATNET")
        old = add_entry(s, "Søknad om utslippstillatelse", saksaar=2007, seq=1974)
        add_entry(s, "Søknad om utslippstillatelse", saksaar=1974, seq=7)
        wanted = {"hytte": cabin.id, "1974": old.id}
        wanted_id = next((v for k, v in wanted.items() if k in typed.lower()), wall.id)
    catch_up(settings, make_client(settings), sessions)
    hits = evaluate(settings, make_client(settings), [Query("pasted", typed, wanted_id)])
    assert hits.rate("pasted") == 1.0, hits.misses
