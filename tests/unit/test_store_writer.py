"""``StoreWriter`` on its own: both write paths store the same rows, a failed batch is
replayed record by record, the known ids stay bounded, and a withdrawal reaches an
entry of its own batch."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from innsyn.harvest import writer as writer_module
from innsyn.harvest.records import (
    DeleteRecord,
    DokumentRecord,
    EnhetRecord,
    JournalpostRecord,
    KorrespondansepartRecord,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.harvest.report import HarvestReport
from innsyn.harvest.writer import StoredRecord, StoreWriter
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Journalpost, Saksmappe, utcnow
from tests.factories import store

SCREENED = SkjermingRecord(skjermingshjemmel="Offl. § 13", skjerming_metadata=["tittel"])


def _source(n: int = 6) -> list[StoredRecord]:
    """An agency, two cases (one screened, one repeated with every entry) and ``n``
    entries with correspondents and documents, some screened."""
    out: list[StoredRecord] = [
        EnhetRecord(system_id="E1", navn="Fjordvik kommune", orgnummer="999888777"),
        SaksmappeRecord(system_id="S1", offentlig_tittel="Byggesak Storgata 1", saksaar=2024),
        SaksmappeRecord(system_id="S2", saksaar=2024, skjerming=SCREENED, enhet_orgnummer="1"),
    ]
    for i in range(n):
        case = "S1" if i % 2 else "S2"
        if case == "S1":
            out.append(out[1])
        out.append(
            JournalpostRecord(
                system_id=f"J{i}",
                saksmappe_system_id=case,
                offentlig_tittel=f"Søknad om tilskudd nummer {i}",
                journalaar=2024,
                journalsekvensnummer=i,
                skjerming=SCREENED if i == 3 else None,
                korrespondanseparter=[
                    KorrespondansepartRecord(navn=f"Lag {i}", korrespondanseparttype="avsender"),
                    KorrespondansepartRecord(navn="Kommunen", skjermet=i == 2),
                ],
                dokumenter=[
                    DokumentRecord(system_id=f"D{i}", tittel="Søknad", dokumentnummer=1),
                    DokumentRecord(
                        system_id=None, tittel="Vedlegg", skjerming=SCREENED if i == 4 else None
                    ),
                ],
            )
        )
    return out


def _write(
    settings: Any, records: list[StoredRecord], *, fresh: bool | None = None, **kw: Any
) -> tuple[Any, HarvestReport, StoreWriter]:
    sessions = store(settings)
    report = HarvestReport()
    blobs = BlobStore(settings.resolved_blob_dir)
    with StoreWriter(sessions, settings, blobs, "src", report, fresh=fresh, **kw) as w:
        for rec in records:
            w.write(rec)
        w.finish()
    return sessions, report, w


def _dump(settings: Any) -> dict[str, list[Any]]:
    """Every row written, without timestamps and generated ids."""
    db = Path(str(settings.resolved_database_url).removeprefix("sqlite:///"))
    con = sqlite3.connect(db)
    out: dict[str, list[Any]] = {}
    for table in (
        "enhet",
        "saksmappe",
        "journalpost",
        "korrespondansepart",
        "dokumentbeskrivelse",
        "skjerming",
    ):
        cur = con.execute(f"select * from {table}")
        names = [c[0] for c in cur.description]
        drop = {
            "created_at",
            "updated_at",
            "last_harvested_at",
            "publisert_dato",
            "skjerming_id",
            "id",
        }
        keep = [i for i, n in enumerate(names) if n not in drop]
        out[table] = sorted(tuple(str(row[i]) for i in keep) for row in cur)
    out["screened"] = sorted(
        con.execute(
            "select 'jp', j.system_id, s.skjermingshjemmel from journalpost j "
            "join skjerming s on s.id = j.skjerming_id union all "
            "select 'sm', m.system_id, s.skjermingshjemmel from saksmappe m "
            "join skjerming s on s.id = m.skjerming_id union all "
            "select 'db', d.journalpost_id || d.tittel, s.skjermingshjemmel "
            "from dokumentbeskrivelse d join skjerming s on s.id = d.skjerming_id"
        ).fetchall()
    )
    con.close()
    return out


def test_fresh_and_careful_paths_store_the_same_rows(offline_settings, tmp_path):
    _, fast_report, fast = _write(offline_settings, _source())
    other = offline_settings.model_copy(update={"data_dir": tmp_path / "careful"})
    _, slow_report, slow = _write(other, _source(), fresh=False)
    assert fast.fresh and not slow.fresh
    assert fast_report.counts == slow_report.counts
    assert fast_report.counts["new"] == 6 and fast_report.counts["saksmappe_new"] == 2
    assert fast_report.counts["saksmappe_unchanged"] == 3
    fast_rows, slow_rows = _dump(offline_settings), _dump(other)
    assert fast_rows["journalpost"] and len(fast_rows["korrespondansepart"]) == 12
    assert len(fast_rows["screened"]) == 3
    assert fast_rows == slow_rows


def test_a_value_left_none_gets_the_columns_default_on_both_paths(offline_settings, tmp_path):
    """A multi-row insert writes every value as given: where a harvester left a value
    with a default unset (``None``), the fresh path writes the default, as the ORM
    does on the careful path (a correspondent not known to be screened is not)."""
    records = _source(3)
    unsure = KorrespondansepartRecord(navn="Nabo", skjermet=None)  # type: ignore[arg-type]
    records[-1] = dataclasses.replace(  # type: ignore[type-var]
        records[-1], korrespondanseparter=[unsure]
    )
    _, _, fast = _write(offline_settings, records)
    other = offline_settings.model_copy(update={"data_dir": tmp_path / "careful"})
    _write(other, records, fresh=False)
    assert fast.fresh
    fast_rows = _dump(offline_settings)
    assert fast_rows == _dump(other)
    db = Path(str(offline_settings.resolved_database_url).removeprefix("sqlite:///"))
    con = sqlite3.connect(db)
    assert con.execute(
        "select skjermet from korrespondansepart where navn = 'Nabo'"
    ).fetchall() == [(0,)]
    con.close()


def test_a_second_write_of_the_same_source_changes_nothing(offline_settings):
    sessions, _, _ = _write(offline_settings, _source())
    report = HarvestReport()
    blobs = BlobStore(offline_settings.resolved_blob_dir)
    with StoreWriter(sessions, offline_settings, blobs, "src", report) as w:
        assert not w.fresh
        for rec in _source():
            w.write(rec)
        w.finish()
    assert report.counts["unchanged"] == 6 and report.counts["new"] == 0
    assert report.counts["saksmappe_unchanged"] == 5


def _refuse_title(sessions: Any, title: str) -> None:
    """The database refuses any entry titled ``title`` (a stand-in for a bad record)."""
    with sessions.begin() as s:
        s.execute(
            text(
                "create trigger refuse before insert on journalpost "
                f"when new.offentlig_tittel = '{title}' "
                "begin select raise(abort, 'refused entry'); end"
            )
        )


@pytest.mark.parametrize("fresh", [None, False], ids=["fresh", "careful"])
def test_a_failed_batch_is_replayed_keeping_the_good_records(offline_settings, fresh):
    settings = offline_settings.model_copy(update={"harvest_commit_every": 50})
    sessions = store(settings)
    _refuse_title(sessions, "BAD")
    records: list[StoredRecord] = [SaksmappeRecord(system_id="S1", saksaar=2024)]
    for i in range(8):
        title = "BAD" if i == 5 else f"Brev {i}"
        records.append(
            JournalpostRecord(system_id=f"J{i}", saksmappe_system_id="S1", offentlig_tittel=title)
        )
    report = HarvestReport()
    report.counts["warnings"] = 2  # a harvester's warnings survive the replay
    blobs = BlobStore(settings.resolved_blob_dir)
    with StoreWriter(sessions, settings, blobs, "src", report, fresh=fresh) as w:
        for rec in records:
            w.write(rec)
        w.finish()
        assert not w.fresh, "a replayed source is no longer trusted to be fresh"
    assert report.counts["batches_replayed"] == 1
    assert (report.counts["new"], report.counts["failed"]) == (7, 1)
    assert report.counts["saksmappe_new"] == 1 and report.counts["warnings"] == 2
    assert any(e.startswith("J5: not stored: IntegrityError") for e in report.errors)
    with sessions() as s:
        stored = sorted(s.scalars(select(Journalpost.system_id)))
        assert stored == ["J0", "J1", "J2", "J3", "J4", "J6", "J7"]
        case = s.scalars(select(Saksmappe)).one()
        linked = s.scalars(select(Journalpost.saksmappe_id)).all()
        assert set(linked) == {case.id}


def test_known_ids_are_bounded(offline_settings, monkeypatch):
    monkeypatch.setattr(writer_module, "KNOWN_IDS_LIMIT", 10)
    settings = offline_settings.model_copy(update={"harvest_commit_every": 4})
    sessions = store(settings)
    report = HarvestReport()
    blobs = BlobStore(settings.resolved_blob_dir)
    most = 0
    with StoreWriter(sessions, settings, blobs, "src", report) as w:
        w.write(SaksmappeRecord(system_id="S1"))
        for i in range(40):
            w.write(JournalpostRecord(system_id=f"J{i}", saksmappe_system_id="S1"))
            most = max(most, w.known_ids)
        w.finish()
    assert 10 <= most < 10 + 4, "forgotten at the first commit past the limit"
    assert report.counts["new"] == 40 and report.counts["batches_replayed"] == 0
    with sessions() as s:
        linked = s.scalars(select(Journalpost.saksmappe_id)).all()
        assert len(linked) == 40 and None not in linked, "the case is found again"


def test_known_ids_below_the_limit_are_kept(offline_settings):
    settings = offline_settings.model_copy(update={"harvest_commit_every": 4})
    _, _, w = _write(
        settings,
        [SaksmappeRecord(system_id="S1")]
        + [JournalpostRecord(system_id=f"J{i}", saksmappe_system_id="S1") for i in range(20)],
    )
    assert w.known_ids == 21


@pytest.mark.parametrize("fresh", [None, False], ids=["fresh", "careful"])
def test_a_withdrawal_in_the_same_batch_takes_effect(offline_settings, fresh):
    records: list[StoredRecord] = [
        SaksmappeRecord(system_id="S1"),
        *(JournalpostRecord(system_id=f"J{i}", saksmappe_system_id="S1") for i in range(3)),
        DeleteRecord("journalpost", "J1"),
    ]
    sessions, report, _ = _write(offline_settings, records, fresh=fresh)
    assert report.counts["deleted"] == 1 and report.counts["new"] == 3
    with sessions() as s:
        gone = s.scalars(select(Journalpost.system_id).where(Journalpost.deleted_at.is_not(None)))
        assert list(gone) == ["J1"]


def test_a_complete_source_tombstones_what_it_no_longer_lists(offline_settings):
    sessions, _, _ = _write(offline_settings, _source(4))
    _, report, _ = _write(offline_settings, _source(2), complete=True)
    assert report.counts["deleted"] == 2 and report.counts["unchanged"] == 2
    with sessions() as s:
        gone = s.scalars(select(Journalpost.system_id).where(Journalpost.deleted_at.is_not(None)))
        assert sorted(gone) == ["J2", "J3"]


@pytest.mark.parametrize("fresh", [None, False], ids=["fresh", "careful"])
def test_a_record_without_publication_date_is_published_when_first_stored(offline_settings, fresh):
    """Issue 15 item 5: a source stating no publisertDato (Noark 5 XML, N5WS, OEP) gets
    the harvest time of the record's first store, kept by later harvests; a stated date
    is kept as stated, and one a later harvest stops stating stays."""
    stated = dt.datetime(2024, 5, 2, 8, 0, tzinfo=dt.UTC)
    records: list[StoredRecord] = [
        SaksmappeRecord(system_id="S1"),
        JournalpostRecord(system_id="J0", saksmappe_system_id="S1"),
        JournalpostRecord(system_id="J1", saksmappe_system_id="S1", publisert_dato=stated),
    ]
    before = utcnow()
    sessions, _, _ = _write(offline_settings, records, fresh=fresh)
    after = utcnow()

    def dates() -> dict[str, dt.datetime | None]:
        with sessions() as s:
            rows = s.execute(select(Journalpost.system_id, Journalpost.publisert_dato)).all()
            case = s.scalars(select(Saksmappe.publisert_dato)).one()
        return {"S1": case, **{sid: when for sid, when in rows}}

    first = dates()
    assert first["J1"] == stated
    for sid in ("S1", "J0"):
        when = first[sid]
        assert when is not None and before <= when <= after, sid
    unstated = [dataclasses.replace(r, publisert_dato=None) for r in records]  # type: ignore[type-var]
    _, report, _ = _write(offline_settings, unstated)
    assert report.counts["unchanged"] == 2 and report.counts["saksmappe_unchanged"] == 1
    assert dates() == first


def test_a_record_stored_without_publication_date_gets_its_first_store_time(offline_settings):
    """A record stored before every record got a publication date gets the time it was
    first stored (``created_at``) at its next harvest, not that harvest's time."""
    records: list[StoredRecord] = [JournalpostRecord(system_id="J0")]
    sessions, _, _ = _write(offline_settings, records)
    long_ago = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    with sessions.begin() as s:
        jp = s.scalars(select(Journalpost)).one()
        jp.publisert_dato, jp.created_at = None, long_ago
    _write(offline_settings, records)
    with sessions() as s:
        assert s.scalars(select(Journalpost.publisert_dato)).one() == long_ago


@pytest.mark.parametrize("fresh", [None, False], ids=["fresh", "careful"])
def test_names_without_a_stated_publication_date_are_not_stored(offline_settings, fresh):
    """The harvest time stored for a record whose source states no publication date
    must not open a retention window for its sensitive variants: they are not stored.
    With a stated date they are."""
    stated = dt.datetime(2024, 5, 2, 8, 0, tzinfo=dt.UTC)

    def entry(sid: str, when: dt.datetime | None) -> JournalpostRecord:
        return JournalpostRecord(
            system_id=sid,
            offentlig_tittel="Søknad om dispensasjon",
            offentlig_tittel_sensitiv=f"Søknad om dispensasjon - Ola {sid}",
            korrespondanseparter=[KorrespondansepartRecord(navn=None, navn_sensitiv=f"Ola {sid}")],
            dokumenter=[DokumentRecord(system_id=None, tittel="Søknad", tittel_sensitiv="Ola")],
            publisert_dato=when,
        )

    case = SaksmappeRecord(system_id="S1", offentlig_tittel_sensitiv="Sak om Ola")
    _write(offline_settings, [case, entry("Udatert", None), entry("Datert", stated)], fresh=fresh)
    db = Path(str(offline_settings.resolved_database_url).removeprefix("sqlite:///"))
    con = sqlite3.connect(db)
    dump = str(
        [
            con.execute(f"select * from {table}").fetchall()
            for table in ("saksmappe", "journalpost", "korrespondansepart", "dokumentbeskrivelse")
        ]
    )
    con.close()
    assert "Sak om Ola" not in dump and "Ola Udatert" not in dump
    assert "Søknad om dispensasjon - Ola Datert" in dump and "'Ola Datert'" in dump
