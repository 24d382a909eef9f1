"""The harvester registry with real entry points: a temporary distribution (a dist-info
directory and a module on sys.path) declares broken, wrong and duplicate plugins."""

from __future__ import annotations

import logging
import sys
import textwrap

import pytest

from harvesters.noark5 import Noark5Harvester
from innsyn.harvest import registry
from innsyn.harvest.contract import Harvester

PLUGIN_MODULE = """
from innsyn.harvest.contract import Harvester


class ExtraHarvester(Harvester):
    name = "extra"
    description = "a plugin from another distribution"

    def records(self):
        return iter(())


class NotAHarvester:
    pass


def make():
    return ExtraHarvester


raise_on_import = None
"""

ENTRY_POINTS = """
[innsyn.harvesters]
extra = innsyn_test_plugins:ExtraHarvester
missing-module = innsyn_test_plugins_gone:Anything
missing-attr = innsyn_test_plugins:NoSuchClass
not-a-class = innsyn_test_plugins:make
not-a-harvester = innsyn_test_plugins:NotAHarvester
crashes = innsyn_test_plugins_crash:Anything
noark5 = innsyn_test_plugins:ExtraHarvester
"""


@pytest.fixture
def plugins(tmp_path, monkeypatch):
    """A distribution ``innsyn-test-plugins`` at the end of sys.path, so the project's own
    harvesters are found first; the registry reads the entry points again before and
    after."""
    (tmp_path / "innsyn_test_plugins.py").write_text(PLUGIN_MODULE, encoding="utf-8")
    (tmp_path / "innsyn_test_plugins_crash.py").write_text(
        "raise RuntimeError('plugin import blew up')\n", encoding="utf-8"
    )
    dist = tmp_path / "innsyn_test_plugins-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: innsyn-test-plugins\nVersion: 0.1\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(textwrap.dedent(ENTRY_POINTS), encoding="utf-8")
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path)])
    for name in ("innsyn_test_plugins", "innsyn_test_plugins_crash"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    registry.reload()
    yield
    registry.reload()


def _warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_the_project_harvesters_are_registered():
    registry.reload()
    found = registry.available()
    assert {"noark5", "oep", "einnsyn-jsonld", "n5ws", "documents"} <= set(found)
    assert found["noark5"] is Noark5Harvester
    assert all(issubclass(cls, Harvester) for cls in found.values())


def test_bad_plugins_are_skipped_with_a_warning_naming_them(plugins, caplog):
    with caplog.at_level(logging.WARNING, logger="innsyn.harvest.registry"):
        found = registry.available()
    assert found["extra"].__name__ == "ExtraHarvester"
    assert found["noark5"] is Noark5Harvester
    for skipped in ("missing-module", "missing-attr", "not-a-class", "not-a-harvester", "crashes"):
        assert skipped not in found
    messages = _warnings(caplog)
    assert len(messages) == 6, messages

    def about(name):
        (message,) = [m for m in messages if m.startswith(f"harvester plugin {name!r} ")]
        assert "innsyn-test-plugins" in message
        return message

    assert "failed to load: ModuleNotFoundError" in about("missing-module")
    assert "innsyn_test_plugins_gone" in about("missing-module")
    assert "failed to load: AttributeError" in about("missing-attr")
    assert "NoSuchClass" in about("missing-attr")
    assert "RuntimeError: plugin import blew up" in about("crashes")
    assert "is not a subclass of innsyn.harvest.contract.Harvester" in about("not-a-class")
    assert "NotAHarvester" in about("not-a-harvester")
    duplicate = about("noark5")
    assert "the name is taken by harvesters.noark5:Noark5Harvester" in duplicate
    assert "innsyn_test_plugins:ExtraHarvester" in duplicate


def test_entry_points_are_loaded_once_until_reloaded(plugins, caplog):
    with caplog.at_level(logging.WARNING, logger="innsyn.harvest.registry"):
        registry.available()
        registry.available()
        registry.get_harvester("extra", "somewhere")
    assert len(_warnings(caplog)) == 6  # one load, not three
    caplog.clear()
    registry.reload()
    with caplog.at_level(logging.WARNING, logger="innsyn.harvest.registry"):
        registry.available()
    assert len(_warnings(caplog)) == 6


def test_available_is_a_copy(plugins):
    registry.available().pop("extra")
    assert "extra" in registry.available()


def test_get_harvester_builds_one_and_names_the_installed_on_a_typo(plugins):
    harvester = registry.get_harvester(
        "extra", "/data/x", {"complete": "yes"}, state={"since": "2024-01-01"}
    )
    assert type(harvester).__name__ == "ExtraHarvester"
    assert harvester.location == "/data/x" and harvester.complete is True
    assert harvester.state == {"since": "2024-01-01"} and not harvester.from_scratch
    with pytest.raises(KeyError, match=r"no harvester named 'noark' \(installed: .*noark5"):
        registry.get_harvester("noark", "/data/x")
