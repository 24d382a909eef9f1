"""The pure rules of OCR: which pages need it, render sizes, verdicts and the backlog."""

from __future__ import annotations

from innsyn.ocr.engine import MAX_RENDER_PIXELS, needs_ocr, pages_needing_ocr, render_dpi
from innsyn.ocr.queue import OcrBacklog, _ranges, _verdict
from innsyn.ocr.status import OcrStatus, PageStatus
from innsyn.store.models import OcrPage, OcrTask


def test_a_page_with_a_stamp_or_page_number_only_needs_ocr():
    assert needs_ocr("", 30)
    assert needs_ocr("  \n Side 3 av 13 \n", 30)
    assert needs_ocr("Mottatt 12.03.2024", 30)
    assert not needs_ocr("Kommunestyret vedtok reguleringsplanen for Fjordbyen i møtet.", 30)
    assert not needs_ocr("æøå " * 10, 30)


def test_pages_needing_ocr_are_numbered_from_one():
    texts = ["Referat fra møtet i formannskapet, sak 12/24 og 13/24 behandlet.", "", "3"]
    assert pages_needing_ocr(texts, 30) == [2, 3]
    assert pages_needing_ocr([], 30) == []


def test_render_resolution_is_lowered_for_oversized_pages_only():
    a4 = (595.0, 842.0)
    assert render_dpi(a4, 300) == 300
    assert render_dpi(None, 300) == 300
    poster = (2384.0, 3370.0)  # A0
    dpi = render_dpi(poster, 300)
    assert dpi < 300 and 3370 / 72 * dpi <= MAX_RENDER_PIXELS
    assert render_dpi((1e6, 1e6), 300) == 50


def test_page_ranges_are_compact():
    assert _ranges([1, 2, 3, 7, 9, 10]) == "1-3, 7, 9-10"
    assert _ranges([4]) == "4"


def _task(pages: list[int]) -> OcrTask:
    return OcrTask(sha256="x", kind="pdf", page_count=len(pages), pages=pages)


def _page(n: int, ok: bool, error: str | None = None) -> OcrPage:
    status = PageStatus.DONE if ok else PageStatus.FAILED
    return OcrPage(sha256="x", page=n, status=status, text="t" if ok else None, error=error)


def test_verdict_names_every_failed_and_missing_page():
    pages = [_page(1, True), _page(2, False, "timed out after 180 s"), _page(3, True)]
    failed = [p for p in pages if p.status == PageStatus.FAILED]
    status, error = _verdict(_task([1, 2, 3, 4, 5]), pages, failed, [4, 5])
    assert status == OcrStatus.PARTIAL
    assert error == "OCR read 2 of 5 pages; page 2: timed out after 180 s; pages 4-5: not read"
    assert _verdict(_task([1]), [_page(1, True)], [], []) == (OcrStatus.DONE, None)
    only = [_page(1, False, "tesseract failed: boom")]
    assert _verdict(_task([1]), only, only, [])[0] == OcrStatus.FAILED


def test_verdict_of_very_many_failed_pages_stays_short():
    pages = [_page(n, False, "timed out after 180 s") for n in range(1, 501)]
    status, error = _verdict(_task(list(range(1, 501))), pages, pages, [])
    assert status == OcrStatus.FAILED
    assert error is not None and len(error) <= 2000 and "480 more pages failed" in error


def test_backlog_eta_and_summary():
    b = OcrBacklog(documents_waiting=2, documents_reading=1, pages_waiting=40)
    assert b.eta_seconds(2) is None
    b.seconds_per_page = 3.0
    assert b.eta_seconds(2) == 60.0
    assert OcrBacklog().eta_seconds(2) == 0.0
    assert "3 documents waiting or being read (40 pages to read" in b.summary()
    assert b.as_dict()["pages_waiting"] == 40


def test_ocr_need_from_tikas_per_page_counts(tmp_path):
    from innsyn.ocr.need import ocr_need
    from tests.conftest import make_settings

    settings = make_settings(tmp_path)
    absent = tmp_path / "absent.pdf"  # pdftotext cannot confirm: Tika's counts decide
    pdf = "application/pdf"

    def pages(meta):
        need = ocr_need(settings, absent, pdf, "", meta)
        return need.pages if need else None

    assert pages({"xmpTPg:NPages": "3", "pdf:charsPerPage": ["1031", "0", "12"]}) == [2, 3]
    assert pages({"xmpTPg:NPages": "2", "pdf:charsPerPage": ["900", "1200"]}) is None
    assert pages({"xmpTPg:NPages": "1", "pdf:charsPerPage": "0"}) == [1]
    garbage = {"pdf:charsPerPage": ["800", "700"], "pdf:unmappedUnicodeCharsPerPage": ["0", "650"]}
    assert pages(garbage) == [2]
    assert pages({"xmpTPg:NPages": "2", "pdf:charsPerPage": ["x", "0"]}) == [1, 2]
    image = ocr_need(settings, absent, "image/jpeg", "", {})
    assert image is not None and (image.kind, image.pages) == ("image", [1])
    assert ocr_need(settings, absent, "text/plain", "", {"pdf:charsPerPage": "0"}) is None
