"""Index documents built from store rows (screened parts, fødselsnummer) and the index CLI
with OpenSearch unreachable."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from innsyn.cli import main
from innsyn.indexing.documents import DocumentTexts, journalpost_document
from innsyn.store.blobs import BlobStore
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Journalpost,
    Korrespondansepart,
    Skjerming,
)


def test_screened_parts_never_reach_the_document(offline_settings):
    sk = Skjerming(tilgangsrestriksjon="UO", skjermingshjemmel="Offl. § 13")
    jp = Journalpost(
        id="jp_x",
        source_key="t",
        system_id="x",
        offentlig_tittel=None,
        offentlig_tittel_sensitiv=None,
        skjerming=sk,
    )
    jp.korrespondanseparter = [
        Korrespondansepart(navn=None, navn_sensitiv="Kari Hemmelig", skjermet=True),
        Korrespondansepart(navn="Statens vegvesen", korrespondanseparttype="avsender"),
    ]
    blobs = BlobStore(offline_settings.resolved_blob_dir)
    secret = blobs.put_text("Hemmelig helseopplysning om Kari")
    public = blobs.put_text("Offentlig vedtak om veibygging")
    hidden_doc = Dokumentbeskrivelse(id="d1", tittel="Legeerklæring Kari", skjerming=sk)
    hidden_doc.dokumentobjekter = [
        Dokumentobjekt(id="o1", extraction_status="done", text_sha256=secret.sha256)
    ]
    open_doc = Dokumentbeskrivelse(id="d2", tittel="Vedtak 12017012345 x")
    open_doc.dokumentobjekter = [
        Dokumentobjekt(id="o2", extraction_status="done", text_sha256=public.sha256)
    ]
    jp.dokumentbeskrivelser = [hidden_doc, open_doc]
    doc = journalpost_document(DocumentTexts(offline_settings, blobs), jp)
    flat = repr(doc)
    for secret_text in ("Kari", "Hemmelig", "Legeerklæring"):
        assert secret_text not in flat
    assert doc["tittel_screened"] is True and doc["offentlig_tittel"] is None
    assert doc["korrespondansepart"] == [
        {"navn": "Statens vegvesen", "korrespondanseparttype": "avsender"}
    ]
    assert "veibygging" in doc["dokument_tekst"]
    assert doc["dokument_count"] == 1


def test_fodselsnummer_redacted_from_titles(offline_settings):
    from stdnum.no import fodselsnummer

    fnr = next(
        n
        for i in range(100, 999)
        if fodselsnummer.is_valid(
            n := f"010190{i}"
            + (c := fodselsnummer.calc_check_digit1(f"010190{i}"))
            + fodselsnummer.calc_check_digit2(f"010190{i}" + c)
        )
    )
    assert fodselsnummer.is_valid(fnr)
    jp = Journalpost(
        id="jp_f",
        source_key="t",
        system_id="f",
        offentlig_tittel=f"Søknad fra {fnr[:6]} {fnr[6:]} om bostøtte",
        offentlig_tittel_sensitiv=f"Søknad fra Ola {fnr}",
        updated_at=dt.datetime.now(dt.UTC),
    )
    doc = journalpost_document(DocumentTexts(offline_settings), jp)
    assert fnr[6:] not in repr(doc)
    assert "bostøtte" in doc["offentlig_tittel"]
    assert "fødselsnummer fjernet" in doc["offentlig_tittel_sensitiv"]


def test_index_cli_explains_unreachable_opensearch(offline_settings, monkeypatch):
    monkeypatch.setenv("INNSYN_DATA_DIR", str(offline_settings.data_dir))
    monkeypatch.setenv("INNSYN_OPENSEARCH_URLS", "http://127.0.0.1:9")
    monkeypatch.setenv("INNSYN_OPENSEARCH_TIMEOUT", "2")
    result = CliRunner().invoke(main, ["index", "catch-up"])
    assert result.exit_code == 1
    assert "not reachable" in result.output
