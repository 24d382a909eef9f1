"""`innsyn demo load` harvests every demo source into the real store and index."""

from __future__ import annotations

from innsyn.demo import DEMO_SOURCES, load_demo
from innsyn.indexing.indexer import status
from innsyn.search_client import make_client
from tests.factories import store


def test_demo_load(settings, testdata):
    lines: list[str] = []
    assert load_demo(settings, lines.append, testdata) == len(DEMO_SOURCES)
    st = status(settings, make_client(settings), store(settings))
    assert st["journalpost"]["in_sync"] and st["journalpost"]["index"] >= 15
    assert any(line.startswith("agency registries:") and "new" in line for line in lines)
    assert not any("Traceback" in line for line in lines)
