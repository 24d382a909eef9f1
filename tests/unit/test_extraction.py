"""Extraction without Tika: the size cap, an unreachable Tika, the stored status strings."""

from __future__ import annotations

import pytest

from innsyn.extraction.status import ExtractionStatus
from innsyn.extraction.tika_client import TikaUnavailable, extract_bytes
from innsyn.store.models import Dokumentobjekt


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
