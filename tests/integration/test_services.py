"""`innsyn services`: the real local OpenSearch and Tika, and the errors a new user can meet."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import httpx
import pytest

from innsyn.backends import manager
from innsyn.backends.java import ServiceError
from innsyn.config import Settings


def test_opensearch_norwegian_analyzer_stems(services):
    resp = httpx.post(
        f"{services.opensearch}/_analyze",
        json={"analyzer": "norwegian", "text": "søknadene"},
        timeout=10,
    )
    assert [t["token"] for t in resp.json()["tokens"]] == ["søknad"]
    manager.check_norwegian_analyzer(services.opensearch)


def test_tika_parses_generated_pdf(services):
    manager.check_tika_parses_pdf(services.tika)


def test_status_reports_version_pid_and_heap(services):
    if services.started is None:
        pytest.skip("services are external; status of our own start not applicable")
    by_name = {s.name: s for s in manager.status(services.started)}
    assert by_name["opensearch"].running and by_name["opensearch"].version == "2.19.1"
    assert by_name["opensearch"].pid and "MB" in (by_name["opensearch"].heap or "")
    assert by_name["tika"].running and "Tika" in (by_name["tika"].version or "")
    assert by_name["tika"].pid


def test_service_that_dies_at_start_shows_log_tail(services, tmp_path):
    if services.started is None:
        pytest.skip("needs the cached artifacts of a local start")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    s = Settings(
        data_dir=tmp_path, tika_port=free_port, tika_heap="1k", cache_dir=services.started.cache_dir
    )
    with pytest.raises(ServiceError, match="exited during start-up") as info:
        manager.start_tika(s, print)
    assert "heap" in str(info.value).lower()


def test_down_never_kills_a_process_it_did_not_start(tmp_path):
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        s = Settings(data_dir=tmp_path)
        s.services_dir.mkdir(parents=True)
        (s.services_dir / "tika.pid.json").write_text(
            json.dumps({"pid": stranger.pid, "marker": "-Dinnsyn.service=tika-1", "port": 1})
        )
        manager.down(s, print)
        assert stranger.poll() is None
        assert not (s.services_dir / "tika.pid.json").exists()
    finally:
        stranger.kill()
        stranger.wait()
