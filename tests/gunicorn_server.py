"""Gunicorn as a real subprocess on a free loopback port, for tests that need a real server.

    env = settings_env(settings, INNSYN_RATE_LIMIT_SEARCH="100000 per minute")
    with GunicornServer(env, workers=2, log_path=tmp_path / "gunicorn.log") as server:
        httpx.get(f"{server.url}/api/v1/search?q=vedtak")

The server binds 127.0.0.1 only, is started from the project root (``web.wsgi:app`` reads
its settings from the environment), is ready once ``/healthz`` answers 200, and is stopped
(SIGTERM, then SIGKILL) when the ``with`` block ends, whatever happens inside it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from innsyn.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _env_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def settings_env(settings: Settings, **overrides: str) -> dict[str, str]:
    """The environment that makes a child process use exactly ``settings``.

    The parent's environment is kept (PATH, the venv) but every ``INNSYN_*`` variable is
    replaced by the values of ``settings``; ``overrides`` (full variable names) win.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("INNSYN_")}
    for name, value in settings.model_dump().items():
        if value is not None:
            env[f"INNSYN_{name.upper()}"] = _env_value(value)
    env.update(overrides)
    return env


class ServerFailed(RuntimeError):
    """Gunicorn exited or did not become healthy; the message ends with its log tail."""


class GunicornServer:
    """One gunicorn master with ``workers`` sync workers serving ``app`` on 127.0.0.1."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        workers: int = 2,
        app: str = "web.wsgi:app",
        log_path: Path | None = None,
        start_timeout: float = 60.0,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.env = dict(env)
        self.workers = workers
        self.app = app
        self.log_path = log_path or Path(tempfile.mkdtemp(prefix="gunicorn-")) / "gunicorn.log"
        self.start_timeout = start_timeout
        self.extra_args = list(extra_args)
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines gunicorn and the app wrote."""
        if not self.log_path.is_file():
            return ""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def start(self, attempts: int = 3) -> None:
        """Start gunicorn and wait for ``/healthz``; a port taken meanwhile is retried."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        last: ServerFailed | None = None
        for _ in range(attempts):
            try:
                self._start_once()
                return
            except ServerFailed as exc:
                self.stop()
                last = exc
                if "Address already in use" not in str(exc):
                    raise
        assert last is not None
        raise last

    def _start_once(self) -> None:
        self.port = free_port()
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--graceful-timeout",
            "5",
            "--error-logfile",
            "-",
            *self.extra_args,
            self.app,
        ]
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        last = "no answer"
        with httpx.Client(timeout=5.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise ServerFailed(
                        f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}"
                    )
                try:
                    resp = client.get(f"{self.url}/healthz")
                    if resp.status_code == 200:
                        return
                    last = f"{resp.status_code} {resp.text[:300]}"
                except httpx.HTTPError as exc:
                    last = type(exc).__name__
                time.sleep(0.2)
        raise ServerFailed(
            f"gunicorn on {self.url} not healthy after {self.start_timeout:.0f} s "
            f"(last: {last}):\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """SIGTERM to the master (it stops its workers), SIGKILL if it does not exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
