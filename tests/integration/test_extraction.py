"""Extraction through the real Tika server, with the hard files in the shared test data."""

from __future__ import annotations

import time

import pytest

from innsyn.extraction.status import ExtractionStatus
from innsyn.extraction.tika_client import extract_bytes
from innsyn.ocr.engine import PageReader
from innsyn.ocr.need import ocr_need
from tests.scans import PROTOCOL_LINES, join_pdfs, page_image, protocol_scan, stamped_scan

ENCRYPTED = "encrypted or password-protected document"


@pytest.mark.parametrize(
    ("path", "phrase"),
    [
        ("pdf/testPDF.pdf", "Apache Tika"),
        ("office/testWORD.docx", "Sample Word Document"),
        ("odf/testOpenOffice2.odt", "This is a sample Open Office document"),
    ],
)
def test_text_from_pdf_docx_odt(settings, testdata, path, phrase):
    result = extract_bytes(settings, (testdata / "tika" / path).read_bytes())
    assert result.status == ExtractionStatus.DONE, result.error
    assert phrase in result.text
    assert result.media_type and result.media_type != "application/octet-stream"


@pytest.mark.parametrize(
    "path",
    [
        "office/testWORD_protected_passtika.docx",
        "odf/testODTEncrypted.odt",
        "office/testEXCEL_protected_passtika.xlsx",
        "misc/testPGPEncrypted.gpg",
    ],
)
def test_encrypted_files_fail_with_a_clear_reason(settings, testdata, path):
    result = extract_bytes(settings, (testdata / "tika" / path).read_bytes())
    assert result.status == ExtractionStatus.FAILED
    assert result.error == ENCRYPTED
    assert result.text == ""


def test_truncated_docx_fails_with_reason(settings, testdata):
    data = (testdata / "tika" / "office" / "testWORD_truncated.docx").read_bytes()
    result = extract_bytes(settings, data)
    assert result.status == ExtractionStatus.FAILED
    assert result.error and result.error.startswith("the file could not be parsed")


def test_email_attachments_are_embedded_documents(settings, testdata):
    data = (testdata / "tika" / "mail" / "testRFC822_multipart_attachments.eml").read_bytes()
    result = extract_bytes(settings, data)
    assert result.status == ExtractionStatus.DONE
    assert result.media_type == "message/rfc822"
    assert len(result.embedded) >= 2
    assert all(e.name for e in result.embedded)


def test_tika_reads_the_text_layer_only_and_leaves_ocr_to_the_queue(settings, testdata):
    """Tika must not OCR (a scan would hold up the harvest): the image-only PDF comes back
    at once with its page count and no text; the OCR queue reads it (test_ocr_queue)."""
    started = time.monotonic()
    path = testdata / "tika" / "pdf" / "testOCR.pdf"
    result = extract_bytes(settings, path.read_bytes())
    assert result.status == ExtractionStatus.DONE
    assert "Happy New Year" not in result.text
    assert result.metadata.get("xmpTPg:NPages") == "1"
    assert time.monotonic() - started < 10
    need = ocr_need(settings, path, result.media_type, result.text, result.metadata)
    assert need is not None and need.pages == [1]
    page = PageReader(settings).read_pdf_page(path, 1)
    assert "Happy New Year" in page.text


def test_a_text_pdf_with_scanned_pages_appended_queues_only_the_scanned_pages(
    settings, testdata, tmp_path
):
    """Tika's per-page character counts pick the pages; a text PDF needs no pdftotext."""
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(protocol_scan(2))
    text_pdf = testdata / "tika" / "pdf" / "testPDF.pdf"
    mixed = join_pdfs([text_pdf, scan, text_pdf], tmp_path / "mixed.pdf")
    result = extract_bytes(settings, mixed.read_bytes())
    assert "Apache Tika" in result.text
    need = ocr_need(settings, mixed, result.media_type, result.text, result.metadata)
    assert need is not None and (need.page_count, need.pages) == (4, [2, 3])
    plain = extract_bytes(settings, text_pdf.read_bytes())
    absent = tmp_path / "absent.pdf"  # pdftotext would fail: not needed for a text PDF
    assert ocr_need(settings, absent, plain.media_type, plain.text, plain.metadata) is None


def test_a_scan_with_an_archive_stamp_in_its_text_layer_is_still_read(settings, tmp_path):
    """Incoming mail is scanned and stamped by the archive system: the page has a line of
    text, but everything else is in the image."""
    stamp = "Ærøy kommune - Mottatt 12.03.2024 - Saksnr. 24/1234-5 - Arkivkode 033"
    path = tmp_path / "brev.pdf"
    path.write_bytes(stamped_scan(page_image(PROTOCOL_LINES), stamp))
    result = extract_bytes(settings, path.read_bytes())
    assert "Mottatt 12.03.2024" in result.text and "Grønvik" not in result.text
    need = ocr_need(settings, path, result.media_type, result.text, result.metadata)
    assert need is not None and need.pages == [1]
    assert "Grønvik" in PageReader(settings).read_pdf_page(path, 1).text
