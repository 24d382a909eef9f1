"""Issue 15 item 2: ranking, tested as the order of results on a real index (not as boost
values in a request body). For one query: the exact phrase in the title ranks above all
its words in the title, which rank above stemmed matches, which rank above a match in
the document text only; of two equal titles, the newer entry comes first."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from innsyn.indexing.indexer import catch_up
from innsyn.search.params import parse_params
from innsyn.search.searcher import search
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentbeskrivelse, Dokumentobjekt
from tests.factories import add_entry, store

pytestmark = pytest.mark.services

DAY = dt.date(2025, 6, 2)


def _ids(settings, q: str) -> list[str]:
    params = parse_params(MultiDict({"q": q, "size": "20"}), settings.max_query_length)
    return [item["id"] for item in search(settings, make_client(settings), params).items]


def test_phrase_then_all_words_then_stems_then_document_text(settings):
    sessions = store(settings)
    text = BlobStore(settings.resolved_blob_dir).put_text(
        "Kommunen har mottatt søknad om byggetillatelse for tilbygg og vil svare innen fire uker."
    )
    with sessions.begin() as s:
        in_text = add_entry(s, "Brev fra kommunen - tilbygg", journaldato=DAY)
        doc = Dokumentbeskrivelse(id="db_text", tittel="Brev", dokumentnummer=1)
        doc.dokumentobjekter = [
            Dokumentobjekt(
                id="do_text",
                media_type="text/plain",
                filnavn="brev.txt",
                extraction_status="done",
                text_sha256=text.sha256,
            )
        ]
        in_text.dokumentbeskrivelser = [doc]
        stems = add_entry(s, "Søknader om byggetillatelser - tilbygg", journaldato=DAY)
        words = add_entry(
            s, "Byggetillatelse for tilbygg - svar på søknad om dispensasjon", journaldato=DAY
        )
        phrase = add_entry(s, "Søknad om byggetillatelse - tilbygg, gnr 12 bnr 4", journaldato=DAY)
        add_entry(s, "Referat fra møte i planutvalget", journaldato=DAY)
        order = [phrase.id, words.id, stems.id, in_text.id]
    catch_up(settings, make_client(settings), sessions)
    assert _ids(settings, "søknad om byggetillatelse") == order
    assert _ids(settings, "SØKNAD OM BYGGETILLATELSE") == order


def test_of_two_equal_titles_the_newer_comes_first(settings):
    sessions = store(settings)
    with sessions.begin() as s:
        old = add_entry(s, "Klage på vedtak om skoleskyss", journaldato=dt.date(2019, 3, 1))
        new = add_entry(s, "Klage på vedtak om skoleskyss", journaldato=dt.date(2025, 3, 1))
        mid = add_entry(s, "Klage på vedtak om skoleskyss", journaldato=dt.date(2022, 3, 1))
        expected = [new.id, mid.id, old.id]
    catch_up(settings, make_client(settings), sessions)
    assert _ids(settings, "klage på vedtak om skoleskyss") == expected
