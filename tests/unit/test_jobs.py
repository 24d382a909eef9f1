"""Harvest jobs without the services: private addresses, schedules, a busy database."""

from __future__ import annotations

import pytest

from innsyn.auth import Actor
from innsyn.jobs.manage import JobInvalid
from innsyn.jobs.schedule import ScheduleError, parse_schedule
from innsyn.store.models import Enhet
from tests.conftest import make_settings
from tests.factories import add_job as _job
from tests.factories import store

OSLO = Actor("user:oslo", "agency_admin", "oslo")


def test_private_addresses_refused_without_the_site_setting(tmp_path):
    settings = make_settings(tmp_path)
    sessions = store(settings)
    with sessions.begin() as s:
        s.add(Enhet(id="oslo", navn="Oslo"))
    with sessions.begin() as s, pytest.raises(JobInvalid, match="loopback, private"):
        _job(s, settings, OSLO, "http://169.254.169.254/latest/")


def test_schedules():
    assert parse_schedule("every 30m").interval.total_seconds() == 1800
    assert parse_schedule("2h").interval.total_seconds() == 7200
    assert "hour='6'" in str(parse_schedule("0 6 * * *"))
    for bad in ("", "every", "61 * * * *", "* * *", "every 0s"):
        with pytest.raises(ScheduleError):
            parse_schedule(bad)


def test_busy_database_is_retried_not_failed(offline_settings):
    from sqlalchemy.exc import OperationalError

    from innsyn.harvest.report import HarvestReport
    from innsyn.harvest.writer import with_busy_retry

    sessions = store(offline_settings)
    report = HarvestReport()
    calls = []

    def write() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("UPDATE job", {}, Exception("database is locked"))
        return "done"

    with sessions() as s:
        assert with_busy_retry(s, report, write) == "done"
        assert report.counts["db_busy_retries"] == 2

        def broken() -> str:
            raise OperationalError("SELECT", {}, Exception("no such table: x"))

        with pytest.raises(OperationalError):
            with_busy_retry(s, report, broken)
