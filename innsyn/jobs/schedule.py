"""Job schedules: a five-field cron expression or an interval such as ``every 30m``.

The site's minimum time between runs (``INNSYN_JOB_MIN_INTERVAL``) holds for both: an
interval below it is refused, and so is a cron expression whose minute and hour fields
fire twice within it on any day (counting the last run of a day and the first of the
next, as if every day fired).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

if TYPE_CHECKING:
    from innsyn.config import Settings

_INTERVAL = re.compile(r"^(?:every\s+)?([0-9]+)\s*(s|m|h|d)$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
MIN_INTERVAL = dt.timedelta(seconds=1)
MAX_INTERVAL = dt.timedelta(days=366)
_A_MONDAY = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)


class ScheduleError(ValueError):
    """The schedule text is neither a valid cron expression nor an interval, or it runs
    more often than the site allows."""


def min_interval(settings: Settings) -> dt.timedelta:
    """The site's shortest time between two scheduled runs of a job."""
    return dt.timedelta(seconds=settings.job_min_interval)


def human_interval(delta: dt.timedelta) -> str:
    """``delta`` in whole hours, minutes or seconds (``15 min``)."""
    seconds = int(delta.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


@functools.lru_cache(maxsize=1024)
def shortest_cron_gap(minute: str, hour: str, floor: dt.timedelta) -> dt.timedelta:
    """The shortest time between two runs of a cron expression's ``minute`` and ``hour``
    fields over two days (so the gap from one day's last run to the next day's first is
    seen); the search stops at the first gap shorter than ``floor``."""
    daily = CronTrigger(minute=minute, hour=hour, timezone=dt.UTC)
    end = _A_MONDAY + dt.timedelta(days=2)
    shortest = dt.timedelta(days=1)
    previous = daily.get_next_fire_time(None, _A_MONDAY)
    while previous is not None and previous < end and shortest >= floor:
        fire = daily.get_next_fire_time(previous, previous + dt.timedelta(minutes=1))
        if fire is None:
            break
        shortest = min(shortest, fire - previous)
        previous = fire
    return shortest


def _too_often(min_interval: dt.timedelta) -> ScheduleError:
    return ScheduleError(
        f"runs more often than the site allows: at least {human_interval(min_interval)} between "
        "runs (INNSYN_JOB_MIN_INTERVAL)"
    )


def parse_schedule(text: str, min_interval: dt.timedelta = MIN_INTERVAL) -> Any:
    """An APScheduler trigger (UTC) for ``text``; ``ScheduleError`` says what is wrong,
    including runs closer together than ``min_interval``."""
    text = (text or "").strip()
    match = _INTERVAL.match(text)
    if match:
        try:
            delta = dt.timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
        except OverflowError:
            delta = MAX_INTERVAL * 2
        if not MIN_INTERVAL <= delta <= MAX_INTERVAL:
            raise ScheduleError("an interval must be from 1 second to 366 days")
        if delta < min_interval:
            raise _too_often(min_interval)
        return IntervalTrigger(seconds=int(delta.total_seconds()), timezone=dt.UTC)
    fields = text.split()
    if len(fields) == 5:
        try:
            trigger = CronTrigger.from_crontab(text, timezone=dt.UTC)
        except ValueError as exc:
            raise ScheduleError(f"invalid cron expression {text!r}: {exc}") from exc
        if min_interval > dt.timedelta(minutes=1) and (
            shortest_cron_gap(fields[0], fields[1], min_interval) < min_interval
        ):
            raise _too_often(min_interval)
        return trigger
    raise ScheduleError(
        f"invalid schedule {text!r}: use a cron expression ('0 6 * * *') or an interval "
        "('every 30m', '2h', '1d')"
    )
