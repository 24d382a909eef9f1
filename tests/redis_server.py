"""A throwaway Redis server for tests (Debian's redis-server package) on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.gunicorn_server import free_port


def redis_binary() -> str | None:
    """The redis-server program, or None when it is not installed."""
    return shutil.which("redis-server")


@contextmanager
def redis_server(timeout: float = 20.0) -> Iterator[str]:
    """Start redis-server on a free loopback port, nothing persisted; yield its URL; stop
    it and remove its directory afterwards."""
    import redis

    binary = redis_binary()
    if binary is None:
        raise RuntimeError("redis-server not found (apt-get install redis-server)")
    base = Path(tempfile.mkdtemp(prefix="innsyn-redis-"))
    port = free_port()
    log = (base / "redis.log").open("wb")
    proc = subprocess.Popen(
        [
            binary,
            *("--bind", "127.0.0.1", "--port", str(port), "--dir", str(base)),
            *("--save", "", "--appendonly", "no", "--protected-mode", "yes"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(base / 'redis.log').read_text()}")
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
        shutil.rmtree(base, ignore_errors=True)
