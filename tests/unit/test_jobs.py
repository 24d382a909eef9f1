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


def test_a_new_job_never_inherits_a_deleted_jobs_records(offline_settings, tmp_path):
    """Issue 14 item 3: SQLite hands a deleted job's id to the next job. The records of
    agency A's deleted job must not fall to agency B's new job: not taken over, and not
    deleted by its first complete run."""
    from pathlib import Path

    from sqlalchemy import func, select

    from innsyn.jobs.manage import delete_job
    from innsyn.jobs.runner import run_job
    from innsyn.store.models import Journalpost

    site = Actor("user:site", "site_admin", None)
    enkel = Path(__file__).resolve().parents[1] / "harvesters" / "noark5" / "noark5-enkel"
    empty = tmp_path / "empty-extraction"
    empty.mkdir()
    (empty / "arkivstruktur.xml").write_text(
        '<?xml version="1.0"?>'
        '<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"/>'
    )
    sessions = store(offline_settings)
    with sessions.begin() as s:
        s.add_all([Enhet(id="oslo", navn="Oslo"), Enhet(id="bergen", navn="Bergen")])
    with sessions.begin() as s:
        first = _job(
            s,
            offline_settings,
            site,
            str(enkel),
            agency_id="oslo",
            harvester="noark5",
            params={"complete": "true"},
        )
        first_id, first_key = first.id, first.source_key
    run_job(offline_settings, sessions, first_id, worker="test", trigger="manual")

    def entries(key: str) -> int:
        with sessions() as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(Journalpost)
                    .where(Journalpost.source_key == key, Journalpost.deleted_at.is_(None))
                )
                or 0
            )

    held = entries(first_key)
    assert held > 0
    with sessions.begin() as s:
        delete_job(s, site, first_id)
    with sessions.begin() as s:
        second = _job(
            s,
            offline_settings,
            site,
            str(empty),
            agency_id="bergen",
            harvester="noark5",
            params={"complete": "true"},
        )
        second_id, second_key = second.id, second.source_key
    assert second_id == first_id, "SQLite reused the id: the case this test is about"
    assert second_key != first_key and second_key.startswith("job:")
    run_job(offline_settings, sessions, second_id, worker="test", trigger="manual")
    assert entries(first_key) == held, "the old job's records are untouched"
    assert entries(second_key) == 0


def test_a_jobs_source_writes_only_its_own_agencys_tree(offline_settings, tmp_path):
    """Issue 14 item 8: agency records in an agency's source may change that agency and
    its units, and add units under them; renaming or re-parenting another agency, or
    inventing one elsewhere, is a warning, and records naming another agency are
    attributed to the job's own."""
    from sqlalchemy import select

    from innsyn.harvest.pipeline import RunContext, harvest
    from innsyn.harvest.records import EnhetRecord, JournalpostRecord
    from innsyn.harvest.values import enhet_id
    from innsyn.store.models import Journalpost

    oslo, bergen = enhet_id("", None, "974778807"), enhet_id("", None, "964338531")
    assert oslo and bergen
    site = Actor("user:site", "site_admin", None)
    sessions = store(offline_settings)
    with sessions.begin() as s:
        s.add_all(
            [
                Enhet(id=oslo, navn="Oslo kommune", orgnummer="974778807"),
                Enhet(id=bergen, navn="Bergen kommune", orgnummer="964338531"),
            ]
        )
    with sessions.begin() as s:
        job = _job(s, offline_settings, site, str(tmp_path), agency_id=oslo, harvester="noark5")
        job_id, key = job.id, job.source_key

    class Records:
        name, location, complete = "list", "memory", False

        def records(self):
            yield EnhetRecord(system_id="b", navn="Bergen (overtatt)", orgnummer="964338531")
            yield EnhetRecord(system_id="x", navn="Oppdiktet etat")
            yield EnhetRecord(
                system_id="u",
                navn="Oslo byarkiv",
                orgnummer="987654321",
                parent_orgnummer="974778807",
            )
            yield EnhetRecord(system_id="o", navn="Oslo kommune (ny)", orgnummer="974778807")
            yield JournalpostRecord(
                system_id="J1", offentlig_tittel="Brev", enhet_orgnummer="964338531"
            )
            yield JournalpostRecord(
                system_id="J2", offentlig_tittel="Brev", enhet_orgnummer="987654321"
            )

    run = RunContext(
        offline_settings,
        sessions,
        key,
        default_enhet=oslo,
        job_id=job_id,
        extract=False,
        index=False,
    )
    report = harvest(Records(), run)
    assert report.counts["agencies_refused"] == 2
    assert any("Bergen (overtatt)" in w for w in report.warnings)
    with sessions() as s:
        names = {e.navn: e.parent_id for e in s.scalars(select(Enhet))}
        owners = {j.system_id: j.enhet_id for j in s.scalars(select(Journalpost))}
    assert "Bergen kommune" in names and "Bergen (overtatt)" not in names
    assert "Oppdiktet etat" not in names
    assert names["Oslo byarkiv"] == oslo, "a new unit under the job's agency is fine"
    assert "Oslo kommune (ny)" in names, "the job's own agency may be renamed by it"
    assert owners["J1"] == oslo, "an entry naming another agency goes to the job's"
    assert owners["J2"] == enhet_id("", None, "987654321")
