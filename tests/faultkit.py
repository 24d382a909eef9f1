"""What the fault tests share: free loopback ports, the real samples they harvest, and
the ``innsyn`` command run as a real process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from innsyn.config import Settings
from tests.conftest import ROOT

MIXED = "documaster-nev-samples/0.2.0/valid-mixed-archive/extraction"
MIXED_ENTRIES = 7
SMALL = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData/Noark5/Small"


def free_port(candidates: Iterable[int]) -> int:
    """The first port of ``candidates`` nobody listens on at 127.0.0.1."""
    tried = []
    for port in candidates:
        tried.append(port)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port among {tried}")


CLOSED = "http://127.0.0.1:9"


def innsyn_cli(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``innsyn ARGS`` as a process of its own on the data of ``settings``; OpenSearch and
    Tika at a closed port unless ``env`` says otherwise."""
    full_env = {
        **os.environ,
        "INNSYN_DATA_DIR": str(settings.data_dir),
        "INNSYN_BLOB_DIR": str(settings.resolved_blob_dir),
        "INNSYN_DATABASE_URL": "",
        "INNSYN_SECRET_KEY": "3f9a1c7e5b2d4068a9e1f3c5b7d90a2e4c6f8b1d3e5a7c9f0b2d4e6a8c1e3f57",
        "INNSYN_OPENSEARCH_URLS": CLOSED,
        "INNSYN_OPENSEARCH_TIMEOUT": "2",
        "INNSYN_TIKA_URL": CLOSED,
        "INNSYN_INDEX_PREFIX": settings.index_prefix,
        "INNSYN_HTTP_ALLOW_PRIVATE_ADDRESSES": "true",
        "INNSYN_HTTP_RETRIES": "0",
    }
    full_env.pop("INNSYN_TRACEBACK", None)
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "innsyn.cli", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_error_line(proc: subprocess.CompletedProcess[str], *expected: str) -> str:
    """A failed command: non-zero exit, no traceback, one ``Error:`` line holding
    ``expected``; returns that line."""
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Error: "), proc.stderr
    for part in expected:
        assert part in lines[0], lines[0]
    return lines[0]


def sigkill_when(
    proc: subprocess.Popen[Any], ready: Callable[[], bool], timeout: float = 60
) -> int:
    """SIGKILL ``proc`` as soon as ``ready()`` says the work is under way; its pid.

    Fails when the process ends first or nothing happens within ``timeout`` seconds."""
    try:
        deadline = time.monotonic() + timeout
        while not ready():
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the harvest did not get going"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return proc.pid
