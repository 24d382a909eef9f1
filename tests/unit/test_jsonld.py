"""The eInnsyn JSON-LD harvester on every official sample."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from harvesters.einnsyn_jsonld import EinnsynJsonldHarvester
from innsyn.harvest.contract import HarvestError
from innsyn.harvest.records import DeleteRecord, HarvestWarning, JournalpostRecord, SaksmappeRecord

ROOT = Path(__file__).resolve().parents[3] / "shared" / "testdata"
EKS = "felleslosninger-docs/resources/einnsyn/eksempelfiler"
SAMPLES = sorted(
    str(Path(p).relative_to(ROOT)) for p in glob.glob(str(ROOT / "**" / "*.jsonld"), recursive=True)
)


def _records(path):
    return list(EinnsynJsonldHarvester(str(path)).records())


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sample_gives_records_or_clear_messages(sample):
    try:
        records = _records(ROOT / sample)
    except HarvestError as exc:
        assert "malformed JSON" in str(exc)
        return
    assert all(
        isinstance(r, JournalpostRecord | SaksmappeRecord | DeleteRecord | HarvestWarning)
        or type(r).__name__ == "EnhetRecord"
        for r in records
    )


def test_compact_and_expanded_forms_agree():
    compact = _records(ROOT / EKS / "basisfil_journalavlevering_kompaktformat.jsonld")
    expanded = _records(ROOT / EKS / "basisfil_journalavlevering_jsonformat.jsonld")

    def entries(records):
        return [
            (r.system_id, r.offentlig_tittel, r.journalaar, r.journalpostnummer, r.journaldato)
            for r in records
            if isinstance(r, JournalpostRecord)
        ]

    assert entries(compact) and entries(compact) == entries(expanded)


def test_sensitive_variant_only_in_sensitive_field():
    records = _records(ROOT / EKS / "1_jpost_skjerming_minimum_jsonld-kompakt.jsonld")
    jp = next(r for r in records if isinstance(r, JournalpostRecord))
    assert jp.offentlig_tittel == "journalreg_offentligTittel"
    assert jp.offentlig_tittel_sensitiv == "journalreg_offentligTittel_SENSITIV"
    assert jp.journalposttype == "U"
    assert jp.skjerming and jp.skjerming.skjermingshjemmel == "§xx"
    part = jp.korrespondanseparter[0]
    assert (part.navn, part.navn_sensitiv) == ("Leif Juster", "***")
    public = repr([jp.offentlig_tittel, [p.navn for p in jp.korrespondanseparter]])
    assert "SENSITIV" not in public


def test_slettemelding_gives_deletions():
    records = _records(ROOT / EKS / "slettemelding_jsonld-compact2.jsonld")
    deletes = {(r.kind, r.system_id) for r in records if isinstance(r, DeleteRecord)}
    assert ("journalpost", "f8145510-8c64-4dac-b14a-3843c43dbb26") in deletes
    assert ("saksmappe", "367d69a7-8b71-4cf5-8bce-cc23a47f72ea") in deletes


def test_meetings_are_reported_not_crashed():
    records = _records(ROOT / EKS / "meldingsstruktur" / "møtesaksregistrering.jsonld")
    assert any(
        "meeting records are not supported" in r.message
        for r in records
        if isinstance(r, HarvestWarning)
    )


def test_malformed_json_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonld"
    bad.write_text('{"@graph": [')
    with pytest.raises(HarvestError, match="malformed JSON"):
        _records(bad)
