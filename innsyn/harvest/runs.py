"""Run statuses, and harvest runs whose process died: found and closed as ``abandoned``.

A run row (``HarvestRun``) is written ``running`` as a harvest starts and closed with
one of the other ``RunStatus`` values by ``innsyn.harvest.pipeline``, the job runner
(``innsyn.jobs.runner``) or, for a dead process, by ``close_abandoned`` here.

A run's ``worker`` is ``host:pid:random`` (``worker_name()``), so a run left ``running``
by a process that was killed (SIGKILL, out of memory, a reboot) can be recognised: its
host is this one and its process is gone, or the pid now belongs to a process that
started after the run did. Runs of other hosts are left alone (their processes cannot be
seen from here; a job's runs are closed when its lease is taken over, see
``innsyn.jobs.runner``), and so are runs with no recognisable worker.

``on_harvest_start`` is called once at the top of every harvest; the scheduler calls
``close_abandoned`` when it starts.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from innsyn.digits import ascii_int
from innsyn.harvest.status import RunStatus
from innsyn.store.blobs import BlobStore
from innsyn.store.models import HarvestRun, utcnow

STATUS_NOTES: dict[str, str] = {
    RunStatus.RUNNING: (
        "In progress, unless its process died on another machine (a dead process of this "
        "machine is noticed when the next harvest or the scheduler starts)."
    ),
    RunStatus.OK: "Completed.",
    RunStatus.OK_WITH_ERRORS: "Completed; some records or files failed (see the errors).",
    RunStatus.FAILED: "Stopped by an error (see the errors); what it had committed is kept.",
    RunStatus.INTERRUPTED: "Stopped on request; the batch in hand was committed.",
    RunStatus.ABANDONED: (
        "Its process ended without finishing (killed, crashed or restarted); what it had "
        "committed is kept and the next run harvests the rest."
    ),
}
"""What each run status means, for the admin UI, the admin API and the CLI."""
START_SLACK = dt.timedelta(seconds=2)
"""A pid whose process started more than this after the run did is another process."""


def worker_name() -> str:
    """host:pid:random, unique per process (and per ``JobScheduler``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Worker:
    host: str
    pid: int


def parse_worker(worker: str | None) -> Worker | None:
    """The host and pid in a ``worker`` value, or ``None`` when it has none."""
    if not worker:
        return None
    host, _, rest = worker.partition(":")
    pid = ascii_int(rest.partition(":")[0])
    if not host or pid is None or pid <= 0:
        return None
    return Worker(host, pid)


@functools.cache
def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _proc_stat(pid: int) -> tuple[str, float | None] | None:
    """State letter and start time (epoch seconds) of ``pid`` from /proc, or ``None``."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()  # the name in parentheses may hold spaces
    if len(fields) < 20:
        return None
    state = fields[0]
    boot = _boot_time()
    ticks = ascii_int(fields[19])
    if boot is None or ticks is None:
        return state, None
    return state, boot + ticks / os.sysconf("SC_CLK_TCK")


def process_alive(pid: int, run_started: dt.datetime | None = None) -> bool:
    """Whether the process ``pid`` on this host can still be the one that started a run
    at ``run_started``: it exists, is not a zombie, and (where /proc tells) did not start
    after the run."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    except OSError:
        return True  # cannot tell: keep the run
    stat = _proc_stat(pid)
    if stat is None:
        return True
    state, started = stat
    if state in ("Z", "X", "x"):
        return False
    if started is not None and run_started is not None:
        return dt.datetime.fromtimestamp(started, dt.UTC) <= run_started + START_SLACK
    return True


def close_abandoned(
    sessions: sessionmaker[Session],
    log: Callable[[str], None] | None = None,
    *,
    found_by: str = "",
    source_key: str | None = None,
    log_other: Callable[[str], None] | None = None,
) -> list[int]:
    """Mark every ``running`` run of this host whose process is gone as ``abandoned``
    (``finished_at`` now, the reason in its errors and log); return their ids.

    A harvest of ``source_key`` calls this: its run log (``log``) and ``found_by`` name
    only runs of the same source; a run of another source (perhaps another agency's,
    whose admins read these logs) is told to ``log_other`` and learns nothing of the
    finder. Without ``source_key`` (the scheduler) every run is told to ``log``."""
    host = socket.gethostname()
    with sessions() as s:
        candidates = s.execute(
            select(
                HarvestRun.id, HarvestRun.worker, HarvestRun.started_at, HarvestRun.source_key
            ).where(HarvestRun.status == RunStatus.RUNNING)
        ).all()
    closed: list[int] = []
    for run_id, worker, started, source in candidates:
        who = parse_worker(worker)
        if who is None or who.host != host or process_alive(who.pid, started):
            continue
        reason = (
            f"abandoned: process {who.pid} on {who.host} ended without finishing the run "
            "(killed, crashed or restarted); what it committed is kept and the next run "
            "harvests the rest"
        )
        own = source_key is None or source == source_key
        tell = log if own else log_other
        if _mark(sessions, run_id, reason, found_by if own else "a harvest of another source"):
            closed.append(run_id)
            if tell is not None:
                tell(f"run {run_id} marked abandoned: process {who.pid} on {who.host} is gone")
    return closed


def _mark(sessions: sessionmaker[Session], run_id: int, reason: str, found_by: str) -> bool:
    now = utcnow()
    with sessions.begin() as s:
        run = s.get(HarvestRun, run_id)
        if run is None or run.status != RunStatus.RUNNING:
            return False
        line = f"{now:%Y-%m-%d %H:%M:%S} {reason}" + (f" (found by {found_by})" if found_by else "")
        result = s.execute(
            update(HarvestRun)
            .where(HarvestRun.id == run_id, HarvestRun.status == RunStatus.RUNNING)
            .values(
                status=RunStatus.ABANDONED,
                finished_at=now,
                errors=[*(run.errors or []), reason],
                log_tail=[*(run.log_tail or []), line],
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


def on_harvest_start(
    sessions: sessionmaker[Session],
    run_id: int,
    source_key: str,
    blobs: BlobStore,
    log: Callable[[str], None],
    log_other: Callable[[str], None] | None = None,
) -> None:
    """Housekeeping as a harvest of ``source_key`` starts (its run row ``run_id`` just
    written): close runs abandoned by dead processes of this host, and remove stale
    temporary files from the blob store. Housekeeping never fails the harvest. What it
    did goes to ``log`` (the run's log), except what concerns runs of other sources,
    which goes to ``log_other`` only."""
    try:
        close_abandoned(
            sessions,
            log,
            found_by=f"run {run_id}",
            source_key=source_key,
            log_other=log_other,
        )
    except Exception as exc:  # the harvest matters more than this bookkeeping
        log(f"could not check for abandoned runs: {type(exc).__name__}: {exc}")
    try:
        removed = blobs.remove_stale_tmp()
    except OSError as exc:
        log(f"could not clean the blob store's tmp directory: {exc}")
    else:
        if removed:
            log(f"removed {removed} stale temporary file(s) from the blob store")


def what_became_of_the_run(sessions: sessionmaker[Session], worker: str) -> str:
    """One clause on the latest run started by ``worker``, for an error message: its id
    and status (``run 12 was marked failed``)."""
    try:
        with sessions() as s:
            run = s.scalar(
                select(HarvestRun)
                .where(HarvestRun.worker == worker)
                .order_by(HarvestRun.id.desc())
                .limit(1)
            )
    except Exception as exc:  # the database may be what failed
        return f"its run could not be looked up ({type(exc).__name__})"
    if run is None:
        return "no run was recorded"
    if run.status == RunStatus.RUNNING:
        return (
            f"run {run.id} could not be marked failed; it is closed as abandoned when the "
            "next harvest or the scheduler starts"
        )
    return f"run {run.id} was marked {run.status}"
