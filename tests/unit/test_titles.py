"""The publishable-title rule (innsyn.harvest.titles), case by case, and the harvesters
that apply it."""

from __future__ import annotations

import pytest

from harvesters.einnsyn_jsonld import EinnsynJsonldHarvester
from harvesters.oep import OepHarvester
from innsyn.harvest.records import SaksmappeRecord, SkjermingRecord
from innsyn.harvest.titles import Titles, document_title, publishable_titles

SCREENED = SkjermingRecord(skjermingshjemmel="Offl. § 13")


@pytest.mark.parametrize(
    ("public", "internal", "skjerming", "published", "withheld"),
    [
        # offentligTittel is public, screened or not; the internal title is withheld
        ("Søknad fra *****", "Søknad fra Kari", None, "Søknad fra *****", "Søknad fra Kari"),
        ("Søknad fra *****", "Søknad fra Kari", SCREENED, "Søknad fra *****", "Søknad fra Kari"),
        # the full title only when there is no offentligTittel and no skjerming
        (None, "Budsjett 2027", None, "Budsjett 2027", None),
        (None, "Søknad fra Kari", SCREENED, None, "Søknad fra Kari"),
        ("  ", "Søknad fra Kari", SCREENED, None, "Søknad fra Kari"),
        # a public title repeating a screened internal title would publish it
        ("Om Søknad fra Kari, svar", "Søknad fra Kari", SCREENED, None, "Søknad fra Kari"),
        (
            "Om Søknad fra Kari, svar",
            "Søknad fra Kari",
            None,
            "Om Søknad fra Kari, svar",
            "Søknad fra Kari",
        ),
        # the same title twice is simply the public title
        ("Budsjett", "Budsjett", SCREENED, "Budsjett", None),
        (None, None, None, None, None),
        # an empty screening counts: any skjerming at all withholds the internal title
        (None, "Søknad fra Kari", SkjermingRecord(), None, "Søknad fra Kari"),
    ],
)
def test_which_title_is_published(public, internal, skjerming, published, withheld):
    titles = publishable_titles(public, internal, skjerming)
    assert titles.public == published
    assert titles.withheld == withheld


def test_the_sensitive_variant_is_kept_apart():
    titles = publishable_titles(
        "Brev om *****", "Brev om Kari", SCREENED, sensitive=" Brev om Kari Nordmann "
    )
    assert titles == Titles(
        public="Brev om *****", sensitive="Brev om Kari Nordmann", withheld="Brev om Kari"
    )
    assert publishable_titles(None, None, None, sensitive="").sensitive is None


def test_a_document_title_repeating_a_withheld_parent_title_is_withheld():
    case = publishable_titles("Sak om *****", "Sak om Kari Nordmann", SCREENED)
    entry = publishable_titles(None, "Brev til Kari", SCREENED)
    leaking = publishable_titles(None, "Vedlegg: Brev til Kari", None)
    plain = publishable_titles(None, "Vedlegg 1", None)
    assert document_title(leaking, entry, case) is None
    assert document_title(publishable_titles(None, "Sak om Kari Nordmann", None), case) is None
    assert document_title(plain, entry, case) == "Vedlegg 1"
    assert document_title(plain, None) == "Vedlegg 1"


def test_oep_withholds_a_public_title_repeating_the_screened_title(tmp_path):
    """Noark 5 and N5WS always did; OEP and JSON-LD now apply the same rule."""
    xml = """<?xml version="1.0" encoding="UTF-8"?><OFFJOURNAL VERSJON="2.0"><RAPPORT>
    <NOARKSAK.OJ><SA.ID>S1</SA.ID><SA.TITTEL>Sak om Kari</SA.TITTEL>
    <SA.OFFTITTEL>Svar i Sak om Kari</SA.OFFTITTEL><SA.UOFF>Offl. § 13</SA.UOFF>
    <SA.OFFTITTEL_SENSITIV>Svar i sak om Kari Nordmann</SA.OFFTITTEL_SENSITIV>
    </NOARKSAK.OJ></RAPPORT></OFFJOURNAL>"""
    path = tmp_path / "oj.xml"
    path.write_text(xml, encoding="utf-8")
    (sak,) = [r for r in OepHarvester(str(path)).records() if isinstance(r, SaksmappeRecord)]
    assert sak.offentlig_tittel is None
    assert sak.offentlig_tittel_sensitiv == "Svar i sak om Kari Nordmann"


def test_jsonld_applies_the_same_rule(tmp_path):
    doc = """{"@context": {"a": "http://www.arkivverket.no/standarder/noark5/arkivstruktur/"},
     "@graph": [
      {"@id": "http://x/s1", "@type": "a:Saksmappe", "a:systemID": "S1",
       "a:tittel": "Sak om Kari", "a:offentligTittel": "Svar i Sak om Kari",
       "a:skjerming": {"@id": "http://x/sk"}},
      {"@id": "http://x/sk", "@type": "a:Skjerming", "a:skjermingshjemmel": "Offl. § 13"},
      {"@id": "http://x/s2", "@type": "a:Saksmappe", "a:systemID": "S2",
       "a:tittel": "Budsjett"}]}"""
    path = tmp_path / "m.jsonld"
    path.write_text(doc, encoding="utf-8")
    records = list(EinnsynJsonldHarvester(str(path)).records())
    titles = {r.system_id: r.offentlig_tittel for r in records if isinstance(r, SaksmappeRecord)}
    assert titles == {"S1": None, "S2": "Budsjett"}


@pytest.mark.parametrize(
    "candidate",
    [
        "Barnevernsak Kari Fjelltoppen",
        "barnevernsak kari fjelltoppen",
        "BARNEVERNSAK  KARI\u00a0FJELLTOPPEN",
        "Vedtak: Barnevernsak, Kari Fjelltoppen.",
        "Fjelltoppen, Kari - barnevernsak",
        "kari_fjelltoppen_barnevernsak",
        "BarnevernsakKariFjelltoppen",
    ],
)
def test_a_repeat_is_found_in_every_spelling(candidate):
    from innsyn.privacy import repeats_title

    assert repeats_title(candidate, "Barnevernsak Kari Fjelltoppen")


@pytest.mark.parametrize(
    "candidate", ["Barnevernsak", "Kari", "Fjellet", "Byggesak Storgata 1", "Karifjell"]
)
def test_a_title_sharing_fewer_words_is_not_a_repeat(candidate):
    from innsyn.privacy import repeats_title

    assert not repeats_title(candidate, "Barnevernsak Kari Fjelltoppen")


def test_a_public_title_repeating_the_screened_title_in_another_spelling_is_withheld():
    screened = SkjermingRecord(skjermingshjemmel="Offl. § 13")
    titles = publishable_titles("Sak om KARI fjelltoppen", "Kari Fjelltoppen", screened)
    assert titles.public is None and titles.withheld == "Kari Fjelltoppen"
    same = publishable_titles("Kari  Fjelltoppen", "Kari Fjelltoppen", screened)
    assert same.public == "Kari  Fjelltoppen", "the agency published the very same words"


def test_file_names_repeating_a_withheld_title_become_neutral():
    from innsyn.harvest.titles import Titles, file_name

    entry = Titles(public=None, sensitive=None, withheld="Barnevernsak Kari Fjelltoppen")
    doc = Titles(public="Vedtak", sensitive=None, withheld=None)
    assert file_name("Kari-Fjelltoppen_barnevernsak.PDF", 2, doc, entry) == "dokument-2.pdf"
    assert file_name("kari fjelltoppen barnevernsak", 1, doc, entry) == "dokument-1"
    assert file_name("vedtak.pdf", 1, doc, entry) == "vedtak.pdf"
    assert file_name("x.<script>", 3, Titles(None, None, "x"), None) == "dokument-3"
    assert file_name(None, 1, doc, entry) is None
