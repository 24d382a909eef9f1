"""Paging through more than 10 000 hits through the public API while the index changes:
pages two and on are read from the point in time the request for page two opened, so no
hit of that snapshot is lost or repeated (real OpenSearch, Flask test client)."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import pytest
from opensearchpy import helpers
from opensearchpy.exceptions import TransportError

from innsyn.indexing import bulk
from innsyn.indexing.indexer import catch_up
from innsyn.indexing.names import alias_name
from innsyn.search.params import SearchParams
from innsyn.search.searcher import cursor_codec
from innsyn.search_client import make_client
from innsyn.store.models import Enhet
from tests.factories import add_entry, store
from web import create_app

ENTRIES = 10_150
PAGE = 100
WORDS = ("byggesak", "reguleringsplan", "dispensasjon", "tilskudd", "skjenkebevilling", "veg")


@dataclass
class Op:
    kind: str
    id: str
    journaldato: str
    start: float
    end: float


@pytest.fixture
def deep(settings):
    """An index of ``ENTRIES`` entries (copies of one harvested entry, varied titles and
    dates), the web app, and what each entry sorts by."""
    sessions = store(settings)
    with sessions.begin() as s:
        add_entry(s, "Byggesak mal", enhet=Enhet(id="en_k", navn="Fjordvik kommune"))
    client = make_client(settings)
    catch_up(settings, client, sessions)
    index = alias_name(settings, "journalpost")
    template = client.search(index=index, body={"size": 1})["hits"]["hits"][0]["_source"]
    rng = random.Random(15)
    day0 = dt.date(2019, 1, 1)

    def doc(ident: str) -> dict[str, Any]:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
        return {
            **template,
            "id": ident,
            "offentlig_tittel": f"Byggesak {words} {ident}",
            "journaldato": (day0 + dt.timedelta(days=rng.randint(0, 2500))).isoformat(),
        }

    docs = [doc(f"jp_d{n:05d}") for n in range(ENTRIES)]
    written = bulk.write(
        client, ({"_index": index, "_id": d["id"], "_source": d} for d in docs), 1000
    )
    assert written.failed == 0
    client.indices.refresh(index=index)
    before = {
        h["_id"]: h["_source"]["journaldato"]
        for h in helpers.scan(client, index=index, _source=["journaldato"])
    }
    assert len(before) == ENTRIES + 1
    return settings, create_app(settings).test_client(), before, doc


class Writer(threading.Thread):
    """Adds and deletes entries (each visible when its op ends) until stopped: a harvest
    running alongside the paging."""

    def __init__(self, settings, doc, deletable: list[str]) -> None:
        super().__init__(daemon=True)
        self.client = make_client(settings)
        self.index = alias_name(settings, "journalpost")
        self.doc = doc
        self.deletable = deletable
        self.ops: list[Op] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            n = 0
            while not self.stop.is_set():
                n += 1
                start = time.monotonic()
                if n % 2:
                    d = self.doc(f"jp_w{n:05d}")
                    self.client.index(index=self.index, id=d["id"], body=d, refresh=True)
                    op = Op("add", d["id"], d["journaldato"], start, 0.0)
                else:
                    ident = self.deletable.pop()
                    self.client.delete(index=self.index, id=ident, refresh=True)
                    op = Op("delete", ident, "", start, 0.0)
                op.end = time.monotonic()
                self.ops.append(op)
                time.sleep(0.005)
        except BaseException as exc:
            self.error = exc

    def halt(self) -> list[Op]:
        self.stop.set()
        self.join(timeout=60)
        assert self.error is None, self.error
        return self.ops


def _page(web, **args) -> dict[str, Any]:
    resp = web.get("/api/v1/search", query_string=args)
    assert resp.status_code == 200, resp.get_json()
    body: dict[str, Any] = resp.get_json()
    return body


def _walk(web, cursor: str, **args) -> list[dict[str, Any]]:
    pages = []
    while cursor:
        pages.append(_page(web, cursor=cursor, **args))
        cursor = pages[-1]["next_cursor"]
    return pages


def _wait_for(writer: Writer, ops: int) -> None:
    deadline = time.monotonic() + 30
    while len(writer.ops) < ops and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(writer.ops) >= ops


def test_every_hit_of_the_snapshot_once_past_10000_while_entries_come_and_go(deep):
    settings, web, before, doc = deep
    deletable = sorted(before)
    random.Random(3).shuffle(deletable)
    writer = Writer(settings, doc, deletable)
    writer.start()
    try:
        _wait_for(writer, 20)
        args = {"size": PAGE, "sort": "date_desc"}
        first = _page(web, **args)
        asked = time.monotonic()
        second = _page(web, cursor=first["next_cursor"], **args)
        answered = time.monotonic()
        _wait_for(writer, len(writer.ops) + 20)
        rest = _walk(web, second["next_cursor"], **args)
        _wait_for(writer, len(writer.ops) + 20)
    finally:
        ops = writer.halt()

    # the snapshot: what was there before, with every op ended before page two was
    # asked for; ops running while it was answered may or may not be in it
    sorts = dict(before)
    sorts.update({op.id: op.journaldato for op in ops if op.kind == "add"})
    at_pit = set(before)
    for op in ops:
        if op.end < asked:
            (at_pit.add if op.kind == "add" else at_pit.discard)(op.id)
    unsure = {op.id for op in ops if op.end >= asked and op.start <= answered}
    last = first["items"][-1]

    def after_first_page(ident: str) -> bool:
        return (sorts[ident], _neg(ident)) < (last["journaldato"], _neg(last["id"]))

    expected = {i["id"] for i in first["items"]} | {x for x in at_pit if after_first_page(x)}
    pages = [second, *rest]
    shown = [i["id"] for p in [first, *pages] for i in p["items"]]
    assert len(shown) > 10_000 and len(pages) > 100
    assert len(shown) == len(set(shown)), "a hit was repeated"
    deleted = {op.id for op in ops if op.kind == "delete"}
    # a hit deleted since the snapshot opened is dropped from the page (it must vanish at
    # once); every other hit of the snapshot is shown
    assert not (expected - unsure) - set(shown) - deleted, "a hit of the snapshot was lost"
    assert not (set(shown) - unsure) - expected, "a hit from outside the snapshot was shown"
    assert len({p["total"] for p in pages}) == 1
    assert all(p["facets"] == second["facets"] for p in pages)
    # the writes after the snapshot are real: entries deleted before their page was read
    # are not shown, new ones not either
    later = [op for op in ops if op.start > answered]
    gone = {op.id for op in later if op.kind == "delete" and after_first_page(op.id)}
    new = {op.id for op in later if op.kind == "add"}
    assert len(gone) >= 5 and gone - set(shown)
    assert len(new) >= 10 and not new & set(shown)


def _neg(ident: str) -> tuple[int, ...]:
    """``ident`` so that comparing with ``<`` puts it where ``id asc`` does after a
    descending date (a later hit compares smaller)."""
    return (*(-ord(c) for c in ident), 0)


def test_relevance_pages_stay_the_snapshots_while_scores_would_shift(deep):
    settings, web, before, doc = deep
    args = {"q": "byggesak", "size": PAGE}
    first = _page(web, **args)
    second = _page(web, cursor=first["next_cursor"], **args)
    early = {i["id"] for p in (first, second) for i in p["items"]}
    deletable = sorted(set(before) - early)
    random.Random(5).shuffle(deletable)
    writer = Writer(settings, doc, deletable)
    writer.start()
    try:
        _wait_for(writer, 40)
        rest = _walk(web, second["next_cursor"], **args)
    finally:
        ops = writer.halt()
    pages = [first, second, *rest]
    shown = [i["id"] for p in pages for i in p["items"]]
    assert first["total"] == second["total"] and len(pages) * PAGE > 10_000
    assert len(shown) == len(set(shown)), "a hit was repeated"
    assert all((p["total"], p["facets"]) == (first["total"], first["facets"]) for p in pages)
    added = {op.id for op in ops if op.kind == "add"}
    deleted = {op.id for op in ops if op.kind == "delete"}
    assert len(deleted) >= 20 and deleted - set(shown), "deleted entries are dropped"
    assert 0 < first["total"] - len(shown) <= len(deleted)
    assert not added & set(shown)
    later = _page(web, **args)
    assert later["total"] == first["total"] + len(added) - len(deleted)


def test_an_expired_snapshot_is_a_410_that_says_start_again(deep):
    settings, web, _, _ = deep
    first = _page(web, size=PAGE)
    second = _page(web, size=PAGE, cursor=first["next_cursor"])
    params = SearchParams(size=PAGE)
    pit = cursor_codec(settings).decode(second["next_cursor"], params).pit
    assert pit
    make_client(settings).delete_pit(body={"pit_id": [pit]})
    resp = web.get("/api/v1/search", query_string={"size": PAGE, "cursor": second["next_cursor"]})
    assert resp.status_code == 410
    error = resp.get_json()["error"]
    assert error["code"] == "cursor_expired" and error["parameter"] == "cursor"
    assert "start again" in error["message"]
    html = web.get("/", query_string={"size": PAGE, "cursor": second["next_cursor"], "lang": "en"})
    assert html.status_code == 410 and "Start from the first page" in html.get_data(as_text=True)
    altered = second["next_cursor"][:-3] + ("xyz" if second["next_cursor"][-3:] != "xyz" else "abc")
    resp = web.get("/api/v1/search", query_string={"size": PAGE, "cursor": altered})
    assert resp.status_code == 400 and resp.get_json()["error"]["parameter"] == "cursor"


def test_when_opensearch_opens_no_more_snapshots_pages_are_read_live(deep, caplog):
    """Every point in time the node allows is taken (search.max_open_pit_context, 300 by
    default); paging goes on, read from the live index."""
    settings, web, _, _ = deep
    client = make_client(settings)
    index = alias_name(settings, "journalpost")
    held = []
    try:
        for _ in range(1000):
            try:
                answer = client.create_pit(index=index, params={"keep_alive": "1m"})
            except TransportError as exc:
                assert "too many" in str(exc).lower(), exc
                break
            held.append(answer["pit_id"])
        assert 0 < len(held) < 1000
        first = _page(web, size=PAGE, sort="date_asc")
        second = _page(web, size=PAGE, sort="date_asc", cursor=first["next_cursor"])
        third = _page(web, size=PAGE, sort="date_asc", cursor=second["next_cursor"])
    finally:
        if held:
            client.delete_pit(body={"pit_id": held})
    ids = [i["id"] for p in (first, second, third) for i in p["items"]]
    assert len(ids) == 3 * PAGE == len(set(ids))
    pit = (
        cursor_codec(settings)
        .decode(third["next_cursor"], SearchParams(size=PAGE, sort="date_asc"))
        .pit
    )
    assert pit is None
    assert "no point in time" in caplog.text
