"""Numbers in harvested fields and query parameters: ASCII digits only.

``str.isdigit()`` accepts "²" (then ``int()`` raises and the harvest of a whole source
failed) and "١٢" / "１２" (then ``int()`` reads 12): see ``innsyn.digits``.
"""

from __future__ import annotations

import pytest

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
def test_query_parameters(text):
    assert bounded_int(text, 0, 1000) is None
    assert bounded_int("12", 0, 1000) == 12


@pytest.mark.parametrize("text", ["every ١٢h", "every １２m", "²h"])
def test_schedule_intervals(text):
    with pytest.raises(ScheduleError):
        parse_schedule(text)
