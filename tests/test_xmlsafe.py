"""``safe_iterparse``: the fast C parser only for documents without a DTD; every
document with one (however it is hidden) goes to defusedxml, which refuses it."""

from __future__ import annotations

import io

import pytest
from defusedxml import DefusedXmlException

from harvesters import xmlsafe
from harvesters.xmlsafe import safe_iterparse

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
