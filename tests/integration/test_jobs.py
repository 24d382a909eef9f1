"""Jobs: agency scoping, validation, audit, credentials, leases, the scheduler, the CLI,
and a scheduler killed mid-run — against the real database and real HTTP sources."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from innsyn.auth import Actor
from innsyn.jobs import lease
from innsyn.jobs.manage import (
    JobInvalid,
    JobNotFound,
    audit_log,
    get_job,
    job_view,
    list_jobs,
    list_runs,
    update_job,
)
from innsyn.jobs.runner import run_job
from innsyn.jobs.scheduler import JobScheduler
from innsyn.store.models import Enhet, HarvestRun, Job, Journalpost
from tests.conftest import ROOT, make_settings
from tests.factories import add_job as _job
from tests.factories import store
from tests.httpsource import N5wsSite

SITE = Actor("user:site", "site_admin", None)
OSLO = Actor("user:oslo", "agency_admin", "oslo")
BERGEN = Actor("user:bergen", "agency_admin", "bergen")


@pytest.fixture
def db(tmp_path, services):
    settings = make_settings(
        tmp_path,
        services,
        http_allow_private_addresses=True,
        http_backoff=0.01,
        http_host_delay=0.0,
        scheduler_poll_seconds=0.3,
        job_lease_seconds=3,
    )
    sessions = store(settings)
    with sessions.begin() as s:
        s.add_all(
            [Enhet(id="oslo", navn="Oslo kommune"), Enhet(id="bergen", navn="Bergen kommune")]
        )
    return settings, sessions


def test_agency_admin_sees_and_changes_only_own_jobs(db):
    settings, sessions = db
    with sessions.begin() as s:
        mine = _job(s, settings, OSLO, "https://oslo.example.org/api").id
        theirs = _job(s, settings, BERGEN, "https://bergen.example.org/api").id
    with sessions.begin() as s:
        assert [j.id for j in list_jobs(s, OSLO)] == [mine]
        assert {j.id for j in list_jobs(s, SITE)} == {mine, theirs}
        with pytest.raises(JobNotFound):
            get_job(s, OSLO, theirs)
        with pytest.raises(JobNotFound):
            update_job(s, settings, OSLO, theirs, {"enabled": False})
        with pytest.raises(JobInvalid, match="your own agency"):
            update_job(s, settings, OSLO, mine, {"agency_id": "bergen"})
        with pytest.raises(JobInvalid, match="your own agency"):
            _job(s, settings, OSLO, "https://x.example.org/", agency_id="bergen")
    with sessions() as s:
        assert s.get(Job, theirs).enabled is True
        assert s.get(Job, mine).agency_id == "oslo"


def test_validation_errors_name_the_field(db):
    settings, sessions = db
    with sessions.begin() as s, pytest.raises(JobInvalid) as err:
        _job(s, settings, OSLO, "/etc", schedule="every day", harvester="nope")
    assert set(err.value.errors) == {"location", "schedule", "harvester"}
    assert "site admin" in err.value.errors["location"]


def test_credentials_are_write_only_and_audited_without_values(db):
    settings, sessions = db
    with sessions.begin() as s:
        job = _job(
            s,
            settings,
            OSLO,
            "https://oslo.example.org/api",
            credentials={"username": "harvest", "password": "s3cret-passw0rd"},
        )
        view = job_view(job)
        stored = job.credentials
        update_job(s, settings, OSLO, job.id, {"schedule": "0 6 * * *"})
    assert view["credentials_set"] is True
    assert "s3cret" not in str(view) and "s3cret" not in (stored or "")
    with sessions() as s:
        entries = audit_log(s, OSLO)
        assert [e.action for e in entries] == ["job.update", "job.create"]
        assert entries[0].details == {"fields": ["schedule"]}
        assert all("s3cret" not in str(e.details) for e in entries)
        assert audit_log(s, BERGEN) == []


def test_pointing_a_job_elsewhere_drops_its_credentials(db):
    """Issue 14 item 4: an agency admin must not PATCH the location to their own server
    and run the job to receive the stored credentials."""
    from innsyn.keys import decrypt_credentials

    settings, sessions = db
    with sessions.begin() as s:
        job = _job(
            s,
            settings,
            OSLO,
            "https://oslo.example.org/api",
            credentials={"username": "harvest", "password": "s3cret-passw0rd"},
        )
        job_id = job.id
        update_job(s, settings, OSLO, job_id, {"schedule": "0 6 * * *"})
        assert job.credentials, "other changes keep them"
        update_job(s, settings, OSLO, job_id, {"location": "https://attacker.example.net/api"})
        assert job.credentials is None and job_view(job)["credentials_set"] is False
        update_job(
            s,
            settings,
            OSLO,
            job_id,
            {"location": "https://oslo.example.org/v2", "credentials": {"token": "new-tok"}},
        )
        assert decrypt_credentials(settings, job.credentials) == {"token": "new-tok"}
    with sessions() as s:
        changes = [e.details for e in audit_log(s, OSLO) if e.action == "job.update"]
        assert {"fields": ["location", "credentials"]} in changes


def test_lease_is_exclusive_and_expires(db):
    settings, sessions = db
    with sessions.begin() as s:
        job_id = _job(s, settings, OSLO, "https://oslo.example.org/api").id
    assert lease.acquire(sessions, job_id, "a", 0.5)
    assert not lease.acquire(sessions, job_id, "b", 0.5)
    time.sleep(0.7)
    assert lease.acquire(sessions, job_id, "b", 5)
    lease.release(sessions, job_id, "a")  # not the holder: no effect
    assert not lease.acquire(sessions, job_id, "a", 5)
    lease.release(sessions, job_id, "b")
    assert lease.acquire(sessions, job_id, "a", 5)


def test_scheduler_runs_due_job_then_only_changes(db):
    settings, sessions = db
    with N5wsSite(entries=5) as site:
        with sessions.begin() as s:
            job_id = _job(s, settings, OSLO, f"{site.base}/api", schedule="every 1h").id
        sched = JobScheduler(settings, sessions, echo=lambda m: None)

        def _runs():
            with sessions() as s:
                return list(s.scalars(select(HarvestRun).where(HarvestRun.job_id == job_id)))

        t = threading.Thread(target=sched.serve, daemon=True)
        t.start()
        try:
            _wait(lambda: any(r.finished_at for r in _runs()))
            first_requests = site.count()
            with sessions() as s:
                assert s.get(Job, job_id).state["since"]
            site.reset_counts()
            site.touch("jp-1", offentligTittel="Endret tittel om reguleringsplan")
            with sessions.begin() as s:
                s.get(Job, job_id).run_requested = "incremental"
            _wait(lambda: len([r for r in _runs() if r.finished_at]) == 2)
        finally:
            sched.stop()
            t.join(30)
        runs = sorted(_runs(), key=lambda r: r.id)
        assert [r.status for r in runs] == ["ok", "ok"], [r.errors for r in runs]
        assert runs[0].counts["new"] == 5 and runs[0].trigger == "schedule"
        assert runs[1].counts["updated"] == 1 and runs[1].counts.get("new", 0) == 0
        assert runs[1].trigger == "manual"
        assert site.count() < first_requests / 3
        assert runs[1].log_tail and "harvest of job:" in runs[1].log_tail[0]
        assert _search(settings, "reguleringsplan") == ["Endret tittel om reguleringsplan"]
        with sessions() as s:
            assert [r.id for r in list_runs(s, OSLO, job_id)] == [runs[1].id, runs[0].id]
            assert list_runs(s, BERGEN) == []
            assert s.get(Job, job_id).lease_owner is None


def test_full_resync_ignores_checkpoint_and_sees_deletions(db):
    settings, sessions = db
    with N5wsSite(entries=4) as site:
        with sessions.begin() as s:
            job_id = _job(s, settings, OSLO, f"{site.base}/api").id
        assert run_job(settings, sessions, job_id, worker="w").status == "ok"
        del site.entries["jp-4"]
        inc = run_job(settings, sessions, job_id, worker="w")
        assert "deleted 0" in inc.summary
        full = run_job(settings, sessions, job_id, worker="w", full=True)
        assert "deleted 1" in full.summary and "unchanged 3" in full.summary


def test_a_job_run_sends_its_credentials_to_its_own_server_only(db):
    settings, sessions = db
    with N5wsSite(entries=2) as site, N5wsSite(entries=1) as elsewhere:
        with sessions.begin() as s:
            job_id = _job(
                s, settings, OSLO, f"{site.base}/api", credentials={"token": "tok-s3cret"}
            ).id
        assert run_job(settings, sessions, job_id, worker="w").status == "ok"
        seen = {r.headers.get("authorization") for r in site.requests}
        assert seen == {"Bearer tok-s3cret"}, seen
        with sessions.begin() as s:
            update_job(s, settings, OSLO, job_id, {"location": f"{elsewhere.base}/api"})
        assert run_job(settings, sessions, job_id, worker="w").status == "ok"
        assert elsewhere.requests and all(
            r.headers.get("authorization") is None for r in elsewhere.requests
        )


def test_busy_job_is_not_run_twice(db):
    settings, sessions = db
    with sessions.begin() as s:
        job_id = _job(s, settings, OSLO, "https://oslo.example.org/api").id
    assert lease.acquire(sessions, job_id, "other-process", 60)
    outcome = run_job(settings, sessions, job_id, worker="me")
    assert outcome.status == "busy"
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(HarvestRun)) == 0


def test_cli_jobs_add_list_run_disable_and_runs(db, monkeypatch):
    settings, _sessions = db
    for key, value in {
        "INNSYN_DATA_DIR": str(settings.data_dir),
        "INNSYN_SECRET_KEY": "3f9a1c7e5b2d4068a9e1f3c5b7d90a2e4c6f8b1d3e5a7c9f0b2d4e6a8c1e3f57",
        "INNSYN_HTTP_ALLOW_PRIVATE_ADDRESSES": "true",
        "INNSYN_HTTP_HOST_DELAY": "0",
        "INNSYN_OPENSEARCH_URLS": settings.opensearch_urls[0],
        "INNSYN_TIKA_URL": settings.tika_url,
        "INNSYN_INDEX_PREFIX": settings.index_prefix,
    }.items():
        monkeypatch.setenv(key, value)
    from innsyn.cli import main

    runner = CliRunner()
    with N5wsSite(entries=3) as site:
        add = runner.invoke(
            main,
            [
                "jobs",
                "add",
                "--name",
                "Oslo N5",
                "--agency",
                "Oslo kommune",
                "--harvester",
                "n5ws",
                "--location",
                f"{site.base}/api",
                "--schedule",
                "every 15m",
                "--param",
                "page_size=2",
            ],
        )
        assert add.exit_code == 0, add.output
        listed = runner.invoke(main, ["jobs", "list"])
        assert "Oslo N5" in listed.output and "every 15m" in listed.output
        ran = runner.invoke(main, ["jobs", "run", "1"])
        assert ran.exit_code == 0, ran.output
        assert "ok: entries new 3" in ran.output
        runs = runner.invoke(main, ["runs"])
        assert "new 3" in runs.output
        shown = runner.invoke(main, ["runs", "--show", "1"])
        assert '"status": "ok"' in shown.output
    assert runner.invoke(main, ["jobs", "disable", "1"]).exit_code == 0
    assert "disabled" in runner.invoke(main, ["jobs", "list"]).output
    bad = runner.invoke(
        main,
        [
            "jobs",
            "add",
            "--name",
            "x",
            "--agency",
            "nowhere",
            "--harvester",
            "n5ws",
            "--location",
            "https://e.org/",
        ],
    )
    assert bad.exit_code == 2 and "no agency" in bad.output
    assert runner.invoke(main, ["jobs", "run", "99"]).exit_code == 1

    monkeypatch.setenv("INNSYN_USER_PASSWORD", "a-long-enough-password")
    added = runner.invoke(main, ["users", "add", "olga", "--agency", "oslo"])
    assert added.exit_code == 0, added.output
    assert runner.invoke(main, ["users", "add", "olga", "--agency", "oslo"]).exit_code == 2
    both = runner.invoke(main, ["users", "add", "x", "--agency", "oslo", "--site-admin"])
    assert both.exit_code == 2
    key = runner.invoke(main, ["apikeys", "create", "--agency", "oslo", "--name", "ci"])
    assert key.exit_code == 0 and key.output.startswith("innsyn_")
    from innsyn.auth import actor_for_api_key

    with _sessions.begin() as s:
        actor = actor_for_api_key(s, key.output.strip())
        assert actor is not None and actor.agency_id == "oslo"


def _search(settings, text):
    from innsyn.indexing.names import alias_name
    from innsyn.search_client import make_client

    client = make_client(settings)
    index = alias_name(settings, "journalpost")
    client.indices.refresh(index=index)
    body = {"query": {"query_string": {"query": text}}, "_source": ["offentlig_tittel"]}
    hits = client.search(index=index, body=body)["hits"]["hits"]
    return [h["_source"].get("offentlig_tittel") for h in hits]


def _wait(cond, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def _scheduler_proc(settings):
    env = {
        **os.environ,
        "INNSYN_DATA_DIR": str(settings.data_dir),
        "INNSYN_SECRET_KEY": "3f9a1c7e5b2d4068a9e1f3c5b7d90a2e4c6f8b1d3e5a7c9f0b2d4e6a8c1e3f57",
        "INNSYN_HTTP_ALLOW_PRIVATE_ADDRESSES": "true",
        "INNSYN_HTTP_HOST_DELAY": "0",
        "INNSYN_SCHEDULER_POLL_SECONDS": "0.3",
        "INNSYN_JOB_LEASE_SECONDS": "3",
        "INNSYN_HARVEST_COMMIT_EVERY": "2",
        "INNSYN_OPENSEARCH_URLS": settings.opensearch_urls[0],
        "INNSYN_TIKA_URL": settings.tika_url,
        "INNSYN_INDEX_PREFIX": settings.index_prefix,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "innsyn.cli", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_scheduler_killed_mid_run_then_restarted_completes_without_duplicates(db):
    settings, sessions = db
    with N5wsSite(entries=12) as site:
        site.delay = 0.05
        with sessions.begin() as s:
            job_id = _job(s, settings, OSLO, f"{site.base}/api", params={"page_size": "2"}).id
        proc = _scheduler_proc(settings)
        try:
            _wait(lambda: site.count(lambda r: "/referanseFil" in r.path) >= 3)
        finally:
            proc.kill()
            proc.wait(10)
        with sessions() as s:
            stored = s.scalar(select(func.count()).select_from(Journalpost))
            assert 0 < stored < 12
            assert s.get(Job, job_id).state is None
        site.delay = 0
        proc = _scheduler_proc(settings)
        try:

            def done():
                with sessions() as s:
                    return s.scalar(
                        select(func.count()).where(
                            HarvestRun.job_id == job_id, HarvestRun.status == "ok"
                        )
                    )

            _wait(done, timeout=90)
        finally:
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert "scheduler stopped" in out
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Journalpost)) == 12
        ids = list(s.scalars(select(Journalpost.system_id)))
        assert len(ids) == len(set(ids)) == 12
        statuses = sorted(s.scalars(select(HarvestRun.status).where(HarvestRun.job_id == job_id)))
        assert statuses == ["abandoned", "ok"]
        assert s.get(Job, job_id).state["since"]


def test_sigterm_interrupts_cleanly_and_keeps_checkpoint(db):
    settings, sessions = db
    with N5wsSite(entries=20) as site:
        site.delay = 0.1
        with sessions.begin() as s:
            job_id = _job(s, settings, OSLO, f"{site.base}/api", params={"page_size": "2"}).id
        proc = _scheduler_proc(settings)
        try:
            _wait(lambda: site.count(lambda r: "/referanseFil" in r.path) >= 2)
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, out
    with sessions() as s:
        run = s.scalar(select(HarvestRun).where(HarvestRun.job_id == job_id))
        assert run.status == "interrupted", out
        assert run.finished_at is not None
        job = s.get(Job, job_id)
        assert job.state is None and job.lease_owner is None
        assert s.scalar(select(func.count()).select_from(Journalpost)) >= 1
