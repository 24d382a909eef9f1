"""The benchmark data generator: determinism, the real harvesters reading its output,
schema validity, privacy shape (names only in sensitive variants), and sample queries."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from bench import datagen_vocab as V
from bench.datagen import (
    QUERY_POOL_ENTRIES,
    sample_queries,
    write_noark5,
    write_oep,
)
from bench.datagen_model import Generator, _Pools, _registry, agency_for
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.harvest.records import EnhetRecord, JournalpostRecord, SaksmappeRecord
from innsyn.harvest.registry import get_harvester
from innsyn.search.params import parse_params
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Enhet,
    Journalpost,
    Korrespondansepart,
    Saksmappe,
)
from tests.factories import store

XSD = "arkade5/src/Arkivverket.Arkade.Core/ExternalModels/Noark5/v3_1/arkivstruktur.xsd"


ADDML_XSD = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData/Noark5/Small/addml.xsd"


FIRST = {n.lower() for n in V.FIRST_NAMES}


TOKEN = re.compile(r"[A-Za-zÆØÅæøåÉé]+")


def _names_in(text: str | None) -> set[str]:
    return {t for t in TOKEN.findall(text or "") if t.lower() in FIRST}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("datagen") / "uttrekk"
    return write_noark5(out, 300, documents=40, seed=3)


@pytest.fixture(scope="module")
def oep_file(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("datagen-oep") / "postjournal.xml"
    return write_oep(out, 300, seed=3)


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    a = write_noark5(tmp_path / "a" / "x", 120, documents=12, seed=5)
    b = write_noark5(tmp_path / "b" / "x", 120, documents=12, seed=5)
    c = write_noark5(tmp_path / "c" / "x", 120, documents=12, seed=6)
    assert _tree(a.path) == _tree(b.path)
    assert (a.entries, a.cases, a.documents, a.bytes) == (b.entries, b.cases, b.documents, b.bytes)
    assert _tree(a.path)["arkivstruktur.xml"] != _tree(c.path)["arkivstruktur.xml"]
    oa = write_oep(tmp_path / "a" / "oj.xml", 120, seed=5)
    ob = write_oep(tmp_path / "b" / "oj.xml", 120, seed=5)
    oc = write_oep(tmp_path / "c" / "oj.xml", 120, seed=6)
    assert oa.path.read_bytes() == ob.path.read_bytes() != oc.path.read_bytes()


def test_prefix_stable_across_sizes(tmp_path):
    small = write_oep(tmp_path / "s.xml", 40, seed=9).path.read_text(encoding="utf-8")
    large = write_oep(tmp_path / "l.xml", 400, seed=9).path.read_text(encoding="utf-8")
    first_cases = small.split("<NOARKSAK.OJ>")[1:-1]
    assert len(first_cases) > 5 and all(case in large for case in first_cases)


def test_noark5_harvester_reads_exact_counts_and_checksums(extraction):
    harvester = get_harvester("noark5", str(extraction.path), {})
    records = list(harvester.records())
    entries = [r for r in records if isinstance(r, JournalpostRecord)]
    cases = [r for r in records if isinstance(r, SaksmappeRecord)]
    assert harvester.noark_version == "3.1"
    assert (len(entries), len(cases)) == (extraction.entries, extraction.cases) == (300, len(cases))
    assert sum(1 for e in entries if e.skjerming is not None) == extraction.screened > 0
    files = [f for e in entries for d in e.dokumenter for f in d.files]
    assert len(files) == extraction.documents == 40
    digests = set()
    for f in files:
        assert f.open is not None and f.declared_checksum_algorithm == "SHA-256"
        with f.open() as fh:
            data = fh.read()
        assert hashlib.sha256(data).hexdigest() == f.declared_checksum
        assert len(data) == f.declared_size
        digests.add(f.declared_checksum)
    assert len(digests) == len(files), "every document's content is unique"
    enhet = next(r for r in records if isinstance(r, EnhetRecord))
    assert enhet.orgnummer == agency_for(3).orgnr
    assert {e.journalposttype for e in entries} >= {"I", "U", "S"}
    numbers = [(c.saksaar, c.sakssekvensnummer) for c in cases]
    assert len(set(numbers)) == len(numbers)


def test_noark5_names_only_in_screened_or_internal_fields(extraction):
    xml = (extraction.path / "arkivstruktur.xml").read_text(encoding="utf-8")
    assert _names_in(xml), "the internal titles and screened parts do name people"
    records = list(get_harvester("noark5", str(extraction.path), {}).records())
    leaks = []
    withheld_titles = 0
    for r in records:
        if isinstance(r, SaksmappeRecord):
            leaks += _names_in(r.offentlig_tittel)
        if isinstance(r, JournalpostRecord):
            withheld_titles += r.offentlig_tittel is None
            leaks += _names_in(r.offentlig_tittel)
            for p in r.korrespondanseparter:
                leaks += _names_in(p.navn)
            for d in r.dokumenter:
                leaks += _names_in(d.tittel)
    assert not leaks
    assert withheld_titles > 0
    assert "*****" in repr(records)


def test_noark5_valid_against_arkivverket_schemas(extraction, testdata):
    schema = etree.XMLSchema(etree.parse(str(testdata / XSD)))
    doc = etree.parse(str(extraction.path / "arkivstruktur.xml"))
    assert schema.validate(doc), str(schema.error_log)[:2000]
    addml_schema = etree.XMLSchema(etree.parse(str(testdata / ADDML_XSD)))
    addml = etree.parse(str(extraction.path / "arkivuttrekk.xml"))
    assert addml_schema.validate(addml), str(addml_schema.error_log)[:2000]
    digest = hashlib.sha256((extraction.path / "arkivstruktur.xml").read_bytes()).hexdigest()
    assert digest.upper().encode() in (extraction.path / "arkivuttrekk.xml").read_bytes()


def test_documents_real_files_and_duplicates(tmp_path, testdata):
    stats = write_noark5(tmp_path / "d", 60, documents=20, seed=4, duplicate_share=0.5)
    files = list((stats.path / "dokumenter").iterdir())
    assert len(files) == stats.documents == 20
    digests = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    assert len(set(digests)) < len(digests)
    kinds = {f.suffix for f in files}
    assert {".pdf", ".docx"} <= kinds
    real = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (testdata / "tika").rglob("*")
        if p.is_file()
    }
    assert real & set(digests), "some documents are the real test files"


def test_oep_harvester_reads_exact_counts_and_sensitive_variants(oep_file):
    records = list(get_harvester("oep", str(oep_file.path), {}).records())
    entries = [r for r in records if isinstance(r, JournalpostRecord)]
    cases = [r for r in records if isinstance(r, SaksmappeRecord)]
    assert (len(entries), len(cases)) == (oep_file.entries, oep_file.cases)
    assert sum(1 for e in entries if e.skjerming is not None) == oep_file.screened > 0
    leaks = []
    for r in [*entries, *cases]:
        leaks += _names_in(r.offentlig_tittel)
    for e in entries:
        for p in e.korrespondanseparter:
            leaks += _names_in(p.navn)
            if p.skjermet:
                assert p.navn is None and p.navn_sensitiv is None
    assert not leaks
    assert any(_names_in(e.offentlig_tittel_sensitiv) for e in entries)
    assert any(_names_in(p.navn_sensitiv) for e in entries for p in e.korrespondanseparter)
    screened_sensitive = [e.offentlig_tittel_sensitiv for e in entries if e.skjerming]
    assert not any(_names_in(t) for t in screened_sensitive)
    enhet = next(r for r in records if isinstance(r, EnhetRecord))
    assert enhet.orgnummer == agency_for(3).orgnr


def test_harvest_into_store_keeps_the_counts(offline_settings, extraction, oep_file):
    sessions = store(offline_settings)
    report = harvest(
        get_harvester("noark5", str(extraction.path), {}),
        RunContext(offline_settings, sessions, "gen-n5", extract=False, index=False),
    )
    assert report.status == "ok", report.errors
    assert report.counts["new"] == extraction.entries
    assert report.counts["saksmappe_new"] == extraction.cases
    assert (report.counts["files_fetched"], report.counts["files_failed"]) == (40, 0)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Journalpost)) == extraction.entries
        assert s.scalar(select(func.count()).select_from(Saksmappe)) == extraction.cases
        assert s.scalar(select(func.count()).select_from(Dokumentobjekt)) == extraction.documents
        assert s.scalar(select(func.count()).select_from(Dokumentbeskrivelse)) == 40
        public = [
            *s.scalars(select(Journalpost.offentlig_tittel)),
            *s.scalars(select(Saksmappe.offentlig_tittel)),
            *s.scalars(select(Korrespondansepart.navn)),
            *s.scalars(select(Dokumentbeskrivelse.tittel)),
        ]
        assert not [n for t in public for n in _names_in(t)]
        enhet_ids = set(s.scalars(select(Enhet.id)))
    oep_report = harvest(
        get_harvester("oep", str(oep_file.path), {}),
        RunContext(offline_settings, sessions, "gen-oep", extract=False, index=False),
    )
    assert oep_report.status == "ok", oep_report.errors
    assert oep_report.counts["new"] == oep_file.entries
    with sessions() as s:
        total = extraction.entries + oep_file.entries
        assert s.scalar(select(func.count()).select_from(Journalpost)) == total
    queries = sample_queries(seed=3)
    assert {q["enhet"] for q in queries if "enhet" in q} <= enhet_ids


def test_sample_queries_match_the_data():
    queries = sample_queries(seed=3, n=64)
    assert len(queries) == 64 and queries == sample_queries(seed=3, n=64)
    assert queries != sample_queries(seed=4, n=64)
    for q in queries:
        parse_params(MultiDict(q), 500)
    cases = []
    titles = []
    for case in Generator(3):
        cases.append(case)
        titles += [e.public or "" for e in case.entries]
        if sum(len(c.entries) for c in cases) >= QUERY_POOL_ENTRIES:
            break
    numbers = {c.saksnummer for c in cases}
    text = " ".join(titles).lower()
    asked = [q["saksnummer"] for q in queries if "saksnummer" in q]
    asked += [q["q"] for q in queries if re.fullmatch(r"\d{4}/\d+", q.get("q", ""))]
    assert asked and set(asked) <= numbers
    words = [q["q"] for q in queries if re.fullmatch(r"[a-zæøå]+", q.get("q", ""))]
    assert words
    for w in words:
        in_titles = w in text
        inflected = any(w in forms for forms in V.INFLECTIONS.values())
        assert in_titles or inflected, w
    assert any(q.get("q", "").startswith('"') for q in queries)
    assert any(any(w in forms for forms in V.INFLECTIONS.values()) for w in words)
    assert any("journaldato_from" in q for q in queries)
    assert any("journalposttype" in q for q in queries)


def test_vocabulary_holds_no_first_names():
    import random

    words: list[str] = []
    for name in dir(V):
        value = getattr(V, name)
        if name in ("FIRST_NAMES", "SURNAMES") or not isinstance(value, tuple | dict):
            continue
        words += TOKEN.findall(repr(value))
    pools = _Pools(random.Random(1), agency_for(1))
    for values in (
        pools.firms,
        pools.associations,
        pools.restaurants,
        pools.sites,
        pools.streets,
        pools.enheter,
        pools.bodies,
    ):
        words += TOKEN.findall(" ".join(values))
    _municipalities, bodies, places = _registry()
    words += TOKEN.findall(" ".join(bodies + places))
    assert not {w for w in words if w.lower() in FIRST}
