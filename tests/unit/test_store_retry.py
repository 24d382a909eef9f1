"""``retry_busy``: a busy SQLite database is waited out, any other error is not."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from innsyn.store.db import is_busy, retry_busy


def _locked() -> OperationalError:
    return OperationalError("INSERT ...", {}, Exception("database is locked"))


def test_busy_writes_are_retried_until_they_pass():
    calls = []

    def write() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _locked()
        return "written"

    assert retry_busy(write, attempts=5, pause=0.001) == "written"
    assert len(calls) == 3


def test_other_errors_and_the_last_busy_one_are_raised():
    calls = []

    def broken() -> None:
        calls.append(1)
        raise OperationalError("INSERT ...", {}, Exception("no such table: ocr_task"))

    with pytest.raises(OperationalError, match="no such table"):
        retry_busy(broken, pause=0.001)
    assert len(calls) == 1

    def always_busy() -> None:
        raise _locked()

    with pytest.raises(OperationalError, match="locked"):
        retry_busy(always_busy, attempts=3, pause=0.001)
    assert is_busy(_locked()) and not is_busy(ValueError("database is locked"))
