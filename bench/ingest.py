"""Benchmark: our indexing path (store -> documents -> streaming_bulk, ``catch_up``)
against a raw ``_bulk`` of the same final documents into the same OpenSearch, same run.

Usage: .venv/bin/python -m bench.ingest [N]   (services from `innsyn services up`)
Prints entries/s for both and the ratio. Synthetic entries go into a temporary store.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx

from innsyn.config import Settings
from innsyn.indexing.documents import journalpost_document
from innsyn.indexing.indexer import catch_up
from innsyn.indexing.mappings import index_body
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.db import make_engine, make_sessionmaker, migrate
from innsyn.store.models import Enhet, Journalpost, Saksmappe

WORDS = [
    "søknad",
    "om",
    "tilskudd",
    "byggesak",
    "dispensasjon",
    "reguleringsplan",
    "vedtak",
    "klage",
    "skjenkebevilling",
    "gnr",
    "bnr",
    "tilbygg",
    "garasje",
    "veg",
    "vann",
    "avløp",
    "barnehage",
    "skole",
]


def fill_store(sessions, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    with sessions.begin() as s:
        enhet = Enhet(id="en_bench", navn="Benchmark kommune")
        s.add(enhet)
        for i in range(n):
            if i % 5 == 0:
                sak = Saksmappe(
                    id=f"sm_{i}",
                    source_key="bench",
                    system_id=f"S{i}",
                    saksaar=2020 + i % 6,
                    sakssekvensnummer=i + 1,
                    enhet=enhet,
                    offentlig_tittel=" ".join(rnd.choices(WORDS, k=5)),
                )
                s.add(sak)
            s.add(
                Journalpost(
                    id=f"jp_{i:08d}",
                    source_key="bench",
                    system_id=f"J{i}",
                    saksmappe=sak,
                    enhet=enhet,
                    journalaar=2020 + i % 6,
                    journalsekvensnummer=i,
                    journalpostnummer=i % 5 + 1,
                    journalposttype=rnd.choice("IUNX"),
                    journaldato=dt.date(2020, 1, 1) + dt.timedelta(days=i % 2000),
                    offentlig_tittel=" ".join(rnd.choices(WORDS, k=8)),
                )
            )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    base = Settings()
    tmp = Path(tempfile.mkdtemp(prefix="innsyn-bench-"))
    ours = base.model_copy(
        update={"data_dir": tmp, "database_url": "", "index_prefix": "bench-ours"}
    )
    client = make_client(ours)
    client.indices.delete(index="bench-*", ignore_unavailable=True)
    engine = make_engine(ours)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    fill_store(sessions, n)

    started = time.perf_counter()
    report = catch_up(ours, client, sessions)
    ours_s = time.perf_counter() - started

    blobs = BlobStore(ours.resolved_blob_dir)
    with sessions() as s:
        docs = [journalpost_document(ours, blobs, jp) for jp in s.query(Journalpost)]
    raw_index = "bench-raw"
    client.indices.create(index=raw_index, body=index_body(ours, "journalpost"))
    lines = []
    for d in docs:
        lines.append(json.dumps({"index": {"_index": raw_index, "_id": d["id"]}}))
        lines.append(json.dumps(d, ensure_ascii=False))
    url = ours.opensearch_urls[0]
    chunk = ours.bulk_chunk_size * 2
    started = time.perf_counter()
    with httpx.Client(timeout=120) as http:
        for i in range(0, len(lines), chunk):
            body = "\n".join(lines[i : i + chunk]) + "\n"
            http.post(
                f"{url}/_bulk",
                content=body.encode(),
                headers={"Content-Type": "application/x-ndjson"},
            ).raise_for_status()
        http.post(f"{url}/{raw_index}/_refresh")
    raw_s = time.perf_counter() - started
    ours_rate = n / ours_s
    raw_rate = n / raw_s
    print(f"entries: {n}")
    print(
        f"ours (store -> documents -> streaming_bulk): {ours_rate:,.0f} entries/s "
        f"({ours_s:.1f}s, {report.indexed} journalpost+saksmappe docs, failed {report.failed})"
    )
    print(f"raw _bulk of the same journalpost documents: {raw_rate:,.0f} entries/s ({raw_s:.1f}s)")
    print(f"ratio ours/raw: {ours_rate / raw_rate:.2f}")
    client.indices.delete(index="bench-*", ignore_unavailable=True)


if __name__ == "__main__":
    main()
