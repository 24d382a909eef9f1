"""Which title of a harvested record may be published: the rule every harvester applies.

A record may carry up to three titles (PRODUCT.md, "Rules that never break"):

- the public title (Noark 5 and eInnsyn ``offentligTittel``, OEP ``SA.OFFTITTEL`` and
  ``JP.OFFINNHOLD``): published;
- the internal title (Noark 5 ``tittel``, OEP ``SA.TITTEL``/``JP.INNHOLD``/``DB.TITTEL``):
  published only when the record has no public title and no screening (``skjerming``);
- the sensitive variant (``*_SENSITIV``, with personal names): kept apart, shown only
  within the retention window.

A public title that repeats a screened record's internal title verbatim is withheld too
(it would publish the screened title), and so is a document title that repeats the
withheld title of its entry or case (``document_title``). When in doubt, withhold.
"""

from __future__ import annotations

from dataclasses import dataclass

from innsyn.harvest.records import SkjermingRecord
from innsyn.privacy import unless_repeating


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
        repeats = internal is not None and internal in public and internal != public
        published = None if skjerming is not None and repeats else public
    else:
        published = internal if skjerming is None else None
    withheld = internal if internal and internal != published else None
    return Titles(public=published, sensitive=_clean(sensitive), withheld=withheld)


def document_title(titles: Titles, *parents: Titles | None) -> str | None:
    """The publishable title of a document, or ``None`` when it repeats the withheld
    title of one of its ``parents`` (its entry, its case)."""
    return unless_repeating(titles.public, *(p.withheld for p in parents if p is not None))
