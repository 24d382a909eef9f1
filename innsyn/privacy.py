"""Rules that keep personal data out of public surfaces.

Norwegian national identity numbers (fødselsnummer, 11 digits with valid check digits,
also D-numbers) must never be published in titles or shown document text nor accepted
in queries, in whatever spelling: ``01019012345``, ``010190 12345``, ``010190-12345``,
``01.01.90 123 45``, tabs and no-break spaces as separators, digits of other scripts
(fullwidth ``０１…``). Every separator is taken out and every digit read as its value
before python-stdnum validates the eleven digits.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from stdnum.no import fodselsnummer

from innsyn.harvest.records import JournalpostRecord, SaksmappeRecord, SkjermingRecord

_PART_WORDS = ("korrespondanse", "navn", "avsender", "mottaker", "adresse")
_FIELD_WORDS = ("tittel", "korrespondanse", "navn", "avsender", "mottaker", "beskrivelse")
_SEP = r"[\s.\-\u2010-\u2015_]{0,3}"
"""Between two groups of digits: up to three spaces (any: tab, no-break, thin), dots,
hyphens or dashes."""
_CANDIDATE = re.compile(rf"(?<!\d)(\d\d){_SEP}(\d\d){_SEP}(\d\d){_SEP}(\d\d\d){_SEP}(\d\d)(?!\d)")
REDACTED = "[fødselsnummer fjernet]"


def _number(match: re.Match[str]) -> str | None:
    """The eleven digits of a candidate, as ASCII, when they make a valid fødselsnummer."""
    number = "".join(str(unicodedata.decimal(c)) for c in "".join(match.groups()))
    return number if fodselsnummer.is_valid(number) else None


def find_fodselsnummer(text: str) -> list[str]:
    """Every valid fødselsnummer in ``text``, in any spelling (see the module), as its
    eleven ASCII digits."""
    return [n for m in _CANDIDATE.finditer(text or "") if (n := _number(m)) is not None]


def redact_fodselsnummer(text: str | None) -> str | None:
    """``text`` with every valid fødselsnummer, in any spelling, replaced by a marker."""
    if not text:
        return text
    return _CANDIDATE.sub(lambda m: REDACTED if _number(m) else m.group(0), text)


def is_screened(skjerming: object | None) -> bool:
    """True when a Skjerming row restricts access (any tilgangsrestriksjon or hjemmel)."""
    if skjerming is None:
        return False
    return bool(
        getattr(skjerming, "tilgangsrestriksjon", None)
        or getattr(skjerming, "skjermingshjemmel", None)
    )


def _words(text: str) -> list[str]:
    """The words of ``text`` compared case-blind, whatever the spacing and punctuation
    (``Ola_Nordmann.pdf`` and ``ola nordmann`` have the same words)."""
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text).casefold())


def repeats_title(title: str | None, screened: str | None) -> bool:
    """True when ``title`` repeats the ``screened`` title: its words in the same order
    (any case, spacing or punctuation, also run together as in a file name), or, for a
    screened title of two words or more, all its words in any order."""
    if not title or not screened:
        return False
    found, secret = _words(title), _words(screened)
    if not secret:
        return False
    if f" {' '.join(secret)} " in f" {' '.join(found)} " or "".join(secret) in "".join(found):
        return True
    return len(secret) >= 2 and not Counter(secret) - Counter(found)


def same_words(a: str | None, b: str | None) -> bool:
    """True when ``a`` and ``b`` have the same words in the same order."""
    return a is not None and b is not None and _words(a) == _words(b)


def unless_repeating(title: str | None, *screened: str | None) -> str | None:
    """``title``, or ``None`` when it repeats one of the ``screened`` internal titles
    (``repeats_title``): a document named like its entry's or case's screened title
    would publish that title."""
    if title and any(repeats_title(title, s) for s in screened):
        return None
    return title


def correspondents_screened(skjerming: SkjermingRecord | None) -> bool:
    """True when a harvested record's screening withholds its correspondents: its
    ``skjermingMetadata`` names them, or does not say which fields it covers (when in
    doubt, withhold)."""
    if skjerming is None:
        return False
    if correspondents_named(skjerming):
        return True
    meta = " ".join(skjerming.skjerming_metadata).lower()
    return not any(w in meta for w in _FIELD_WORDS)


def publication_date(
    stated: dt.datetime | None, harvested_at: dt.datetime
) -> tuple[dt.datetime | None, bool]:
    """The publication date to store for a record whose source states ``stated``, and
    whether it was clamped: a date after the harvest time becomes the harvest time, and
    so does no date at all (the record is published here when first harvested; a record
    stored before keeps its date, ``keep_first_seen``).

    The publication date opens the window in which names in the sensitive variants are
    shown (``public.shapes.Moment.in_retention``); a source stating a future date would
    keep them shown longer than the window allows."""
    if stated is None:
        return harvested_at, False
    if stated > harvested_at:
        return harvested_at, True
    return stated, False


def keep_earlier_publication(
    values: dict[str, Any], stored: dt.datetime | None, stated: dt.datetime | None
) -> None:
    """Keep a record's ``stored`` publication date when the source still states a future
    one (``stated``): clamped again at every harvest, it would move the window on each
    time."""
    new = values.get("publisert_dato")
    if stored is not None and stated is not None and new is not None and stated > new:
        values["publisert_dato"] = min(stored, new)


R = TypeVar("R", SaksmappeRecord, JournalpostRecord)


def without_unwindowed_names(rec: R) -> R:
    """``rec`` without its sensitive variants (titles and correspondents with personal
    names) when its source states no publication date (OEP, and eInnsyn JSON-LD without
    ``publisertDato``): their retention window has no start the source vouches for; the
    date stored instead (the harvest time) says when Innsyn published the record, not
    when its agency did, and would open the window anew for names published long ago."""
    if rec.publisert_dato is not None:
        return rec
    if isinstance(rec, SaksmappeRecord):
        return replace(rec, offentlig_tittel_sensitiv=None)
    return replace(
        rec,
        offentlig_tittel_sensitiv=None,
        korrespondanseparter=[replace(p, navn_sensitiv=None) for p in rec.korrespondanseparter],
        dokumenter=[replace(d, tittel_sensitiv=None) for d in rec.dokumenter],
    )


def keep_first_seen(
    values: dict[str, Any],
    stored: dt.datetime | None,
    first_stored: dt.datetime | None,
    stated: dt.datetime | None,
) -> None:
    """Keep the publication date a record got when first stored, when its source states
    none (Noark 5 XML, N5WS and OEP mostly do not): the harvest time of that first store,
    or for a record stored before every record got one, the time it was first stored
    (``first_stored``). Set anew at every harvest, it would restart the window in which
    names in the sensitive variants are shown."""
    if stated is None:
        values["publisert_dato"] = stored or first_stored or values.get("publisert_dato")


REDACTED_VARIANTS = frozenset(
    {
        "o",
        "dokumenthvordeleravinnholdeterskjermet",
        "skjermet",
        "skjermetvariant",
        "skjermetdokument",
        "offentligvariant",
        "sladdet",
        "sladdetvariant",
    }
)
"""The ``variantformat`` of a document with parts of its content screened, as its words
run together in lower case: the Noark 5 code ``O`` and name ``Dokument hvor deler av
innholdet er skjermet`` (arkivstruktur XML, N5WS ``kode``/``kodenavn``, eInnsyn JSON-LD's
``arkiv:dokumentHvorDelerAvInnholdetErSkjermet``), Noark 4's ``O`` (offentlig variant,
OEP ``VE.VARIANT``), and the short names sources use for it."""


class HasVariant(Protocol):
    @property
    def variantformat(self) -> str | None: ...


V = TypeVar("V", bound=HasVariant)


def is_redacted_variant(variantformat: str | None) -> bool:
    """True when ``variantformat`` names the redacted (screened) variant of a document,
    in any of its spellings (``REDACTED_VARIANTS``; any case, spacing or punctuation)."""
    if not variantformat:
        return False
    return "".join(_words(variantformat)) in REDACTED_VARIANTS


def public_variants(files: Sequence[V]) -> list[V]:
    """The files of one document that may be stored, indexed and served: only its
    redacted variants when it has one (the production and archive formats then hold what
    was screened), every file otherwise."""
    redacted = [f for f in files if is_redacted_variant(f.variantformat)]
    return redacted if redacted else list(files)


def title_screened(metadata: list[str] | None) -> bool:
    """True when a screening with this ``skjermingMetadata`` withholds its record's title:
    it names the title, or does not say which fields it covers (when in doubt, withhold)."""
    meta = " ".join(metadata or []).lower()
    return "tittel" in meta or not any(w in meta for w in _FIELD_WORDS)


def correspondents_named(skjerming: SkjermingRecord | None) -> bool:
    """True when a harvested record's ``skjermingMetadata`` names its correspondents.

    eInnsyn sends the publishable name in ``korrespondansepartNavn`` (the full one in
    ``_SENSITIV``), so there a screening withholds that name only when it says so."""
    if skjerming is None:
        return False
    meta = " ".join(skjerming.skjerming_metadata).lower()
    return any(w in meta for w in _PART_WORDS)
