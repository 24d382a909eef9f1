"""Rules that keep personal data out of public surfaces.

Norwegian national identity numbers (fødselsnummer, 11 digits with valid check digits,
also D-numbers) must never be published in titles nor accepted in queries.
"""

from __future__ import annotations

import re

from stdnum.no import fodselsnummer

from innsyn.harvest.records import SkjermingRecord

_PART_WORDS = ("korrespondanse", "navn", "avsender", "mottaker", "adresse")
_FIELD_WORDS = ("tittel", "korrespondanse", "navn", "avsender", "mottaker", "beskrivelse")
_CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ ]?(\d{5})(?!\d)")
REDACTED = "[fødselsnummer fjernet]"


def find_fodselsnummer(text: str) -> list[str]:
    """Every valid fødselsnummer in ``text`` (``ddmmyyxxxxx``, optionally ``ddmmyy xxxxx``)."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        number = match.group(1) + match.group(2)
        if fodselsnummer.is_valid(number):
            found.append(number)
    return found


def redact_fodselsnummer(text: str | None) -> str | None:
    """``text`` with every valid fødselsnummer replaced by a marker."""
    if not text:
        return text

    def _sub(match: re.Match[str]) -> str:
        number = match.group(1) + match.group(2)
        return REDACTED if fodselsnummer.is_valid(number) else match.group(0)

    return _CANDIDATE.sub(_sub, text)


def is_screened(skjerming: object | None) -> bool:
    """True when a Skjerming row restricts access (any tilgangsrestriksjon or hjemmel)."""
    if skjerming is None:
        return False
    return bool(
        getattr(skjerming, "tilgangsrestriksjon", None)
        or getattr(skjerming, "skjermingshjemmel", None)
    )


def unless_repeating(title: str | None, *screened: str | None) -> str | None:
    """``title``, or ``None`` when it repeats one of the ``screened`` internal titles: a
    document named like its entry's or case's screened title would publish that title."""
    if title and any(s and s in title for s in screened):
        return None
    return title


def correspondents_screened(skjerming: SkjermingRecord | None) -> bool:
    """True when a harvested record's screening withholds its correspondents: its
    ``skjermingMetadata`` names them, or does not say which fields it covers (when in
    doubt, withhold)."""
    if skjerming is None:
        return False
    meta = " ".join(skjerming.skjerming_metadata).lower()
    if any(w in meta for w in _PART_WORDS):
        return True
    return not any(w in meta for w in _FIELD_WORDS)
