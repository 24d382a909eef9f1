"""The harvest pipeline: one run of one source, from its harvester to the index.

The path of one record, and the module that owns each step:

1. **harvester** (a plugin, ``innsyn.harvest.contract.Harvester``, found by name through
   ``innsyn.harvest.registry``) reads the source and yields records
   (``innsyn.harvest.records``);
2. **run_source / harvest** (here) open a run: its ``HarvestRun`` row, its report
   (``innsyn.harvest.report``), stop requests, warnings, progress;
3. **StoreWriter** (``innsyn.harvest.writer``, with the column values of
   ``innsyn.harvest.values``) writes each record into the store in batches and its
   files into the blob store;
4. **extraction** (``innsyn.extraction.worker``) gets the text of new files from Tika;
5. **index catch-up** (``innsyn.indexing.indexer``) brings OpenSearch in line with
   whatever changed in the store. New entries of a fresh source are mostly indexed
   already, straight from the rows the writer inserted (``DirectIndex``, when the run
   indexes at all); catch-up indexes the rest and stays the safety net.

The CLI (``innsyn harvest run``), the demo loader and the job runner all call
``run_source`` with a ``RunContext``. A run is idempotent: ids are stable per source
and system id, unchanged records are not written, so a killed run simply runs again
with no duplicates. When OpenSearch is down the harvest still completes into the store
and the report says how many records wait for indexing.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.harvest.caps import clamp_params
from innsyn.harvest.contract import Harvester
from innsyn.harvest.records import HarvestWarning, JournalpostRecord, Record
from innsyn.harvest.registry import get_harvester
from innsyn.harvest.report import HarvestReport
from innsyn.harvest.runs import RunStatus, on_harvest_start, worker_name
from innsyn.harvest.writer import StoreWriter
from innsyn.progress import Progress, ProgressCallback
from innsyn.store.blobs import BlobStore
from innsyn.store.models import HarvestRun, utcnow

if TYPE_CHECKING:
    from innsyn.http_client import HttpClient
    from innsyn.indexing.direct import DirectIndex


GC_YOUNG_THRESHOLD = 50_000
"""Allocations between two young collections of Python's cyclic garbage collector while a
harvest runs (Python's default is 700)."""


class Interrupted(Exception):
    """The run was asked to stop; what was in hand is committed."""


class CollectorTuning:
    """Python's cyclic garbage collector, run less often while harvests are in progress.

    A harvest allocates a few hundred objects a record that live until the batch is
    committed: at the default thresholds they survive young collections and fill the
    oldest generation, whose full collections are slow. Timed with ``gc.callbacks`` on a
    harvest of 20 000 entries (``bench.ingest``'s extraction): 3 300 collections took
    3.4 s (25 full ones of ~100 ms) at the defaults, 290 took 0.2 s with
    ``GC_YOUNG_THRESHOLD``. Harvests may overlap in threads of one process: the first to
    start raises the threshold, the last to end restores it.
    """

    def __init__(self, young: int = GC_YOUNG_THRESHOLD) -> None:
        self.young = young
        self._lock = threading.Lock()
        self._active = 0
        self._saved: tuple[int, int, int] | None = None

    @contextmanager
    def during(self) -> Iterator[None]:
        """Collect less often inside the ``with`` block."""
        with self._lock:
            if self._active == 0:
                self._saved = gc.get_threshold()
                gc.set_threshold(max(self.young, self._saved[0]), *self._saved[1:])
            self._active += 1
        try:
            yield
        finally:
            with self._lock:
                self._active -= 1
                if self._active == 0 and self._saved is not None:
                    gc.set_threshold(*self._saved)
                    self._saved = None


COLLECTOR = CollectorTuning()


@dataclass(frozen=True)
class RunContext:
    """Everything about one harvest run except the harvester itself.

    ``source_key`` names the source in the store (its records' ids derive from it);
    ``progress`` hears every log line; ``extract``/``index`` switch the later steps off;
    ``default_enhet`` owns records that name no agency; ``job_id``, ``trigger`` and
    ``worker`` go on the run's row; ``should_stop`` is polled between records: when it
    says yes, the batch in hand is committed, the run is marked ``interrupted`` and
    ``Interrupted`` is raised.
    """

    settings: Settings
    sessions: sessionmaker[Session]
    source_key: str
    progress: ProgressCallback | None = None
    extract: bool = True
    index: bool = True
    default_enhet: str | None = None
    job_id: int | None = None
    trigger: str | None = None
    worker: str | None = None
    should_stop: Callable[[], bool] | None = None


def run_source(
    run: RunContext,
    name: str,
    location: str,
    params: dict[str, str] | None = None,
    *,
    http: HttpClient | None = None,
    state: dict[str, Any] | None = None,
) -> HarvestReport:
    """Harvest ``location`` with the installed harvester ``name`` (``params``, ``http``
    and the previous run's ``state`` go to it); the report's ``state`` is where the
    harvester got to. A ``KeyError`` says no harvester has that name."""
    harvester = get_harvester(name, location, params, http=http, state=state)
    return harvest(harvester, run)


def harvest(harvester: Harvester, run: RunContext) -> HarvestReport:
    """Harvest ``harvester`` into the store as ``run.source_key``; extract and index.

    The run's row is written first and closed with the report's status, whatever
    happens; an error is raised again after that. The site's caps are applied to the
    harvester's parameters first (``innsyn.harvest.caps``)."""
    harvester.params = clamp_params(run.settings, getattr(harvester, "params", None) or {})
    report = HarvestReport()
    started = time.monotonic()
    sessions = run.sessions
    blobs = BlobStore(run.settings.resolved_blob_dir)
    with sessions.begin() as s:
        row = HarvestRun(
            source_key=run.source_key,
            harvester=getattr(harvester, "name", "?"),
            location=str(getattr(harvester, "location", "")),
            status=RunStatus.RUNNING,
            job_id=run.job_id,
            agency_id=run.default_enhet if run.job_id is not None else None,
            trigger=run.trigger,
            worker=run.worker or worker_name(),
        )
        s.add(row)
    report.run_id = row.id

    def log(message: str) -> None:
        report.say(message)
        if run.progress is not None:
            run.progress(message)

    # dead runs, stale tmp files
    on_harvest_start(sessions, report.run_id, run.source_key, blobs, log, run.progress)
    report.say(f"harvest of {run.source_key} started")
    try:
        with COLLECTOR.during():
            _store(harvester, run, blobs, report, log)
        report.state = getattr(harvester, "state", None)
        if run.extract:
            _extract(run.settings, sessions, blobs, report, log)
        if run.index:
            with COLLECTOR.during():
                _index(run, report, log)
    except Interrupted:
        report.status = RunStatus.INTERRUPTED
        report.say("stopped on request; the batch in hand was committed")
        _finish(sessions, report, started)
        raise
    except Exception as exc:
        report.status = RunStatus.FAILED
        report.note(report.errors, f"{type(exc).__name__}: {exc}")
        report.say(f"failed: {type(exc).__name__}: {exc}")
        _finish(sessions, report, started)
        raise
    _finish(sessions, report, started)
    return report


def _store(
    harvester: Harvester,
    run: RunContext,
    blobs: BlobStore,
    report: HarvestReport,
    log: ProgressCallback,
) -> None:
    """Every record of ``harvester`` through a ``StoreWriter``; warnings to the report."""
    clock = Progress(f"harvest {run.source_key}", None, log)
    direct = _direct_index(run.settings) if run.index else None
    with (
        _reader(harvester, run.settings) as reader,
        StoreWriter(
            run.sessions,
            run.settings,
            blobs,
            run.source_key,
            report,
            default_enhet=run.default_enhet,
            complete=bool(harvester.complete),
            direct=direct,
            agency_scope=run.default_enhet if run.job_id is not None else None,
        ) as writer,
    ):
        for rec in reader:
            if run.should_stop is not None and run.should_stop():
                writer.commit()
                raise Interrupted()
            if isinstance(rec, HarvestWarning):
                report.counts["warnings"] += 1
                report.note(report.warnings, rec.message)
                continue
            writer.write(rec)
            if isinstance(rec, JournalpostRecord):
                clock.advance()
        writer.finish()
    clock.finish()
    if direct is not None and (direct.indexed or direct.failed or direct.error):
        report.say(direct.summary())


@contextmanager
def _reader(harvester: Harvester, settings: Settings) -> Iterator[Iterable[Record]]:
    """The harvester's records: from a child process for a large local source (see
    ``innsyn.harvest.reader``), else straight from the harvester."""
    offload_size = getattr(harvester, "offload_size", None)
    size = offload_size() if offload_size is not None else None
    threshold = settings.harvest_reader_min_bytes
    if threshold <= 0 or size is None or size < threshold:
        yield harvester.records()
        return
    from innsyn.harvest.reader import ChildReader

    with ChildReader(harvester) as reader:
        yield reader


def _direct_index(settings: Settings) -> DirectIndex:
    from innsyn.indexing.direct import DirectIndex
    from innsyn.search_client import make_client

    return DirectIndex(settings, make_client(settings))


def _extract(
    settings: Settings,
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    report: HarvestReport,
    log: ProgressCallback,
) -> None:
    from innsyn.extraction.worker import extract_pending

    result = extract_pending(settings, sessions, blobs, log)
    report.extraction = result.as_dict()
    if result.tika_unavailable:
        report.note(report.errors, "Tika unavailable: documents stay pending for a later run")


def _index(run: RunContext, report: HarvestReport, log: ProgressCallback) -> None:
    """Index catch-up: every record waiting, whatever its source. A job's run (read by
    its agency's admins) keeps the counts; the failures, which name documents perhaps of
    other agencies, go to the operator's output only."""
    from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
    from opensearchpy.exceptions import TransportError

    from innsyn.indexing.indexer import catch_up, pending_count
    from innsyn.search_client import make_client

    settings, sessions = run.settings, run.sessions
    try:
        result = catch_up(settings, make_client(settings), sessions, log)
        private = run.job_id is not None
        report.index = result.summary(samples=not private)
        if private and result.errors and run.progress is not None:
            run.progress("index catch-up, first errors: " + "; ".join(result.errors[:3]))
        if result.failed:
            report.counts["index_failed"] += result.failed
    except (OpenSearchConnectionError, TransportError) as exc:
        lag = pending_count(sessions)
        report.index = (
            f"index pending: {lag} records (OpenSearch unavailable: {type(exc).__name__})"
        )
        report.note(report.errors, report.index)


def _finish(sessions: sessionmaker[Session], report: HarvestReport, started: float) -> None:
    """Close the run's row with the report's status, counts, errors and log tail."""
    report.seconds = time.monotonic() - started
    if report.status == RunStatus.OK and (report.counts["failed"] or report.errors):
        report.status = RunStatus.OK_WITH_ERRORS
    with sessions.begin() as s:
        row = s.get(HarvestRun, report.run_id)
        if row is not None:
            row.status = report.status
            row.finished_at = utcnow()
            row.counts = dict(report.counts)
            row.errors = report.errors + report.warnings
            row.log_tail = [*report.log, report.summary()]
