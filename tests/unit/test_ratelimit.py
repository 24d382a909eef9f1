"""The in-process rate-limit store: limits hold, windows expire, no thread per request."""

from __future__ import annotations

import threading
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from web.ratelimit import SweepingMemoryStorage, storage_uri


def test_memory_uri_maps_to_the_sweeping_store_and_others_pass_through():
    assert storage_uri("memory://") == "innsyn-memory://"
    assert storage_uri("redis://cache:6379/0") == "redis://cache:6379/0"
    assert isinstance(storage_from_string(storage_uri("memory://")), SweepingMemoryStorage)


def test_limits_hold_and_windows_expire():
    store = storage_from_string(storage_uri("memory://"))
    three = parse("3 per 1 second")
    for limiter in (FixedWindowRateLimiter(store), MovingWindowRateLimiter(store)):
        key = type(limiter).__name__
        assert [limiter.hit(three, key) for _ in range(4)] == [True, True, True, False]
    time.sleep(1.1)
    assert FixedWindowRateLimiter(store).hit(three, "FixedWindowRateLimiter")
    assert MovingWindowRateLimiter(store).hit(three, "MovingWindowRateLimiter")


def test_no_thread_is_started_per_hit(monkeypatch):
    store = storage_from_string(storage_uri("memory://"))
    limiter = FixedWindowRateLimiter(store)
    started: list[threading.Thread] = []
    original = threading.Thread.start

    def counting_start(self: threading.Thread) -> None:
        started.append(self)
        original(self)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    item = parse("100000 per minute")
    for i in range(300):
        limiter.hit(item, f"client-{i % 3}")
        if i % 100 == 0:
            time.sleep(0.02)
    assert started == []
    assert limiter.get_window_stats(item, "client-0").remaining == 100000 - 100


def test_expired_counters_are_swept(monkeypatch):
    store = storage_from_string(storage_uri("memory://"))
    assert isinstance(store, SweepingMemoryStorage)
    limiter = FixedWindowRateLimiter(store)
    one_second = parse("5 per 1 second")
    for i in range(20):
        limiter.hit(one_second, f"gone-{i}")
    assert len(store.storage) == 20
    time.sleep(1.1)
    monkeypatch.setattr(store, "_next_sweep", 0.0)
    limiter.hit(one_second, "new")
    assert set(store.storage) == {k for k in store.storage if "new" in k}
    assert len(store.storage) == 1
