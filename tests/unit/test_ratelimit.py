"""The in-process rate-limit store: limits hold, windows expire, no thread per request; and
the private internals of ``limits`` it relies on are still there."""

from __future__ import annotations

import inspect
import threading
import time

import limits
import pytest
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from web.ratelimit import SweepingMemoryStorage, storage_uri


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """Every thread started while the test runs (they still start); a test clears it
    once its store exists, to count only what the hits start."""
    threads: list[threading.Thread] = []
    original = threading.Thread.start

    def counting_start(self: threading.Thread) -> None:
        threads.append(self)
        original(self)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    return threads


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


def test_no_thread_is_started_per_hit(started):
    store = storage_from_string(storage_uri("memory://"))
    limiter = FixedWindowRateLimiter(store)
    started.clear()
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


# -- what web.ratelimit relies on inside ``limits`` (private, name-mangled) --------------

PRIVATE = ("_MemoryStorage__schedule_expiry", "_MemoryStorage__expire_events")
HIT_PATHS = ("incr", "decr", "acquire_entry")


def _changed(what: str) -> str:
    return (
        f"limits {limits.__version__}: {what}. web/ratelimit.py overrides the private "
        "MemoryStorage.__schedule_expiry and calls MemoryStorage.__expire_events; adapt it "
        "to this version of limits or remove it (measure with python -m bench.shims)"
    )


def test_the_private_methods_of_limits_memory_storage_are_as_the_shim_expects():
    for name in PRIVATE:
        method = getattr(MemoryStorage, name, None)
        assert callable(method), _changed(f"MemoryStorage.{name} no longer exists")
        params = list(inspect.signature(method).parameters)
        assert params == ["self"], _changed(f"MemoryStorage.{name} now takes {params}")
    for name in HIT_PATHS:
        code = inspect.unwrap(getattr(MemoryStorage, name)).__code__
        assert PRIVATE[0] in code.co_names, _changed(
            f"MemoryStorage.{name} no longer calls {PRIVATE[0]}"
        )
    params = inspect.signature(MemoryStorage.__init__).parameters
    assert list(params)[:3] == ["self", "uri", "wrap_exceptions"], _changed(
        f"MemoryStorage.__init__ now takes {list(params)}"
    )


def test_the_stock_memory_storage_still_starts_a_thread_per_sweep(started):
    """The reason for the shim: should ``limits`` stop doing this, the shim can go."""
    store = MemoryStorage()
    limiter = FixedWindowRateLimiter(store)
    started.clear()
    item = parse("1000 per minute")
    for _ in range(3):
        time.sleep(0.03)
        limiter.hit(item, "client")
    assert len(started) == 3, _changed(
        f"its memory storage started {len(started)} threads for 3 spaced hits, not 3"
    )
