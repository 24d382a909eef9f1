"""Shared field parsing (innsyn.harvest.fields): one rule for a bad value in every harvester,
dropped with a warning naming the record, the field and the value."""

from __future__ import annotations

import datetime as dt

import pytest

from harvesters.einnsyn_jsonld import EinnsynJsonldHarvester
from harvesters.n5ws import N5wsHarvester
from harvesters.noark5 import Noark5Harvester
from harvesters.oep import OepHarvester
from innsyn.harvest.fields import (
    FieldReader,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_feed_date,
    parse_int,
)
from innsyn.harvest.records import HarvestWarning, JournalpostRecord, SaksmappeRecord
from innsyn.http_client import HttpClient, HttpPolicy
from tests.httpsource import N5wsSite

UNICODE_DIGITS = ["²", "١٢", "１２", "1²", "߁"]


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_integers_are_ascii_digits_only(text):
    assert text.isdigit()  # the trap innsyn.digits avoids
    assert parse_int(text) is None
    assert parse_int(text, signed=False) is None


def test_integers():
    assert parse_int(" 2024 ") == 2024
    assert parse_int("-1") == -1
    assert parse_int("-1", signed=False) is None
    assert parse_int("9" * 19) is None
    assert parse_int(42) == 42 and parse_int(42.0) == 42
    assert parse_int(4.5) is None
    assert parse_int(True) is None
    assert parse_int(10**19) is None
    assert parse_int(-3, signed=False) is None
    assert parse_int(None) is None and parse_int("  ") is None


def test_dates():
    assert parse_date("2024-01-31") == dt.date(2024, 1, 31)
    assert parse_date("20240131") == dt.date(2024, 1, 31)
    assert parse_date(" 2024-01-31T10:00:00+01:00 ") == dt.date(2024, 1, 31)
    assert parse_date("2024０１０１") is None
    assert parse_date("2024-02-30") is None
    assert parse_date("31.01.2024") is None
    assert parse_date(20240131) == dt.date(2024, 1, 31)
    assert parse_date(None) is None and parse_date("") is None


def test_feed_dates_also_read_rfc_5322():
    assert parse_feed_date("Wed, 31 Jan 2024 10:00:00 +0000") == dt.date(2024, 1, 31)
    assert parse_feed_date("2024-01-31T10:00:00Z") == dt.date(2024, 1, 31)
    assert parse_feed_date("yesterday") is None
    assert parse_date("Wed, 31 Jan 2024 10:00:00 +0000") is None


def test_datetimes_keep_the_offset_after_a_fraction():
    """The fraction is digits only: an offset after it is an offset (a +01:00 time once
    became UTC), and digits past microseconds are cut off."""
    assert parse_datetime("2024-01-01T10:00:00.123+01:00") == dt.datetime(
        2024, 1, 1, 9, 0, 0, 123000, tzinfo=dt.UTC
    )
    assert parse_datetime("2024-01-01T10:00:00.123456789Z") == dt.datetime(
        2024, 1, 1, 10, 0, 0, 123456, tzinfo=dt.UTC
    )
    assert parse_datetime("2024-01-01T10:00:00") == dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)
    assert parse_datetime("2024-01-01T10:00:00.1²") is None
    assert parse_datetime("not a time") is None


def test_booleans():
    assert [parse_bool(v) for v in ("Ja", "true", "1", "YES", True)] == [True] * 5
    assert [parse_bool(v) for v in ("nei", "False", "0", "no", False)] == [False] * 5
    assert parse_bool("kanskje") is None and parse_bool(None) is None and parse_bool(1) is True


def test_bad_value_dropped_with_a_warning_naming_record_field_and_value():
    fields = FieldReader("J1")
    assert fields.integer("journalaar", "２０２４") is None
    assert fields.date("journaldato", "2024-13-01") is None
    assert fields.datetime("publisertDato", "soon") is None
    assert fields.boolean("skjermet", "kanskje") is None
    assert fields.feed_date("pubDate", "someday") is None
    warnings = list(fields.drain())
    assert [w.message for w in warnings] == [
        "J1: invalid number in journalaar: '２０２４' (left empty)",
        "J1: invalid date in journaldato: '2024-13-01' (left empty)",
        "J1: invalid date and time in publisertDato: 'soon' (left empty)",
        "J1: invalid yes/no value in skjermet: 'kanskje' (left empty)",
        "J1: invalid date in pubDate: 'someday' (left empty)",
    ]
    assert {w.system_id for w in warnings} == {"J1"}
    assert list(fields.drain()) == []


def test_missing_and_good_values_are_not_warned_about():
    fields = FieldReader("J1")
    assert fields.integer("journalaar", None) is None
    assert fields.integer("journalaar", "   ") is None
    assert fields.date("journaldato", "") is None
    assert fields.integer("journalaar", "2024") == 2024
    assert fields.date("journaldato", "2024-01-02") == dt.date(2024, 1, 2)
    assert fields.boolean("skjermet", "nei") is False
    assert list(fields.drain()) == []


def test_readers_about_other_records_share_the_warnings():
    case = FieldReader("S1")
    entry = case.about("J1")
    case.integer("saksaar", "x")
    entry.date("journaldato", "y")
    entry.warn("registrering of type 'x' not harvested")
    assert [(w.system_id, w.message) for w in case.drain()] == [
        ("S1", "S1: invalid number in saksaar: 'x' (left empty)"),
        ("J1", "J1: invalid date in journaldato: 'y' (left empty)"),
        ("J1", "registrering of type 'x' not harvested"),
    ]
    assert list(entry.drain()) == []


def test_a_long_bad_value_is_cut_in_the_warning():
    fields = FieldReader(None)
    fields.integer("journalaar", "x" * 5000)
    (warning,) = fields.drain()
    assert warning.system_id is None
    assert warning.message.startswith("invalid number in journalaar: 'xxx")
    assert len(warning.message) < 150 and warning.message.endswith("… (left empty)")


def _warnings(records):
    return [(r.system_id, r.message) for r in records if isinstance(r, HarvestWarning)]


NOARK5_BAD = """<?xml version="1.0" encoding="UTF-8"?>
<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><arkivdel>
<mappe xsi:type="saksmappe"><systemID>S1</systemID><offentligTittel>Sak</offentligTittel>
<saksaar>{bad}</saksaar><saksdato>2024-02-30</saksdato>
<skjerming><skjermingshjemmel>Offl. § 13</skjermingshjemmel>
<skjermingsvarighet>{bad}</skjermingsvarighet><skjermingMetadata>tittel</skjermingMetadata>
</skjerming>
<registrering xsi:type="journalpost"><systemID>J1</systemID><offentligTittel>Brev</offentligTittel>
<journalaar>2024</journalaar><journaldato>2024-01-02</journaldato>
<dokumentbeskrivelse><systemID>D1</systemID><dokumentnummer>1</dokumentnummer>
<dokumentobjekt><filstoerrelse>87 kB</filstoerrelse></dokumentobjekt></dokumentbeskrivelse>
</registrering></mappe></arkivdel></arkiv>"""


@pytest.mark.parametrize("bad", UNICODE_DIGITS)
def test_noark5_warns_about_every_bad_number_and_date(tmp_path, bad):
    path = tmp_path / "arkivstruktur.xml"
    path.write_text(NOARK5_BAD.format(bad=bad), encoding="utf-8")
    records = list(Noark5Harvester(str(path)).records())
    sak = next(r for r in records if isinstance(r, SaksmappeRecord))
    jp = next(r for r in records if isinstance(r, JournalpostRecord))
    assert sak.saksaar is None and sak.saksdato is None
    assert sak.skjerming is not None and sak.skjerming.skjermingsvarighet is None
    assert jp.journalaar == 2024 and jp.dokumenter[0].files[0].declared_size is None
    assert _warnings(records) == [
        ("S1", f"S1: invalid number in skjermingsvarighet: {bad!r} (left empty)"),
        ("S1", f"S1: invalid number in saksaar: {bad!r} (left empty)"),
        ("S1", "S1: invalid date in saksdato: '2024-02-30' (left empty)"),
        ("J1", "J1: invalid number in filstoerrelse: '87 kB' (left empty)"),
    ]


def test_oep_warnings_name_the_entry_not_only_its_case(tmp_path):
    xml = """<?xml version="1.0" encoding="UTF-8"?><OFFJOURNAL VERSJON="2.0"><RAPPORT>
    <NOARKSAK.OJ><SA.ID>S1</SA.ID><SA.SAAR>2024</SA.SAAR><SA.SEKNR>-5</SA.SEKNR>
    <SA.OFFTITTEL>Sak</SA.OFFTITTEL><SA.DATO>20240101</SA.DATO>
    <JOURNPOST.OJ><JP.ID>J1</JP.ID><JP.JAAR>2024０</JP.JAAR><JP.SEKNR>9</JP.SEKNR>
    <JP.OFFINNHOLD>Brev</JP.OFFINNHOLD><JP.JDATO>2024０１０１</JP.JDATO></JOURNPOST.OJ>
    </NOARKSAK.OJ></RAPPORT></OFFJOURNAL>"""
    path = tmp_path / "oj.xml"
    path.write_text(xml, encoding="utf-8")
    records = list(OepHarvester(str(path)).records())
    sak = next(r for r in records if isinstance(r, SaksmappeRecord))
    jp = next(r for r in records if isinstance(r, JournalpostRecord))
    assert sak.saksdato == dt.date(2024, 1, 1) and sak.sakssekvensnummer is None
    assert jp.journalaar is None and jp.journaldato is None and jp.journalsekvensnummer == 9
    assert _warnings(records) == [
        ("S1", "S1: invalid number in SA.SEKNR: '-5' (left empty)"),
        ("J1", "J1: invalid number in JP.JAAR: '2024０' (left empty)"),
        ("J1", "J1: invalid date in JP.JDATO: '2024０１０１' (left empty)"),
    ]


def test_jsonld_warns_about_numbers_and_times_too(tmp_path):
    """Numbers and publisertDato used to be dropped without a word."""
    doc = """{"@context": {"a": "http://www.arkivverket.no/standarder/noark5/arkivstruktur/"},
     "@graph": [{"@id": "http://x/j1", "@type": "a:Journalpost", "a:systemID": "J1",
                 "a:offentligTittel": "Brev", "a:journalaar": "²", "a:journaldato": "2024-01-32",
                 "a:publisertDato": "snart"}]}"""
    path = tmp_path / "m.jsonld"
    path.write_text(doc, encoding="utf-8")
    records = list(EinnsynJsonldHarvester(str(path)).records())
    jp = next(r for r in records if isinstance(r, JournalpostRecord))
    assert jp.journalaar is None and jp.journaldato is None and jp.publisert_dato is None
    assert _warnings(records) == [
        ("J1", "J1: invalid number in journalaar: '²' (left empty)"),
        ("J1", "J1: invalid date in journaldato: '2024-01-32' (left empty)"),
        ("J1", "J1: invalid date and time in publisertDato: 'snart' (left empty)"),
    ]


def test_n5ws_warns_about_a_bad_date_instead_of_dropping_it_silently():
    with N5wsSite(entries=2) as site:
        site.touch("jp-2", journaldato="2024-13-45", journalaar="²")
        http = HttpClient(HttpPolicy(allow_private=True, backoff=0.01))
        records = list(N5wsHarvester(f"{site.base}/api", http=http).records())
    jp = next(r for r in records if isinstance(r, JournalpostRecord) and r.system_id == "jp-2")
    assert jp.journaldato is None and jp.journalaar is None
    assert _warnings(records) == [
        ("jp-2", "jp-2: invalid number in journalaar: '²' (left empty)"),
        ("jp-2", "jp-2: invalid date in journaldato: '2024-13-45' (left empty)"),
    ]
