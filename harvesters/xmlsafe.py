"""Parsing whole XML documents safely (no DTDs, no entities) with encoding repair.

Archive systems often declare ISO-8859-1 and write UTF-8. Rule: when the bytes decode
as strict UTF-8 and contain non-ASCII characters, they are UTF-8 whatever the
declaration says (real Latin-1 text with æøå is almost never valid UTF-8); otherwise
the declared encoding is honoured.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Literal, cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from defusedxml.ElementTree import iterparse as defused_iterparse

from innsyn.harvest.contract import HarvestError

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


_PROLOG_ITEM = re.compile(rb"[ \t\r\n]*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
_ASCII_ENCODINGS = re.compile(
    rb"(utf-?8|us-ascii|ascii|iso-8859-(1[0-5]|[1-9])|latin-?1|windows-125[0-8]|cp125[0-8])",
    re.I,
)
_CHUNK = 1 << 16
_PROLOG_MAX = 1 << 20


def _prolog_has_dtd(head: bytes) -> bool | None:
    """Whether the prolog of ``head`` may hold a DTD; None when more bytes are needed.

    A DTD can only come before the root element, after the XML declaration, comments
    and processing instructions. "No" only when the prolog is plain ASCII-compatible
    text (no NUL byte, which UTF-16/32 would have, with or without a BOM), any declared
    encoding is an ASCII-compatible one, and what follows the prolog is ``<`` and an
    ASCII name character: a root element. A comment or processing instruction not yet
    complete needs more bytes; everything else counts as "may".
    """
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    declared = _DECLARATION.match(head)
    if declared and not _ASCII_ENCODINGS.fullmatch(declared.group(2)):
        return True
    while (match := _PROLOG_ITEM.match(head, pos)) is not None:
        pos = match.end()
    if b"\x00" in head[: pos + 2]:
        return True
    rest = head[pos:].lstrip(b" \t\r\n")
    if len(rest) < 4:
        return None
    if rest.startswith((b"<?", b"<!--")):
        return None
    return _ROOT_START.match(rest) is None


XmlEvent = Literal["start", "end"]


def safe_iterparse(
    fh: IO[bytes], events: tuple[XmlEvent, ...]
) -> Iterator[tuple[XmlEvent, Element]]:
    """``iterparse`` for large files: the C parser when the document has no DTD, so no
    entity can be declared (undeclared ones are errors) and none fetched; otherwise
    defusedxml's parser, which refuses the DTD with ``DefusedXmlException``.

    The C parser is about twice as fast; the prolog is read before it sees any byte.
    """
    head = b""
    verdict: bool | None = None
    while verdict is None and len(head) < _PROLOG_MAX:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        head += chunk
        verdict = _prolog_has_dtd(head)
    if verdict is not False:
        yield from _defused(head, fh, events)
        return
    parser: XMLPullParser[Element] = XMLPullParser(events=events)
    chunk = head
    while chunk:
        parser.feed(chunk)
        yield from _element_events(parser)
        chunk = fh.read(_CHUNK)
    parser.close()
    yield from _element_events(parser)


def _element_events(parser: XMLPullParser[Element]) -> Iterator[tuple[XmlEvent, Element]]:
    # asked for "start" and "end" only, the parser gives (event, Element) pairs; typeshed
    # types read_events for every kind of event (namespaces, comments, PIs)
    return cast(Iterator[tuple[XmlEvent, Element]], parser.read_events())


def _defused(
    head: bytes, fh: IO[bytes], events: tuple[XmlEvent, ...]
) -> Iterator[tuple[XmlEvent, Element]]:
    class Rest:
        def __init__(self) -> None:
            self.head = head

        def read(self, size: int = -1) -> bytes:
            if self.head:
                out, self.head = self.head, b""
                return out
            return fh.read(size)

    yield from defused_iterparse(Rest(), events=events, forbid_dtd=True)
