"""Progress reports for long work: counts, rate and ETA, at most every few seconds."""

from __future__ import annotations

import time
from collections.abc import Callable

ProgressCallback = Callable[[str], None]


class Progress:
    """Counts work done and reports ``label: done/total (pct), rate/s, ETA`` through ``emit``."""

    def __init__(
        self, label: str, total: int | None, emit: ProgressCallback | None, every: float = 2.0
    ) -> None:
        self.label = label
        self.total = total
        self.emit = emit
        self.every = every
        self.done = 0
        self.started = time.monotonic()
        self._last = self.started

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        rate = self.rate
        if self.total:
            pct = 100.0 * self.done / self.total
            eta = (self.total - self.done) / rate if rate > 0 else 0.0
            return (
                f"{self.label}: {self.done}/{self.total} ({pct:.0f}%), {rate:.0f}/s, ETA {eta:.0f}s"
            )
        return f"{self.label}: {self.done}, {rate:.0f}/s"

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.emit and now - self._last >= self.every:
            self._last = now
            self.emit(self.line())

    def finish(self) -> None:
        if self.emit:
            self.emit(self.line() + " — done")
