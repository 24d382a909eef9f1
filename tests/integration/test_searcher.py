"""How a search is sent to OpenSearch: hits and the cacheable total-and-facets part, errors
of either part (real index)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from opensearchpy.exceptions import RequestError

from innsyn.indexing.indexer import catch_up
from innsyn.indexing.names import alias_name
from innsyn.search.cursor import Cursor, CursorExpired, fingerprint
from innsyn.search.params import SearchParams
from innsyn.search.searcher import cursor_codec, search
from innsyn.search_client import make_client
from innsyn.store.models import Enhet
from tests.factories import add_entry, store


@pytest.fixture
def indexed(settings):
    sessions = store(settings)
    with sessions.begin() as s:
        enhet = Enhet(id="en_k", navn="Fjordvik kommune")
        for i in range(25):
            add_entry(s, f"Byggesak {i}", enhet=enhet, journaldato=dt.date(2025, 3, 1 + i))
    catch_up(settings, make_client(settings), sessions)
    return settings


def _request_cache_hits(settings) -> int:
    url = settings.opensearch_urls[0]
    index = alias_name(settings, "journalpost")
    stats = httpx.get(f"{url}/{index}/_stats/request_cache", timeout=30).json()
    return int(stats["_all"]["total"]["request_cache"]["hit_count"])


def test_first_pages_share_the_cached_total_and_facets_later_pages_their_snapshots(indexed):
    client = make_client(indexed)
    params = SearchParams(q="byggesak", size=10)
    now = dt.datetime.now(dt.UTC).replace(second=10)
    first = search(indexed, client, params, now=now)
    assert first.total == 25 and len(first.items) == 10
    assert [(f.key, f.count) for f in first.facets["enhet"]] == [("en_k", 25)]
    before = _request_cache_hits(indexed)
    again = search(indexed, client, params, now=now + dt.timedelta(milliseconds=1))
    assert again.items == first.items and _request_cache_hits(indexed) > before
    second_page = SearchParams(q="byggesak", size=10)
    assert first.next_cursor is not None
    second_page.cursor = first.next_cursor
    second = search(indexed, client, second_page, now=now + dt.timedelta(milliseconds=2))
    assert second.total == 25 and len(second.items) == 10
    assert not {i["id"] for i in first.items} & {i["id"] for i in second.items}
    assert second.facets == first.facets


def test_without_facets_one_search_counts_exactly(indexed):
    result = search(indexed, make_client(indexed), SearchParams(size=5), facets=False)
    assert result.total == 25 and len(result.items) == 5 and result.facets == {}


def test_missing_index_is_empty_and_a_bad_request_is_raised(indexed):
    client = make_client(indexed)
    gone = indexed.model_copy(update={"index_prefix": indexed.index_prefix + "-none"})
    assert search(gone, client, SearchParams(q="byggesak")).total == 0
    bad = SearchParams(q="byggesak")
    # a point in time id OpenSearch cannot read, signed with the site's key as only a bug
    # could make it: OpenSearch's 400 is raised, not taken for an empty result
    forged = Cursor([1.0, 2, "jp_1"], dt.datetime.now(dt.UTC), fingerprint(bad), "garbage")
    bad.cursor = cursor_codec(indexed).encode(forged)
    with pytest.raises(RequestError):
        search(indexed, client, bad)


def test_page_two_asked_again_reads_the_same_snapshot_and_survives_its_loss(indexed):
    client = make_client(indexed)
    params = SearchParams(q="byggesak", size=5, sort="date_asc")
    first = search(indexed, client, params)
    codec = cursor_codec(indexed)
    second = SearchParams(q="byggesak", size=5, sort="date_asc", cursor=first.next_cursor)
    a, b = search(indexed, client, second), search(indexed, client, second)
    assert a.items == b.items and a.next_cursor and b.next_cursor
    pit = codec.decode(a.next_cursor, second).pit
    assert pit and codec.decode(b.next_cursor, second).pit == pit
    client.delete_pit(body={"pit_id": [pit]})
    # a first-page cursor never expires: its snapshot is opened again
    c = search(indexed, client, second)
    assert c.items == a.items and c.next_cursor
    assert codec.decode(c.next_cursor, second).pit not in (None, pit)
    # a later page's cursor does: its snapshot is what it pages through
    third = SearchParams(q="byggesak", size=5, sort="date_asc", cursor=a.next_cursor)
    with pytest.raises(CursorExpired):
        search(indexed, client, third)


def test_a_snapshots_total_and_facets_are_counted_once(indexed):
    client = make_client(indexed)
    counted = []
    msearch = client.msearch

    def spy(*args, **kwargs):
        counted.append(1)
        return msearch(*args, **kwargs)

    client.msearch = spy  # type: ignore[method-assign]
    params = SearchParams(q="byggesak", size=5)
    pages = [search(indexed, client, params)]
    for _ in range(3):
        params = SearchParams(q="byggesak", size=5, cursor=pages[-1].next_cursor)
        pages.append(search(indexed, client, params))
    assert len(counted) == 2, "the first page, then the snapshot's first page only"
    assert all((p.total, p.facets) == (25, pages[0].facets) for p in pages)
    ids = [i["id"] for p in pages for i in p.items]
    assert len(ids) == len(set(ids)) == 20


def test_a_snapshot_never_shows_what_was_withdrawn_or_screened_after_it_opened(indexed):
    """A point in time keeps the documents it opened on while it is paged through; an
    entry withdrawn or screened since must not show on a later page of it."""
    from sqlalchemy import select, update

    from innsyn.store.models import Journalpost, utcnow

    client = make_client(indexed)
    sessions = store(indexed)
    first = search(indexed, client, SearchParams(q="byggesak", size=5, sort="date_asc"))
    second = search(
        indexed,
        client,
        SearchParams(q="byggesak", size=5, sort="date_asc", cursor=first.next_cursor),
    )
    page = SearchParams(q="byggesak", size=5, sort="date_asc", cursor=second.next_cursor)
    assert cursor_codec(indexed).decode(second.next_cursor, page).pit
    with sessions.begin() as s:
        ids = {
            jp.offentlig_tittel: jp.id
            for jp in s.scalars(
                select(Journalpost).where(
                    Journalpost.offentlig_tittel.in_(["Byggesak 10", "Byggesak 11"])
                )
            )
        }
        s.execute(
            update(Journalpost)
            .where(Journalpost.id == ids["Byggesak 10"])
            .values(deleted_at=utcnow(), updated_at=utcnow())
        )
        s.execute(
            update(Journalpost)
            .where(Journalpost.id == ids["Byggesak 11"])
            .values(offentlig_tittel="Tittel skjermet", updated_at=utcnow())
        )
    catch_up(indexed, client, sessions)
    third = search(
        indexed,
        client,
        SearchParams(q="byggesak", size=5, sort="date_asc", cursor=second.next_cursor),
    )
    shown = {i["id"]: i["offentlig_tittel"] for i in third.items}
    assert ids["Byggesak 10"] not in shown
    assert shown.get(ids["Byggesak 11"]) == "Tittel skjermet"
    assert "Byggesak 11" not in str(third.items)
    assert {"Byggesak 12", "Byggesak 13", "Byggesak 14"} <= set(shown.values())
