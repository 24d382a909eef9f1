"""``safe_iterparse``: the fast C parser only for documents without a DTD; every
document with one (however it is hidden) goes to defusedxml, which refuses it."""

from __future__ import annotations

import io

import pytest
from defusedxml import DefusedXmlException

from harvesters import xmlsafe
from harvesters.xmlsafe import safe_iterparse
from innsyn.harvest.contract import HarvestError

LAUGHS = '<!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;&l;&l;&l;&l;">]><a>&l2;</a>'
XXE = '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'


def _events(data: bytes) -> list[tuple[str, str, str | None]]:
    return [
        (event, elem.tag, elem.text)
        for event, elem in safe_iterparse(io.BytesIO(data), ("start", "end"))
    ]


@pytest.mark.parametrize(
    "prefix",
    [
        "",
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        "\ufeff<?xml version='1.0'?>",
        '<?xml version="1.0"?><!-- a comment --><?pi data?>\n  ',
        "<!--" + "x" * (3 * xmlsafe._CHUNK) + "-->",
    ],
    ids=["bare", "declaration", "bom", "comment-and-pi", "comment-longer-than-a-chunk"],
)
@pytest.mark.parametrize("body", [LAUGHS, XXE], ids=["entity-expansion", "external-entity"])
def test_a_dtd_is_refused_wherever_it_hides(prefix, body):
    with pytest.raises(DefusedXmlException):
        _events((prefix + body).encode("utf-8"))


def test_utf16_with_a_dtd_is_refused():
    data = ('<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS).encode("utf-16")
    with pytest.raises(DefusedXmlException):
        _events(data)


def test_undeclared_entity_is_a_parse_error():
    from xml.etree.ElementTree import ParseError

    with pytest.raises(ParseError):
        _events(b"<a>&nope;</a>")


def test_document_without_dtd_parses_in_chunks(monkeypatch):
    monkeypatch.setattr(xmlsafe, "_CHUNK", 7)
    body = "".join(f"<b n='{i}'>tekst æøå {i}</b>" for i in range(50))
    events = _events(f'<?xml version="1.0"?><!-- c --><a>{body}</a>'.encode())
    assert events[0][:2] == ("start", "a")
    ends = [text for event, tag, text in events if event == "end" and tag == "b"]
    assert ends == [f"tekst æøå {i}" for i in range(50)]


def test_utf16_without_dtd_still_parses():
    data = '<?xml version="1.0" encoding="UTF-16"?><a><b>å</b></a>'.encode("utf-16")
    assert ("end", "b", "å") in _events(data)


class _ShortReads(io.BytesIO):
    """A reader that hands out 10 bytes at a time, whatever was asked for."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(10)


@pytest.mark.parametrize(
    "data",
    [
        LAUGHS.encode("utf-16-le"),
        ('<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS).encode("utf-16-le"),
        ('<?xml version="1.0"?><?pi ' + "x" * (2 * xmlsafe._CHUNK) + "?>" + LAUGHS).encode(),
        ('<?xml version="1.0"' + " " * (2 * xmlsafe._CHUNK) + "?>" + LAUGHS).encode(),
        ('<?xml version="1.0" encoding="cp500"?>' + LAUGHS).encode(),
    ],
    ids=["utf16le-no-bom", "utf16le-declared", "long-pi", "long-declaration", "ebcdic"],
)
def test_a_dtd_behind_odd_bytes_is_refused(data):
    from xml.etree.ElementTree import ParseError

    with pytest.raises((DefusedXmlException, ParseError)):  # never parsed, never expanded
        _events(data)


def test_short_reads_do_not_let_a_dtd_through():
    data = ('<?xml version="1.0"?><?pi abcdefghijk?><!-- c -->' + LAUGHS).encode()
    with pytest.raises(DefusedXmlException):
        list(safe_iterparse(_ShortReads(data), ("end",)))
    fine = b'<?xml version="1.0"?><?pi abcdefghijk?><a><b>x</b></a>'
    assert [e.tag for _, e in safe_iterparse(_ShortReads(fine), ("end",))] == ["b", "a"]


@pytest.mark.parametrize(
    ("head", "verdict"),
    [
        (b'<?xml version="1.0"?><arkiv>', False),
        (b"\xef\xbb\xbf<arkiv xmlns='x'>", False),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<arkiv>', False),
        (b"<?xml version", None),
        (b"<!-- not yet closed", None),
        (b"<!DOCTYPE a>", True),
        (b"<\x00a\x00>\x00", True),
        (b"<\xc3\xa6rkiv>", True),
    ],
)
def test_prolog_verdicts(head, verdict):
    assert xmlsafe._prolog_has_dtd(head) is verdict


class _Lazy(io.RawIOBase):
    """``head``, ``size`` bytes of ``fill``, then ``tail``, made as they are read."""

    def __init__(self, head: bytes, fill: bytes, size: int, tail: bytes) -> None:
        self.parts = [head]
        self.fill, self.left, self.tail = fill, size, tail
        self.served = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = 1 << 16 if size is None or size < 0 else size
        if self.parts:
            out = self.parts.pop()
        elif self.left > 0:
            n = min(size, self.left) // len(self.fill) * len(self.fill) or len(self.fill)
            self.left -= n
            out = self.fill * (n // len(self.fill))
        else:
            out, self.tail = self.tail, b""
        self.served += len(out)
        return out


@pytest.mark.parametrize(
    ("encoding", "head"),
    [("utf-8", "<a><b>"), ("utf-16-le", "\ufeff<a><b>")],
    ids=["fast-parser", "defusedxml"],
)
def test_a_200_mb_text_node_stops_at_the_node_cap(encoding, head):
    source = _Lazy(head.encode(encoding), "x".encode(encoding) * 1024, 200 * 1024 * 1024, b"")
    source.tail = "</b></a>".encode(encoding)
    with pytest.raises(HarvestError, match=r"XML node larger than 16777216 bytes"):
        for _ in safe_iterparse(source, ("end",)):
            pass
    assert source.served < 17 * 1024 * 1024


def test_a_large_attribute_stops_at_a_lowered_node_cap():
    data = b'<a><b c="' + b"y" * 3_000_000 + b'"/></a>'
    assert len(_events(data)) == 4
    with pytest.raises(HarvestError, match=r"larger than 1000000 bytes.*XML_MAX_NODE_BYTES"):
        list(safe_iterparse(io.BytesIO(data), ("end",), max_node_bytes=1_000_000))


def test_nesting_deeper_than_the_depth_cap_is_refused():
    deep = b"<a>" * 300 + b"</a>" * 300
    with pytest.raises(HarvestError, match=r"nested deeper than 256.*XML_MAX_DEPTH"):
        list(safe_iterparse(io.BytesIO(deep), ("end",)))
    assert len(list(safe_iterparse(io.BytesIO(deep), ("end",), max_depth=300))) == 300
