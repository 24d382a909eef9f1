"""Job schedules: a five-field cron expression or an interval such as ``every 30m``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

_INTERVAL = re.compile(r"^(?:every\s+)?([0-9]+)\s*(s|m|h|d)$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
MIN_INTERVAL = dt.timedelta(seconds=1)
MAX_INTERVAL = dt.timedelta(days=366)


class ScheduleError(ValueError):
    """The schedule text is neither a valid cron expression nor an interval."""


def parse_schedule(text: str) -> Any:
    """An APScheduler trigger (UTC) for ``text``; ``ScheduleError`` says what is wrong."""
    text = (text or "").strip()
    match = _INTERVAL.match(text)
    if match:
        try:
            delta = dt.timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
        except OverflowError:
            delta = MAX_INTERVAL * 2
        if not MIN_INTERVAL <= delta <= MAX_INTERVAL:
            raise ScheduleError("an interval must be from 1 second to 366 days")
        return IntervalTrigger(seconds=int(delta.total_seconds()), timezone=dt.UTC)
    if len(text.split()) == 5:
        try:
            return CronTrigger.from_crontab(text, timezone=dt.UTC)
        except ValueError as exc:
            raise ScheduleError(f"invalid cron expression {text!r}: {exc}") from exc
    raise ScheduleError(
        f"invalid schedule {text!r}: use a cron expression ('0 6 * * *') or an interval "
        "('every 30m', '2h', '1d')"
    )
