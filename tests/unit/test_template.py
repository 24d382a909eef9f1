"""harvesters/_template.py works as it says, so a copy starts from a working harvester."""

from __future__ import annotations

import json

import pytest

from harvesters._template import TemplateHarvester
from innsyn.harvest import registry
from innsyn.harvest.contract import HarvestError
from innsyn.harvest.records import (
    EnhetRecord,
    HarvestWarning,
    JournalpostRecord,
    SaksmappeRecord,
)

JOURNAL = {
    "agency": {"id": "974760673", "name": "Testkommune"},
    "cases": [
        {
            "id": "S1",
            "year": "2024",
            "number": "1²",
            "public_title": "Byggesak gnr 1/2",
            "title": "Byggesak gnr 1/2, Kari Nordmann",
            "screened": "ja",
            "entries": [
                {
                    "id": "J1",
                    "date": "2024-13-03",
                    "title": "Søknad fra Kari Nordmann",
                    "screened": "kanskje",
                    "documents": [
                        {"id": "D1", "title": "Søknad fra Kari Nordmann", "file": "1.pdf"},
                        {"id": "D2", "title": "Kart", "file": "../outside.pdf"},
                    ],
                },
                {
                    "id": "J2",
                    "date": "2024-01-05",
                    "title": "Svar",
                    "documents": [{"id": "D3", "title": "Svar", "file": "1.pdf", "size": 13}],
                },
            ],
        }
    ],
}


@pytest.fixture
def journal(tmp_path):
    folder = tmp_path / "journal"
    folder.mkdir()
    (folder / "1.pdf").write_bytes(b"%PDF-1.4 test")
    (tmp_path / "outside.pdf").write_bytes(b"%PDF secret")
    path = folder / "journal.json"
    path.write_text(json.dumps(JOURNAL), encoding="utf-8")
    return path


def test_the_template_yields_every_record_kind_by_the_rules(journal):
    records = list(TemplateHarvester(str(journal)).records())
    (agency,) = [r for r in records if isinstance(r, EnhetRecord)]
    (case,) = [r for r in records if isinstance(r, SaksmappeRecord)]
    first, second = [r for r in records if isinstance(r, JournalpostRecord)]
    assert agency.orgnummer == "974760673" and case.enhet_system_id == "974760673"
    assert case.offentlig_tittel == "Byggesak gnr 1/2"
    assert case.saksaar == 2024 and case.sakssekvensnummer is None
    # a yes/no value that cannot be read counts as screened: no internal title
    assert first.skjerming is not None and first.offentlig_tittel is None
    assert first.journaldato is None
    leaking, outside = first.dokumenter
    assert leaking.tittel is None  # repeats the entry's withheld title
    assert outside.tittel == "Kart" and outside.files[0].open is None
    assert second.offentlig_tittel == "Svar" and second.dokumenter[0].files[0].declared_size == 13
    with second.dokumenter[0].files[0].open() as fh:
        assert fh.read() == b"%PDF-1.4 test"
    assert [(w.system_id, w.message) for w in records if isinstance(w, HarvestWarning)] == [
        ("S1", "S1: invalid number in number: '1²' (left empty)"),
        ("J1", "J1: invalid yes/no value in screened: 'kanskje' (left empty)"),
        ("J1", "J1: invalid date in date: '2024-13-03' (left empty)"),
        ("J1", "file outside the journal's folder refused: '../outside.pdf'"),
    ]


def test_the_template_refuses_what_it_cannot_read(tmp_path):
    path = tmp_path / "journal.json"
    path.write_text("[1, 2", encoding="utf-8")
    with pytest.raises(HarvestError, match="not a readable JSON journal"):
        list(TemplateHarvester(str(path)).records())


def test_the_template_is_not_registered():
    registry.reload()
    assert TemplateHarvester not in registry.available().values()
