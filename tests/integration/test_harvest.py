"""The harvest pipeline end to end: real store, blob store, Tika and OpenSearch."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from harvesters.noark5 import Noark5Harvester
from innsyn.extraction.worker import extract_pending
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.indexing.indexer import catch_up, status
from innsyn.indexing.names import alias_name
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    HarvestRun,
    Journalpost,
)
from tests.conftest import make_settings
from tests.factories import add_entry, store

ARKADE = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData"
SKJERMING = "felleslosninger-docs/resources/einnsyn/eksempelfiler/1_jpost_skjerming_noark5.xml"


def _run(settings, sessions, location, key="src", **params):
    return harvest(Noark5Harvester(str(location), params), RunContext(settings, sessions, key))


def _search(settings, text):
    client = make_client(settings)
    body = {
        "query": {
            "multi_match": {
                "query": text,
                "fields": [
                    "offentlig_tittel",
                    "dokument_tekst",
                    "saksmappe.offentlig_tittel",
                    "korrespondansepart.navn",
                ],
            }
        }
    }
    return client.search(index=alias_name(settings, "journalpost"), body=body)["hits"]["hits"]


@pytest.fixture
def small(testdata, tmp_path):
    copy = tmp_path / "uttrekk"
    shutil.copytree(testdata / ARKADE / "Noark5/Small", copy)
    return copy


def test_second_harvest_changes_nothing(settings, small):
    sessions = store(settings)
    first = _run(settings, sessions, small)
    assert first.counts["new"] >= 2 and first.extraction["tika_calls"] >= 1
    assert first.status == "ok", first.errors
    second = _run(settings, sessions, small)
    assert (second.counts["new"], second.counts["updated"]) == (0, 0)
    assert second.counts["unchanged"] == first.counts["new"]
    assert second.counts["files_fetched"] == 0
    assert second.extraction["tika_calls"] == 0
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Journalpost)) == first.counts["new"]
        runs = s.scalars(select(HarvestRun).order_by(HarvestRun.id)).all()
        assert [r.status for r in runs] == ["ok", "ok"]
        assert runs[1].counts["unchanged"] == first.counts["new"]
    st = status(settings, make_client(settings), sessions)["journalpost"]
    assert st["in_sync"]


def test_changed_title_updates_in_place_and_missing_record_is_deleted(settings, small):
    sessions = store(settings)
    _run(settings, sessions, small, complete="true")
    with sessions() as s:
        ids_before = set(s.scalars(select(Journalpost.id)))
    xml = small / "arkivstruktur.xml"
    text = xml.read_text(encoding="utf-8")
    assert "Eating the cake1 - Application to eat cake1" in text
    text = text.replace(
        "<offentligTittel>Eating the cake1 - Application to eat cake1",
        "<offentligTittel>Kakespising godkjent",
    )
    start = text.rindex('<registrering xsi:type="journalpost">')
    end = text.index("</registrering>", start) + len("</registrering>")
    text = text[:start] + text[end:]
    xml.write_text(text, encoding="utf-8")
    report = _run(settings, sessions, small, complete="true")
    assert report.counts["updated"] == 1 and report.counts["deleted"] == 1
    with sessions() as s:
        assert set(s.scalars(select(Journalpost.id))) == ids_before
        tomb = s.scalars(select(Journalpost).where(Journalpost.deleted_at.is_not(None))).all()
        assert len(tomb) == 1
    assert len(_search(settings, "Kakespising")) == 1
    assert _search(settings, "cake1") == []
    assert all(h["_id"] != tomb[0].id for h in _search(settings, "cake"))


def test_checksum_mismatch_fails_that_document_only(settings, small):
    sessions = store(settings)
    (small / "dokumenter" / "5000000.pdf").write_bytes(b"%PDF-1.4 tampered")
    report = _run(settings, sessions, small)
    assert report.counts["files_failed"] == 1
    assert any("checksum mismatch" in e for e in report.errors)
    with sessions() as s:
        states = sorted(s.scalars(select(Dokumentobjekt.extraction_status)))
    assert "failed" in states and "done" in states


def test_opensearch_down_then_catch_up(services, tmp_path, small):
    down = make_settings(
        tmp_path / "a",
        None,
        opensearch_urls=["http://127.0.0.1:9"],
        tika_url=services.tika,
        opensearch_timeout=2,
    )
    sessions = store(down)
    report = _run(down, sessions, small)
    assert report.counts["new"] >= 2
    assert report.index.startswith("index pending:")
    up = down.model_copy(update={"opensearch_urls": [services.opensearch]})
    client = make_client(up)
    try:
        catch_up(up, client, sessions)
        st = status(up, client, sessions)
        assert st["journalpost"]["in_sync"] and st["journalpost"]["index"] == report.counts["new"]
    finally:
        client.indices.delete(index=f"{up.index_prefix}-*")


def test_tika_down_leaves_documents_pending(services, tmp_path, small):
    down = make_settings(tmp_path / "b", services, tika_url="http://127.0.0.1:9")
    sessions = store(down)
    report = _run(down, sessions, small)
    assert any("Tika unavailable" in e for e in report.errors)
    with sessions() as s:
        assert set(s.scalars(select(Dokumentobjekt.extraction_status))) == {"pending"}
    up = down.model_copy(update={"tika_url": services.tika})
    result = extract_pending(up, sessions, BlobStore(up.resolved_blob_dir))
    assert result.done >= 1 and result.tika_calls >= 1
    make_client(up).indices.delete(index=f"{up.index_prefix}-*")


def test_screened_sample_never_reaches_the_index(settings, testdata):
    sessions = store(settings)
    _run(settings, sessions, testdata / SKJERMING)
    client = make_client(settings)
    hits = client.search(index=f"{settings.index_prefix}-*", body={"size": 100})["hits"]["hits"]
    assert hits
    dump = repr([h["_source"] for h in hits])
    assert "Databehandleravtaler" not in dump
    assert "Test_journal" not in dump
    assert _search(settings, "Databehandleravtaler") == []
    assert any(h["_source"].get("tittel_screened") for h in hits)


def test_attachments_of_an_email_become_documents(settings, testdata):
    sessions = store(settings)
    blobs = BlobStore(settings.resolved_blob_dir)
    eml = blobs.put_bytes(
        (testdata / "tika/mail/testRFC822_multipart_attachments.eml").read_bytes()
    )
    with sessions.begin() as s:
        jp = add_entry(s, "E-post med vedlegg")
        doc = Dokumentbeskrivelse(id="db_mail", tittel="E-post", dokumentnummer=1)
        doc.dokumentobjekter.append(
            Dokumentobjekt(id="do_mail", sha256=eml.sha256, size=eml.size, filnavn="mail.eml")
        )
        jp.dokumentbeskrivelser.append(doc)
        jp_id = jp.id
    first = extract_pending(settings, sessions, blobs)
    assert first.tika_calls == 1
    with sessions() as s:
        docs = s.scalars(
            select(Dokumentbeskrivelse).where(Dokumentbeskrivelse.journalpost_id == jp_id)
        ).all()
        attachments = [d for d in docs if d.tilknyttet_registrering_som == "vedlegg"]
        assert len(attachments) >= 2
    with sessions.begin() as s:
        s.get(Dokumentobjekt, "do_mail").extraction_status = "pending"
    again = extract_pending(settings, sessions, blobs)
    assert (again.tika_calls, again.reused) == (0, 1)
    with sessions() as s:
        count = s.scalar(
            select(func.count())
            .select_from(Dokumentbeskrivelse)
            .where(Dokumentbeskrivelse.journalpost_id == jp_id)
        )
        assert count == len(docs)


def test_a_job_runs_log_names_no_other_agencys_failed_documents(settings, small):
    """Index catch-up indexes every waiting record, other agencies' too: when they fail,
    a job's run (read by its agency's admins) keeps the counts but not their ids."""
    from innsyn.auth import Actor
    from innsyn.indexing.indexer import ensure_indices
    from innsyn.jobs.manage import create_job
    from innsyn.store.models import Enhet

    sessions = store(settings)
    with sessions.begin() as s:
        oslo, bergen = Enhet(id="oslo", navn="Oslo"), Enhet(id="bergen", navn="Bergen")
        s.add_all([oslo, bergen])
        s.flush()
        waiting = add_entry(s, "Bergens ventende sak", enhet=bergen).id
        job = create_job(
            s,
            settings,
            Actor("test", "site_admin", None),
            {
                "name": "Oslo",
                "agency_id": "oslo",
                "harvester": "noark5",
                "location": str(small),
                "schedule": "every 1h",
            },
        )
        job_id, source_key = job.id, job.source_key
    client = make_client(settings)
    ensure_indices(settings, client)
    blocked = {"index.blocks.write": True}
    client.indices.put_settings(index=f"{settings.index_prefix}-*", body=blocked)
    printed: list[str] = []
    try:
        report = harvest(
            Noark5Harvester(str(small), {}),
            RunContext(
                settings,
                sessions,
                source_key,
                printed.append,
                extract=False,
                default_enhet="oslo",
                job_id=job_id,
            ),
        )
    finally:
        unblocked = {"index.blocks.write": None}
        client.indices.put_settings(index=f"{settings.index_prefix}-*", body=unblocked)
    assert report.counts["index_failed"] > 0
    with sessions() as s:
        run = s.get(HarvestRun, report.run_id)
        shown = f"{run.log_tail} {run.errors} {run.counts}"
    assert "failed" in run.log_tail[-1] and waiting not in shown
    assert any(waiting in line for line in printed), "the operator is told"
