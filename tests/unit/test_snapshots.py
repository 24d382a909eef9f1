"""The points in time kept for first-page cursors: reused for half their keep-alive,
bounded, dropped on request (no index)."""

from __future__ import annotations

import pytest

from innsyn.search.snapshots import Snapshots, seconds


def test_a_snapshot_is_reused_for_half_its_keep_alive():
    kept = Snapshots()
    kept.put("c1", "pit-1", "10m", now=100.0)
    assert kept.get("c1", now=100.0 + 299) == "pit-1"
    assert kept.get("c1", now=100.0 + 300) is None
    assert kept.get("c1", now=100.0) is None, "an expired entry is forgotten"
    kept.put("c2", "pit-2", "90s", now=0.0)
    kept.drop("c2")
    assert kept.get("c2", now=1.0) is None


def test_the_least_recently_used_go_first_beyond_the_bound():
    kept = Snapshots(max_entries=2)
    kept.put("a", "pa", "1h", now=0.0)
    kept.put("b", "pb", "1h", now=0.0)
    assert kept.get("a", now=1.0) == "pa"
    kept.put("c", "pc", "1h", now=1.0)
    assert [kept.get(k, now=2.0) for k in "abc"] == ["pa", None, "pc"]


@pytest.mark.parametrize(("text", "value"), [("90s", 90), ("10m", 600), ("2h", 7200)])
def test_keep_alive_times_in_seconds(text, value):
    assert seconds(text) == value


def test_a_keep_alive_of_another_form_is_refused():
    with pytest.raises(ValueError, match="keep-alive"):
        seconds("10 minutes")
