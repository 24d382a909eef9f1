"""The documents harvester against a real web site on 127.0.0.1, with real Tika and
OpenSearch: conditional GET on re-harvest."""

from __future__ import annotations

import pytest

from harvesters.documents import DocumentsHarvester
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.http_client import HttpClient, HttpPolicy
from tests.factories import document_site, store


def _http():
    return HttpClient(HttpPolicy(allow_private=True, backoff=0.01))


@pytest.fixture
def site():
    with document_site() as s:
        yield s


@pytest.mark.services
def test_unchanged_documents_cost_one_304_and_no_extraction(settings, site):
    sessions = store(settings)
    state: dict = {}
    h = DocumentsHarvester(f"{site.base}/index.html", http=_http(), state=state)
    first = harvest(h, RunContext(settings, sessions, "docs"))
    assert first.extraction["tika_calls"] == 2, first.extraction

    site.reset_counts()
    h2 = DocumentsHarvester(f"{site.base}/index.html", http=_http(), state=h.state)
    again = harvest(h2, RunContext(settings, sessions, "docs"))
    assert again.counts["unchanged"] == 2
    assert again.extraction["tika_calls"] == 0
    docs = [r for r in site.requests if r.path.startswith("/docs/")]
    assert len(docs) == 2 and all(r.status == 304 for r in docs)
    assert all("if-none-match" in r.headers for r in docs)

    site.publish("budsjett.txt", b"Revidert budsjett for kommunen 2027.", "Budsjett 2027")
    del site.docs["plan.html"]
    h3 = DocumentsHarvester(f"{site.base}/index.html", http=_http(), state=h2.state)
    third = harvest(h3, RunContext(settings, sessions, "docs"))
    assert third.counts["updated"] == 1 and third.counts["deleted"] == 1
    assert third.extraction["tika_calls"] == 1
    from innsyn.indexing.names import alias_name
    from innsyn.search_client import make_client

    client = make_client(settings)
    client.indices.refresh(index=alias_name(settings, "journalpost"))
    hits = client.search(
        index=alias_name(settings, "journalpost"),
        body={"query": {"query_string": {"query": "revidert"}}},
    )["hits"]["total"]["value"]
    assert hits == 1
