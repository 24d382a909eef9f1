"""Discovering harvester plugins through the ``innsyn.harvesters`` entry-point group.

Entry points are loaded once per process. A plugin that cannot be imported, that is not
a ``Harvester`` subclass, or whose name another plugin already took is skipped with a
``logging`` warning naming the entry point and what went wrong: one broken plugin never
stops the others (nor the web app) from working. The same entry point seen twice (one
plugin installed twice) is simply one plugin. Tests that install or remove plugins call
``reload()``.
"""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from innsyn.harvest.contract import Harvester
from innsyn.http_client import HttpClient

GROUP = "innsyn.harvesters"
log = logging.getLogger(__name__)


class Registry:
    """The harvester classes of one entry-point group, loaded on first use."""

    def __init__(self, group: str = GROUP) -> None:
        self.group = group
        self._classes: dict[str, type[Harvester]] | None = None

    def classes(self) -> dict[str, type[Harvester]]:
        """Installed harvester classes by entry-point name (loaded once)."""
        if self._classes is None:
            self._classes = self._load()
        return self._classes

    def reload(self) -> None:
        """Forget what was loaded: the next ``classes()`` reads the entry points again."""
        self._classes = None

    def _load(self) -> dict[str, type[Harvester]]:
        found: dict[str, type[Harvester]] = {}
        origin: dict[str, EntryPoint] = {}
        for ep in entry_points(group=self.group):
            first = origin.get(ep.name)
            if first is not None:
                if first.value != ep.value:
                    log.warning(
                        "harvester plugin %r (%s) skipped: the name is taken by %s",
                        ep.name,
                        _where(ep),
                        _where(first),
                    )
                continue
            cls = _load_class(ep)
            if cls is not None:
                found[ep.name] = cls
                origin[ep.name] = ep
        return found


def _where(ep: EntryPoint) -> str:
    dist = ep.dist.name if ep.dist is not None else "unknown distribution"
    return f"{ep.value} from {dist}"


def _load_class(ep: EntryPoint) -> type[Harvester] | None:
    try:
        loaded = ep.load()
    except Exception as exc:  # a plugin's import may fail in any way: skip it, never crash
        log.warning(
            "harvester plugin %r (%s) failed to load: %s: %s",
            ep.name,
            _where(ep),
            type(exc).__name__,
            exc,
        )
        return None
    if not (isinstance(loaded, type) and issubclass(loaded, Harvester)):
        log.warning(
            "harvester plugin %r (%s) skipped: %r is not a subclass of %s.Harvester",
            ep.name,
            _where(ep),
            loaded,
            Harvester.__module__,
        )
        return None
    return loaded


_registry = Registry()


def available() -> dict[str, type[Harvester]]:
    """Installed harvester classes by name (a copy: changing it changes nothing)."""
    return dict(_registry.classes())


def reload() -> None:
    """Read the entry points again on next use (tests that add or remove plugins)."""
    _registry.reload()


def get_harvester(
    name: str,
    location: str,
    params: dict[str, str] | None = None,
    *,
    http: HttpClient | None = None,
    state: dict[str, Any] | None = None,
) -> Harvester:
    """An instance of the harvester ``name`` for ``location``; ``KeyError`` naming the
    installed harvesters when there is none of that name."""
    classes = _registry.classes()
    if name not in classes:
        known = ", ".join(sorted(classes)) or "none"
        raise KeyError(f"no harvester named {name!r} (installed: {known})")
    return classes[name](location, params, http=http, state=state)
