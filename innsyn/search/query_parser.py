"""The query language people type: words (all must match), ``"phrases"``, ``OR`` / ``|``,
``-exclude``, ``prefix*``, parentheses, case and entry numbers in any spelling, and
property numbers (``gnr 12 bnr 34``). Parsing never fails: input that does not parse is
read again as plain words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from innsyn.casenumber import CaseNumber, parse_case_number


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
    text: str
    number: CaseNumber


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


Node = Word | Prefix | Phrase | CaseRef | Property | Not | And | Or

_PROPERTY = re.compile(r"\bg(?:nr|årdsnr)\.?\s*(\d+)\s*[,/]?\s*b(?:nr|ruksnr)\.?\s*(\d+)", re.I)
_TOKEN = re.compile(r'"[^"]*"?|\(|\)|\||-(?=\S)|[^\s()|"]+')
_WORD_CHARS = re.compile(r"[^\w*/\-.]", re.UNICODE)


MAX_DEPTH = 10
"""Deepest nesting of parentheses; deeper queries are read as plain words."""


class _Syntax(Exception):
    pass


def _tokens(text: str) -> list[str]:
    # NUL marks a property number below; one typed in the query is only a space
    text = _PROPERTY.sub(lambda m: f" \x00gnr{m.group(1)}:{m.group(2)} ", text.replace("\x00", " "))
    return _TOKEN.findall(text)


def _atom(token: str) -> Node | None:
    if token.startswith("\x00gnr"):
        gnr, bnr = token[4:].split(":")
        return Property(int(gnr), int(bnr))
    if token.startswith('"'):
        inner = token.strip('"').strip()
        return Phrase(inner) if inner else None
    number = parse_case_number(token)
    if number is not None:
        return CaseRef(token, number)
    cleaned = _WORD_CHARS.sub("", token).strip("-./")
    if not cleaned or cleaned == "*":
        return None
    if cleaned.endswith("*") and len(cleaned.rstrip("*")) >= 2:
        return Prefix(cleaned.rstrip("*").lower())
    cleaned = cleaned.replace("*", "")
    return Word(cleaned) if cleaned else None


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
        while self.peek() == "-":
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
        if t not in ("OR", "AND", "|", "-") and (a := _atom(t.lstrip("-"))) is not None
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
    if isinstance(node, Word | Prefix | Phrase):
        return [node.text]
    if isinstance(node, And | Or):
        return [t for n in node.nodes for t in terms(n)]
    return []
