"""The noark5 harvester on Arkivverket's and Digdir's real samples, and on hostile input."""

from __future__ import annotations

import io
import shutil
import tarfile
import zipfile

import pytest

from harvesters.noark5 import Noark5Harvester
from innsyn.harvest.contract import HarvestError
from innsyn.harvest.records import EnhetRecord, HarvestWarning, JournalpostRecord, SaksmappeRecord

ARKADE = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData"
EINNSYN = "felleslosninger-docs/resources/einnsyn/eksempelfiler"


def _records(location, **params):
    return list(Noark5Harvester(str(location), params).records())


def _of(records, kind):
    return [r for r in records if isinstance(r, kind)]


@pytest.mark.parametrize(
    ("rel", "version"),
    [
        ("Noark5/Small", "3.1"),
        ("Noark5/Noark5Archive", "3.0"),
        ("Noark5/Version5_5", "5.0"),
    ],
)
def test_versions_read_from_addml(testdata, rel, version):
    harvester = Noark5Harvester(str(testdata / ARKADE / rel))
    records = list(harvester.records())
    assert harvester.noark_version == version
    assert _of(records, JournalpostRecord)
    assert _of(records, SaksmappeRecord)


def test_small_extraction_maps_fields_and_files(testdata):
    records = _records(testdata / ARKADE / "Noark5/Small")
    assert _of(records, EnhetRecord)[0].navn == "Lewis Caroll"
    sak = _of(records, SaksmappeRecord)[0]
    assert sak.offentlig_tittel == "offentligTittel1"
    assert sak.arkivdel == "Alice 1863-1864"
    jp = _of(records, JournalpostRecord)[0]
    assert jp.saksmappe_system_id == sak.system_id
    doc = jp.dokumenter[0]
    assert doc.files[0].declared_checksum_algorithm == "SHA-256"
    with doc.files[0].open() as fh:
        assert fh.read(5) == b"%PDF-"


def test_tar_package_in_dias_layout(testdata):
    heads = []
    harvester = Noark5Harvester(str(testdata / ARKADE / "tar/n5-eksempel/n5-guid.tar"))
    for rec in harvester.records():
        if isinstance(rec, JournalpostRecord):
            for f in (f for d in rec.dokumenter for f in d.files if f.open):
                with f.open() as fh:
                    heads.append(fh.read(4))
    assert heads and set(heads) == {b"%PDF"}


def test_zip_built_from_directory(testdata, tmp_path):
    src = testdata / ARKADE / "Noark5/Small"
    archive = shutil.make_archive(str(tmp_path / "uttrekk"), "zip", src)
    from_zip = _of(_records(archive), JournalpostRecord)
    from_dir = _of(_records(src), JournalpostRecord)
    assert [j.system_id for j in from_zip] == [j.system_id for j in from_dir]


def test_offentlig_journal_alone(testdata):
    records = _records(testdata / ARKADE / "Noark5/Noark5Archive/offentligJournal.xml")
    jps = _of(records, JournalpostRecord)
    assert "Søknad om tilbygg i drammensveien" in [j.offentlig_tittel for j in jps]
    saker = _of(records, SaksmappeRecord)
    assert {(s.saksaar, s.sakssekvensnummer) for s in saker} >= {(2011, 1), (2012, 1)}


def test_screened_titles_and_correspondents_withheld(testdata):
    records = _records(testdata / EINNSYN / "1_jpost_skjerming_noark5.xml")
    text = repr(records)
    assert "Databehandleravtaler" not in text
    assert "Test_journal" not in text
    jp = _of(records, JournalpostRecord)[0]
    assert jp.offentlig_tittel is None
    assert jp.skjerming and jp.skjerming.skjermingshjemmel == "Off. §13"
    assert _of(records, SaksmappeRecord)[0].offentlig_tittel == "Sakstittel"


def test_prefixed_xsi_type_and_all_fields(testdata):
    records = _records(testdata / EINNSYN / "3_jpost_allefelter_noark5.xml")
    assert _of(records, JournalpostRecord)
    assert _of(records, SaksmappeRecord)


def test_invalid_date_is_a_warning(testdata, tmp_path):
    src = (testdata / EINNSYN / "1_jpost_skjerming_noark5.xml").read_text(encoding="utf-8")
    bad = tmp_path / "arkivstruktur.xml"
    bad.write_text(
        src.replace(
            "<journaldato>2019-05-28</journaldato>", "<journaldato>2019-13-45</journaldato>"
        ),
        encoding="utf-8",
    )
    records = _records(bad)
    warnings = [w.message for w in _of(records, HarvestWarning)]
    assert any("invalid date in journaldato" in w for w in warnings)
    assert _of(records, JournalpostRecord)[0].journaldato is None


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur">&lol2;</arkiv>
"""


def test_entity_expansion_refused(tmp_path):
    path = tmp_path / "arkivstruktur.xml"
    path.write_text(BILLION_LAUGHS)
    with pytest.raises(HarvestError, match="refused unsafe XML"):
        _records(path)


def test_malformed_xml_is_a_clear_error(tmp_path):
    path = tmp_path / "arkivstruktur.xml"
    path.write_text("<arkiv><mappe></arkiv>")
    with pytest.raises(HarvestError, match="malformed XML"):
        _records(path)


def test_path_traversal_in_zip_refused(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("arkivstruktur.xml", "<arkiv/>")
        zf.writestr("../evil.txt", "x")
    with pytest.raises(HarvestError, match="unsafe path"):
        _records(archive)


def test_symlink_in_tar_refused(tmp_path):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tf:
        data = b"<arkiv/>"
        info = tarfile.TarInfo("arkivstruktur.xml")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("dokumenter/passwd")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    with pytest.raises(HarvestError, match="link or special file"):
        _records(archive)


def test_zip_bomb_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("arkivstruktur.xml", "<arkiv/>")
        zf.writestr("dokumenter/zeros.bin", b"\0" * 5_000_000)
    with pytest.raises(HarvestError, match="compression ratio"):
        _records(archive)
    with pytest.raises(HarvestError, match="expands to more than"):
        _records(archive, archive_max_uncompressed="1000", archive_max_ratio="100000")


DOCUMASTER = "documaster-nev-samples/0.2.0"
SAMPLES = [
    "duplicate-system-ids",
    "ignore-non-compliant-xml",
    "incomplete-structure",
    "invalid-pdfa",
    "missing-loependeJournal-references",
    "missing-optional-journals",
    "tampered-extraction",
    "valid-case-archive",
    "valid-mixed-archive",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_documaster_samples_harvest_or_fail_clearly(testdata, sample):
    location = testdata / DOCUMASTER / sample / "extraction"
    try:
        records = _records(location)
    except HarvestError as exc:
        assert sample in ("ignore-non-compliant-xml", "incomplete-structure"), str(exc)
        assert "arkivstruktur" in str(exc) or "XML" in str(exc)
    else:
        if sample.startswith("valid"):
            assert _of(records, JournalpostRecord) or _of(records, SaksmappeRecord)


def test_xml_node_cap_is_a_job_parameter(tmp_path):
    (tmp_path / "arkivstruktur.xml").write_bytes(
        b"<arkiv><tittel>" + b"t" * 2_000_000 + b"</tittel></arkiv>"
    )
    with pytest.raises(HarvestError, match=r"arkivstruktur.xml: XML node larger than 1000000"):
        _records(tmp_path, xml_max_node_bytes="1000000")
    with pytest.raises(HarvestError, match=r"nested deeper than 1\b"):
        _records(tmp_path, xml_max_depth="1")
