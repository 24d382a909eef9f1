"""Errors on the command line: one ``Error: …`` line on stderr and a non-zero exit, never a
Python traceback, for a failure while a command runs (a full disk, an unreadable database,
a bug). ``INNSYN_TRACEBACK=1`` lets the exception through with its traceback, for
debugging.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click

TRACEBACK_ENV = "INNSYN_TRACEBACK"
MAX_DETAIL = 300


def describe(exc: BaseException) -> str:
    """``Type: first line of the message`` (SQLAlchemy and others add lines of background);
    a settings error names the setting and what is wrong with it."""
    settings_problem = _settings_problem(exc)
    if settings_problem:
        return settings_problem
    lines = str(exc).strip().splitlines()
    detail = lines[0].strip() if lines else ""
    if len(detail) > MAX_DETAIL:
        detail = detail[:MAX_DETAIL] + "…"
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _settings_problem(exc: BaseException) -> str | None:
    """``configuration: INNSYN_X: why`` for a pydantic error raised by ``Settings``."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return None
    said = []
    for error in exc.errors():
        where = "_".join(str(p) for p in error.get("loc", ()))
        name = f"INNSYN_{where.upper()}: " if where else ""
        said.append(name + str(error.get("msg", "")).removeprefix("Value error, "))
    return "configuration: " + "; ".join(said)


def fail(message: str, code: int = 1, *, one_line: bool = True) -> NoReturn:
    """Print ``Error: message`` on stderr and exit with ``code``; one line unless
    ``one_line`` is false (a service's log tail is worth its lines)."""
    if one_line:
        message = " ".join(message.split())
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(code)


def show_tracebacks() -> bool:
    return os.environ.get(TRACEBACK_ENV, "").strip().lower() in ("1", "true", "yes")


def hint(exc: BaseException) -> str:
    """What to add to the line: OS errors say what is wrong themselves; anything else
    may be a bug, and the traceback is one variable away."""
    if isinstance(exc, OSError) or _settings_problem(exc):
        return ""
    return f" (run again with {TRACEBACK_ENV}=1 to see where it happened)"


_PASS = (click.exceptions.ClickException, click.exceptions.Exit, click.Abort)


@contextmanager
def one_line_errors(
    what: str,
    after: Callable[[], str] | None = None,
    expected: tuple[type[Exception], ...] = (),
) -> Iterator[None]:
    """An exception inside becomes ``Error: <what> failed: <Type: message>[; <after()>]``
    and exit status 1. ``after`` says what became of the work (e.g. the run's status).
    An ``expected`` exception (the input's fault) is said by its message alone, with no
    type name and no hint."""
    try:
        yield
    except _PASS:
        raise
    except Exception as exc:
        if show_tracebacks():
            raise
        extra = ""
        if after is not None:
            try:
                extra = after()
            except Exception as inner:  # e.g. the database is what failed
                extra = f"(could not tell what became of it: {describe(inner)})"
        said = str(exc) if isinstance(exc, expected) else describe(exc)
        tip = "" if isinstance(exc, expected) else hint(exc)
        fail(f"{what} failed: {said}{'; ' + extra if extra else ''}{tip}")


class Main(click.Group):
    """The ``innsyn`` group: an exception no command handled becomes one error line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _PASS:
            raise
        except Exception as exc:
            if show_tracebacks():
                raise
            fail(f"{_command(ctx, exc)} failed: {describe(exc)}{hint(exc)}")


def _command(ctx: click.Context, exc: BaseException) -> str:
    """``innsyn jobs run`` etc.: the deepest command context the exception went through."""
    deepest = ctx
    tb = exc.__traceback__
    while tb is not None:
        found = tb.tb_frame.f_locals.get("ctx")
        if isinstance(found, click.Context) and _depth(found) > _depth(deepest):
            deepest = found
        tb = tb.tb_next
    names: list[str] = []
    while deepest.parent is not None:
        names.append(deepest.info_name or "?")
        deepest = deepest.parent
    return " ".join(["innsyn", *reversed(names)])


def _depth(ctx: click.Context) -> int:
    depth = 0
    while ctx.parent is not None:
        depth, ctx = depth + 1, ctx.parent
    return depth
