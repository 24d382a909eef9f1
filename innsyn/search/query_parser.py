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


MAX_TERMS = 60
"""Most search terms a query keeps (a word counts once per part the analyzer makes of it:
``HYTTE,LIARVATNET`` is two, each ideograph one). Every term becomes a clause per searched
field, and OpenSearch refuses a query of more than 1 024 clauses; the terms after these
are left out (a pasted title is far shorter; a pasted page of text is searched by its
first sixty terms)."""

_IDEOGRAPH = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\U00020000-\U0003ffff]")


def _cost(node: Node) -> int:
    if isinstance(node, Word | Phrase | Prefix):
        return max(1, len(_WORD_PART.findall(node.text)) + len(_IDEOGRAPH.findall(node.text)))
    if isinstance(node, CaseRef | DateRef):
        return 4
    return 1


def _within(node: Node | None, budget: list[int]) -> Node | None:
    """``node`` with the terms past the budget left out (``budget[0]`` is what is left)."""
    if node is None:
        return None
    if isinstance(node, And | Or):
        kept = [k for n in node.nodes if (k := _within(n, budget)) is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else type(node)(tuple(kept))
    if isinstance(node, Not):
        inner = _within(node.node, budget)
        return Not(inner) if inner is not None else None
    cost = _cost(node)
    if cost > budget[0]:
        node = _cut(node, budget[0])
        budget[0] = 0
        return node
    budget[0] -= cost
    return node


def _cut(node: Node, budget: int) -> Node | None:
    """The first parts of a word or phrase that fit in ``budget`` terms (None if none)."""
    if not isinstance(node, Word | Phrase) or budget <= 0:
        return None
    parts: list[str] = []
    for part in _WORD_PART.findall(node.text):
        budget -= max(1, len(_IDEOGRAPH.findall(part)))
        if budget < 0:
            break
        parts.append(part)
    return type(node)(" ".join(parts)) if parts else None


def parse_query(text: str) -> Node | None:
    """The query tree of ``text`` (``None`` for an empty query), with at most
    ``MAX_TERMS`` terms. Never raises."""
    try:
        node = _Parser(_tokens(text or "")).parse()
    except (_Syntax, IndexError, ValueError):
        node = _plain(text or "")
    return _within(node, [MAX_TERMS])


def terms(node: Node | None) -> list[str]:
    """The positive words and phrases of a query, for highlighting in documents."""
    if node is None:
        return []
    if isinstance(node, Word | Prefix | Phrase | DateRef):
        return [node.text]
    if isinstance(node, And | Or):
        return [t for n in node.nodes for t in terms(n)]
    return []
