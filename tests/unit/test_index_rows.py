"""Indexing reads rows with Core queries into light objects (``innsyn.indexing.rows``);
the index documents must be exactly those built from ORM-loaded rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bench.datagen import write_noark5
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.harvest.registry import get_harvester
from innsyn.indexing import rows
from innsyn.indexing.documents import DocumentTexts, journalpost_document, saksmappe_document
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentbeskrivelse, Enhet, Journalpost, Saksmappe
from tests.factories import add_entry, screen_entry, store

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
MIXED = TESTDATA / "documaster-nev-samples/0.2.0/valid-mixed-archive/extraction"


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("n5") / "uttrekk"
    write_noark5(out, 400, documents=60, seed=11)
    return out


def _orm_entries(session: Any) -> list[Journalpost]:
    return list(
        session.scalars(
            select(Journalpost)
            .options(
                selectinload(Journalpost.saksmappe),
                selectinload(Journalpost.enhet).selectinload(Enhet.parent),
                selectinload(Journalpost.skjerming),
                selectinload(Journalpost.korrespondanseparter),
                selectinload(Journalpost.dokumentbeskrivelser).selectinload(
                    Dokumentbeskrivelse.dokumentobjekter
                ),
                selectinload(Journalpost.dokumentbeskrivelser).selectinload(
                    Dokumentbeskrivelse.skjerming
                ),
            )
            .order_by(Journalpost.id)
        )
    )


def test_light_rows_build_the_same_index_documents(extraction, offline_settings):
    settings = offline_settings
    sessions = store(settings)
    harvest(
        get_harvester("noark5", str(extraction)),
        RunContext(settings, sessions, "gen", extract=False, index=False),
    )
    harvest(
        get_harvester("noark5", str(MIXED)), RunContext(settings, sessions, "mix", extract=False)
    )
    blobs = BlobStore(settings.resolved_blob_dir)
    texts = DocumentTexts(settings, blobs)
    pdf = blobs.put_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    text = blobs.put_text("Vedtaket gjelder reguleringsplan for Fjordbyen.")
    hidden = blobs.put_text("Helseopplysninger om Per Hemmelig")
    with sessions.begin() as s:
        kommune = Enhet(id="en_k", navn="Fjordvik kommune")
        etat = Enhet(id="en_e", navn="Plan- og bygningsetaten", parent=kommune)
        jp = add_entry(s, "Vedtak om reguleringsplan", seq=55, nr=2, enhet=etat)
        screen_entry(jp, pdf.sha256, pdf.size, text.sha256, hidden.sha256)
        gone = add_entry(s, "Slettet brev", seq=55, nr=3, enhet=etat, sak=jp.saksmappe)
        gone.deleted_at = dt.datetime.now(dt.UTC)
    with sessions() as s:
        orm = _orm_entries(s)
        light = rows.journalposts(s, [], "", 100_000, rows.Agencies(s))
        assert [e.id for e in light] == [e.id for e in orm]
        assert len(orm) > 400
        for a, b in zip(orm, light, strict=True):
            assert journalpost_document(texts, b) == journalpost_document(texts, a), a.id
        cases = list(
            s.scalars(
                select(Saksmappe)
                .options(
                    selectinload(Saksmappe.enhet).selectinload(Enhet.parent),
                    selectinload(Saksmappe.journalposter),
                )
                .order_by(Saksmappe.id)
            )
        )
        light_cases = rows.saksmapper(s, [], "", 100_000, rows.Agencies(s))
        assert [saksmappe_document(c, c.journalpost_count) for c in light_cases] == [
            saksmappe_document(c, sum(1 for j in c.journalposter if j.deleted_at is None))
            for c in cases
        ]
        counts = {c.id: c.journalpost_count for c in light_cases}
        assert counts[jp.saksmappe_id] == 1, "the deleted entry is not counted"
        found = [journalpost_document(texts, e)["dokument_tekst"] for e in light]
        assert any(t and "Fjordbyen" in t for t in found)
        assert not any(t and "Hemmelig" in t for t in found)


def test_light_rows_see_an_agency_added_during_indexing(offline_settings):
    sessions = store(offline_settings)
    with sessions.begin() as s:
        add_entry(s, "Før", enhet=Enhet(id="en_old", navn="Gammel etat"))
    with sessions() as s:
        agencies = rows.Agencies(s)
    with sessions.begin() as s:
        add_entry(s, "Etter", seq=2, enhet=Enhet(id="en_new", navn="Ny etat"))
    with sessions() as s:
        entries = rows.journalposts(s, [], "", 100, agencies)
    assert sorted(e.enhet.navn for e in entries) == ["Gammel etat", "Ny etat"]


def test_waiting_rows_are_found_through_the_pending_indexes(offline_settings):
    """An empty catch-up must not read every row: SQLite answers the changed-since-indexed
    part of the stale queries from the partial indexes ``store.models.pending_index``."""
    from sqlalchemy import select, text
    from sqlalchemy.dialects import sqlite

    from innsyn.indexing import rows as index_rows
    from innsyn.store.models import Journalpost, Saksmappe
    from tests.factories import store

    sessions = store(offline_settings)
    plans = {}
    with sessions() as session:
        for model, where in (
            (Journalpost, index_rows.stale_journalposts()),
            (Saksmappe, index_rows.stale_saksmapper()),
        ):
            query = select(model.id).where(*where)
            sql = str(
                query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            )
            plan = session.execute(text("EXPLAIN QUERY PLAN " + sql)).all()
            plans[model.__tablename__] = " | ".join(str(row[-1]) for row in plan)
    assert "USING INDEX ix_journalpost_pending" in plans["journalpost"], plans
    assert "USING INDEX ix_saksmappe_pending" in plans["journalpost"], plans
    assert "USING INDEX ix_saksmappe_pending" in plans["saksmappe"], plans


def test_a_row_written_while_it_was_being_indexed_stays_pending(offline_settings):
    """The catch-up marking race: a writer stamps updated_at before the catch-up starts but
    commits after the catch-up read the row. The row must stay pending (its new content is
    not in the index), though its updated_at is older than the catch-up's start."""
    import datetime as dt

    from sqlalchemy import select, update

    from innsyn.indexing.indexer import _mark_indexed
    from innsyn.kinds import JOURNALPOST
    from innsyn.store.models import Journalpost
    from tests.factories import add_entry, store

    sessions = store(offline_settings)
    with sessions.begin() as s:
        changed = add_entry(s, "Tittel som endres")
        steady = add_entry(s, "Tittel som står")
        ids = (changed.id, steady.id)
    with sessions() as s:
        read = {
            row.id: row.updated_at
            for row in s.scalars(select(Journalpost).where(Journalpost.id.in_(ids)))
        }
    stamps = {i: (t, None) for i, t in read.items()}
    writer_stamp = read[ids[0]] + dt.timedelta(microseconds=1)
    started = writer_stamp + dt.timedelta(seconds=1)  # the writer's stamp is older
    with sessions.begin() as s:  # ...but its commit lands after the read
        s.execute(
            update(Journalpost)
            .where(Journalpost.id == ids[0])
            .values(offentlig_tittel="Ny tittel", updated_at=writer_stamp)
        )
    with sessions() as s:
        _mark_indexed(s, JOURNALPOST, stamps, started)
    with sessions() as s:
        marks = {
            row.id: row.last_indexed_at
            for row in s.scalars(select(Journalpost).where(Journalpost.id.in_(ids)))
        }
    assert marks[ids[1]] == started, "a row unchanged since it was read is marked"
    assert marks[ids[0]] is None, "the row written meanwhile still waits for the index"


def test_an_entry_whose_case_was_written_while_it_was_being_indexed_stays_pending(
    offline_settings,
):
    """The same race one level up: the entry's document carries its case's title. A writer
    changes the case (say, screens its title) with a stamp older than the catch-up's start
    but commits after the catch-up read the entry with its case. The entry's own row did
    not change, yet it must not be marked indexed: the index holds the case's old title in
    it, and the case's stamp, older than the mark, would never send it round again."""
    import datetime as dt

    from sqlalchemy import select, update

    from innsyn.indexing import rows
    from innsyn.indexing.indexer import _mark_indexed, _stamps
    from innsyn.kinds import JOURNALPOST
    from innsyn.store.models import Journalpost, Saksmappe
    from tests.factories import add_entry, store

    sessions = store(offline_settings)
    with sessions.begin() as s:
        ids = (add_entry(s, "Inngående brev").id, add_entry(s, "Utgående brev").id)
    with sessions() as s:
        where = [Journalpost.id.in_(ids)]
        batch = JOURNALPOST.load(s, where, "", 10, rows.Agencies(s))
    by_id = {row.id: row for row in batch}
    read = _stamps(JOURNALPOST, batch)
    case_read = by_id[ids[0]].saksmappe.updated_at
    assert read[ids[0]] == (by_id[ids[0]].updated_at, case_read)
    writer_stamp = case_read + dt.timedelta(microseconds=1)
    started = writer_stamp + dt.timedelta(seconds=1)
    with sessions.begin() as s:
        s.execute(
            update(Saksmappe)
            .where(Saksmappe.id == by_id[ids[0]].saksmappe_id)
            .values(offentlig_tittel="Tittel skjermet etterpå", updated_at=writer_stamp)
        )
    with sessions() as s:
        _mark_indexed(s, JOURNALPOST, read, started)
    with sessions() as s:
        marks = dict(
            s.execute(select(Journalpost.id, Journalpost.last_indexed_at).where(*where)).all()
        )
        pending = set(s.scalars(select(Journalpost.id).where(*where, *JOURNALPOST.stale())))
    assert marks[ids[1]] == started, "an entry whose case did not change is marked"
    assert marks[ids[0]] is None, "the entry of the case written meanwhile still waits"
    assert pending == {ids[0]}
