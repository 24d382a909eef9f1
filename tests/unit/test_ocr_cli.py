"""``innsyn ocr …`` on the command line: a missing tool is one clear line and exit 1; an
empty queue is read at once; status and retry on the real store."""

from __future__ import annotations

import json

from click.testing import CliRunner

from innsyn.cli import main
from innsyn.ocr.status import OcrStatus, PageStatus
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Journalpost,
    OcrPage,
    OcrTask,
)
from tests.conftest import make_settings
from tests.factories import store
from tests.gunicorn_server import settings_env


def test_ocr_run_without_its_tools_names_what_to_install(tmp_path):
    env = {**settings_env(make_settings(tmp_path)), "PATH": str(tmp_path)}
    result = CliRunner().invoke(main, ["ocr", "run"], env=env)
    assert result.exit_code == 1
    assert "pdftoppm is not installed (apt-get install poppler-utils)" in result.output


def test_ocr_run_on_an_empty_queue_and_status(tmp_path):
    settings = make_settings(tmp_path)
    env = settings_env(settings)
    result = CliRunner().invoke(main, ["ocr", "run", "--no-index"], env=env)
    assert result.exit_code == 0, result.output
    assert "OCR: 0 documents finished" in result.output
    status = CliRunner().invoke(main, ["ocr", "status", "--json"], env=env)
    assert json.loads(status.output)["pages_waiting"] == 0


def test_ocr_retry_queues_failed_pages_again_and_keeps_the_pages_read(tmp_path):
    settings = make_settings(tmp_path)
    sessions = store(settings)
    sha = "e" * 64
    with sessions.begin() as s:
        s.add(
            OcrTask(
                sha256=sha,
                kind="pdf",
                page_count=2,
                pages=[1, 2],
                claims=1,
                status=OcrStatus.PARTIAL,
                error="OCR read 1 of 2 pages; page 2: boom",
            )
        )
        s.flush()
        s.add(OcrPage(sha256=sha, page=1, status=PageStatus.DONE, text="lest", seconds=2.0))
        s.add(OcrPage(sha256=sha, page=2, status=PageStatus.FAILED, error="boom", seconds=1.0))
        jp = Journalpost(id="jp1", source_key="t", system_id="s1")
        doc = Dokumentbeskrivelse(id="db1", tittel="Skann")
        doc.dokumentobjekter = [
            Dokumentobjekt(
                id="do1", sha256=sha, ocr_status=OcrStatus.PARTIAL, ocr_error="page 2: boom"
            )
        ]
        jp.dokumentbeskrivelser = [doc]
        s.add(jp)
    env = settings_env(settings)
    before = CliRunner().invoke(main, ["ocr", "status"], env=env)
    assert "e" * 12 + ": OCR read 1 of 2 pages; page 2: boom" in before.output

    result = CliRunner().invoke(main, ["ocr", "retry"], env=env)

    assert result.exit_code == 0 and "1 documents queued again" in result.output
    with sessions() as s:
        task = s.get_one(OcrTask, sha)
        assert (task.status, task.error) == (OcrStatus.QUEUED, None)
        assert [p.page for p in s.query(OcrPage).filter_by(sha256=sha)] == [1]
        assert s.get_one(Dokumentobjekt, "do1").ocr_status == OcrStatus.QUEUED
    after = json.loads(CliRunner().invoke(main, ["ocr", "status", "--json"], env=env).output)
    assert (after["documents_waiting"], after["pages_waiting"], after["pages_read"]) == (1, 1, 1)
