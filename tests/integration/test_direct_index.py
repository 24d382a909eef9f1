"""Entries indexed straight from the rows a harvest has just written (``DirectIndex``):
exactly the documents catch-up builds, and everything it cannot be sure of left to
catch-up."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bench.datagen import write_noark5
from harvesters.noark5 import Noark5Harvester
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.harvest.records import (
    DeleteRecord,
    DokumentRecord,
    EnhetRecord,
    HarvestWarning,
    JournalpostRecord,
    KorrespondansepartRecord,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.harvest.report import HarvestReport
from innsyn.harvest.writer import StoreWriter
from innsyn.indexing import bulk, rows
from innsyn.indexing.direct import DirectIndex
from innsyn.indexing.documents import DocumentTexts
from innsyn.indexing.indexer import catch_up
from innsyn.indexing.names import alias_name
from innsyn.kinds import JOURNALPOST
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Journalpost
from tests.conftest import make_settings
from tests.factories import store

ARKADE = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData/Noark5"
REAL = [
    f"{ARKADE}/Small",
    f"{ARKADE}/Noark5Archive",
    f"{ARKADE}/Version5_5",
    "noark5-tester/testdata/deponixml/noark5",
    "noark5-tester/testdata/deponixml/noark5-open",
    "documaster-nev-samples/0.2.0/valid-case-archive/extraction",
    "documaster-nev-samples/0.2.0/valid-mixed-archive/extraction",
    "felleslosninger-docs/resources/einnsyn/eksempelfiler/1_jpost_skjerming_noark5.xml",
    "felleslosninger-docs/resources/einnsyn/eksempelfiler/3_jpost_allefelter_noark5.xml",
    "felleslosninger-docs/resources/einnsyn/eksempelfiler/noark5_basiseksempel.xml",
]


class Recorder:
    """Every bulk request's documents, by whether the direct index or catch-up sent it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.direct: dict[str, dict[str, Any]] = {}
        self.catch_up: dict[str, dict[str, Any]] = {}
        real = bulk.write

        def write(client: Any, actions: Any, chunk_size: int) -> bulk.BulkResult:
            actions = list(actions)
            into = self.direct if threading.current_thread().name.startswith("direct") else None
            for a in actions:
                if a["_op_type"] == "index" and a["_index"].endswith("journalpost"):
                    (into if into is not None else self.catch_up)[a["_id"]] = a["_source"]
            return real(client, actions, chunk_size)

        monkeypatch.setattr(bulk, "write", write)


def _catch_up_documents(settings, sessions, ids) -> dict[str, dict[str, Any]]:
    """The documents catch-up builds for ``ids`` from the store as it is now."""
    texts = DocumentTexts(settings)
    out = {}
    with sessions() as session:
        agencies = rows.Agencies(session)
        wanted = sorted(ids)
        for start in range(0, len(wanted), 400):
            where = [Journalpost.id.in_(wanted[start : start + 400])]
            for row in rows.journalposts(session, where, "", 400, agencies):
                out[row.id] = JOURNALPOST.build(texts, row)
    return out


def _harvest(settings, sessions, location: Path, key: str):
    run = RunContext(settings, sessions, key, extract=False)
    return harvest(Noark5Harvester(str(location), {}), run)


def _pending(sessions) -> set[str]:
    with sessions() as session:
        return set(session.scalars(select(Journalpost.id).where(*JOURNALPOST.stale())))


def _assert_same_documents(settings, sessions, recorder: Recorder) -> None:
    expected = _catch_up_documents(settings, sessions, recorder.direct)
    assert expected.keys() == recorder.direct.keys()
    for jid, doc in recorder.direct.items():
        assert doc == expected[jid], jid


def test_generated_source_is_indexed_directly_as_catch_up_would(settings, tmp_path, monkeypatch):
    source = tmp_path / "gen"
    write_noark5(source, 400, documents=30, seed=5)
    sessions = store(settings)
    recorder = Recorder(monkeypatch)
    report = _harvest(settings, sessions, source, "gen")
    assert report.counts["new"] == 400
    assert 300 <= len(recorder.direct) < 400  # entries with files wait for extraction
    _assert_same_documents(settings, sessions, recorder)
    assert not recorder.direct.keys() & recorder.catch_up.keys()
    assert len(recorder.direct) + len(recorder.catch_up) == 400
    with sessions() as session:
        marked = set(
            session.scalars(select(Journalpost.id).where(Journalpost.last_indexed_at.isnot(None)))
        )
    assert len(marked) == 400 and not _pending(sessions)
    client = make_client(settings)
    indexed = client.count(index=alias_name(settings, "journalpost"))["count"]
    assert indexed == 400


def test_real_noark5_samples_are_indexed_directly_as_catch_up_would(
    settings, testdata, monkeypatch
):
    sessions = store(settings)
    recorder = Recorder(monkeypatch)
    direct_total = 0
    for n, sample in enumerate(REAL):
        recorder.direct.clear()
        _harvest(settings, sessions, testdata / sample, f"real{n}")
        _assert_same_documents(settings, sessions, recorder)
        recorder.direct.clear()
        records = _without_files(Noark5Harvester(str(testdata / sample), {}).records())
        _writer_run(settings, sessions, records, key=f"nofiles{n}")
        _assert_same_documents(settings, sessions, recorder)
        direct_total += len(recorder.direct)
    assert direct_total >= 20
    catch_up(settings, make_client(settings), sessions)
    assert not _pending(sessions)


def _without_files(records: Iterable[Any]) -> Iterator[Any]:
    """The records of a real sample with their files left out, so its entries take the
    path of a fresh source without files (the one indexed directly)."""
    for rec in records:
        if isinstance(rec, JournalpostRecord):
            docs = [dataclasses.replace(d, files=[]) for d in rec.dokumenter]
            rec = dataclasses.replace(rec, dokumenter=docs)
        if not isinstance(rec, HarvestWarning):
            yield rec


def _writer_run(settings, sessions, records, client=None, key="src") -> DirectIndex:
    """``records`` through a StoreWriter with a DirectIndex."""
    direct = DirectIndex(settings, client or make_client(settings))
    blobs = BlobStore(settings.resolved_blob_dir)
    with StoreWriter(sessions, settings, blobs, key, HarvestReport(), direct=direct) as w:
        for rec in records:
            w.write(rec)
        w.finish()
    return direct


def _entry(system_id: str, case: str | None = "c1", **extra: Any) -> JournalpostRecord:
    values: dict[str, Any] = {"offentlig_tittel": f"Søknad {system_id}", **extra}
    return JournalpostRecord(
        system_id=system_id,
        saksmappe_system_id=case,
        journalaar=2024,
        journalsekvensnummer=int(system_id[1:]),
        journalposttype="I",
        korrespondanseparter=[
            KorrespondansepartRecord(navn="Ola Nordmann", skjermet=True),
            KorrespondansepartRecord(navn="Bergen kommune"),
        ],
        **values,
    )


AGENCY = EnhetRecord(system_id="a1", navn="Bergen kommune")
CASE = SaksmappeRecord(system_id="c1", offentlig_tittel="Byggesak Torget 1", saksaar=2024)


def _stored_ids(sessions) -> dict[str, str]:
    with sessions() as session:
        return {
            sid: jid for jid, sid in session.execute(select(Journalpost.id, Journalpost.system_id))
        }


def test_a_case_changed_later_in_the_run_sends_its_entries_to_catch_up(tmp_path, services):
    settings = make_settings(tmp_path, services, harvest_commit_every=2)
    sessions = store(settings)
    screened = SaksmappeRecord(
        system_id="c1", offentlig_tittel=None, saksaar=2024, skjerming=SkjermingRecord("x")
    )
    direct = _writer_run(
        settings, sessions, [AGENCY, CASE, _entry("e1"), _entry("e2"), _entry("e3"), screened]
    )
    assert direct.indexed >= 1 and direct.error is None
    ids = _stored_ids(sessions)
    assert {ids["e1"], ids["e2"], ids["e3"]} <= _pending(sessions)
    catch_up(settings, make_client(settings), sessions)
    client = make_client(settings)
    for sid in ("e1", "e2", "e3"):
        doc = client.get(index=alias_name(settings, "journalpost"), id=ids[sid])["_source"]
        assert "Torget" not in str(doc)
    assert not _pending(sessions)


def test_a_withdrawn_entry_is_not_indexed_directly(tmp_path, services):
    settings = make_settings(tmp_path, services, harvest_commit_every=50)
    sessions = store(settings)
    records = [AGENCY, CASE, _entry("e1"), _entry("e2"), DeleteRecord("journalpost", "e1")]
    direct = _writer_run(settings, sessions, records)
    ids = _stored_ids(sessions)
    assert direct.indexed == 1
    client = make_client(settings)
    client.indices.refresh(index=alias_name(settings, "journalpost"))
    assert not client.exists(index=alias_name(settings, "journalpost"), id=ids["e1"])
    assert ids["e1"] in _pending(sessions)
    assert ids["e2"] not in _pending(sessions)


def test_a_renamed_agency_sends_the_run_back_to_catch_up(tmp_path, services):
    settings = make_settings(tmp_path, services, harvest_commit_every=2, bulk_chunk_size=1)
    sessions = store(settings)
    renamed = EnhetRecord(system_id="a1", navn="Bergen kommune, byggesak")
    direct = _writer_run(settings, sessions, [AGENCY, CASE, _entry("e1"), _entry("e2"), renamed])
    assert direct.indexed >= 1
    assert set(_stored_ids(sessions).values()) <= _pending(sessions)


def test_opensearch_down_leaves_everything_to_catch_up(tmp_path, services):
    settings = make_settings(tmp_path, services, harvest_commit_every=2)
    sessions = store(settings)
    down = make_settings(tmp_path, opensearch_urls=["http://127.0.0.1:9"])
    direct = _writer_run(
        settings, sessions, [AGENCY, CASE, _entry("e1"), _entry("e2")], make_client(down)
    )
    assert direct.indexed == 0 and direct.error is not None
    assert set(_stored_ids(sessions).values()) <= _pending(sessions)
    report = catch_up(settings, make_client(settings), sessions)
    assert report.indexed == 3 and not _pending(sessions)


def test_screened_parts_are_left_out_as_catch_up_leaves_them_out(tmp_path, services, monkeypatch):
    settings = make_settings(tmp_path, services, harvest_commit_every=3)
    sessions = store(settings)
    recorder = Recorder(monkeypatch)
    screening = SkjermingRecord("x", "Offl. § 13 jf. fvl. § 13", skjerming_dokument="x")
    docs = [
        DokumentRecord("d2", tittel="Vedlegg", dokumentnummer=2),
        DokumentRecord(
            "d1", tittel="Helseopplysninger Kari", dokumentnummer=1, skjerming=screening
        ),
        DokumentRecord("d0", tittel="Uten nummer"),
    ]
    records = [
        AGENCY,
        CASE,
        _entry("e1", dokumenter=docs),
        _entry("e2", offentlig_tittel=None, skjerming=screening),
        _entry("e3", case=None, offentlig_tittel="Brev fra 01017012343"),
        _entry("e4", dokumenter=docs[:1]),
    ]
    direct = _writer_run(settings, sessions, records)
    assert direct.indexed == 4
    _assert_same_documents(settings, sessions, recorder)
    text = str(recorder.direct)
    for secret in ("Ola Nordmann", "Helseopplysninger", "01017012343"):
        assert secret not in text
    assert not _pending(sessions)
