"""Case numbers in every spelling (pure logic)."""

from __future__ import annotations

import pytest

from innsyn.casenumber import CaseNumber, parse_case_number, variants


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024/123", CaseNumber(2024, 123)),
        ("24/123", CaseNumber(2024, 123)),
        ("2024/00123", CaseNumber(2024, 123)),
        ("123/2024", CaseNumber(2024, 123)),
        ("2024/123-4", CaseNumber(2024, 123, 4)),
        ("24/0123-04", CaseNumber(2024, 123, 4)),
        (" 99/5 ", CaseNumber(1999, 5)),
    ],
)
def test_parse_spellings(text, expected):
    assert parse_case_number(text) == expected


@pytest.mark.parametrize("text", ["hello", "2024", "2024/0", "123/456", "1/2/3/4", ""])
def test_not_case_numbers(text):
    assert parse_case_number(text) is None


def test_variants_cover_short_year_and_entry():
    assert variants(2024, 123, 4) == [
        "2024/123",
        "24/123",
        "123/2024",
        "2024/123-4",
        "24/123-4",
    ]
    assert variants(None, 5) == []
    assert str(CaseNumber(2024, 123, 4)) == "2024/123-4"
