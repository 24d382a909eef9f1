"""The in-process rate-limit store used for ``memory://``.

``limits``' own memory storage starts a new timer thread to sweep expired counters
whenever its previous 10 ms timer has fired: under steady traffic that is a thread start
(and a wait for the new thread to be scheduled) on the path of up to a hundred requests a
second per worker. Expiry does not depend on the sweep (counters and windows are checked
against the clock when read); it only frees memory. Here the sweep runs in the calling
thread, at most once a second.
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

SCHEME = "innsyn-memory"
SWEEP_SECONDS = 1.0


class SweepingMemoryStorage(MemoryStorage):
    """``memory://`` without a thread per sweep."""

    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012 (read once, by the storage registry)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
        finally:
            self._sweep_lock.release()


def storage_uri(configured: str) -> str:
    """The storage URI to give flask-limiter for the configured one."""
    if configured.startswith("memory://"):
        return SCHEME + configured[len("memory") :]
    return configured
