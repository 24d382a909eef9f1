"""Reading a harvester's records in a child process (``innsyn.harvest.reader``) must
change nothing but speed: the same records, the same store, the same errors, the
harvester's state back in the parent, and no child left behind."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from innsyn.harvest.contract import Harvester, HarvestError
from innsyn.harvest.reader import ChildReader
from innsyn.harvest.records import JournalpostRecord, Record, SaksmappeRecord
from innsyn.harvest.registry import get_harvester
from innsyn.language import detect_title_language
from tests.golden import _fields
from tests.unit.test_fast_paths import MIXED, _dump, _harvest

ENKEL = Path(__file__).resolve().parents[1] / "harvesters" / "noark5" / "noark5-enkel"


class CountingHarvester(Harvester):
    """Yields ``count`` entries and leaves its progress in ``state``; fails on request."""

    name = "counting"

    def offload_size(self) -> int | None:
        return 1

    def records(self) -> Iterator[Record]:
        count = int(self.params.get("count", "3"))
        start = int(self.state.get("next", 0))
        for n in range(start, start + count):
            if self.params.get("fail_at") == str(n):
                raise HarvestError(f"source broke at record {n}")
            self.state["next"] = n + 1
            yield JournalpostRecord(system_id=f"J{n}", offentlig_tittel=f"Søknad om løyve {n}")


def _plain(records: list[Any]) -> list[dict[str, Any]]:
    places = {str(MIXED.resolve()): "{MIXED}", str(ENKEL.resolve()): "{ENKEL}"}
    return [{"record": type(r).__name__, **_fields(r, places)} for r in records]


@pytest.mark.parametrize("location", [ENKEL, MIXED, MIXED / "offentligJournal.xml"])
def test_child_yields_the_records_read_in_process(location):
    harvester = get_harvester("noark5", str(location))
    assert harvester.offload_size(), "a local directory or XML file may be read in a child"
    in_process = list(harvester.records())
    with ChildReader(get_harvester("noark5", str(location))) as reader:
        from_child = list(reader)
    assert in_process, "the source holds records"
    titled = [r for r in from_child if isinstance(r, JournalpostRecord | SaksmappeRecord)]
    assert titled
    for rec in titled:
        assert rec.tittel_language == detect_title_language(rec.offentlig_tittel)
    without_language = [
        dataclasses.replace(r, tittel_language=None)
        if isinstance(r, JournalpostRecord | SaksmappeRecord)
        else r
        for r in from_child
    ]
    # files open in the parent too: _fields reads every file's bytes
    assert _plain(without_language) == _plain(in_process)


def test_archives_and_urls_are_read_in_process(tmp_path):
    archive = tmp_path / "uttrekk.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    assert get_harvester("noark5", str(archive)).offload_size() is None
    assert get_harvester("noark5", "https://example.org/uttrekk.zip").offload_size() is None
    assert get_harvester("noark5", str(tmp_path / "missing")).offload_size() is None


def test_the_harvesters_state_comes_back():
    harvester = CountingHarvester("memory", {"count": "4"}, state={"next": 10})
    with ChildReader(harvester) as reader:
        ids = [r.system_id for r in reader if isinstance(r, JournalpostRecord)]
    assert ids == ["J10", "J11", "J12", "J13"]
    assert harvester.state == {"next": 14}


def test_an_error_in_the_child_is_raised_in_the_parent(tmp_path):
    harvester = CountingHarvester("memory", {"count": "600", "fail_at": "300"})
    seen: list[str] = []
    with (
        pytest.raises(HarvestError, match="source broke at record 300"),
        ChildReader(harvester) as r,
    ):
        seen.extend(rec.system_id for rec in r if isinstance(rec, JournalpostRecord))
    assert len(seen) >= 256, "the batches read before the error arrive"
    assert harvester.state == {}, "a failed read leaves the old state"

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "arkivstruktur.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><arkiv>&x;</arkiv>'
    )
    expected = ""
    try:
        list(get_harvester("noark5", str(broken)).records())
    except HarvestError as exc:
        expected = str(exc)
    assert "refused unsafe XML" in expected
    with (
        pytest.raises(HarvestError) as raised,
        ChildReader(get_harvester("noark5", str(broken))) as r,
    ):
        list(r)
    assert str(raised.value) == expected


def test_a_reader_left_early_stops_its_child():
    reader = ChildReader(CountingHarvester("memory", {"count": "100000"}))
    for _rec in reader:
        break
    reader.close()
    process = reader._process
    assert process is not None and process.poll() is not None, "the child is gone"


def test_the_store_is_the_same_whichever_process_reads(offline_settings, tmp_path, monkeypatch):
    in_process = offline_settings.model_copy(update={"harvest_reader_min_bytes": 0})
    child = offline_settings.model_copy(
        update={"data_dir": tmp_path / "child", "harvest_reader_min_bytes": 1}
    )
    plain = _dump(_harvest(in_process, MIXED, True, monkeypatch))
    offloaded = _dump(_harvest(child, MIXED, True, monkeypatch))
    assert plain["journalpost"] and plain["dokumentobjekt"]
    assert offloaded == plain
