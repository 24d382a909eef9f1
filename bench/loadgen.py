"""A closed-loop HTTP load driver: C clients, each sending its next request as soon as the
previous answer is read, for a fixed time after a warm-up.

Every client is a thread with one persistent ``http.client`` connection (reopened when the
server closes it), the cheapest client the standard library has, so that as little of
the two cores as possible goes to the driver itself. Requests are taken in turn from one
fixed list shared by all clients; each answer's status and latency are recorded.
"""

from __future__ import annotations

import http.client
import itertools
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.common import percentile


@dataclass(frozen=True)
class Request:
    """One HTTP request of a mix: ``path`` includes the query string."""

    method: str
    path: str
    body: bytes | None = None
    kind: str = ""
    content_type: str = "application/json"


@dataclass
class LoadResult:
    """What one closed-loop run measured (latencies in milliseconds)."""

    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0
    failure_examples: list[str] = field(default_factory=list)
    driver_cpu_seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def add(self, other: LoadResult) -> None:
        """Pool ``other`` (a run at the same concurrency) into this result."""
        self.seconds += other.seconds
        self.latencies_ms.extend(other.latencies_ms)
        for kind, values in other.by_kind.items():
            self.by_kind.setdefault(kind, []).extend(values)
        self.statuses.update(other.statuses)
        self.failures += other.failures
        self.failure_examples = (self.failure_examples + other.failure_examples)[:5]
        self.driver_cpu_seconds += other.driver_cpu_seconds


def run_load(
    base_url: str,
    mix: list[Request],
    concurrency: int,
    seconds: float,
    warmup_seconds: float = 2.0,
    timeout: float = 60.0,
) -> LoadResult:
    """Drive ``mix`` at ``base_url`` with ``concurrency`` clients for ``seconds`` after
    ``warmup_seconds``. Only requests that start and end inside the measured window count."""
    if not mix:
        raise ValueError("empty request mix")
    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    counter = itertools.count()
    started = time.perf_counter()
    window_start = started + warmup_seconds
    window_end = window_start + seconds
    per_client: list[list[tuple[float, float, int, int]]] = [[] for _ in range(concurrency)]
    failures: list[str] = []
    lock = threading.Lock()
    cpu_before = os.times()

    def client(slot: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        record = per_client[slot].append
        try:
            while True:
                t0 = time.perf_counter()
                if t0 >= window_end:
                    return
                i = next(counter) % len(mix)
                req = mix[i]
                headers = {"Accept": "application/json"}
                if req.body is not None:
                    headers["Content-Type"] = req.content_type
                try:
                    conn.request(req.method, req.path, body=req.body, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                    status = resp.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    with lock:
                        failures.append(f"{req.method} {req.path[:80]}: {exc!r}")
                    status = -1
                t1 = time.perf_counter()
                if t0 >= window_start and t1 <= window_end:
                    record((t0, t1, status, i))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu_after = os.times()
    result = LoadResult(concurrency=concurrency, seconds=seconds)
    for samples in per_client:
        for t0, t1, status, i in samples:
            if status < 0:
                continue
            ms = (t1 - t0) * 1000
            result.latencies_ms.append(ms)
            result.by_kind.setdefault(mix[i].kind, []).append(ms)
            result.statuses[status] += 1
    result.failures = len(failures)
    result.failure_examples = failures[:5]
    result.driver_cpu_seconds = (cpu_after.user - cpu_before.user) + (
        cpu_after.system - cpu_before.system
    )
    return result
