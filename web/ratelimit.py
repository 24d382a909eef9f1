"""The in-process rate-limit store used for ``memory://``.

``limits``' own memory storage starts a new timer thread to sweep expired counters
whenever its previous 10 ms timer has fired: under steady traffic that is a thread start
(and a wait for the new thread to be scheduled) on the path of up to a hundred requests a
second per worker. Expiry does not depend on the sweep (counters and windows are checked
against the clock when read); it only frees memory. Here the sweep runs in the calling
thread, at most once a second.

This reaches into private, name-mangled methods of ``limits.storage.MemoryStorage``
(``__schedule_expiry``, overridden; ``__expire_events``, called), which
``tests/unit/test_ratelimit.py`` checks against the installed version. It pays for itself
(``.venv/bin/python -m bench.shims``; flask-limiter 4.1.1, limits 5.8.0, 2 cores, four
runs): a request through flask-limiter 12 ms after the previous one, as a worker thread
sees them under moderate traffic, costs 1.2-1.5 ms in-process with the stock storage and
0.85-0.97 ms with this one, 0.3-0.6 ms saved (23-46% of a 1.3 ms search request); back
to back, while the stock timer is still alive, 20-110 µs saved.
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
