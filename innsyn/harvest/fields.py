"""Reading typed fields (numbers, dates, times, yes/no) out of harvested text, one way for
every harvester.

The rule for a bad value is the same everywhere: the value is dropped (the record field
is left empty) and a ``HarvestWarning`` names the record, the field and the value. The
harvest goes on. A harvester reads the fields of a record through a ``FieldReader`` bound
to that record's id and yields the warnings the reader collected (``drain``)::

    fields = FieldReader(system_id)
    yield SaksmappeRecord(system_id, saksaar=fields.integer("saksaar", raw_year), ...)
    yield from fields.drain()

A missing value (``None`` or blank text) is not a bad value: it is ``None`` without a
warning. The ``parse_*`` functions are the same rules without warnings, for values that
are not record fields (a watermark kept in ``state``, a parameter).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterator
from typing import TypeVar

from innsyn.digits import MAX_DIGITS, ascii_int
from innsyn.harvest.records import HarvestWarning

_TRUE = frozenset({"1", "true", "yes", "ja", "y", "j"})
_FALSE = frozenset({"0", "false", "no", "nei", "n"})
_T = TypeVar("_T")
_SHOWN = 80
"""Characters of a bad value quoted in a warning."""


def _text(value: object) -> str | None:
    """``value`` as stripped text; ``None`` for ``None`` and blank text."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def parse_int(value: object, *, signed: bool = True) -> int | None:
    """A whole number from ASCII digits (after one ``-`` when ``signed``), or a JSON
    number with no fraction, of at most ``MAX_DIGITS`` digits; otherwise ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int):
        if (value < 0 and not signed) or len(str(abs(value))) > MAX_DIGITS:
            return None
        return value
    return ascii_int(_text(value), signed=signed)


def parse_date(value: object) -> dt.date | None:
    """An ISO 8601 date (``2024-01-31`` or ``20240131``; anything after the tenth character,
    such as a time, is ignored) in ASCII digits; otherwise ``None``."""
    text = _text(value)
    if text is None or not text.isascii():
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_feed_date(value: object) -> dt.date | None:
    """A date as web feeds write it: ISO 8601 (sitemaps, Atom) or RFC 5322 (RSS,
    ``Mon, 01 Jan 2024 10:00:00 +0000``); otherwise ``None``."""
    found = parse_date(value)
    text = _text(value)
    if found is not None or text is None:
        return found
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def parse_datetime(value: object) -> dt.datetime | None:
    """An ISO 8601 date and time in ASCII digits (``Z`` or an offset; UTC when neither;
    a fraction of a second beyond microseconds is cut off); otherwise ``None``."""
    text = _text(value)
    if text is None or not text.isascii():
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse_bool(value: object) -> bool | None:
    """``True``/``False`` from a JSON boolean or ``true/false``, ``1/0``, ``yes/no``,
    ``ja/nei`` (any case); otherwise ``None``."""
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is None:
        return None
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


class FieldReader:
    """Reads the fields of one record (``record_id``), dropping bad values with a warning.

    Readers made with ``about`` share one list of warnings, so a harvester can read a case
    and its entries each under its own id and yield the warnings together."""

    def __init__(
        self, record_id: str | None = None, warnings: list[HarvestWarning] | None = None
    ) -> None:
        self.record_id = record_id
        self._warnings: list[HarvestWarning] = [] if warnings is None else warnings

    def about(self, record_id: str | None) -> FieldReader:
        """A reader for another record that adds to the same warnings."""
        return FieldReader(record_id, self._warnings)

    def warn(self, message: str) -> None:
        """A warning about this record that is not about one field value."""
        self._warnings.append(HarvestWarning(message, self.record_id))

    def drain(self) -> Iterator[HarvestWarning]:
        """The warnings collected so far, once: the list is emptied."""
        found = list(self._warnings)
        self._warnings.clear()
        return iter(found)

    def integer(self, field: str, value: object, *, signed: bool = True) -> int | None:
        """``value`` as a whole number (``parse_int``)."""
        return self._checked(field, value, "number", parse_int(value, signed=signed))

    def date(self, field: str, value: object) -> dt.date | None:
        """``value`` as an ISO 8601 date (``parse_date``)."""
        return self._checked(field, value, "date", parse_date(value))

    def feed_date(self, field: str, value: object) -> dt.date | None:
        """``value`` as a web-feed date, ISO 8601 or RFC 5322 (``parse_feed_date``)."""
        return self._checked(field, value, "date", parse_feed_date(value))

    def datetime(self, field: str, value: object) -> dt.datetime | None:
        """``value`` as an ISO 8601 date and time (``parse_datetime``)."""
        return self._checked(field, value, "date and time", parse_datetime(value))

    def boolean(self, field: str, value: object) -> bool | None:
        """``value`` as yes or no (``parse_bool``)."""
        return self._checked(field, value, "yes/no value", parse_bool(value))

    def _checked(self, field: str, value: object, kind: str, parsed: _T | None) -> _T | None:
        if parsed is None and _text(value) is not None:
            shown = value if not isinstance(value, str) else value.strip()
            quoted = repr(shown)
            if len(quoted) > _SHOWN:
                quoted = quoted[: _SHOWN - 1] + "…"
            prefix = f"{self.record_id}: " if self.record_id else ""
            self.warn(f"{prefix}invalid {kind} in {field}: {quoted} (left empty)")
        return parsed
