"""The benchmark data generator's output against the real services: its documents read by
Tika, its sample queries finding hits in the index."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from bench.datagen import QUERY_POOL_ENTRIES, sample_queries, write_noark5
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.harvest.registry import get_harvester
from innsyn.search.params import parse_params
from tests.factories import store


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("datagen") / "uttrekk"
    return write_noark5(out, 300, documents=40, seed=3)


def test_generated_documents_are_readable_by_tika(extraction, services):
    import httpx

    wanted = {".pdf", ".docx", ".eml"}
    seen = set()
    with httpx.Client(timeout=60) as client:
        for path in sorted((extraction.path / "dokumenter").iterdir()):
            if path.suffix not in wanted or path.suffix in seen:
                continue
            r = client.put(
                f"{services.tika}/tika", content=path.read_bytes(), headers={"Accept": "text/plain"}
            )
            assert r.status_code == 200, path.name
            text = r.content.decode("utf-8")
            assert "Vår ref.:" in text and any(c in text for c in "æøå"), (path.name, text[:300])
            seen.add(path.suffix)
    assert seen == wanted


@pytest.mark.parametrize("seed", [3, 11])
def test_sample_queries_find_hits_in_the_real_index(settings, tmp_path, seed):
    from innsyn.search.searcher import search
    from innsyn.search_client import make_client

    stats = write_noark5(tmp_path / "q", QUERY_POOL_ENTRIES, seed=seed)
    sessions = store(settings)
    report = harvest(
        get_harvester("noark5", str(stats.path), {}),
        RunContext(settings, sessions, "q", extract=False),
    )
    assert report.status == "ok", report.errors
    client = make_client(settings)
    client.indices.refresh(index=f"{settings.index_prefix}-*")
    empty = []
    for q in sample_queries(seed=seed, n=48):
        result = search(settings, client, parse_params(MultiDict(q), 500), facets=False)
        if result.total == 0:
            empty.append(q)
    assert not empty
