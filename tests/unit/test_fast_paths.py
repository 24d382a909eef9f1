"""The fast path of a first harvest must change nothing but speed: a fresh source's
records are written as plain multi-row inserts (``StoreWriter`` with a fresh source,
``FreshRows``); the store must hold exactly what the record-by-record ORM path writes.
(The light index rows are tested in test_index_rows.py.)
"""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bench.datagen import write_noark5
from innsyn.harvest import pipeline
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.harvest.records import JournalpostRecord, SaksmappeRecord, SkjermingRecord
from innsyn.harvest.registry import get_harvester
from innsyn.harvest.writer import StoreWriter
from innsyn.store.models import (
    Journalpost,
    Saksmappe,
)
from tests.factories import store

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
MIXED = TESTDATA / "documaster-nev-samples/0.2.0/valid-mixed-archive/extraction"


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("n5") / "uttrekk"
    write_noark5(out, 400, documents=60, seed=11)
    return out


def _dump(db: Path) -> dict[str, list[Any]]:
    """Every stored row that a harvest writes, without generated ids and timestamps."""
    con = sqlite3.connect(db)
    queries = {
        "journalpost": "select * from journalpost order by id",
        "saksmappe": "select * from saksmappe order by id",
        "dokumentbeskrivelse": "select * from dokumentbeskrivelse order by id",
        "dokumentobjekt": "select * from dokumentobjekt order by id",
        "korrespondansepart": "select * from korrespondansepart order by journalpost_id, id",
        "screenings": (
            "select 'jp' as kind, j.id as owner, s.* from journalpost j "
            "join skjerming s on s.id = j.skjerming_id union all "
            "select 'sm', m.id, s.* from saksmappe m join skjerming s on s.id = m.skjerming_id "
            "union all select 'db', d.id, s.* from dokumentbeskrivelse d "
            "join skjerming s on s.id = d.skjerming_id order by 1, 2"
        ),
    }
    out: dict[str, list[Any]] = {}
    for name, sql in queries.items():
        cur = con.execute(sql)
        names = [c[0] for c in cur.description]
        # publisert_dato is the harvest time where a source states none
        drop = {"created_at", "updated_at", "publisert_dato", "skjerming_id", "extracted_at"}
        if name in ("korrespondansepart", "screenings"):
            drop.add("id")
        out[name] = [
            tuple(v for n, v in zip(names, row, strict=True) if n not in drop) for row in cur
        ]
    con.close()
    return out


def _harvest(settings: Any, location: Path, fresh: bool, monkeypatch: Any) -> Path:
    sessions = store(settings)
    with monkeypatch.context() as m:
        if not fresh:
            m.setattr(pipeline, "StoreWriter", partial(StoreWriter, fresh=False))
        report = harvest(
            get_harvester("noark5", str(location)),
            RunContext(settings, sessions, "src", extract=False, index=False),
        )
    assert report.status in ("ok", "ok_with_errors"), report.errors
    if fresh:
        assert report.counts["batches_replayed"] == 0, "the fast path must not fall back"
    return Path(str(settings.resolved_database_url).removeprefix("sqlite:///"))


@pytest.mark.parametrize("source", ["generated", "mixed", "mixed-offentlig-journal"])
def test_fresh_source_rows_equal_the_record_by_record_rows(
    source, extraction, offline_settings, tmp_path, monkeypatch
):
    location = {
        "generated": extraction,
        "mixed": MIXED,
        "mixed-offentlig-journal": MIXED / "offentligJournal.xml",
    }[source]
    fast = _dump(_harvest(offline_settings, location, True, monkeypatch))
    other = offline_settings.model_copy(update={"data_dir": tmp_path / "slow"})
    slow = _dump(_harvest(other, location, False, monkeypatch))
    assert fast["journalpost"], "the source holds entries"
    for table in fast:
        assert fast[table] == slow[table], table
    if source == "generated":
        kinds = {row[0] for row in fast["screenings"]}
        assert kinds == {"jp", "sm", "db"}, kinds
        assert fast["dokumentbeskrivelse"] and fast["korrespondansepart"]


class ListHarvester:
    name = "list"
    location = "memory"
    complete = False

    def __init__(self, records: list[Any]) -> None:
        self._records = records

    def records(self) -> Any:
        yield from self._records


def test_fresh_source_repeating_a_case_and_an_entry(offline_settings):
    """A journal that repeats the case with every entry, then changes it, and repeats an
    entry inside the batch: the case is updated, the entry written once, nothing replayed."""
    screened = SkjermingRecord(skjermingshjemmel="Offl. § 13", skjerming_metadata=["tittel"])
    sak = SaksmappeRecord(system_id="S1", offentlig_tittel="Byggesak Storgata 1", saksaar=2024)
    records: list[Any] = [sak]
    for i in range(3):
        records += [
            sak,
            JournalpostRecord(
                system_id=f"J{i}", saksmappe_system_id="S1", offentlig_tittel=f"Brev {i}"
            ),
        ]
    records += [
        SaksmappeRecord(system_id="S1", offentlig_tittel=None, saksaar=2024, skjerming=screened),
        JournalpostRecord(system_id="J1", saksmappe_system_id="S1", offentlig_tittel="Brev 1b"),
    ]
    sessions = store(offline_settings)
    report = harvest(
        ListHarvester(records),
        RunContext(offline_settings, sessions, "src", extract=False, index=False),
    )
    assert report.counts["new"] == 3
    assert report.counts["updated"] == 1
    assert report.counts["saksmappe_new"] == 1
    assert report.counts["saksmappe_unchanged"] == 3
    assert report.counts["saksmappe_updated"] == 1
    assert report.counts["batches_replayed"] == 0
    with sessions() as s:
        case = s.scalars(select(Saksmappe).options(selectinload(Saksmappe.skjerming))).one()
        assert case.offentlig_tittel is None
        assert case.skjerming is not None and case.skjerming.skjermingshjemmel == "Offl. § 13"
        titles = dict(s.execute(select(Journalpost.system_id, Journalpost.offentlig_tittel)).all())
        assert titles == {"J0": "Brev 0", "J1": "Brev 1b", "J2": "Brev 2"}
        assert all(jp.saksmappe_id == case.id for jp in s.scalars(select(Journalpost)).all())
