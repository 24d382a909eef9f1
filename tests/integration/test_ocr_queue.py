"""Scanned documents through the whole path with the real services: a harvest stores and
indexes them at once and queues their pages; an OCR worker reads them apart from the
harvest; the text becomes searchable; a killed worker resumes where it stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from harvesters.documents import DocumentsHarvester
from innsyn.cli import main
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.http_client import HttpClient, HttpPolicy
from innsyn.ocr.background import index_catch_up, retry_failed
from innsyn.ocr.queue import backlog
from innsyn.ocr.status import OcrStatus, PageStatus
from innsyn.ocr.worker import OcrWorker
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentobjekt, OcrPage, OcrTask
from tests.factories import store
from tests.gunicorn_server import settings_env
from tests.httpsource import DocumentSite
from tests.scans import protocol_scan
from web import create_app

pytestmark = pytest.mark.services
ROOT = Path(__file__).resolve().parents[2]


def _http() -> HttpClient:
    return HttpClient(HttpPolicy(allow_private=True, backoff=0.01))


def _harvest(settings, sessions, site: DocumentSite):
    h = DocumentsHarvester(f"{site.base}/index.html", http=_http(), state={})
    return harvest(h, RunContext(settings, sessions, "docs"))


def _search(client, q: str) -> list[dict]:
    resp = client.get("/api/v1/search", query_string={"q": q})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["items"]


def _scan_file(sessions) -> Dokumentobjekt:
    with sessions() as s:
        return s.scalars(
            select(Dokumentobjekt).where(Dokumentobjekt.filnavn.like("%protokoll%"))
        ).one()


@pytest.fixture
def site():
    with DocumentSite() as s:
        s.publish(
            "valgprotokoll.pdf",
            protocol_scan(3, rotate_every=3),
            "Valgprotokoll 2025",
            "application/pdf",
        )
        s.publish("budsjett.txt", b"Budsjett for kommunen 2027.", "Budsjett 2027")
        yield s


def test_harvest_returns_before_ocr_and_the_text_arrives_later(settings, site):
    sessions = store(settings)
    report = _harvest(settings, sessions, site)

    assert report.extraction["ocr_queued"] == 1 and report.extraction["ocr_pages"] == 3
    web = create_app(settings).test_client()
    assert [i["offentlig_tittel"] for i in _search(web, "Valgprotokoll")] == ["Valgprotokoll 2025"]
    assert _search(web, "valgoppgjøret") == []
    scan = _scan_file(sessions)
    assert scan.ocr_status == OcrStatus.QUEUED
    doc_id = scan.dokumentbeskrivelse_id
    page = web.get(f"/dokument/{doc_id}").get_data(as_text=True)
    assert "being read" in page or "blir lest" in page
    api = web.get(f"/api/v1/dokument/{doc_id}").get_json()
    assert (api["ocr_status"], api["text"]) == ("queued", None)
    state = backlog(sessions)
    assert (state.documents_waiting, state.pages_waiting) == (1, 3)
    status = CliRunner().invoke(
        main, ["index", "status", "--json"], env=settings_env(settings), catch_exceptions=False
    )
    assert json.loads(status.output)["ocr"]["pages_waiting"] == 3

    worker = OcrWorker(
        settings,
        sessions,
        BlobStore(settings.resolved_blob_dir),
        concurrency=2,
        after_text=index_catch_up(settings, sessions, print),
    )
    result = worker.run()

    assert (result.documents, result.pages_read, result.pages_failed) == (1, 3, 0)
    hits = _search(web, "valgoppgjøret")
    assert [h["offentlig_tittel"] for h in hits] == ["Valgprotokoll 2025"]
    assert _search(web, "Grønvik") and _search(web, "Sæther")
    scan = _scan_file(sessions)
    assert scan.ocr_status == OcrStatus.DONE and scan.text_chars and scan.text_chars > 500
    page = web.get(f"/dokument/{doc_id}").get_data(as_text=True)
    assert "being read" not in page and "blir lest" not in page
    assert "Side 3" in page and "Side 1" in page
    api = web.get(f"/api/v1/dokument/{doc_id}").get_json()
    assert api["ocr_status"] == "done" and "Grønvik" in api["text"]
    assert backlog(sessions).pages_waiting == 0

    again = _harvest(settings, sessions, site)
    assert again.extraction["tika_calls"] == 0 and again.extraction["ocr_queued"] == 0
    assert _scan_file(sessions).ocr_status == OcrStatus.DONE


def test_pages_over_the_time_limit_are_named_and_can_be_retried(settings, site):
    sessions = store(settings)
    _harvest(settings, sessions, site)
    slow = settings.model_copy(update={"ocr_page_timeout": 0.2})
    report = OcrWorker(slow, sessions, BlobStore(settings.resolved_blob_dir), concurrency=2).run()

    assert report.failed == 1 and report.pages_failed == 3
    scan = _scan_file(sessions)
    assert scan.ocr_status == OcrStatus.FAILED
    assert scan.ocr_error == (
        "OCR read 0 of 3 pages; page 1: timed out after 0.2 s; page 2: timed out after 0.2 s; "
        "page 3: timed out after 0.2 s"
    )
    web = create_app(settings).test_client()
    page = web.get(f"/dokument/{scan.dokumentbeskrivelse_id}").get_data(as_text=True)
    assert "page 1: timed out after 0.2 s" in page

    assert retry_failed(sessions) == 1
    assert _scan_file(sessions).ocr_status == OcrStatus.QUEUED
    again = OcrWorker(settings, sessions, BlobStore(settings.resolved_blob_dir)).run()
    assert (again.pages_read, again.pages_failed) == (3, 0)
    assert _scan_file(sessions).ocr_status == OcrStatus.DONE


def _pages_read(sessions) -> dict[int, object]:
    with sessions() as s:
        return {
            p.page: p.read_at
            for p in s.scalars(select(OcrPage).where(OcrPage.status == PageStatus.DONE))
        }


def test_a_worker_killed_mid_document_leaves_no_ocr_running_and_the_next_one_resumes(
    settings, tmp_path
):
    sessions = store(settings)
    with DocumentSite() as site:
        site.publish("protokoll.pdf", protocol_scan(6), "Protokoll", "application/pdf")
        _harvest(settings, sessions, site)
    env = settings_env(settings, INNSYN_OCR_CONCURRENCY="1", INNSYN_OCR_LEASE_SECONDS="2")
    proc = subprocess.Popen(
        [sys.executable, "-m", "innsyn.cli", "ocr", "run", "--no-index"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while len(_pages_read(sessions)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_pages_read(sessions)) >= 2, "the worker read no page in time"
        readers: list[psutil.Process] = []
        while not readers and time.monotonic() < deadline:
            children = psutil.Process(proc.pid).children(recursive=True)
            readers = [c for c in children if c.name() in ("tesseract", "pdftoppm")]
        assert readers, "no page was being read"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    _gone, alive = psutil.wait_procs(readers, timeout=5)
    assert alive == [], "OCR processes outlived the killed worker"
    before = _pages_read(sessions)
    assert 2 <= len(before) < 6
    with sessions() as s:
        assert s.get_one(OcrTask, _scan_file(sessions).sha256).status == OcrStatus.QUEUED

    time.sleep(2.1)  # the dead worker's lease runs out
    report = OcrWorker(settings, sessions, BlobStore(settings.resolved_blob_dir)).run()

    after = _pages_read(sessions)
    assert sorted(after) == [1, 2, 3, 4, 5, 6]
    assert report.pages_read == 6 - len(before)
    assert all(after[n] == before[n] for n in before), "pages already read were read again"
    assert _scan_file(sessions).ocr_status == OcrStatus.DONE


def test_the_scheduler_reads_the_queue_and_the_index_catches_up(settings):
    sessions = store(settings)
    with DocumentSite() as site:
        site.publish(
            "protokoll.pdf", protocol_scan(2), "Protokoll fra valgstyret", "application/pdf"
        )
        _harvest(settings, sessions, site)
    web = create_app(settings).test_client()
    assert _search(web, "forhåndsstemmer") == []
    proc = subprocess.Popen(
        [sys.executable, "-m", "innsyn.cli", "scheduler"],
        cwd=ROOT,
        env=settings_env(settings, INNSYN_SCHEDULER_POLL_SECONDS="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not _search(web, "forhåndsstemmer") and time.monotonic() < deadline:
            time.sleep(0.5)
        hits = _search(web, "forhåndsstemmer")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert [h["offentlig_tittel"] for h in hits] == ["Protokoll fra valgstyret"], out
    assert proc.returncode == 0, out
    assert "OCR: reading up to" in out
    assert _scan_file(sessions).ocr_status == OcrStatus.DONE


def test_a_scan_screened_while_it_waits_for_ocr_never_shows_its_text(settings):
    """The page is read (the content may be needed if the screening ends), but the text
    of a screened document goes nowhere: not the search, the entry, the API or its page."""
    from innsyn.indexing.indexer import catch_up
    from innsyn.search_client import make_client
    from innsyn.store.models import Dokumentbeskrivelse, Skjerming
    from tests.factories import add_entry

    sessions = store(settings)
    with DocumentSite() as site:
        site.publish("protokoll.pdf", protocol_scan(1), "Klagesak om valget", "application/pdf")
        _harvest(settings, sessions, site)
    doc_id = _scan_file(sessions).dokumentbeskrivelse_id
    with sessions.begin() as s:
        doc = s.get_one(Dokumentbeskrivelse, doc_id)
        doc.skjerming = Skjerming(tilgangsrestriksjon="UO", skjermingshjemmel="Offl. § 13")
        add_entry(s, "Nabovarsel om valglokale")
    catch_up(settings, make_client(settings), sessions)

    report = OcrWorker(
        settings,
        sessions,
        BlobStore(settings.resolved_blob_dir),
        after_text=index_catch_up(settings, sessions, print),
    ).run()

    assert report.pages_read == 1 and _scan_file(sessions).ocr_status == OcrStatus.DONE
    web = create_app(settings).test_client()
    assert _search(web, "Grønvik") == [] and _search(web, "valgoppgjøret") == []
    assert [h["offentlig_tittel"] for h in _search(web, "Klagesak")] == ["Klagesak om valget"]
    assert web.get(f"/dokument/{doc_id}").status_code == 404
    assert web.get(f"/api/v1/dokument/{doc_id}/content").status_code == 404
    client = make_client(settings)
    raw = client.search(index=f"{settings.index_prefix}-*", body={"query": {"match_all": {}}})
    assert len(raw["hits"]["hits"]) >= 2
    assert "Grønvik" not in json.dumps(raw, ensure_ascii=False)
