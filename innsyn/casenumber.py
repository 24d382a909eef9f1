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
    return len(value) in (2, 4) and (len(value) == 2 or 1900 <= int(value) <= 2100)


def parse_case_number(text: str) -> CaseNumber | None:
    """``CaseNumber`` for a case/entry number in any usual spelling, else ``None``."""
    match = _PATTERN.match(text)
    if not match:
        return None
    first, second, entry = match.groups()
    entry_no = int(entry) if entry else None
    if _plausible_year(first) and len(first) == 4:
        year, seq = int(first), int(second)
    elif len(second) == 4 and _plausible_year(second) and entry is None:
        year, seq = int(second), int(first)
    elif len(first) == 2:
        year, seq = expand_year(int(first)), int(second)
    else:
        return None
    if seq == 0:
        return None
    return CaseNumber(year, seq, entry_no)


def variants(year: int | None, seq: int | None, entry: int | None = None) -> list[str]:
    """Spellings indexed for a case (and, with ``entry``, for one of its entries)."""
    if year is None or seq is None:
        return []
    short = f"{year % 100:02d}"
    out = [f"{year}/{seq}", f"{short}/{seq}", f"{seq}/{year}"]
    if entry is not None:
        out += [f"{year}/{seq}-{entry}", f"{short}/{seq}-{entry}"]
    return out
