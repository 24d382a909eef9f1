"""``innsyn scheduler``: APScheduler 3 in its own process, driven by the jobs table.

Every ``scheduler_poll_seconds`` it reads the table and adds, reschedules or removes
its APScheduler jobs, so changes made in the admin UI, the API or the CLI apply
without a restart; "run now" requests are picked up the same way. APScheduler
coalesces missed runs into one and never starts a job while it is running in this
process; the database lease covers other processes. A run missed while no scheduler
was running is made up once at start, and runs left ``running`` by dead processes of
this host are closed as abandoned (``innsyn.harvest.runs``). ``stop()`` (SIGTERM) lets
running harvests commit the batch in hand, marks them interrupted and returns.
The OCR queue is read in a thread of the same process (``innsyn.ocr.background``, its own
concurrency ``INNSYN_OCR_CONCURRENCY``; 0 leaves it to ``innsyn ocr run`` elsewhere).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.harvest.runs import close_abandoned, worker_name
from innsyn.jobs.runner import NotRun, run_job
from innsyn.jobs.schedule import ScheduleError, min_interval, parse_schedule
from innsyn.store.models import Job, utcnow


def first_run_time(trigger: Any, last_run: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When a job should first run in this process: now if it never ran or missed a run
    while no scheduler was up (coalesced into one), else its next regular time."""
    if last_run is None:
        return (
            now if isinstance(trigger, IntervalTrigger) else trigger.get_next_fire_time(None, now)
        )
    if isinstance(trigger, IntervalTrigger):
        return max(now, last_run + trigger.interval)
    due = trigger.get_next_fire_time(None, last_run)
    if due is not None and due <= now:
        return now
    return due or now


class JobScheduler:
    """Mirrors the jobs table into an APScheduler and runs what is due."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        echo: Callable[[str], None] = print,
        workers: int = 2,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.echo = echo
        self.worker = worker_name()
        self.stopping = threading.Event()
        self._known: dict[int, str] = {}
        self.scheduler = BackgroundScheduler(
            timezone=dt.UTC,
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def sync(self) -> None:
        """Bring the APScheduler jobs in line with the jobs table."""
        now = utcnow()
        with self.sessions() as s:
            rows = s.execute(
                select(
                    Job.id,
                    Job.schedule,
                    Job.enabled,
                    Job.last_run_at,
                    Job.run_requested,
                    Job.lease_until,
                )
            ).all()
        wanted: set[int] = set()
        for job_id, schedule, enabled, last_run, requested, lease_until in rows:
            idle = lease_until is None or lease_until < now
            if requested and idle and not self.scheduler.get_job(f"now-{job_id}"):
                self.scheduler.add_job(
                    self._run, args=[job_id], id=f"now-{job_id}", next_run_time=now
                )
            if not enabled:
                continue
            try:
                trigger = parse_schedule(schedule, min_interval(self.settings))
            except ScheduleError as exc:
                self.echo(f"job {job_id}: {exc}")
                continue
            wanted.add(job_id)
            apid = f"job-{job_id}"
            if job_id not in self._known:
                self.scheduler.add_job(
                    self._run,
                    trigger,
                    args=[job_id],
                    id=apid,
                    next_run_time=first_run_time(trigger, last_run, now),
                )
                self.echo(f"job {job_id}: scheduled ({schedule})")
            elif self._known[job_id] != schedule:
                self.scheduler.reschedule_job(apid, trigger=trigger)
                self.echo(f"job {job_id}: rescheduled ({schedule})")
            self._known[job_id] = schedule
        for job_id in set(self._known) - wanted:
            if self.scheduler.get_job(f"job-{job_id}"):
                self.scheduler.remove_job(f"job-{job_id}")
            del self._known[job_id]
            self.echo(f"job {job_id}: removed or disabled")

    def _run(self, job_id: int, due: dt.datetime | None = None) -> None:
        if self.stopping.is_set():
            return
        due = due or utcnow()
        if self._ran_since(job_id, due):
            return
        self.echo(f"job {job_id}: run starts")
        try:
            outcome = run_job(
                self.settings,
                self.sessions,
                job_id,
                worker=self.worker,
                should_stop=self.stopping.is_set,
            )
        except Exception as exc:  # a broken job must not stop the scheduler
            self.echo(f"job {job_id}: run crashed: {type(exc).__name__}: {exc}")
            return
        self.echo(f"job {job_id}: {outcome.status} {outcome.summary}")
        if outcome.status == NotRun.BUSY and not self.scheduler.get_job(f"retry-{job_id}"):
            # Held by another worker, or by one that died: its lease runs out, then we
            # run unless that worker completed a run in the meantime.
            when = utcnow() + dt.timedelta(seconds=self.settings.job_lease_seconds / 2)
            self.scheduler.add_job(
                self._run, args=[job_id, due], id=f"retry-{job_id}", next_run_time=when
            )

    def _ran_since(self, job_id: int, due: dt.datetime) -> bool:
        with self.sessions() as s:
            last = s.scalar(select(Job.last_run_at).where(Job.id == job_id))
        return last is not None and last >= due

    def serve(self, until: Callable[[], bool] | None = None) -> None:
        """Run until ``stop()`` (or ``until()`` says so); then wait for running harvests."""
        from innsyn.ocr.background import OcrThread

        self.scheduler.start()
        self.echo(f"scheduler {self.worker} started")
        ocr = OcrThread(
            self.settings, self.sessions, self.echo, self.settings.scheduler_poll_seconds
        )
        ocr.start()
        try:
            close_abandoned(self.sessions, self.echo, found_by=f"scheduler {self.worker}")
        except Exception as exc:  # the database may be briefly unavailable
            self.echo(f"could not check for abandoned runs: {type(exc).__name__}: {exc}")
        try:
            while not self.stopping.is_set() and not (until and until()):
                try:
                    self.sync()
                except Exception as exc:  # the database may be briefly unavailable
                    self.echo(f"could not read jobs: {type(exc).__name__}: {exc}")
                self.stopping.wait(self.settings.scheduler_poll_seconds)
        finally:
            self.stopping.set()
            ocr.stop()
            self.scheduler.shutdown(wait=True)
            self.echo("scheduler stopped")

    def stop(self) -> None:
        self.stopping.set()
