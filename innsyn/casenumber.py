"""Case and entry numbers (``saksnummer`` 2024/123, ``journalpostnummer`` 2024/123-4).

People write them many ways: ``2024/123``, ``24/123``, ``123/2024``, ``2024/00123``,
``2024/123-4``. ``parse_case_number`` reads all of them; ``variants`` gives the spellings
indexed in ``saksnummer_search`` (the index's ``case_number`` analyzer strips leading
zeros and normalises separators, so those need no variants of their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^\s*(\d{1,6})\s*[/.]\s*(\d{1,7})(?:\s*-\s*(\d{1,5}))?\s*$")


@dataclass(frozen=True)
class CaseNumber:
    year: int
    seq: int
    entry: int | None = None

    @property
    def case(self) -> str:
        return f"{self.year}/{self.seq}"

    def __str__(self) -> str:
        return self.case if self.entry is None else f"{self.case}-{self.entry}"


def expand_year(year: int) -> int:
    """Two-digit years: 00–69 are 2000–2069, 70–99 are 1970–1999."""
    if year >= 100:
        return year
    return 2000 + year if year < 70 else 1900 + year


def _plausible_year(value: str) -> bool:
    return len(value) in (2, 4) and (len(value) == 2 or 1800 <= int(value) <= 2100)


def case_readings(text: str) -> list[CaseNumber]:
    """Every case/entry number ``text`` can be, the likeliest first (empty: none).

    ``2024/123`` and ``24/123`` have one reading. ``07/1974`` has two: case 2007/1974 (a
    two-digit year, as short case numbers are written) and case 1974/7 (sequence before
    year); a zero-padded two-digit first part makes the short year the likelier one, and
    so does any two-digit first part (``12/2020`` is 2012/2020 before 2020/12).
    """
    match = _PATTERN.match(text)
    if not match:
        return []
    first, second, entry = match.groups()
    entry_no = int(entry) if entry else None
    found: list[CaseNumber] = []
    if len(first) == 4 and _plausible_year(first):
        found.append(CaseNumber(int(first), int(second), entry_no))
    elif len(first) == 2:
        found.append(CaseNumber(expand_year(int(first)), int(second), entry_no))
    if len(second) == 4 and _plausible_year(second) and entry is None:
        found.append(CaseNumber(int(second), int(first)))
    unique: list[CaseNumber] = []
    for number in found:
        if number.seq > 0 and number not in unique:
            unique.append(number)
    return unique


def parse_case_number(text: str) -> CaseNumber | None:
    """The likeliest ``CaseNumber`` of a case/entry number in any usual spelling, else
    ``None`` (``case_readings`` gives every reading)."""
    readings = case_readings(text)
    return readings[0] if readings else None


def variants(year: int | None, seq: int | None, entry: int | None = None) -> list[str]:
    """Spellings indexed for a case (and, with ``entry``, for one of its entries)."""
    if year is None or seq is None:
        return []
    short = f"{year % 100:02d}"
    out = [f"{year}/{seq}", f"{short}/{seq}", f"{seq}/{year}"]
    if entry is not None:
        out += [f"{year}/{seq}-{entry}", f"{short}/{seq}-{entry}"]
    return out
