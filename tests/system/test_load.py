"""A bounded load on loopback: the search API under gunicorn (a real subprocess, 4 sync
workers) with 32 concurrent clients for 60 seconds, over a real index of ~1 500 entries.

The index holds the real Noark 5 sample extractions from ``../shared/testdata`` (harvested
through the pipeline, with Tika) and entries whose titles and document texts are real
Norwegian sentences (Universal Dependencies, bokmål and nynorsk), spread over 40 agencies
of the public-body registry with sub-units, five years and every entry type.

The clients send a mix of realistic searches (words, two words, phrases, prefixes, OR,
exclusions, case numbers, agency/type/date filters, date sorting, empty queries with
facets, and a second page through ``next_cursor``). The test asserts correctness under
load: every answer is a 200 with a result, no connection error, and enough requests
completed that a hung or crashing server fails it. Latency percentiles and throughput are
printed (``pytest -s``), attached with ``record_property`` and written to ``load.json`` in
the test's tmp dir; they are figures, not assertions (speed is judged in ``bench/``).

The search rate limit (``INNSYN_RATE_LIMIT_SEARCH``, 600 per minute per client address)
would answer 429 to 32 clients that all come from 127.0.0.1, so the server runs with it
raised to a million per minute.

``INNSYN_LOAD_SECONDS`` shortens or lengthens the run (default 60).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from harvesters.noark5 import Noark5Harvester
from innsyn.config import Settings
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.indexing.indexer import catch_up
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentbeskrivelse, Dokumentobjekt, Enhet, Saksmappe
from tests.factories import add_entry, store
from tests.gunicorn_server import GunicornServer, settings_env

CLIENTS = 32
WORKERS = 4
SECONDS = float(os.environ.get("INNSYN_LOAD_SECONDS", "60"))
ENTRIES = 1500
AGENCIES = 40
MIN_COMPLETED = 500

ARKADE = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData"
REAL_SOURCES = [
    f"{ARKADE}/Noark5/Version5_5",
    f"{ARKADE}/Noark5/Small",
    f"{ARKADE}/Noark5/Noark5Archive/offentligJournal.xml",
    f"{ARKADE}/tar/n5-eksempel/n5-guid.tar",
    "felleslosninger-docs/resources/einnsyn/eksempelfiler/3_jpost_allefelter_noark5.xml",
]
UD_FILES = ["ud/no_bokmaal-ud-dev.conllu", "ud/no_nynorsk-ud-dev.conllu"]


@dataclass
class Corpus:
    """What the clients search for: words, phrases and case numbers that are in the index."""

    words: list[str]
    phrases: list[str]
    case_numbers: list[str]
    agencies: list[str]


def _sentences(testdata: Path) -> list[str]:
    out = []
    for name in UD_FILES:
        for line in (testdata / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("# text = "):
                text = line[len("# text = ") :].strip()
                if 20 <= len(text) <= 300:
                    out.append(text)
    return out


def _agencies(testdata: Path, rng: random.Random) -> list[tuple[str, str]]:
    entities = json.loads((testdata / "registries/offpost-entities.json").read_text("utf-8"))
    picked = rng.sample(sorted(entities.values(), key=lambda e: e["entity_id"]), AGENCIES)
    return [(e["entity_id"][:60], e["name"]) for e in picked]


def populate(settings: Settings, testdata: Path) -> Corpus:
    """Harvest the real samples, add generated entries from real sentences, index it all."""
    rng = random.Random(7)
    sessions = store(settings)
    for i, rel in enumerate(REAL_SOURCES):
        report = harvest(
            Noark5Harvester(str(testdata / rel), {}), RunContext(settings, sessions, f"real{i}")
        )
        assert report.counts["new"] >= 1, (rel, report.errors)
    sentences = _sentences(testdata)
    agencies = _agencies(testdata, rng)
    case_numbers = _generate(sessions, settings, sentences, agencies, rng)
    report = catch_up(settings, make_client(settings), sessions)
    assert report.failed == 0, report.summary()

    counts = Counter(
        w.lower() for s in sentences for w in re.findall(r"[^\W\d_]{5,}", s, re.UNICODE)
    )
    words = [w for w, n in counts.most_common(600) if n >= 3][100:]
    phrases = [" ".join(s.split()[:2]) for s in rng.sample(sentences, 200)]
    return Corpus(words, phrases, case_numbers, [ident for ident, _ in agencies])


def _generate(
    sessions: sessionmaker[Session],
    settings: Settings,
    sentences: list[str],
    agencies: list[tuple[str, str]],
    rng: random.Random,
) -> list[str]:
    blobs = BlobStore(settings.resolved_blob_dir)
    case_numbers = []
    with sessions.begin() as s:
        units = []
        for ident, name in agencies:
            top = Enhet(id=ident, navn=name)
            units += [top, Enhet(id=f"{ident[:50]}-arkiv", navn=f"{name}, arkiv", parent=top)]
        s.add_all(units)
        sak: Saksmappe | None = None
        for i in range(ENTRIES):
            enhet = rng.choice(units)
            day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(5 * 365))
            title = " ".join(rng.choice(sentences).split()[:14])
            jp = add_entry(
                s,
                title,
                saksaar=day.year,
                seq=1000 + i // 3,
                nr=i % 3 + 1,
                enhet=enhet,
                journaldato=day,
                sak=sak if i % 3 else None,
                journalposttype=rng.choice("IIIUUUNXS"),
                publisert_dato=dt.datetime.combine(day, dt.time(12), dt.UTC),
            )
            sak = jp.saksmappe
            if i % 3 == 0:
                case_numbers.append(f"{day.year}/{1000 + i // 3}")
            if i % 6 == 0:
                text = blobs.put_text(" ".join(rng.sample(sentences, rng.randint(3, 12))))
                doc = Dokumentbeskrivelse(id=f"load_db{i}", tittel="Brev", dokumentnummer=1)
                doc.dokumentobjekter = [
                    Dokumentobjekt(
                        id=f"load_do{i}",
                        media_type="text/plain",
                        extraction_status="done",
                        text_sha256=text.sha256,
                    )
                ]
                jp.dokumentbeskrivelser = [doc]
    return case_numbers


def _request(rng: random.Random, corpus: Corpus) -> dict[str, Any]:
    """The parameters of one realistic search."""
    word = rng.choice(corpus.words)
    kind = rng.random()
    if kind < 0.30:
        params: dict[str, Any] = {"q": word}
    elif kind < 0.45:
        params = {"q": f"{word} {rng.choice(corpus.words)}"}
    elif kind < 0.55:
        params = {"q": f'"{rng.choice(corpus.phrases)}"'}
    elif kind < 0.62:
        params = {"q": word[:4] + "*"}
    elif kind < 0.68:
        params = {"q": f"{word} OR {rng.choice(corpus.words)}"}
    elif kind < 0.72:
        params = {"q": f"{word} -{rng.choice(corpus.words)}"}
    elif kind < 0.80:
        params = {"q": rng.choice(corpus.case_numbers)}
    elif kind < 0.88:
        params = {"q": word, "enhet": rng.choice(corpus.agencies), "journalposttype": "I"}
    elif kind < 0.94:
        year = rng.randint(2022, 2026)
        params = {
            "q": word,
            "journaldato_from": f"{year}-01-01",
            "journaldato_to": f"{year}-12-31",
            "sort": "date_desc",
            "size": 50,
        }
    else:
        params = {"sort": rng.choice(["date_desc", "relevance"])}
    return params


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    with_hits: int = 0
    second_pages: int = 0


async def _client(
    http: httpx.AsyncClient, url: str, corpus: Corpus, seed: int, stop: float, tally: Tally
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop:
        params = _request(rng, corpus)
        for _ in range(2):
            start = time.perf_counter()
            try:
                resp = await http.get(url, params=params)
            except httpx.HTTPError as exc:
                tally.errors.append(f"{type(exc).__name__}: {exc} ({params})")
                break
            tally.latencies.append(time.perf_counter() - start)
            tally.statuses[resp.status_code] += 1
            if resp.status_code != 200:
                tally.errors.append(f"{resp.status_code} {resp.text[:200]} ({params})")
                break
            body = resp.json()
            tally.with_hits += body["total"] > 0
            if "cursor" in params or not body["next_cursor"] or rng.random() < 0.8:
                break
            params = {**params, "cursor": body["next_cursor"]}
            tally.second_pages += 1


async def _run_load(url: str, corpus: Corpus, seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=60.0, limits=limits) as http:
        start = time.monotonic()
        await asyncio.gather(
            *(_client(http, url, corpus, seed, start + seconds, tally) for seed in range(CLIENTS))
        )
        elapsed = time.monotonic() - start
    return tally, elapsed


def _percentile(sorted_values: list[float], p: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def test_search_api_under_load(settings, testdata, tmp_path, record_property):
    corpus = populate(settings, testdata)
    env = settings_env(settings, INNSYN_RATE_LIMIT_SEARCH="1000000 per minute")
    with GunicornServer(env, workers=WORKERS, log_path=tmp_path / "gunicorn.log") as server:
        url = f"{server.url}/api/v1/search"
        probe = httpx.get(url, params={"q": corpus.case_numbers[0]}, timeout=30)
        assert probe.status_code == 200 and probe.json()["total"] >= 1, probe.text[:300]
        tally, elapsed = asyncio.run(_run_load(url, corpus, SECONDS))
        log = server.log_tail(200)

    done = len(tally.latencies)
    latencies = sorted(tally.latencies)
    figures = {
        "clients": CLIENTS,
        "gunicorn_workers": WORKERS,
        "seconds": round(elapsed, 1),
        "requests": done,
        "requests_per_s": round(done / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 50) * 1000, 1) if done else None,
        "p95_ms": round(_percentile(latencies, 95) * 1000, 1) if done else None,
        "p99_ms": round(_percentile(latencies, 99) * 1000, 1) if done else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if done else None,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "errors": len(tally.errors),
        "with_hits": tally.with_hits,
        "second_pages": tally.second_pages,
    }
    (tmp_path / "load.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    for key, value in figures.items():
        record_property(key, value)
    print(f"\nload: {json.dumps(figures)}\n(written to {tmp_path / 'load.json'})")

    assert not tally.errors, f"{len(tally.errors)} failures, first: {tally.errors[:5]}\n{log}"
    assert set(tally.statuses) == {200}, tally.statuses
    assert "Traceback" not in log, log
    assert done > MIN_COMPLETED, figures
    assert tally.with_hits > done // 2, figures
    assert tally.second_pages > 0, figures
