"""Parsing whole XML documents safely (no DTDs, no entities) with encoding repair.

Archive systems often declare ISO-8859-1 and write UTF-8. Rule: when the bytes decode
as strict UTF-8 and contain non-ASCII characters, they are UTF-8 whatever the
declaration says (real Latin-1 text with æøå is almost never valid UTF-8); otherwise
the declared encoding is honoured.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from harvesters.base import HarvestError

_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9_.\-]+)[\"']")


def repair_encoding(data: bytes) -> bytes:
    """``data`` with its XML declaration corrected to UTF-8 when the bytes are UTF-8."""
    match = _DECLARATION.match(data)
    if not match or match.group(2).lower().replace(b"_", b"-") in (b"utf-8", b"utf8"):
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    if text.isascii():
        return data
    start, end = match.span(2)
    return data[:start] + b"UTF-8" + data[end:]


def parse_xml(data: bytes, name: str) -> Element:
    """The root element of ``data``; ``HarvestError`` for unsafe or malformed XML."""
    try:
        root: Element = fromstring(repair_encoding(data), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise HarvestError(
            f"{name}: refused unsafe XML ({type(exc).__name__}: DTDs and entities are not allowed)"
        ) from exc
    except (ParseError, LookupError, ValueError) as exc:
        raise HarvestError(f"{name}: malformed XML: {exc}") from exc
    return root
