"""Site caps on what one harvest may cost: archive members and size, XML node size and
depth, the time of one regular-expression match.

The site sets each cap (``INNSYN_*``, ``innsyn.config``); a job's parameter of the same
name may only lower it. ``param_errors`` refuses a higher value when a job is saved;
``clamp_params`` applies the caps again when a run starts, whatever is stored, and
writes the effective values into the parameters the harvester gets (so they reach a
child reader process too). ``caps`` reads them back in the harvester.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from innsyn.config import Settings

CAPPED_PARAMS: dict[str, type] = {
    "archive_max_members": int,
    "archive_max_uncompressed": int,
    "archive_max_ratio": int,
    "xml_max_node_bytes": int,
    "xml_max_depth": int,
    "pattern_timeout": float,
}
"""Job parameters that stand for a site cap, with their type; each is a ``Settings`` field."""


@dataclass(frozen=True)
class Caps:
    """The caps in force for one harvest."""

    archive_max_members: int
    archive_max_uncompressed: int
    archive_max_ratio: int
    xml_max_node_bytes: int
    xml_max_depth: int
    pattern_timeout: float


def _number(kind: type, raw: str) -> float | int | None:
    text = raw.strip()
    if not text.isascii():
        return None
    try:
        value = kind(text)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if 0 < value < float("inf") else None


def param_errors(settings: Settings, params: dict[str, str]) -> dict[str, str]:
    """Why the capped parameters in ``params`` may not be saved, by parameter (empty when
    they may): each must be a positive number no higher than the site's cap."""
    errors: dict[str, str] = {}
    for name, kind in CAPPED_PARAMS.items():
        if name not in params:
            continue
        site = getattr(settings, name)
        value = _number(kind, params[name])
        if value is None:
            errors[name] = f"a positive {'whole ' if kind is int else ''}number, at most {site}"
        elif value > site:
            errors[name] = (
                f"{value} is above the site's cap {site} (INNSYN_{name.upper()}); "
                "a job may only lower it"
            )
    return errors


def clamp_params(settings: Settings, params: dict[str, str]) -> dict[str, str]:
    """``params`` with every capped parameter set to the lower of its value and the
    site's cap (the site's cap when missing or unreadable)."""
    out = dict(params)
    for name, kind in CAPPED_PARAMS.items():
        site = getattr(settings, name)
        value = _number(kind, out.get(name, ""))
        out[name] = str(site if value is None else min(value, site))
    return out


def caps(params: dict[str, str]) -> Caps:
    """The caps for a harvester with ``params``: each parameter as ``clamp_params`` set
    it for the run; the default site cap where it is missing (a harvester made outside
    a run)."""
    values: dict[str, Any] = {}
    for name, kind in CAPPED_PARAMS.items():
        value = _number(kind, params.get(name, ""))
        values[name] = Settings.model_fields[name].default if value is None else value
    return Caps(**values)
