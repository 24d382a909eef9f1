"""Batched writes of a harvest: fast batches, and the record-by-record replay when a
batch hits a database error (here: the same entry twice in one batch)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from innsyn.harvest import writer
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.harvest.records import JournalpostRecord, SaksmappeRecord
from innsyn.store.models import Journalpost, Saksmappe
from tests.factories import store


class ListHarvester:
    name = "list"
    location = "memory"

    def __init__(self, records: list[Any], complete: bool = False) -> None:
        self._records = records
        self.complete = complete

    def records(self) -> Iterator[Any]:
        yield from self._records


def _records(n: int, duplicate_at: int | None = None, at_end: bool = False) -> list[Any]:
    """``n`` entries of one case; entry ``duplicate_at`` comes again, corrected, right
    after the first (same batch) or after all others (a later batch)."""
    out: list[Any] = [SaksmappeRecord(system_id="S1", saksaar=2024, sakssekvensnummer=1)]
    corrected = None
    for i in range(n):
        out.append(
            JournalpostRecord(
                system_id=f"J{i}",
                saksmappe_system_id="S1",
                offentlig_tittel=f"Søknad om tilskudd til lag nummer {i}",
                journalaar=2024,
                journalsekvensnummer=i,
            )
        )
        if i == duplicate_at:
            corrected = JournalpostRecord(
                system_id=f"J{i}",
                saksmappe_system_id="S1",
                offentlig_tittel=f"Søknad om tilskudd til lag nummer {i} (rettet)",
                journalaar=2024,
                journalsekvensnummer=i,
            )
            if not at_end:
                out.append(corrected)
    if at_end and corrected is not None:
        out.append(corrected)
    return out


def test_batches_are_written_and_linked(offline_settings):
    settings = offline_settings.model_copy(update={"harvest_commit_every": 7})
    sessions = store(settings)
    report = harvest(
        ListHarvester(_records(30)),
        RunContext(settings, sessions, "src", extract=False, index=False),
    )
    assert report.counts["new"] == 30
    assert report.counts["batches_replayed"] == 0
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Journalpost)) == 30
        sak = s.scalars(select(Saksmappe)).one()
        linked = s.scalar(
            select(func.count()).select_from(Journalpost).where(Journalpost.saksmappe_id == sak.id)
        )
        assert linked == 30


@pytest.mark.parametrize("at_end", [False, True], ids=["same-batch", "later-batch"])
def test_a_repeated_entry_of_a_fresh_source_is_updated_without_replay(offline_settings, at_end):
    settings = offline_settings.model_copy(update={"harvest_commit_every": 10})
    sessions = store(settings)
    records = _records(25, duplicate_at=12, at_end=at_end)
    report = harvest(
        ListHarvester(records), RunContext(settings, sessions, "src", extract=False, index=False)
    )
    assert report.counts["batches_replayed"] == 0
    assert (report.counts["new"], report.counts["updated"]) == (25, 1)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Journalpost)) == 25
        fixed = s.scalars(select(Journalpost).where(Journalpost.system_id == "J12")).one()
        assert fixed.offentlig_tittel is not None and fixed.offentlig_tittel.endswith("(rettet)")


def test_a_failing_batch_is_replayed_record_by_record(offline_settings, monkeypatch):
    """The ids remembered are trimmed after every commit here, so the fast path takes the
    repeated entry for a new one, the insert fails and the batch is replayed."""
    monkeypatch.setattr(writer, "KNOWN_IDS_LIMIT", 5)
    settings = offline_settings.model_copy(update={"harvest_commit_every": 10})
    sessions = store(settings)
    report = harvest(
        ListHarvester(_records(25, duplicate_at=12, at_end=True), complete=True),
        RunContext(settings, sessions, "src", extract=False, index=False),
    )
    assert report.counts["batches_replayed"] >= 1
    assert report.counts["failed"] == 0
    assert report.counts["new"] == 25
    assert report.counts["new"] + report.counts["updated"] == 26
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Journalpost)) == 25
        fixed = s.scalars(select(Journalpost).where(Journalpost.system_id == "J12")).one()
        assert fixed.offentlig_tittel is not None and fixed.offentlig_tittel.endswith("(rettet)")
        assert fixed.saksmappe_id is not None
    again = harvest(
        ListHarvester(_records(25), complete=True),
        RunContext(settings, sessions, "src", extract=False, index=False),
    )
    assert again.counts["new"] == 0 and again.counts["deleted"] == 0


def test_a_withdrawal_in_the_same_batch_as_its_entry_takes_effect(offline_settings):
    """A source that publishes an entry and withdraws it before the batch is written
    (both the fresh-source and the record-by-record path): it ends up deleted."""
    from innsyn.harvest.records import DeleteRecord

    settings = offline_settings.model_copy(update={"harvest_commit_every": 50})
    sessions = store(settings)
    first = [*_records(3), DeleteRecord("journalpost", "J1")]
    report = harvest(
        ListHarvester(first), RunContext(settings, sessions, "src", extract=False, index=False)
    )
    assert report.counts["deleted"] == 1
    second = [*_records(5), DeleteRecord("journalpost", "J4")]
    report = harvest(
        ListHarvester(second), RunContext(settings, sessions, "src", extract=False, index=False)
    )
    assert report.counts["deleted"] == 1
    assert (report.counts["new"], report.counts["updated"]) == (2, 1)  # J1 published again
    with sessions() as s:
        gone = s.scalars(
            select(Journalpost.system_id).where(Journalpost.deleted_at.is_not(None))
        ).all()
        assert sorted(gone) == ["J4"]
