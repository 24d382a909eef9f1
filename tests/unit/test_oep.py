"""The OEP (OFFJOURNAL) harvester on the real Difi sample, with its wrong encoding."""

from __future__ import annotations

import pytest

from harvesters.oep import OepHarvester
from harvesters.xmlsafe import repair_encoding
from innsyn.harvest.contract import HarvestError
from innsyn.harvest.records import EnhetRecord, JournalpostRecord, SaksmappeRecord

SAMPLE = "difi-einnsyn-klient/eksempelfiler/einnsyn difi fulltekst -minimal.xml"


def _records(path):
    return list(OepHarvester(str(path)).records())


def test_sample_maps_cases_entries_correspondents_documents(testdata):
    records = _records(testdata / SAMPLE)
    saker = [r for r in records if isinstance(r, SaksmappeRecord)]
    jps = [r for r in records if isinstance(r, JournalpostRecord)]
    assert [(s.saksaar, s.sakssekvensnummer) for s in saker] == [(2014, 872), (2013, 342)]
    first = jps[0]
    assert (first.journalaar, first.journalsekvensnummer, first.journalpostnummer) == (2016, 400, 4)
    assert first.journalposttype == "U" and str(first.journaldato) == "2016-01-11"
    assert first.saksmappe_system_id == saker[0].system_id
    assert first.korrespondanseparter[0].navn == "CNECT CEF Telecom expert group secretariat"
    titles = [d.tittel for d in first.dokumenter]
    assert "Oppsummering av spørjeundersøking kommunar og fylkeskommunar" in titles
    assert first.dokumenter[0].files[0].source_uri.startswith("https://einnsyn.difi.no/")
    assert any(isinstance(r, EnhetRecord) for r in records)


def test_real_latin1_file_reads_the_same(testdata, tmp_path):
    utf8 = (testdata / SAMPLE).read_bytes()
    latin1 = tmp_path / "latin1.xml"
    latin1.write_bytes(utf8.decode("utf-8").encode("iso-8859-1"))
    a = [
        d.tittel
        for r in _records(testdata / SAMPLE)
        if isinstance(r, JournalpostRecord)
        for d in r.dokumenter
    ]
    b = [
        d.tittel for r in _records(latin1) if isinstance(r, JournalpostRecord) for d in r.dokumenter
    ]
    assert a == b and any("ø" in t for t in a if t)


def test_encoding_repair_rule():
    declared_latin1_but_utf8 = '<?xml version="1.0" encoding="ISO-8859-1"?><a>ø</a>'.encode()
    assert b'encoding="UTF-8"' in repair_encoding(declared_latin1_but_utf8)
    real_latin1 = '<?xml version="1.0" encoding="ISO-8859-1"?><a>ø</a>'.encode("latin-1")
    assert repair_encoding(real_latin1) == real_latin1


def test_screened_markers_withhold(tmp_path):
    xml = """<?xml version="1.0" encoding="UTF-8"?><OFFJOURNAL VERSJON="2.0"><RAPPORT>
    <NOARKSAK.OJ><SA.SAAR>2024</SA.SAAR><SA.SEKNR>5</SA.SEKNR><SA.TITTEL>Intern sak Kari</SA.TITTEL>
    <SA.UOFF>Offl. § 13</SA.UOFF>
    <JOURNPOST.OJ><JP.JAAR>2024</JP.JAAR><JP.SEKNR>9</JP.SEKNR><JP.INNHOLD>Brev om Kari</JP.INNHOLD>
    <JP.TGKODE>U</JP.TGKODE><JP.OFFINNHOLD_SENSITIV>Brev om Kari Nordmann</JP.OFFINNHOLD_SENSITIV>
    <AVSMOT.OJ><AM.NAVN>Kari Nordmann</AM.NAVN><AM.U1>1</AM.U1></AVSMOT.OJ>
    </JOURNPOST.OJ></NOARKSAK.OJ></RAPPORT></OFFJOURNAL>"""
    path = tmp_path / "oj.xml"
    path.write_text(xml, encoding="utf-8")
    records = _records(path)
    sak = next(r for r in records if isinstance(r, SaksmappeRecord))
    jp = next(r for r in records if isinstance(r, JournalpostRecord))
    assert sak.offentlig_tittel is None and jp.offentlig_tittel is None
    assert jp.offentlig_tittel_sensitiv == "Brev om Kari Nordmann"
    assert jp.korrespondanseparter[0].navn is None and jp.korrespondanseparter[0].skjermet


def test_hostile_and_malformed_xml(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><OFFJOURNAL>&a;</OFFJOURNAL>'
    )
    with pytest.raises(HarvestError, match="unsafe XML"):
        _records(bomb)
    broken = tmp_path / "broken.xml"
    broken.write_text("<OFFJOURNAL><RAPPORT>")
    with pytest.raises(HarvestError, match="malformed XML"):
        _records(broken)
    with pytest.raises(HarvestError, match="does not exist"):
        _records(tmp_path / "missing.xml")
