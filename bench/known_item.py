"""Known-item search: does a journalist who pastes a title or types a case number find the
entry at rank 1?

The installation holds the real journals of ``../shared/testdata`` (the demo sources)
and a generated municipal journal in both source formats (Noark 5 and OEP), whose many
similar titles (``Søknad om tilskudd - …``, ``Tilbud - … - firma AS``) are the hard part.
The queries are made from what the index holds, for every entry whose public title is
unique in it:

- ``pasted``: the title as it stands;
- ``lower`` / ``upper``: in lower case / in capitals, as OEP journals print them;
- ``dropped``: with one word left out (titles of four words or more);
- ``case``: the entry's case number in every spelling people use (``2024/123``,
  ``24/123``, ``123/2024``, ``2024/00123``), a hit when the first result is an entry of
  that case.

Each query goes through the same search as the API (``innsyn.search.searcher``). Prints
success@1 per kind and the misses of each kind. Run with the services up::

    python -m bench.known_item [--entries 2000]
"""

from __future__ import annotations

import random
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from werkzeug.datastructures import MultiDict

from innsyn.config import Settings

KINDS = ("pasted", "lower", "upper", "dropped", "case")


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    target: str
    """The entry id (or, for ``case``, the case number) the first hit must have."""


@dataclass
class Outcome:
    hits: Counter[str] = field(default_factory=Counter)
    tries: Counter[str] = field(default_factory=Counter)
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def rate(self, kind: str) -> float:
        return self.hits[kind] / self.tries[kind] if self.tries[kind] else 0.0

    def lines(self) -> list[str]:
        out = []
        for kind in KINDS:
            if self.tries[kind]:
                out.append(
                    f"{kind:8} success@1 {self.rate(kind):.3f} "
                    f"({self.hits[kind]}/{self.tries[kind]})"
                )
        return out


def _normal(title: str) -> str:
    return " ".join(title.lower().split())


def _entries(settings: Settings, client: Any) -> list[dict[str, Any]]:
    """Every entry in the index: id, public title, case number."""
    from opensearchpy.helpers import scan

    from innsyn.kinds import JOURNALPOST

    return [
        {"id": hit["_id"], **hit["_source"]}
        for hit in scan(
            client,
            index=JOURNALPOST.alias(settings),
            query={"_source": ["offentlig_tittel", "saksnummer"], "query": {"match_all": {}}},
        )
    ]


def _spellings(case: str) -> list[str]:
    year, seq = (int(p) for p in case.split("/"))
    return [f"{year}/{seq}", f"{year % 100:02d}/{seq}", f"{seq}/{year}", f"{year}/{seq:05d}"]


def queries(entries: list[dict[str, Any]], seed: int = 7) -> Iterator[Query]:
    """The known-item queries of ``entries`` (see the module docstring)."""
    rng = random.Random(seed)
    titles = Counter(_normal(e.get("offentlig_tittel") or "") for e in entries)
    case_sizes = Counter(e.get("saksnummer") for e in entries)
    cases_done: set[str] = set()
    for entry in entries:
        title = entry.get("offentlig_tittel") or ""
        if title and titles[_normal(title)] == 1:
            yield Query("pasted", title, entry["id"])
            yield Query("lower", title.lower(), entry["id"])
            yield Query("upper", title.upper(), entry["id"])
            words = title.split()
            if len(words) >= 4:
                drop = rng.randrange(len(words))
                yield Query("dropped", " ".join(words[:drop] + words[drop + 1 :]), entry["id"])
        case = entry.get("saksnummer")
        if case and case not in cases_done and case_sizes[case] and "/" in case:
            cases_done.add(case)
            for spelling in _spellings(case):
                yield Query("case", spelling, case)


def evaluate(settings: Settings, client: Any, found: Iterable[Query] | None = None) -> Outcome:
    """success@1 of every query, through the same search as the API."""
    from innsyn.search.params import parse_params
    from innsyn.search.searcher import search

    outcome = Outcome()
    for query in found if found is not None else queries(_entries(settings, client)):
        params = parse_params(MultiDict({"q": query.text, "size": "1"}), settings.max_query_length)
        result = search(settings, client, params, facets=False)
        first = result.items[0] if result.items else None
        if query.kind == "case":
            ok = first is not None and first.get("saksnummer") == query.target
        else:
            ok = first is not None and first.get("id") == query.target
        outcome.tries[query.kind] += 1
        if ok:
            outcome.hits[query.kind] += 1
        elif len(outcome.misses[query.kind]) < 10:
            got = first.get("offentlig_tittel") if first else None
            outcome.misses[query.kind].append(f"{query.text!r} -> {got!r}")
    return outcome


def load(settings: Settings, entries: int, echo: Any = print) -> None:
    """The demo journals and a generated journal of ``entries`` entries (Noark 5 and OEP
    halves) harvested into the installation of ``settings``."""
    from bench.datagen import write_noark5, write_oep
    from innsyn.demo import load_demo
    from innsyn.harvest.pipeline import RunContext, run_source
    from innsyn.store.db import open_store

    load_demo(settings, lambda _m: None)
    sessions = open_store(settings)
    with tempfile.TemporaryDirectory() as tmp:
        noark = Path(tmp) / "noark5"
        write_noark5(noark, entries // 2, seed=11)
        oep = Path(tmp) / "oep.xml"
        write_oep(oep, entries - entries // 2, seed=12)
        for kind, location, key in (("noark5", noark, "ki-noark5"), ("oep", oep, "ki-oep")):
            report = run_source(
                RunContext(settings, sessions, key, lambda _m: None), kind, str(location)
            )
            echo(f"{kind}: {report.summary()}")


@click.command()
@click.option("--entries", default=2000, show_default=True, help="Generated entries.")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the installation in this directory (and reuse it when it is there), "
    "to measure a change of the search without loading again.",
)
def main(entries: int, keep: Path | None) -> None:
    """Load the journals into a scratch installation and print success@1 per kind."""
    from bench.common import scratch_settings
    from innsyn.search_client import make_client

    with tempfile.TemporaryDirectory() as work:
        if keep is not None and (keep / "prefix").exists():
            prefix = (keep / "prefix").read_text().strip()
            settings = Settings().model_copy(
                update={"data_dir": keep, "database_url": "", "index_prefix": prefix}
            )
            client = make_client(settings)
            outcome = evaluate(settings, client)
        else:
            settings = scratch_settings(keep or Path(work), "known-item")
            if keep is not None:
                settings = settings.model_copy(update={"data_dir": keep})
                keep.mkdir(parents=True, exist_ok=True)
                (keep / "prefix").write_text(settings.index_prefix)
            client = make_client(settings)
            try:
                load(settings, entries)
                outcome = evaluate(settings, client)
            finally:
                if keep is None:
                    client.indices.delete(
                        index=f"{settings.index_prefix}-*", ignore_unavailable=True
                    )
    for line in outcome.lines():
        print(line)
    for kind, misses in outcome.misses.items():
        print(f"misses ({kind}):")
        for miss in misses:
            print(f"  {miss}")


if __name__ == "__main__":
    main()
