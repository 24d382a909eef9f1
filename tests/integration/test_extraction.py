"""Extraction through the real Tika server, with the hard files in the shared test data."""

from __future__ import annotations

import shutil

import pytest

from innsyn.extraction.status import ExtractionStatus
from innsyn.extraction.tika_client import TikaUnavailable, extract_bytes
from innsyn.store.models import Dokumentobjekt

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


def test_size_cap_refuses_without_calling_tika(offline_settings):
    small = offline_settings.model_copy(update={"max_file_size": 10})
    result = extract_bytes(small, b"x" * 11)
    assert (result.status, result.error) == (
        ExtractionStatus.FAILED,
        "file larger than the limit of 10 bytes",
    )


def test_unreachable_tika_is_not_a_verdict(offline_settings):
    with pytest.raises(TikaUnavailable, match="not reachable"):
        extract_bytes(offline_settings, b"%PDF-1.4 hello")


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_image_only_pdf_is_ocred(settings, testdata):
    result = extract_bytes(settings, (testdata / "tika" / "pdf" / "testOCR.pdf").read_bytes())
    assert result.status == ExtractionStatus.DONE
    assert "Happy New Year" in result.text


def test_statuses_are_the_strings_stored_rows_hold():
    """Rows written before the enum (and by modules still comparing plain strings) hold
    these very strings; a new file starts pending."""
    assert [(s.name, str(s)) for s in ExtractionStatus] == [
        ("PENDING", "pending"),
        ("DONE", "done"),
        ("FAILED", "failed"),
        ("SKIPPED", "skipped"),
    ]
    assert ExtractionStatus.FAILED == "failed" and f"{ExtractionStatus.DONE}" == "done"
    default = Dokumentobjekt.__table__.c.extraction_status.default
    assert default is not None and default.arg is ExtractionStatus.PENDING
