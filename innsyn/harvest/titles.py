"""Which title of a harvested record may be published: the rule every harvester applies.

A record may carry up to three titles (PRODUCT.md, "Rules that never break"):

- the public title (Noark 5 and eInnsyn ``offentligTittel``, OEP ``SA.OFFTITTEL`` and
  ``JP.OFFINNHOLD``): published;
- the internal title (Noark 5 ``tittel``, OEP ``SA.TITTEL``/``JP.INNHOLD``/``DB.TITTEL``):
  published only when the record has no public title and no screening (``skjerming``);
- the sensitive variant (``*_SENSITIV``, with personal names): kept apart, shown only
  within the retention window.

A public title that repeats a screened record's internal title is withheld too (it would
publish the screened title), and so is a document title or a file name that repeats the
withheld title of its entry or case (``document_title``, ``file_name``: a withheld file
name becomes a neutral one). "Repeats" is ``innsyn.privacy.repeats_title``: any case,
spacing, punctuation, words run together, words in another order. When in doubt,
withhold.
"""

from __future__ import annotations

from dataclasses import dataclass

from innsyn.harvest.records import SkjermingRecord
from innsyn.privacy import repeats_title, same_words, unless_repeating


@dataclass(frozen=True)
class Titles:
    """The titles of one record, sorted by what may be done with them."""

    public: str | None
    """The title that may be published (``offentlig_tittel``); ``None`` when none may."""
    sensitive: str | None
    """The ``*_SENSITIV`` variant (``offentlig_tittel_sensitiv``)."""
    withheld: str | None
    """The internal title when it is not the published one: never stored in a public
    field, and a document title repeating it is withheld (``document_title``)."""


def _clean(title: str | None) -> str | None:
    if title is None:
        return None
    return title.strip() or None


def publishable_titles(
    public: str | None,
    internal: str | None,
    skjerming: SkjermingRecord | None,
    *,
    sensitive: str | None = None,
) -> Titles:
    """Sort a record's ``public`` title, its ``internal`` title and its ``sensitive``
    variant by the rule of this module; ``skjerming`` is the record's screening (any
    screening at all counts, whatever it names)."""
    public, internal = _clean(public), _clean(internal)
    published: str | None
    if public:
        repeats = not same_words(internal, public) and repeats_title(public, internal)
        published = None if skjerming is not None and repeats else public
    else:
        published = internal if skjerming is None else None
    withheld = internal if internal and internal != published else None
    return Titles(public=published, sensitive=_clean(sensitive), withheld=withheld)


def document_title(titles: Titles, *parents: Titles | None) -> str | None:
    """The publishable title of a document, or ``None`` when it repeats the withheld
    title of one of its ``parents`` (its entry, its case)."""
    return unless_repeating(titles.public, *(p.withheld for p in parents if p is not None))


def file_name(
    name: str | None, position: int, titles: Titles, *parents: Titles | None
) -> str | None:
    """A file's name as it may be published: ``name``, or a neutral ``dokument-N.ext``
    (``position`` counted from 1) when it repeats the withheld title of its document,
    entry or case. The extension is kept when it is a plain one (letters and digits)."""
    if not name:
        return name
    screened = [t.withheld for t in (titles, *parents) if t is not None and t.withheld]
    stem, dot, _ext = name.rpartition(".")
    if not dot:
        stem = name
    if not any(repeats_title(stem, s) or repeats_title(name, s) for s in screened):
        return name
    return neutral_file_name(name, position)


def neutral_file_name(name: str, position: int) -> str:
    """``dokument-N.ext`` for the file ``name`` (``position`` counted from 1); the
    extension is kept when it is a plain one (letters and digits)."""
    _stem, dot, ext = name.rpartition(".")
    plain = ext if dot and len(ext) <= 8 and ext.isascii() and ext.isalnum() else ""
    return f"dokument-{position}" + (f".{plain.lower()}" if plain else "")
