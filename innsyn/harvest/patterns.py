"""Regular expressions that agencies supply (the documents harvester's ``pattern``).

A pattern is compiled with the ``regex`` package, whose matches take a timeout, and
refused before that when its shape is known to backtrack catastrophically: a repeated
group that itself holds a repetition (``(a+)+``, ``(\\w*\\s?)*``) or alternatives
(``(a|aa)+``), or a pattern longer than ``MAX_PATTERN_CHARS``. The check is a screen
for the common shapes, not a proof; the timeout (``INNSYN_PATTERN_TIMEOUT``) bounds
whatever it lets through.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

PATTERN_PARAMS = ("pattern",)
"""Job parameters that hold a regular expression."""
MAX_PATTERN_CHARS = 500


class PatternError(ValueError):
    """The pattern is invalid, too long, or of a shape that can take exponential time."""


class PatternTimeout(RuntimeError):
    """One match took longer than the pattern timeout."""


@dataclass
class _Group:
    repeats: bool = False
    alternates: bool = False


def _quantifier(text: str, i: int) -> tuple[int, bool, bool] | None:
    """(end, repeats more than once, possessive) of a quantifier starting at ``i``."""
    if i >= len(text):
        return None
    c = text[i]
    if c in "*+?":
        end, many = i + 1, c != "?"
    elif c == "{":
        close = text.find("}", i)
        body = text[i + 1 : close] if close > 0 else ""
        lo, _, hi = body.partition(",")
        bounds = [p.strip() for p in (lo, hi)]
        if not body or not all(b == "" or (b.isascii() and b.isdigit()) for b in bounds):
            return None
        many = int(body) > 1 if "," not in body else bounds[1] == "" or int(bounds[1]) > 1
        end = close + 1
    else:
        return None
    possessive = end < len(text) and text[end] == "+"
    if end < len(text) and text[end] in "?+":
        end += 1
    return end, many, possessive


def _skip_class(text: str, i: int) -> int:
    """The index after the character class that starts at ``text[i] == '['``."""
    j = i + 1
    if j < len(text) and text[j] == "^":
        j += 1
    if j < len(text) and text[j] == "]":
        j += 1
    while j < len(text) and text[j] != "]":
        j += 2 if text[j] == "\\" else 1
    return j + 1


def catastrophic(text: str) -> str | None:
    """Why ``text`` can backtrack exponentially, or None when no known shape is found."""
    stack = [_Group()]
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
        elif c == "[":
            i = _skip_class(text, i)
        elif c == "(":
            stack.append(_Group())
            i += 1
            continue
        elif c == "|":
            stack[-1].alternates = True
            i += 1
            continue
        elif c == ")" and len(stack) > 1:
            inner = stack.pop()
            quant = _quantifier(text, i + 1)
            if quant is not None:
                end, many, possessive = quant
                if many and not possessive and (inner.repeats or inner.alternates):
                    what = "a repetition" if inner.repeats else "alternatives"
                    return (
                        f"a repeated group holding {what} ({text[:end][-40:]!r}) can take "
                        "exponential time: use a character class or drop the outer repetition"
                    )
                stack[-1].repeats = stack[-1].repeats or inner.repeats or many
                i = end
                continue
            stack[-1].repeats = stack[-1].repeats or inner.repeats
            i += 1
            continue
        else:
            i += 1
        quant = _quantifier(text, i)
        if quant is not None:
            stack[-1].repeats = stack[-1].repeats or quant[1]
            i = quant[0]
    return None


def compile_pattern(text: str) -> regex.Pattern[str]:
    """``text`` compiled; ``PatternError`` when it is invalid, too long or catastrophic."""
    if len(text) > MAX_PATTERN_CHARS:
        raise PatternError(f"longer than {MAX_PATTERN_CHARS} characters")
    problem = catastrophic(text)
    if problem:
        raise PatternError(problem)
    try:
        return regex.compile(text)
    except regex.error as exc:
        raise PatternError(f"not a valid regular expression: {exc}") from exc


def pattern_errors(params: dict[str, str]) -> dict[str, str]:
    """Why the regular-expression parameters in ``params`` may not be saved, by name."""
    errors: dict[str, str] = {}
    for name in PATTERN_PARAMS:
        if params.get(name):
            try:
                compile_pattern(params[name])
            except PatternError as exc:
                errors[name] = str(exc)
    return errors


def search(pattern: regex.Pattern[str], text: str, timeout: float) -> bool:
    """Whether ``pattern`` matches somewhere in ``text``; ``PatternTimeout`` when the
    match takes longer than ``timeout`` seconds."""
    try:
        return pattern.search(text, timeout=timeout) is not None
    except TimeoutError as exc:
        raise PatternTimeout(
            f"the pattern took more than {timeout} s on one text: stopped "
            "(INNSYN_PATTERN_TIMEOUT or the job's pattern_timeout)"
        ) from exc
