"""The OCR queue on a real SQLite store, without reading any page: leases, resuming a
document whose pages were all read before its worker died, and the text handed over."""

from __future__ import annotations

import datetime as dt

import pytest

from innsyn.ocr.engine import PageResult
from innsyn.ocr.queue import OcrNeed, OcrQueue, enqueue
from innsyn.ocr.status import OcrStatus, PageStatus
from innsyn.ocr.worker import OcrWorker
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentbeskrivelse, Dokumentobjekt, Journalpost, OcrTask
from tests.conftest import make_settings
from tests.factories import store

OLD = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def env(tmp_path):
    settings = make_settings(tmp_path, ocr_lease_seconds=60)
    sessions = store(settings)
    blobs = BlobStore(settings.resolved_blob_dir)
    layer = blobs.put_text("Forside med tekst fra tekstlaget.").sha256
    with sessions.begin() as s:
        for n, sha in ((1, "c" * 64), (2, "c" * 64), (3, "d" * 64)):
            jp = Journalpost(id=f"jp{n}", source_key="t", system_id=f"s{n}", updated_at=OLD)
            doc = Dokumentbeskrivelse(id=f"db{n}", tittel=f"Skann {n}")
            doc.dokumentobjekter = [
                Dokumentobjekt(id=f"do{n}", sha256=sha, extraction_status="done", updated_at=OLD)
            ]
            jp.dokumentbeskrivelser = [doc]
            s.add(jp)
        enqueue(s, "c" * 64, OcrNeed("pdf", 3, [2, 3]), "application/pdf", layer)
        enqueue(s, "d" * 64, OcrNeed("pdf", 1, [1]), "application/pdf", None)
    return settings, sessions, blobs


def test_a_content_is_held_by_one_worker_until_its_lease_runs_out(env):
    settings, sessions, blobs = env
    first = OcrQueue(settings, sessions, blobs, "worker-1")
    second = OcrQueue(settings, sessions, blobs, "worker-2")
    a = first.claim()
    b = second.claim()
    assert a is not None and b is not None and a.sha256 != b.sha256
    assert second.claim() is None and first.claim(skip=[a.sha256]) is None
    with sessions.begin() as s:
        s.get_one(OcrTask, a.sha256).lease_until = OLD  # worker-1 died long ago
    taken = second.claim(skip=[b.sha256])
    assert taken is not None and taken.sha256 == a.sha256 and taken.todo == a.todo
    second.release(b.sha256)
    assert first.claim() is not None


def test_pages_read_before_a_worker_died_are_not_read_again(env):
    settings, sessions, blobs = env
    queue = OcrQueue(settings, sessions, blobs, "dead-worker")
    for page, text in ((2, "Side to: møteprotokoll"), (3, "Side tre: vedtak")):
        queue.record("c" * 64, PageResult(page, PageStatus.DONE, text, None, 1.0))
    queue.record("d" * 64, PageResult(1, PageStatus.FAILED, "", "timed out after 180 s", 180))

    catch_ups: list[int] = []
    worker = OcrWorker(
        settings, sessions, blobs, concurrency=2, after_text=lambda: catch_ups.append(1)
    )
    report = worker.run()

    assert (report.documents, report.pages_read, report.pages_failed) == (2, 0, 0)
    assert len(catch_ups) == 1, "one index catch-up for the documents finished together"
    assert report.statuses == {"c" * 64: OcrStatus.DONE, "d" * 64: OcrStatus.FAILED}
    with sessions() as s:
        for obj_id in ("do1", "do2"):
            obj = s.get_one(Dokumentobjekt, obj_id)
            assert obj.ocr_status == OcrStatus.DONE and obj.text_sha256
            text = blobs.read_text(obj.text_sha256)
            assert text.startswith("Forside med tekst") and text.endswith("Side tre: vedtak")
            assert "møteprotokoll" in text
            assert obj.updated_at > OLD
        assert all(s.get_one(Journalpost, f"jp{n}").updated_at > OLD for n in (1, 2, 3))
        failed = s.get_one(Dokumentobjekt, "do3")
        assert failed.ocr_status == OcrStatus.FAILED and failed.text_sha256 is None
        assert failed.ocr_error == "OCR read 0 of 1 pages; page 1: timed out after 180 s"
