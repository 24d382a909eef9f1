"""OCR of single pages with the real poppler and tesseract: Norwegian letters, rotated
pages, time limits and cancelling that leave no process behind."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psutil
import pytest

from innsyn.ocr.engine import (
    Cancelled,
    PageReader,
    check_tools,
    pages_needing_ocr,
    pdf_image_pages,
    pdf_page_sizes,
    pdf_text_pages,
)
from innsyn.ocr.need import ocr_need
from innsyn.ocr.status import PageStatus
from tests.conftest import make_settings
from tests.scans import PROTOCOL_LINES, join_pdfs, page_image, protocol_scan, scanned_pdf

NORWEGIAN_WORDS = ("Møteprotokoll", "Ærøy", "valgoppgjøret", "søknaden", "Grønvik", "Sæther")


@pytest.fixture
def settings(tmp_path: Path):
    s = make_settings(tmp_path)
    check_tools(s)
    return s


def _page_programs() -> list[psutil.Process]:
    return [
        p
        for p in psutil.process_iter(["name", "ppid"])
        if p.info["name"] in ("tesseract", "pdftoppm") and p.info["ppid"] == psutil.Process().pid
    ]


@pytest.mark.parametrize("rotate", [0, 90, 180])
def test_norwegian_scanned_page_reads_back_with_ae_oe_aa(settings, tmp_path, rotate):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(scanned_pdf([page_image(PROTOCOL_LINES, rotate)]))
    assert pdf_text_pages(pdf, 30) == [""]

    result = PageReader(settings).read_pdf_page(pdf, 1)

    assert result.status == PageStatus.DONE, result.error
    missing = [w for w in NORWEGIAN_WORDS if w not in result.text]
    assert not missing, result.text
    assert result.seconds > 0


def test_only_pages_without_a_text_layer_need_ocr(settings, testdata, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(protocol_scan(2))
    mixed = join_pdfs([testdata / "tika" / "pdf" / "testPDF.pdf", scan], tmp_path / "mixed.pdf")

    pages = pdf_text_pages(mixed, 30)
    assert len(pages) == 3 and "Apache Tika" in pages[0]
    assert pages_needing_ocr(pages, settings.ocr_min_page_chars) == [2, 3]
    assert len(pdf_page_sizes(mixed, 30)) == 3
    # without Tika's per-page counts, pdftotext decides page by page
    need = ocr_need(settings, mixed, "application/pdf", pages[0], {"xmpTPg:NPages": "3"})
    assert need is not None and (need.kind, need.page_count, need.pages) == ("pdf", 3, [2, 3])


def test_a_page_with_little_text_by_tikas_count_is_checked_with_pdftotext(settings, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(protocol_scan(2))
    # Tika counted 40 characters on page 2: a candidate, but pdftotext finds none there
    meta = {"xmpTPg:NPages": "2", "pdf:charsPerPage": ["0", "40"]}
    need = ocr_need(settings, scan, "application/pdf", "", meta)
    assert need is not None and need.pages == [1, 2]


def test_an_unreadable_pdf_falls_back_on_tikas_counts(settings, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n% not really a PDF\n")
    need = ocr_need(settings, broken, "application/pdf", "", {"xmpTPg:NPages": "4"})
    assert need is not None and need.pages == [1, 2, 3, 4]
    text = "word " * 500
    assert ocr_need(settings, broken, "application/pdf", text, {"xmpTPg:NPages": "4"}) is None


def test_an_image_file_is_read_as_one_page(settings, tmp_path):
    png = tmp_path / "page.png"
    page_image(PROTOCOL_LINES).save(png)  # type: ignore[attr-defined]
    result = PageReader(settings).read_image(png)
    assert result.status == PageStatus.DONE and "Grønvik" in result.text


def test_a_page_over_its_time_limit_fails_with_the_reason_and_is_killed(tmp_path):
    settings = make_settings(tmp_path, ocr_page_timeout=0.3)
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(protocol_scan(1))
    started = time.monotonic()
    result = PageReader(settings).read_pdf_page(pdf, 1)
    assert result.status == PageStatus.FAILED
    assert result.error == "timed out after 0.3 s"
    assert time.monotonic() - started < 5
    assert _page_programs() == []


def test_cancelling_kills_the_page_programs_at_once(settings, tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(protocol_scan(1))
    stop = threading.Event()
    reader = PageReader(settings, stop)
    seen: list[int] = []
    niceness: list[int] = []

    def _cancel_when_running() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not seen:
            running = _page_programs()
            seen.extend(p.pid for p in running)
            niceness.extend(p.nice() for p in running)
            time.sleep(0.02)
        stop.set()

    watcher = threading.Thread(target=_cancel_when_running)
    watcher.start()
    with pytest.raises(Cancelled):
        reader.read_pdf_page(pdf, 1)
    watcher.join()
    assert seen, "the page programs were never seen running"
    assert set(niceness) == {settings.ocr_nice} and settings.ocr_nice == 10
    assert _page_programs() == []
    assert not [pid for pid in seen if psutil.pid_exists(pid)]


def test_a_page_that_does_not_exist_fails_with_the_renderers_message(settings, tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(protocol_scan(1))
    result = PageReader(settings).read_pdf_page(pdf, 5)
    assert result.status == PageStatus.FAILED
    assert result.error and ("pdftoppm" in result.error or "tesseract" in result.error)
    assert str(tmp_path) not in result.error and "/tmp" not in result.error


def test_an_unreadable_image_fails_without_telling_where_files_are_kept(settings, tmp_path):
    broken = tmp_path / "scan.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not an image at all")
    result = PageReader(settings).read_image(broken)
    assert result.status == PageStatus.FAILED
    assert result.error and result.error.startswith("tesseract failed: ")
    assert str(tmp_path) not in result.error and "innsyn-ocr-" not in result.error


def test_a_short_last_page_without_an_image_is_not_read(settings, tmp_path):
    from bench.datagen_docs import LINES_PER_PAGE, pdf_bytes

    lines = ["Kommunestyret behandlet saken om ny barnehage i Fjordbyen."] * LINES_PER_PAGE
    letter = tmp_path / "brev.pdf"
    letter.write_bytes(pdf_bytes("Brev", [*lines, "Med hilsen Åse"], 3))
    layer = pdf_text_pages(letter, 30)
    assert len(layer) == 2 and pages_needing_ocr(layer, settings.ocr_min_page_chars) == [2]
    assert pdf_image_pages(letter, 30) == set()
    meta = {"xmpTPg:NPages": "2", "pdf:charsPerPage": ["2000", "14"]}
    assert ocr_need(settings, letter, "application/pdf", "", meta) is None
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(protocol_scan(1))
    assert pdf_image_pages(join_pdfs([letter, scan], tmp_path / "both.pdf"), 30) == {3}
