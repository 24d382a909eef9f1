"""``CollectorTuning``: the garbage collector runs less often only while harvests run."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from innsyn.config import Settings
from innsyn.harvest import pipeline
from innsyn.harvest.contract import Harvester
from innsyn.harvest.pipeline import COLLECTOR, CollectorTuning, RunContext
from innsyn.harvest.records import Record
from tests.factories import store


def test_collector_threshold_raised_only_while_harvests_run() -> None:
    before = gc.get_threshold()
    tuning = CollectorTuning(young=before[0] * 10 + 1)
    with tuning.during():
        assert gc.get_threshold() == (before[0] * 10 + 1, *before[1:])
        with tuning.during():  # a second harvest in another thread of the process
            pass
        assert gc.get_threshold()[0] == before[0] * 10 + 1
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError), tuning.during():
        raise RuntimeError("harvest failed")
    assert gc.get_threshold() == before


class _Source(Harvester):
    name = "gc-test"

    def records(self) -> Iterator[Record]:
        yield from ()


def test_a_harvest_stores_with_the_raised_threshold(
    monkeypatch: pytest.MonkeyPatch, offline_settings: Settings
) -> None:
    seen: list[int] = []

    def fake_store(*_args: object) -> None:
        seen.append(gc.get_threshold()[0])
        raise RuntimeError("stop here")

    monkeypatch.setattr(pipeline, "_store", fake_store)
    before = gc.get_threshold()
    run = RunContext(offline_settings, store(offline_settings), "gc-test", index=False)
    with pytest.raises(RuntimeError, match="stop here"):
        pipeline.harvest(_Source("unused"), run)
    assert seen == [max(COLLECTOR.young, before[0])]
    assert gc.get_threshold() == before
