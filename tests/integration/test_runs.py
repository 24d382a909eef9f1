"""Runs left ``running`` by a dead process are found and closed as ``abandoned``:
real processes (dead, zombie, alive, a reused pid), a real ``innsyn harvest run`` killed
with SIGKILL and the scheduler starting afterwards, and how the admin UI and API show it.
(The same after a killed harvest and a new run of the source, with extraction and
indexing, is in test_faults.)"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from harvesters.noark5 import Noark5Harvester
from innsyn.auth import Actor, create_api_key, create_user
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.harvest.runs import (
    STATUS_NOTES,
    close_abandoned,
    parse_worker,
    process_alive,
    worker_name,
)
from innsyn.jobs.manage import create_job, update_job
from innsyn.jobs.scheduler import JobScheduler
from innsyn.store.blobs import STALE_TMP_SECONDS, BlobStore
from innsyn.store.models import Enhet, HarvestRun, utcnow
from tests.conftest import ROOT, make_settings
from tests.factories import store
from tests.faultkit import CLOSED, MIXED, sigkill_when
from tests.httpsource import N5wsSite
from web.app import create_app

HOST = socket.gethostname()


@pytest.fixture
def local(tmp_path):
    return make_settings(
        tmp_path, None, opensearch_urls=[CLOSED], tika_url=CLOSED, session_cookie_secure=False
    )


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_worker_names_hold_host_and_pid():
    who = parse_worker(worker_name())
    assert who is not None and (who.host, who.pid) == (HOST, os.getpid())
    assert parse_worker("w") is None and parse_worker(None) is None
    assert parse_worker("host:١٢:x") is None and parse_worker("host:0:x") is None


def test_process_alive_dead_zombie_and_reused_pid():
    assert process_alive(os.getpid())
    assert not process_alive(_dead_pid())
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    stat = Path(f"/proc/{zombie.pid}/stat")
    while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
        assert time.monotonic() < deadline, "the child did not exit"
        time.sleep(0.05)
    try:
        assert not process_alive(zombie.pid)  # exited, not yet reaped by its parent
    finally:
        zombie.wait()
    parent = os.getppid()  # alive, started before this test
    assert process_alive(parent, utcnow())
    # the same pid, but a run that started long before the process did: the pid was reused
    assert not process_alive(parent, utcnow() - dt.timedelta(days=3650))


def _run(s, worker, status="running", source="src"):
    run = HarvestRun(source_key=source, harvester="n5ws", location="x", worker=worker)
    run.status = status
    s.add(run)
    s.flush()
    return run.id


def test_close_abandoned_only_dead_processes_of_this_host(local):
    sessions = store(local)
    dead = _dead_pid()
    with sessions.begin() as s:
        gone = _run(s, f"{HOST}:{dead}:abc123")
        alive = _run(s, f"{HOST}:{os.getpid()}:abc123")
        elsewhere = _run(s, f"another-host:{dead}:abc123")
        unknown = _run(s, None)
        named = _run(s, "w")
        done = _run(s, f"{HOST}:{dead}:abc123", status="ok")
    said: list[str] = []
    assert close_abandoned(sessions, said.append, found_by="a test") == [gone]
    assert said == [f"run {gone} marked abandoned: process {dead} on {HOST} is gone"]
    with sessions() as s:
        run = s.get(HarvestRun, gone)
        assert run.status == "abandoned" and run.finished_at is not None
        assert run.errors[-1].startswith(f"abandoned: process {dead} on {HOST} ended")
        assert run.log_tail[-1].endswith("(found by a test)")
        others = {i: s.get(HarvestRun, i).status for i in (alive, elsewhere, unknown, named)}
        assert set(others.values()) == {"running"}
        assert s.get(HarvestRun, done).status == "ok"
    assert close_abandoned(sessions) == []  # once only


def _killed_cli_harvest(settings, site: N5wsSite) -> int:
    """A real ``innsyn harvest run``, killed with SIGKILL once its run row is written;
    returns the killed process's pid."""
    env = {
        **os.environ,
        "INNSYN_DATA_DIR": str(settings.data_dir),
        "INNSYN_DATABASE_URL": "",
        "INNSYN_HTTP_ALLOW_PRIVATE_ADDRESSES": "true",
        "INNSYN_HTTP_HOST_DELAY": "0",
        "INNSYN_HARVEST_COMMIT_EVERY": "1",
        "INNSYN_OPENSEARCH_URLS": CLOSED,
        "INNSYN_TIKA_URL": CLOSED,
    }
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "innsyn.cli", "harvest", "run", "n5ws", f"{site.base}/api"),
            *("--source-key", "n5", "--no-extract", "--no-index"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return sigkill_when(proc, lambda: site.count(lambda r: r.path.endswith("/referanseFil")) >= 2)


def test_scheduler_start_closes_a_killed_cli_harvest(local):
    sessions = store(local)
    with N5wsSite(entries=20) as site:
        site.delay = 0.05
        pid = _killed_cli_harvest(local, site)
    with sessions() as s:
        run = s.scalars(select(HarvestRun)).one()
        assert run.status == "running" and run.finished_at is None
        assert run.worker.startswith(f"{HOST}:{pid}:")
    said: list[str] = []
    JobScheduler(local, sessions, said.append).serve(until=lambda: True)
    assert f"run {run.id} marked abandoned: process {pid} on {HOST} is gone" in said
    with sessions() as s:
        run = s.get(HarvestRun, run.id)
        assert run.status == "abandoned" and run.finished_at is not None
        assert f"process {pid} on {HOST} ended without finishing" in run.errors[-1]


def test_admin_ui_and_api_explain_abandoned(local):
    sessions = store(local)
    site_admin = Actor("test", "site_admin", None)
    with sessions.begin() as s:
        s.add(Enhet(id="oslo", navn="Oslo kommune"))
        s.flush()
        job = create_job(
            s,
            local,
            site_admin,
            {
                "name": "Postliste",
                "agency_id": "oslo",
                "harvester": "n5ws",
                "location": "https://oslo.example.org/api",
                "schedule": "every 1h",
            },
        )
        run = HarvestRun(
            source_key=job.source_key,
            harvester="n5ws",
            location="x",
            job_id=job.id,
            agency_id="oslo",
            worker=f"{HOST}:{_dead_pid()}:abc123",
        )
        s.add(run)
        s.flush()
        _, key = create_api_key(s, "ci", "oslo", "test")
        create_user(s, "olga", "correct horse battery", "agency_admin", "oslo")
    close_abandoned(sessions)
    client = create_app(local).test_client()
    auth = {"Authorization": f"Bearer {key}"}
    shown = client.get(f"/api/v1/admin/runs/{run.id}", headers=auth).json
    assert shown["status"] == "abandoned" and shown["finished_at"]
    assert shown["status_note"] == STATUS_NOTES["abandoned"]
    assert "ended without finishing" in shown["status_note"]
    listed = client.get(f"/api/v1/admin/jobs/{job.id}/runs", headers=auth).json["runs"]
    assert [r["status"] for r in listed] == ["abandoned"]

    page = client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    login = {"username": "olga", "password": "correct horse battery", "csrf_token": token}
    assert client.post("/admin/login", data=login).status_code == 302
    detail = client.get(f"/admin/runs/{run.id}").text
    assert f"Run #{run.id}: abandoned" in detail
    assert html.escape(STATUS_NOTES["abandoned"]) in detail
    note = html.escape(STATUS_NOTES["abandoned"])
    assert f'<abbr title="{note}">abandoned</abbr>' in client.get(f"/admin/jobs/{job.id}").text


def test_a_new_harvest_records_its_process_and_closes_dead_runs(local, testdata):
    sessions = store(local)
    dead = _dead_pid()
    with sessions.begin() as s:
        gone = _run(s, f"{HOST}:{dead}:abc123", source="mixed")
    printed: list[str] = []
    report = harvest(
        Noark5Harvester(str(testdata / MIXED), {}),
        RunContext(local, sessions, "mixed", printed.append, extract=False, index=False),
    )
    said = f"run {gone} marked abandoned: process {dead} on {HOST} is gone"
    assert said in printed
    with sessions() as s:
        assert s.get(HarvestRun, gone).status == "abandoned"
        new = s.get(HarvestRun, report.run_id)
        assert new.status == "ok"
        assert new.worker.startswith(f"{HOST}:{os.getpid()}:")  # no worker given: this process
        assert any(line.endswith(said) for line in new.log_tail)


def test_harvest_start_removes_a_killed_writers_stale_tmp_file(local, testdata):
    """A real process killed while writing a blob leaves its temporary file; the next
    harvest removes it once it is older than STALE_TMP_SECONDS, and never a young one."""
    blobs = BlobStore(local.resolved_blob_dir)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from innsyn.store.blobs import BlobStore\n"
            "def chunks():\n"
            "    yield b'half of a document'\n"
            "    time.sleep(600)\n"
            "BlobStore(sys.argv[1]).put_chunks(chunks())\n",
            str(blobs.root),
        ],
        cwd=ROOT,
    )
    sigkill_when(writer, lambda: blobs.tmp_dir.is_dir() and any(blobs.tmp_dir.iterdir()), 30)
    (left,) = blobs.tmp_dir.iterdir()
    young = blobs.tmp_dir / "blob-being-written"
    young.write_bytes(b"another process is writing this")
    now = time.time()
    os.utime(young, (now - STALE_TMP_SECONDS + 120, now - STALE_TMP_SECONDS + 120))

    sessions = store(local)
    source = Noark5Harvester(str(testdata / MIXED), {})
    harvest(source, RunContext(local, sessions, "mixed", extract=False, index=False))
    assert left.exists()  # just written: its writer might still be alive

    os.utime(left, (now - STALE_TMP_SECONDS - 60, now - STALE_TMP_SECONDS - 60))
    printed: list[str] = []
    source = Noark5Harvester(str(testdata / MIXED), {})
    report = harvest(
        source, RunContext(local, sessions, "mixed", printed.append, extract=False, index=False)
    )
    assert not left.exists() and young.exists()
    assert "removed 1 stale temporary file(s) from the blob store" in printed
    with sessions() as s:
        assert any("removed 1 stale" in line for line in s.get(HarvestRun, report.run_id).log_tail)


def test_run_logs_and_run_ids_stay_within_their_agency(local, testdata):
    """Bergen's run, left running by a dead process, is closed when Oslo's job harvests:
    neither agency's admins read the other's run id in their logs, and another agency's
    run id is a 404 in the admin API and UI (as one that does not exist)."""
    sessions = store(local)
    site = Actor("test", "site_admin", None)
    with sessions.begin() as s:
        s.add_all([Enhet(id="oslo", navn="Oslo"), Enhet(id="bergen", navn="Bergen")])
        s.flush()
        jobs = {
            agency: create_job(
                s,
                local,
                site,
                {
                    "name": f"Postliste {agency}",
                    "agency_id": agency,
                    "harvester": "n5ws",
                    "location": f"https://{agency}.example.org/api",
                    "schedule": "every 1h",
                },
            )
            for agency in ("oslo", "bergen")
        }
        bergen_run = HarvestRun(
            source_key=jobs["bergen"].source_key,
            harvester="n5ws",
            location="x",
            job_id=jobs["bergen"].id,
            agency_id="bergen",
            worker=f"{HOST}:{_dead_pid()}:abc123",
        )
        s.add(bergen_run)
        s.flush()
        keys = {a: create_api_key(s, "ci", a, "test")[1] for a in ("oslo", "bergen")}
        create_user(s, "olga", "correct horse battery", "agency_admin", "oslo")
        oslo = (jobs["oslo"].id, jobs["oslo"].source_key)
        bergen_job = jobs["bergen"].id
    printed: list[str] = []
    report = harvest(
        Noark5Harvester(str(testdata / MIXED), {}),
        RunContext(
            local,
            sessions,
            oslo[1],
            printed.append,
            extract=False,
            index=False,
            default_enhet="oslo",
            job_id=oslo[0],
        ),
    )
    assert any(f"run {bergen_run.id} marked abandoned" in line for line in printed)

    client = create_app(local).test_client()

    def api(agency, path):
        return client.get(
            f"/api/v1/admin{path}", headers={"Authorization": f"Bearer {keys[agency]}"}
        )

    mine = api("oslo", f"/runs/{report.run_id}").json
    assert mine["log_tail"] and f"run {bergen_run.id}" not in str(mine)
    theirs = api("bergen", f"/runs/{bergen_run.id}").json
    assert theirs["status"] == "abandoned"
    assert f"run {report.run_id}" not in str(theirs)
    assert "found by a harvest of another source" in theirs["log_tail"][-1]
    listed = api("oslo", f"/jobs/{oslo[0]}/runs").json["runs"]
    assert [r["id"] for r in listed] == [report.run_id]
    for agency, other in [("oslo", bergen_run.id), ("bergen", report.run_id)]:
        hidden = api(agency, f"/runs/{other}")
        assert hidden.status_code == 404 and hidden.json["error"]["code"] == "not_found"
    missing = api("oslo", "/runs/999999").json["error"]["message"]
    hidden = api("oslo", f"/runs/{bergen_run.id}").json["error"]["message"]
    assert hidden == missing.replace("999999", str(bergen_run.id))

    page = client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    login = {"username": "olga", "password": "correct horse battery", "csrf_token": token}
    assert client.post("/admin/login", data=login).status_code == 302
    assert client.get(f"/admin/runs/{bergen_run.id}").status_code == 404
    assert client.get(f"/admin/jobs/{bergen_job}").status_code == 404
    shown = client.get(f"/admin/runs/{report.run_id}")
    assert shown.status_code == 200 and f"run {bergen_run.id}" not in shown.text
    assert f"/admin/runs/{bergen_run.id}" not in client.get(f"/admin/jobs/{oslo[0]}").text

    # a site admin moves Oslo's job to Bergen: Oslo's runs stay Oslo's
    with sessions.begin() as s:
        update_job(s, local, site, oslo[0], {"agency_id": "bergen"})
    assert api("bergen", f"/jobs/{oslo[0]}/runs").json["runs"] == []
    assert api("bergen", f"/runs/{report.run_id}").status_code == 404
    assert api("oslo", f"/runs/{report.run_id}").status_code == 200
    assert api("oslo", f"/jobs/{oslo[0]}/runs").status_code == 404
