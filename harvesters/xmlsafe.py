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
DEFAULT_MAX_NODE_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_DEPTH = 256


class _Budget:
    """The source's bytes, counted: more than ``max_node_bytes`` read since the parser
    last reported an element means one text, tag (with its attributes), comment or
    processing instruction is larger than that, and the read is refused before the
    parser holds it in memory. Counted per chunk, so a node is refused once it passes
    the cap by at most one chunk."""

    def __init__(self, fh: IO[bytes], head: bytes, max_node_bytes: int) -> None:
        self.fh = fh
        self.head = head
        self.total = len(head)
        self.mark = 0
        self.max_node_bytes = max_node_bytes

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out
        if self.total - self.mark > self.max_node_bytes:
            raise HarvestError(
                f"XML node larger than {self.max_node_bytes} bytes (one text, tag or "
                "comment): refused (INNSYN_XML_MAX_NODE_BYTES or the job's "
                "xml_max_node_bytes)"
            )
        chunk = self.fh.read(_CHUNK if size < 0 else size)
        self.total += len(chunk)
        return chunk


def safe_iterparse(
    fh: IO[bytes],
    events: tuple[XmlEvent, ...],
    max_node_bytes: int = DEFAULT_MAX_NODE_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Iterator[tuple[XmlEvent, Element]]:
    """``iterparse`` for large files: the C parser when the document has no DTD, so no
    entity can be declared (undeclared ones are errors) and none fetched; otherwise
    defusedxml's parser, which refuses the DTD with ``DefusedXmlException``.

    The C parser is about twice as fast; the prolog is read before it sees any byte.
    A node (text, tag with attributes, comment) of more than ``max_node_bytes`` and
    elements nested deeper than ``max_depth`` stop the parse with ``HarvestError``.
    """
    head = b""
    verdict: bool | None = None
    while verdict is None and len(head) < _PROLOG_MAX:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        head += chunk
        verdict = _prolog_has_dtd(head)
    budget = _Budget(fh, head, max_node_bytes)
    parsed = _defused(budget) if verdict is not False else _fast(budget)
    depth = 0
    for event, elem in parsed:
        budget.mark = budget.total
        if event == "start":
            depth += 1
            if depth > max_depth:
                raise HarvestError(
                    f"XML elements nested deeper than {max_depth}: refused "
                    "(INNSYN_XML_MAX_DEPTH or the job's xml_max_depth)"
                )
        else:
            depth -= 1
        if event in events:
            yield event, elem


def _fast(budget: _Budget) -> Iterator[tuple[XmlEvent, Element]]:
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    while chunk := budget.read():
        parser.feed(chunk)
        yield from _element_events(parser)
    parser.close()
    yield from _element_events(parser)


def _element_events(parser: XMLPullParser[Element]) -> Iterator[tuple[XmlEvent, Element]]:
    # asked for "start" and "end" only, the parser gives (event, Element) pairs; typeshed
    # types read_events for every kind of event (namespaces, comments, PIs)
    return cast(Iterator[tuple[XmlEvent, Element]], parser.read_events())


def _defused(budget: _Budget) -> Iterator[tuple[XmlEvent, Element]]:
    yield from defused_iterparse(budget, events=("start", "end"), forbid_dtd=True)
