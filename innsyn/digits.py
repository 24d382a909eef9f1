"""Whole numbers read from untrusted text (HTTP headers, harvested fields, query strings).

``str.isdigit()`` and ``str.isdecimal()`` accept digits of every script: ``"²"`` passes
``isdigit()`` and then ``int()`` raises, ``"١٢"`` or ``"１２"`` pass and ``int()`` reads
them as 12. A check on untrusted text must accept the ASCII digits 0-9 only, and a
bounded number of them (``int()`` refuses strings of more than 4300 digits).
"""

from __future__ import annotations

import re
from typing import TypeGuard

_DIGITS = re.compile(r"[0-9]+")
_SIGNED = re.compile(r"-?[0-9]+")
MAX_DIGITS = 18
"""Significant digits accepted by ``ascii_int`` (fits a signed 64-bit integer)."""


def is_ascii_digits(text: str | None) -> TypeGuard[str]:
    """True when ``text`` is one or more of the ASCII digits 0-9 and nothing else."""
    return text is not None and _DIGITS.fullmatch(text) is not None


def ascii_int(
    text: str | None, *, signed: bool = False, max_digits: int = MAX_DIGITS
) -> int | None:
    """``text`` (surrounding whitespace ignored) as an ``int`` when it is ASCII digits
    (after one ``-`` when ``signed``) with at most ``max_digits`` significant digits;
    otherwise ``None``."""
    if text is None:
        return None
    text = text.strip()
    if (_SIGNED if signed else _DIGITS).fullmatch(text) is None:
        return None
    negative = text.startswith("-")
    digits = text.lstrip("-").lstrip("0") or "0"
    if len(digits) > max_digits:
        return None
    return -int(digits) if negative else int(digits)
