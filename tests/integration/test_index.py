"""The index against a real OpenSearch: Norwegian stemming, case numbers, catch-up,
rebuild with an atomic alias swap, per-item bulk errors, screening."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from innsyn.cli import main
from innsyn.indexing import bulk
from innsyn.indexing.indexer import catch_up, ensure_indices, rebuild, status
from innsyn.indexing.names import alias_name
from innsyn.search_client import make_client
from innsyn.store.models import (
    Enhet,
    Journalpost,
    utcnow,
)
from tests.factories import add_entry, store


def _ids(client, settings, query):
    resp = client.search(index=alias_name(settings, "journalpost"), body={"query": query})
    return sorted(h["_id"] for h in resp["hits"]["hits"])


def _match(field, text):
    return {"match": {field: {"query": text, "operator": "and"}}}


@pytest.fixture
def indexed(settings):
    sessions = store(settings)
    client = make_client(settings)
    with sessions.begin() as s:
        kommune = Enhet(id="en_k", navn="Bergen kommune")
        etat = Enhet(id="en_e", navn="Byggesaksetaten", parent=kommune)
        add_entry(s, "Søknad om rammetillatelse", seq=123, nr=4, enhet=etat)
        add_entry(s, "Søknadene om tilskudd til idrettslag", enhet=kommune)
        add_entry(s, "Klage på vedtak om parkering", saksaar=2023, seq=7)
    catch_up(settings, client, sessions)
    return settings, client, sessions


def test_inflected_forms_match(indexed):
    settings, client, _ = indexed
    found = _ids(client, settings, _match("offentlig_tittel", "søknadene"))
    assert len(found) == 2
    assert _ids(client, settings, _match("offentlig_tittel", "søknad")) == found
    exact = _ids(client, settings, _match("offentlig_tittel.exact", "søknadene"))
    assert len(exact) == 1


@pytest.mark.parametrize("spelling", ["2024/123", "24/123", "123/2024", "2024/00123", "24/0123"])
def test_case_number_spellings(indexed, spelling):
    settings, client, sessions = indexed
    hits = _ids(client, settings, {"match": {"saksnummer_search": spelling}})
    with sessions() as s:
        expected = s.scalars(
            select(Journalpost.id).where(Journalpost.offentlig_tittel.like("Søknad om ramme%"))
        ).all()
    assert hits == sorted(expected)


def test_entry_number_finds_the_entry(indexed):
    settings, client, _ = indexed
    assert len(_ids(client, settings, {"match": {"saksnummer_search": "2024/123-4"}})) == 1
    assert _ids(client, settings, {"match": {"saksnummer_search": "2024/123-5"}}) == []


def test_agency_path_includes_parents(indexed):
    settings, client, _ = indexed
    assert len(_ids(client, settings, {"term": {"enhet_path": "en_k"}})) == 2
    assert len(_ids(client, settings, {"term": {"enhet_path": "en_e"}})) == 1


def test_catch_up_after_changes(indexed):
    settings, client, sessions = indexed
    assert catch_up(settings, client, sessions).indexed == 0
    with sessions.begin() as s:
        jp = s.scalars(select(Journalpost).where(Journalpost.offentlig_tittel.like("Klage%"))).one()
        jp.offentlig_tittel = "Innsigelse mot reguleringsplan"
        jp.updated_at = utcnow()
        gone = s.scalars(
            select(Journalpost).where(Journalpost.offentlig_tittel.like("Søknadene%"))
        ).one()
        gone.deleted_at = gone.updated_at = utcnow()
    report = catch_up(settings, client, sessions)
    assert (report.indexed, report.deleted, report.failed) >= (1, 1, 0)
    assert len(_ids(client, settings, _match("offentlig_tittel", "innsigelse"))) == 1
    assert _ids(client, settings, _match("offentlig_tittel", "klage")) == []
    assert _ids(client, settings, _match("offentlig_tittel", "idrettslag")) == []
    st = status(settings, client, sessions)
    assert st["journalpost"]["in_sync"] and st["journalpost"]["index"] == 2


def test_rebuild_swaps_alias_while_searching(indexed):
    settings, client, sessions = indexed
    with sessions.begin() as s:
        for i in range(1500):
            add_entry(s, f"Byggesøknad nummer {i}")
    catch_up(settings, client, sessions)
    alias = alias_name(settings, "journalpost")
    before = sorted(client.indices.get_alias(name=alias))
    problems: list[str] = []
    counts: list[int] = []
    stop = threading.Event()

    def search_loop() -> None:
        reader = make_client(settings)
        while not stop.is_set():
            try:
                counts.append(int(reader.count(index=alias)["count"]))
            except Exception as exc:
                problems.append(repr(exc))

    thread = threading.Thread(target=search_loop)
    thread.start()
    try:
        report = rebuild(settings, client, sessions)
    finally:
        stop.set()
        thread.join()
    after = sorted(client.indices.get_alias(name=alias))
    assert problems == []
    assert counts and min(counts) == 1503
    assert after != before and len(after) == 1
    assert not client.indices.exists(index=before[0])
    assert report.failed == 0
    assert status(settings, client, sessions)["journalpost"]["index"] == 1503


def test_bulk_counts_per_item_errors(settings):
    client = make_client(settings)
    ensure_indices(settings, client)
    index = alias_name(settings, "journalpost")
    actions = [
        {"_op_type": "index", "_index": index, "_id": "good", "_source": {"id": "good"}},
        {
            "_op_type": "index",
            "_index": index,
            "_id": "bad",
            "_source": {"id": "bad", "journaldato": "not a date"},
        },
        {"_op_type": "delete", "_index": index, "_id": "never-existed"},
    ]
    result = bulk.write(client, actions, chunk_size=10)
    assert result.failed == 1
    assert sorted(result.ok_ids) == ["good", "never-existed"]
    assert result.samples[0].startswith("bad:")


def test_index_cli_status_and_rebuild(indexed, monkeypatch):
    settings, _, _ = indexed
    monkeypatch.setenv("INNSYN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("INNSYN_INDEX_PREFIX", settings.index_prefix)
    monkeypatch.setenv("INNSYN_OPENSEARCH_URLS", settings.opensearch_urls[0])
    runner = CliRunner()
    result = runner.invoke(main, ["index", "status"])
    assert result.exit_code == 0, result.output
    assert "in sync" in result.output
    result = runner.invoke(main, ["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "indexed 6, deleted 0, failed 0" in result.output


class _Records:
    name = "list"
    location = "memory"
    complete = False

    def __init__(self, records):
        self._records = records

    def records(self):
        yield from self._records


def test_a_case_screened_later_leaves_no_trace_in_its_entries(settings):
    """Entries carry their case's title and number in their documents. When a later
    harvest screens the case title (entries unchanged), catch-up reindexes the entries;
    a new entry refreshes the case's entry count."""
    from innsyn.harvest.pipeline import RunContext, harvest
    from innsyn.harvest.records import JournalpostRecord, SaksmappeRecord, SkjermingRecord

    sessions = store(settings)
    client = make_client(settings)

    def entry(n):
        return JournalpostRecord(
            system_id=f"J{n}", saksmappe_system_id="S1", offentlig_tittel=f"Brev nummer {n}"
        )

    public = SaksmappeRecord(
        system_id="S1", offentlig_tittel="Barnevernssak Zqhemmeligveien", saksaar=2025
    )
    screened = SaksmappeRecord(
        system_id="S1",
        offentlig_tittel=None,
        saksaar=2025,
        skjerming=SkjermingRecord(skjermingshjemmel="Offl. § 13", skjerming_metadata=["tittel"]),
    )
    harvest(
        _Records([public, entry(1), entry(2)]), RunContext(settings, sessions, "src", extract=False)
    )
    assert len(_ids(client, settings, _match("saksmappe.offentlig_tittel", "zqhemmeligveien"))) == 2

    report = harvest(
        _Records([screened, entry(1), entry(2)]),
        RunContext(settings, sessions, "src", extract=False),
    )
    assert report.counts["unchanged"] == 2 and report.counts["saksmappe_updated"] == 1
    for field in ("saksmappe.offentlig_tittel", "offentlig_tittel"):
        assert _ids(client, settings, _match(field, "zqhemmeligveien")) == []
    hits = client.search(index=alias_name(settings, "journalpost"), body={"size": 10})
    assert len(hits["hits"]["hits"]) == 2
    assert "hemmeligveien" not in str(hits).lower()
    sak = client.search(index=alias_name(settings, "saksmappe"))["hits"]["hits"][0]["_source"]
    assert sak["journalpost_count"] == 2 and sak["offentlig_tittel"] is None

    harvest(
        _Records([screened, entry(1), entry(2), entry(3)]), RunContext(settings, sessions, "src")
    )
    sak = client.search(index=alias_name(settings, "saksmappe"))["hits"]["hits"][0]["_source"]
    assert sak["journalpost_count"] == 3
    with sessions() as s:
        st = status(settings, client, sessions)
        assert st["journalpost"]["pending"] == 0 and st["saksmappe"]["pending"] == 0
        assert s.scalar(select(Journalpost.id).where(Journalpost.last_indexed_at.is_(None))) is None


def test_an_entry_moving_to_another_case_updates_both_counts(settings):
    from innsyn.harvest.pipeline import RunContext, harvest
    from innsyn.harvest.records import JournalpostRecord, SaksmappeRecord

    sessions = store(settings)
    client = make_client(settings)
    cases = [
        SaksmappeRecord(system_id="S1", offentlig_tittel="Byggesak A", saksaar=2025),
        SaksmappeRecord(system_id="S2", offentlig_tittel="Byggesak B", saksaar=2025),
    ]

    def entries(j2_case):
        return [
            JournalpostRecord(system_id="J1", saksmappe_system_id="S1", offentlig_tittel="Brev 1"),
            JournalpostRecord(
                system_id="J2", saksmappe_system_id=j2_case, offentlig_tittel="Brev 2"
            ),
            JournalpostRecord(system_id="J3", saksmappe_system_id="S2", offentlig_tittel="Brev 3"),
        ]

    def counts():
        hits = client.search(index=alias_name(settings, "saksmappe"))["hits"]["hits"]
        return sorted(
            (h["_source"]["offentlig_tittel"], h["_source"]["journalpost_count"]) for h in hits
        )

    harvest(
        _Records([*cases, *entries("S1")]), RunContext(settings, sessions, "src", extract=False)
    )
    assert counts() == [("Byggesak A", 2), ("Byggesak B", 1)]
    harvest(
        _Records([*cases, *entries("S2")]), RunContext(settings, sessions, "src", extract=False)
    )
    assert counts() == [("Byggesak A", 1), ("Byggesak B", 2)]


def _entry_sources(client, settings):
    hits = client.search(index=alias_name(settings, "journalpost"), body={"size": 50})
    return {h["_id"]: h["_source"] for h in hits["hits"]["hits"]}


def test_a_withdrawn_or_embargoed_case_lends_its_entries_nothing(settings):
    """Issue 14 item 6: the case page is 404 while a case is withdrawn or under embargo,
    so no search may find its public entries by the case's title or number either. When
    the embargo ends, with no harvest in between, catch-up puts the case back in them."""
    import datetime as dt

    from sqlalchemy import update

    from innsyn.harvest.pipeline import RunContext, harvest
    from innsyn.harvest.records import JournalpostRecord, SaksmappeRecord
    from innsyn.store.models import Saksmappe

    sessions = store(settings)
    client = make_client(settings)
    later = utcnow() + dt.timedelta(days=30)

    def case(**fields):
        return SaksmappeRecord(
            system_id="S9",
            offentlig_tittel="Tilsyn Qxvolden barnehage",
            saksaar=2025,
            sakssekvensnummer=4711,
            **fields,
        )

    entries = [
        JournalpostRecord(
            system_id=f"E{n}",
            saksmappe_system_id="S9",
            offentlig_tittel=f"Brev om tilsyn {n}",
            journalpostnummer=n,
        )
        for n in (1, 2)
    ]
    run = RunContext(settings, sessions, "src", extract=False)
    harvest(_Records([case(accessible_after=later), *entries]), run)

    def case_traces():
        found = _ids(client, settings, _match("saksmappe.offentlig_tittel", "qxvolden"))
        found += _ids(client, settings, {"match": {"saksnummer_search": "2025/4711"}})
        return found

    docs = _entry_sources(client, settings)
    assert len(docs) == 2, "the entries themselves are public"
    assert case_traces() == []
    assert "qxvolden" not in str(docs).lower() and "4711" not in str(docs)

    ended = utcnow()  # the embargo ends now, after the entries were indexed; no harvest
    with sessions.begin() as s:
        s.execute(update(Saksmappe).values(accessible_after=ended))
    catch_up(settings, client, sessions)
    assert len(case_traces()) == 4, "both entries, by title and by number"
    docs = _entry_sources(client, settings)
    assert {d["journalpost_nummer"] for d in docs.values()} == {"2025/4711-1", "2025/4711-2"}

    harvest(_Records([*entries]), RunContext(settings, sessions, "src", extract=False))
    harvest(
        _Records([case(), *entries]),
        RunContext(settings, sessions, "src", extract=False),
    )
    assert len(case_traces()) == 4
    with sessions.begin() as s:  # the case is withdrawn; its entries stay public
        s.execute(update(Saksmappe).values(deleted_at=utcnow(), updated_at=utcnow()))
    catch_up(settings, client, sessions)
    assert case_traces() == []
    assert "qxvolden" not in str(_entry_sources(client, settings)).lower()
