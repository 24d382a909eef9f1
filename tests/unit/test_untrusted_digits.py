"""Numbers in harvested fields and query parameters: ASCII digits only.

``str.isdigit()`` accepts "²" (then ``int()`` raises and the harvest of a whole source
failed) and "١٢" / "１２" (then ``int()`` reads 12): see ``innsyn.digits``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from harvesters import einnsyn_jsonld, n5ws, noark5, oep
from innsyn.digits import ascii_int, is_ascii_digits
from innsyn.jobs.schedule import ScheduleError, parse_schedule
from innsyn.search.params import bounded_int

UNICODE_DIGITS = ["²", "١٢", "１２", "1²", "߁"]


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_unicode_digits_are_not_numbers(text):
    assert text.isdigit()  # the trap
    assert not is_ascii_digits(text)
    assert ascii_int(text) is None
    assert ascii_int(text, signed=True) is None


def test_ascii_int():
    assert ascii_int(" 42 ") == 42
    assert ascii_int("-42") is None
    assert ascii_int("-42", signed=True) == -42
    assert ascii_int("0" * 5000 + "7") == 7
    assert ascii_int("9" * 19) is None  # int() refuses past 4300 digits; 18 is plenty
    assert ascii_int("12\n3") is None
    assert ascii_int(None) is None and ascii_int("") is None


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_harvested_integer_fields(text):
    assert einnsyn_jsonld._int(text) is None
    assert n5ws._int(text) is None
    assert einnsyn_jsonld._int("2024") == n5ws._int("2024") == 2024
    assert einnsyn_jsonld._int("-1") == -1
    warn = noark5._Warnings()
    assert noark5._int(text, warn, "journalaar", "J1") is None
    assert warn.items and "invalid number in journalaar" in warn.items[0].message
    assert noark5._int("2024", warn, "journalaar", "J1") == 2024


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_noark5_screening_duration_and_file_size(text):
    ns = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
    elem = noark5.Element("registrering")
    sk = noark5.Element(f"{{{ns}}}skjerming")
    for name, value in (("skjermingshjemmel", "Offl. § 13"), ("skjermingsvarighet", text)):
        child = noark5.Element(f"{{{ns}}}{name}")
        child.text = value
        sk.append(child)
    elem.append(sk)
    screening = noark5._skjerming(elem)
    assert screening is not None and screening.skjermingsvarighet is None
    sk[1].text = "60"
    assert noark5._skjerming(elem).skjermingsvarighet == 60


def test_oep_date_with_unicode_digits_is_a_warning_not_a_date():
    warnings: list[str] = []
    assert oep._date("2024０１０１", warnings, "JP.JDATO") is None
    assert warnings and "invalid date" in warnings[0]
    assert oep._date("20240101", [], "JP.JDATO") == dt.date(2024, 1, 1)


def test_n5ws_fraction_of_seconds_keeps_the_utc_offset():
    """The fraction is the leading ASCII digits only; the offset after it used to be
    read as more digits of the fraction (a +01:00 time became UTC)."""
    when = n5ws._when("2024-01-01T10:00:00.123+01:00")
    assert when == dt.datetime(2024, 1, 1, 9, 0, 0, 123000, tzinfo=dt.UTC)
    assert n5ws._when("2024-01-01T10:00:00.123456789Z") == dt.datetime(
        2024, 1, 1, 10, 0, 0, 123456, tzinfo=dt.UTC
    )
    assert n5ws._when("2024-01-01T10:00:00.1²") is None


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_query_parameters(text):
    assert bounded_int(text, 0, 1000) is None
    assert bounded_int("12", 0, 1000) == 12


@pytest.mark.parametrize("text", ["every ١٢h", "every １２m", "²h"])
def test_schedule_intervals(text):
    with pytest.raises(ScheduleError):
        parse_schedule(text)
