"""Discovering harvester plugins through the ``innsyn.harvesters`` entry-point group."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

GROUP = "innsyn.harvesters"


def available() -> dict[str, Any]:
    """Installed harvester classes by name."""
    found: dict[str, Any] = {}
    for ep in entry_points(group=GROUP):
        found[ep.name] = ep.load()
    return found


def get_harvester(
    name: str,
    location: str,
    params: dict[str, str] | None = None,
    *,
    http: Any = None,
    state: dict[str, Any] | None = None,
) -> Any:
    """An instance of the harvester ``name`` for ``location``."""
    classes = available()
    if name not in classes:
        known = ", ".join(sorted(classes)) or "none"
        raise KeyError(f"no harvester named {name!r} (installed: {known})")
    return classes[name](location, params, http=http, state=state)
