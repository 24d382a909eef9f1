"""Site caps that a job cannot raise: archive and XML caps as job parameters, agency
regular expressions, schedules. Through the admin API, the admin UI, the CLI, and again
when a run starts."""

from __future__ import annotations

import datetime as dt
import io
import re
import tarfile
import time

import pytest
from click.testing import CliRunner

from harvesters.documents import DocumentsHarvester, Listed
from harvesters.noark5 import Noark5Harvester
from innsyn.auth import Actor, create_api_key, create_user
from innsyn.cli import main
from innsyn.harvest.caps import caps, clamp_params
from innsyn.harvest.contract import HarvestError
from innsyn.harvest.patterns import PatternTimeout, catastrophic, compile_pattern, search
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.jobs.manage import JobInvalid, create_job, update_job
from innsyn.jobs.schedule import ScheduleError, parse_schedule
from innsyn.store.models import Enhet, Job
from tests.conftest import make_settings
from tests.factories import store
from web.app import create_app

SITE = Actor("test", "site_admin", None)
OSLO = Actor("user:oslo", "agency_admin", "oslo")
PASSWORD = "correct horse battery"
FIFTEEN_MINUTES = dt.timedelta(minutes=15)


def _settings(tmp_path, **extra):
    return make_settings(
        tmp_path,
        opensearch_urls=["http://127.0.0.1:9"],
        tika_url="http://127.0.0.1:9",
        session_cookie_secure=False,
        **extra,
    )


def _values(**extra):
    return {
        "name": "Oslo dokumenter",
        "agency_id": "oslo",
        "harvester": "documents",
        "location": "https://www.oslo.kommune.no/postliste.rss",
        "schedule": "every 1h",
        **extra,
    }


@pytest.fixture
def env(tmp_path):
    settings = _settings(tmp_path, rate_limit_login="100 per minute")
    sessions = store(settings)
    with sessions.begin() as s:
        s.add(Enhet(id="oslo", navn="Oslo kommune"))
        s.flush()
        create_user(s, "olga", PASSWORD, "agency_admin", "oslo")
        job_id = create_job(s, settings, SITE, _values()).id
        _, key = create_api_key(s, "ci", "oslo", "test")
    return {
        "settings": settings,
        "sessions": sessions,
        "app": create_app(settings),
        "job": job_id,
        "auth": {"Authorization": f"Bearer {key}"},
    }


# --- caps as job parameters --------------------------------------------------------


def test_api_patch_raising_a_cap_is_refused(env):
    client = env["app"].test_client()
    path = f"/api/v1/admin/jobs/{env['job']}"
    for name, value in [
        ("archive_max_members", "10000000"),
        ("archive_max_uncompressed", str(10**15)),
        ("xml_max_node_bytes", str(1 << 40)),
        ("pattern_timeout", "3600"),
        ("archive_max_ratio", "-1"),
    ]:
        resp = (
            env["app"]
            .test_client()
            .patch(path, headers=env["auth"], json={"params": {name: value}})
        )
        assert resp.status_code == 422, (name, resp.json)
        assert name in resp.get_data(as_text=True)
    with env["sessions"]() as s:
        assert s.get(Job, env["job"]).params == {}
    lowered = client.patch(
        path, headers=env["auth"], json={"params": {"archive_max_members": "1000"}}
    )
    assert lowered.status_code == 200 and lowered.json["params"] == {"archive_max_members": "1000"}


def test_a_cap_raised_by_the_site_may_be_used_by_a_job(tmp_path):
    settings = _settings(tmp_path, archive_max_members=2_000_000)
    sessions = store(settings)
    with sessions.begin() as s:
        s.add(Enhet(id="oslo", navn="Oslo kommune"))
        s.flush()
        job = create_job(s, settings, OSLO, _values(params={"archive_max_members": "1500000"}))
        assert job.params == {"archive_max_members": "1500000"}
        with pytest.raises(JobInvalid, match="site's cap 2000000"):
            update_job(s, settings, OSLO, job.id, {"params": {"archive_max_members": "2000001"}})


def test_caps_are_clamped_again_when_a_run_starts(tmp_path):
    settings = _settings(tmp_path, archive_max_members=1000)
    assert (
        clamp_params(settings, {"archive_max_members": "9999999", "x": "y"})["archive_max_members"]
        == "1000"
    )
    assert caps(clamp_params(settings, {})).archive_max_members == 1000
    archive = tmp_path / "many.tar"
    with tarfile.open(archive, "w") as tf:
        for i in range(1500):
            tf.addfile(tarfile.TarInfo(f"d/{i}"), io.BytesIO(b""))
    # stored before the caps were checked, or written to the database by hand
    h = Noark5Harvester(str(archive), {"archive_max_members": "9999999"})
    with pytest.raises(HarvestError, match="more than 1000 files"):
        harvest(h, RunContext(settings, store(settings), "n5", extract=False, index=False))


# --- agency regular expressions ----------------------------------------------------


@pytest.mark.parametrize(
    "pattern", [r"(a+)+$", r"(\w+\s?)+$", r"(a|aa)+$", r"((ab)*c)*", r"(x+){2,}"]
)
def test_catastrophic_patterns_are_refused_when_a_job_is_saved(env, pattern):
    resp = (
        env["app"]
        .test_client()
        .patch(
            f"/api/v1/admin/jobs/{env['job']}",
            headers=env["auth"],
            json={"params": {"pattern": pattern}},
        )
    )
    assert resp.status_code == 422 and "exponential" in resp.json["error"]["message"]


@pytest.mark.parametrize(
    "pattern",
    [r"\.pdf$", r"/postliste/\d{4}/.*\.(pdf|docx?)$", r"(ab)+c", r"[(+]+", r"\(a+\)+", "x(a+)"],
)
def test_ordinary_patterns_pass_the_screen(pattern):
    assert catastrophic(pattern) is None
    compile_pattern(pattern)


def test_a_slow_pattern_is_stopped_by_the_time_limit():
    hostile = "http://127.0.0.1/" + "a" * 2000 + "!"
    started = time.monotonic()
    with pytest.raises(PatternTimeout, match=r"more than 0.2 s.*PATTERN_TIMEOUT"):
        search(compile_pattern("a.*a.*a.*a.*a.*a.*a.*b"), hostile, 0.2)
    assert time.monotonic() - started < 3
    h = DocumentsHarvester(
        "https://example.org/", {"pattern": "a.*a.*a.*a.*a.*a.*a.*b", "pattern_timeout": "0.2"}
    )
    started = time.monotonic()
    with pytest.raises(HarvestError, match=r"parameter 'pattern'.*more than 0.2 s"):
        h._filter([Listed(hostile)], default_all=False)
    assert time.monotonic() - started < 3


def test_a_catastrophic_pattern_stored_before_is_refused_at_run_time():
    h = DocumentsHarvester("https://example.org/", {"pattern": "(a+)+$"})
    with pytest.raises(HarvestError, match=r"parameter 'pattern' refused.*exponential"):
        h._filter([Listed("http://127.0.0.1/" + "a" * 40 + "!")], default_all=False)


# --- schedules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule",
    ["every 1s", "30s", "every 14m", "* * * * *", "*/5 * * * *", "0,10 6 * * *", "0,59 0,23 * * *"],
)
def test_schedules_more_often_than_the_site_minimum_are_refused(schedule):
    with pytest.raises(ScheduleError, match="INNSYN_JOB_MIN_INTERVAL"):
        parse_schedule(schedule, FIFTEEN_MINUTES)


@pytest.mark.parametrize(
    "schedule", ["every 15m", "1h", "*/15 * * * *", "0 6 * * *", "0,30 * * * *", "59 23 * * *"]
)
def test_schedules_within_the_site_minimum_pass(schedule):
    assert parse_schedule(schedule, FIFTEEN_MINUTES) is not None


def test_six_field_cron_is_refused():
    with pytest.raises(ScheduleError, match="invalid schedule"):
        parse_schedule("* * * * * *", FIFTEEN_MINUTES)


def test_api_and_admin_ui_refuse_a_schedule_below_the_minimum(env):
    client = env["app"].test_client()
    resp = client.patch(
        f"/api/v1/admin/jobs/{env['job']}", headers=env["auth"], json={"schedule": "every 1s"}
    )
    assert resp.status_code == 422 and "INNSYN_JOB_MIN_INTERVAL" in resp.json["error"]["message"]
    page = client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post(
        "/admin/login", data={"username": "olga", "password": PASSWORD, "csrf_token": token}
    )
    form = client.get(f"/admin/jobs/{env['job']}/edit").text
    assert "At least 15 min between runs" in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    bad = client.post(
        f"/admin/jobs/{env['job']}/edit",
        data={
            "name": "Oslo dokumenter",
            "agency_id": "oslo",
            "harvester": "documents",
            "location": "https://www.oslo.kommune.no/postliste.rss",
            "schedule": "* * * * *",
            "enabled": "on",
            "params": "archive_max_members=99999999",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 422
    assert "INNSYN_JOB_MIN_INTERVAL" in bad.text and "archive_max_members" in bad.text
    with env["sessions"]() as s:
        job = s.get(Job, env["job"])
        assert job.schedule == "every 1h" and job.params == {}


def test_cli_refuses_a_schedule_or_cap_above_the_site(tmp_path, monkeypatch):
    monkeypatch.setenv("INNSYN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INNSYN_SECRET_KEY", "3f9a1c7e5b2d4068a9e1f3c5b7d90a2e4c6f8b1d3e5a7c9f0b2d4")
    sessions = store(_settings(tmp_path))
    with sessions.begin() as s:
        s.add(Enhet(id="oslo", navn="Oslo kommune"))
    base = ["jobs", "add", "--name", "Oslo", "--agency", "oslo", "--harvester", "documents"]
    base += ["--location", "https://www.oslo.kommune.no/postliste.rss"]
    fast = CliRunner().invoke(main, [*base, "--schedule", "* * * * *"])
    assert fast.exit_code == 2 and "INNSYN_JOB_MIN_INTERVAL" in fast.output, fast.output
    raised = CliRunner().invoke(main, [*base, "--param", "xml_max_depth=100000"])
    assert raised.exit_code == 2 and "xml_max_depth" in raised.output, raised.output
    ok = CliRunner().invoke(main, [*base, "--schedule", "0 6 * * *", "--param", "xml_max_depth=64"])
    assert ok.exit_code == 0, ok.output


def test_the_scheduler_skips_a_stored_schedule_below_the_minimum(tmp_path):
    from innsyn.jobs.scheduler import JobScheduler

    settings = _settings(tmp_path)
    sessions = store(settings)
    with sessions.begin() as s:
        s.add(Enhet(id="oslo", navn="Oslo kommune"))
        s.flush()
        job = create_job(s, settings, SITE, _values())
        job.schedule = "every 1s"  # written before the minimum existed
        job_id = job.id
    lines: list[str] = []
    scheduler = JobScheduler(settings, sessions, echo=lines.append)
    scheduler.sync()
    assert scheduler.scheduler.get_job(f"job-{job_id}") is None
    assert any("INNSYN_JOB_MIN_INTERVAL" in line for line in lines), lines
