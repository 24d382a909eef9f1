"""`innsyn services`: the errors a new user can meet, without starting OpenSearch or Tika."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from innsyn.backends import artifacts, manager
from innsyn.backends.java import ServiceError, find_java
from innsyn.cli import main
from innsyn.config import Settings


def test_status_cli_exit_code_when_stopped(tmp_path):
    env = {"INNSYN_DATA_DIR": str(tmp_path), "INNSYN_OPENSEARCH_PORT": "9", "INNSYN_TIKA_PORT": "9"}
    result = CliRunner().invoke(main, ["services", "status"], env=env)
    assert result.exit_code == 3
    assert "stopped" in result.output


def test_port_taken_gives_actionable_error(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        s = Settings(data_dir=tmp_path, opensearch_port=port)
        with pytest.raises(ServiceError, match=f"Port {port} .* already taken"):
            manager.start_opensearch(s, print)


def test_missing_java_is_explained():
    with pytest.raises(ServiceError, match="Java 99 or newer is needed"):
        find_java("", 99)


def test_failed_download_is_explained(tmp_path):
    s = Settings(
        data_dir=tmp_path,
        cache_dir=tmp_path / "cache",
        maven_repository="http://127.0.0.1:9/maven2",
    )
    with pytest.raises(ServiceError, match=r"Downloading Tika from .* failed"):
        artifacts.ensure_tika(s, print)
    assert not list((tmp_path / "cache").glob("*.jar"))
