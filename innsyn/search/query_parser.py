"""The query language people type: words (all must match), ``"phrases"``, ``OR`` / ``|``,
``-exclude``, ``prefix*``, parentheses, case and entry numbers in any spelling, dates
(``22.10.09``) and property numbers (``gnr 12 bnr 34``). Parsing never fails: input that
does not parse is read again as plain words.

A journal title pasted in must find its entry, so ordinary punctuation is never an
operator: only a ``-`` that opens a word (``-klage``) excludes; a dash standing alone
(``FORETAK - MUR``) or inside a word (``Nord-Fron``) is punctuation. A word keeps the
punctuation inside it (``HYTTE,LIARVATNET``, ``a.b``) and is split by the index's own
analyzer, so it matches as it was indexed. A number that can be read several ways
(``07/1974``: case 2007/1974, case 1974/7, property 7/1974) keeps every reading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from innsyn.casenumber import CaseNumber, case_readings


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Prefix:
    text: str


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class CaseRef:
    """A case or entry number as typed, with every reading of it, the likeliest first."""

    text: str
    readings: tuple[CaseNumber, ...]

    @property
    def number(self) -> CaseNumber:
        return self.readings[0]


@dataclass(frozen=True)
class DateRef:
    """A date as typed (``22.10.09``, ``22.10.2009``)."""

    text: str
    date: dt.date


@dataclass(frozen=True)
class Property:
    gnr: int
    bnr: int


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Word | Prefix | Phrase | CaseRef | DateRef | Property | Not | And | Or

_PROPERTY = re.compile(r"\bg(?:nr|årdsnr)\.?\s*(\d+)\s*[,/]?\s*b(?:nr|ruksnr)\.?\s*(\d+)", re.I)
_NOT = "\x00-"
"""The token of an excluding ``-`` (one that opens a word, a phrase or a group)."""
_TOKEN = re.compile(r'(?P<not>(?<![^\s(])-(?=[\w"(]))|"[^"]*"?|\(|\)|\||[^\s()|"]+')
_EDGES = re.compile(r"^\W+|[^\w*]+$")
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_WORD_PART = re.compile(r"\w+")


MAX_DEPTH = 10
"""Deepest nesting of parentheses; deeper queries are read as plain words."""


class _Syntax(Exception):
    pass


def _tokens(text: str) -> list[str]:
    # NUL marks a property number and an excluding dash below; one typed is only a space
    text = _PROPERTY.sub(lambda m: f" \x00gnr{m.group(1)}:{m.group(2)} ", text.replace("\x00", " "))
    return [_NOT if m.group("not") else m.group(0) for m in _TOKEN.finditer(text)]


def _date(token: str) -> dt.date | None:
    match = _DATE.match(token)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    if len(match.group(3)) == 2:
        year = 2000 + year if year < 70 else 1900 + year
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _atom(token: str) -> Node | None:
    if token.startswith("\x00gnr"):
        gnr, bnr = token[4:].split(":")
        return Property(int(gnr), int(bnr))
    if token.startswith('"'):
        inner = token.strip('"').strip()
        return Phrase(inner) if inner else None
    readings = case_readings(token)
    if readings:
        return CaseRef(token, tuple(readings))
    date = _date(token.strip())
    if date is not None:
        return DateRef(token.strip(), date)
    cleaned = _EDGES.sub("", token)
    if not _WORD_PART.search(cleaned.replace("_", "")):
        return None
    if cleaned.endswith("*"):
        parts = _WORD_PART.findall(cleaned)
        if len(parts[-1]) >= 2:
            words: list[Node] = [Word(p) for p in parts[:-1]]
            prefix = Prefix(parts[-1].lower())
            return And((*words, prefix)) if words else prefix
    cleaned = cleaned.replace("*", "")
    return Word(cleaned) if _WORD_PART.search(cleaned) else None


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        if self.peek() is not None:
            raise _Syntax("trailing input")
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while self.peek() in ("OR", "|"):
            self.take()
            parts.append(self.and_expr())
        kept = tuple(p for p in parts if p is not None)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(kept)

    def and_expr(self) -> Node | None:
        parts: list[Node] = []
        while self.peek() not in (None, ")", "OR", "|"):
            if self.peek() == "AND":
                self.take()
                continue
            node = self.unary()
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node | None:
        negations = 0
        while self.peek() == _NOT:
            self.take()
            negations += 1
        if self.peek() == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Syntax("parentheses nested too deep")
            node = self.or_expr()
            if self.peek() != ")":
                raise _Syntax("unbalanced parenthesis")
            self.take()
            self.depth -= 1
        else:
            node = _atom(self.take())
        return Not(node) if node is not None and negations % 2 else node


def _plain(text: str) -> Node | None:
    words = [
        a
        for t in text.replace('"', " ").replace("(", " ").replace(")", " ").split()
        if t not in ("OR", "AND", "|", "-") and (a := _atom(t)) is not None
    ]
    if not words:
        return None
    return words[0] if len(words) == 1 else And(tuple(words))


def parse_query(text: str) -> Node | None:
    """The query tree of ``text`` (``None`` for an empty query). Never raises."""
    try:
        tokens = _tokens(text or "")
        return _Parser(tokens).parse()
    except (_Syntax, IndexError, ValueError):
        return _plain(text or "")


def terms(node: Node | None) -> list[str]:
    """The positive words and phrases of a query, for highlighting in documents."""
    if node is None:
        return []
    if isinstance(node, Word | Prefix | Phrase | DateRef):
        return [node.text]
    if isinstance(node, And | Or):
        return [t for n in node.nodes for t in terms(n)]
    return []
