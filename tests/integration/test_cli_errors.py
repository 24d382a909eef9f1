"""The command line under failure: one ``Error: …`` line on stderr, a non-zero exit and
never a Python traceback; a failed harvest names its run and says it was marked failed.

Each command runs as a real ``innsyn`` process against a real failure: a source that does
not answer, a database file that is not a database. (The disk-full case, which needs a
tmpfs, is in test_faults.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from innsyn.auth import Actor
from innsyn.config import Settings
from innsyn.jobs.manage import create_job
from innsyn.store.models import Enhet, HarvestRun
from tests.conftest import make_settings
from tests.factories import store
from tests.faultkit import CLOSED, assert_one_error_line, free_port, innsyn_cli


@pytest.fixture
def local(tmp_path: Path) -> Settings:
    return make_settings(
        tmp_path,
        None,
        opensearch_urls=[CLOSED],
        tika_url=CLOSED,
        http_allow_private_addresses=True,
    )


@pytest.fixture
def broken_db(local: Settings) -> Settings:
    """A database file that is not a database (a disk error, a bad copy)."""
    local.data_dir.mkdir(parents=True, exist_ok=True)
    (local.data_dir / "innsyn.db").write_bytes(os.urandom(8192))
    return local


def test_harvest_run_source_unreachable_marks_run_failed(local):
    port = free_port(range(9420, 9440))
    proc = innsyn_cli(
        local, "harvest", "run", "n5ws", f"http://127.0.0.1:{port}/api", "--source-key", "n5"
    )
    line = assert_one_error_line(
        proc, "harvest of n5 failed", "Connection refused", "run 1 was marked failed"
    )
    assert "INNSYN_TRACEBACK" not in line  # the source's fault, not a bug
    with store(local)() as s:
        run = s.scalars(select(HarvestRun)).one()
    assert run.status == "failed" and run.finished_at is not None
    assert run.worker and run.worker.split(":")[1] != str(os.getpid())


def test_harvest_run_database_broken_no_traceback(broken_db):
    proc = innsyn_cli(broken_db, "harvest", "run", "noark5", "/nonexistent", "--source-key", "x")
    assert_one_error_line(
        proc, "harvest of x failed: DatabaseError", "INNSYN_TRACEBACK=1", "run could not be"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["index", "catch-up"], "index catch-up failed: DatabaseError"),
        (["index", "rebuild"], "index rebuild failed: DatabaseError"),
        (["jobs", "run", "1"], "innsyn jobs run failed: DatabaseError"),
        (["runs"], "innsyn runs failed: DatabaseError"),
        (["db", "upgrade"], "innsyn db upgrade failed: DatabaseError"),
    ],
)
def test_long_commands_database_broken_no_traceback(broken_db, args, expected):
    assert_one_error_line(innsyn_cli(broken_db, *args), expected)


def test_traceback_on_request(broken_db):
    proc = innsyn_cli(broken_db, "index", "catch-up", INNSYN_TRACEBACK="1")
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr and "DatabaseError" in proc.stderr


def test_jobs_run_failed_harvest_names_the_run(local):
    sessions = store(local)
    port = free_port(range(9440, 9460))
    with sessions.begin() as s:
        s.add(Enhet(id="oslo", navn="Oslo kommune"))
        s.flush()
        create_job(
            s,
            local,
            Actor("user:site", "site_admin", None),
            {
                "name": "Postliste",
                "agency_id": "oslo",
                "harvester": "n5ws",
                "location": f"http://127.0.0.1:{port}/api",
                "schedule": "every 1h",
            },
        )
    proc = innsyn_cli(local, "jobs", "run", "1")
    assert_one_error_line(
        proc, "job 1 failed: HarvestError", "Connection refused", "run 1 was marked failed"
    )
    with sessions() as s:
        assert s.scalars(select(HarvestRun.status)).one() == "failed"
