"""Benchmark: our OCR against raw tesseract on the same pages at the same parallelism, and
the time from harvest start until a scanned document's text is searchable.

Pages: scanned protocol pages made here (Norwegian text in a real font, as many lines as
a typed A4 page, rasterised into image-only PDFs, as ``tests.scans`` makes them),
several documents of a few pages.

Raw: the same pages, rendered beforehand (untimed) by ``pdftoppm`` at our resolution,
read by ``tesseract <page> - -l nor+eng --psm 1`` with ``OMP_THREAD_LIMIT=1`` at our
``nice`` level from a pool of P threads (P = our ``ocr_concurrency``). Half of the raw
run goes before ours and half after, so a machine load that drifts weighs on both alike.

Ours: the documents in a scratch store's OCR queue, read by an ``OcrWorker`` of
concurrency P (render, OCR, keep each page, write each document's text; no index).
Also Tika's own OCR of the same PDFs (``X-Tika-PDFOcrStrategy: ocr_only``, P requests at
a time), the way the harvest used to read scans, to show which way measures better.

Where the time goes: render-only and tesseract-only seconds per page, one at a time.

Time to searchable: a local web site publishes one scanned document of ``--pages``
pages; a documents harvest stores and indexes it (title searchable when it returns)
while an OCR worker (concurrency P, the index caught up after each document) reads it;
the clock stops when a word only the scan holds is found through the search API.

    .venv/bin/python -m bench.ocr [--documents N] [--pages-per-document K] [--pages S]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click
import httpx

from bench.common import BenchOptions, BenchResult, Target, say, scratch_settings
from innsyn.config import Settings
from innsyn.ocr.engine import check_tools, nice_prefix
from innsyn.ocr.queue import OcrNeed, enqueue
from innsyn.ocr.worker import OcrWorker
from innsyn.store.blobs import BlobStore
from innsyn.store.db import make_engine, make_sessionmaker, migrate
from innsyn.store.models import Dokumentbeskrivelse, Dokumentobjekt, Journalpost
from tests.scans import protocol_scan

RATIO_WANTED = 0.9
SCAN_WORD = "forhåndsstemmer"


def _make_pdfs(workdir: Path, documents: int, pages: int) -> list[Path]:
    out = []
    for n in range(documents):
        path = workdir / f"scan-{n}.pdf"
        if not path.exists():
            path.write_bytes(
                protocol_scan(pages, rotate_every=5, heading=f"Dokument {n + 1}", full=True)
            )
        out.append(path)
    return out


def _render_all(pdfs: list[Path], dpi: int, workdir: Path) -> list[Path]:
    images = []
    for pdf in pdfs:
        prefix = workdir / f"{pdf.stem}-page"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(prefix)], check=True)
        images.extend(sorted(workdir.glob(f"{pdf.stem}-page*.pgm")))
    return images


def _raw_tesseract(images: list[Path], settings: Settings, parallel: int) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    nice = nice_prefix(settings.ocr_nice)

    def one(image: Path) -> None:
        subprocess.run(
            [*nice, "tesseract", str(image), "-", "-l", settings.ocr_languages, "--psm", "1"],
            check=True,
            capture_output=True,
            env=env,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - started


def _ours(settings: Settings, pdfs: list[Path], pages: int, parallel: int) -> dict[str, Any]:
    engine = make_engine(settings)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    blobs = BlobStore(settings.resolved_blob_dir)
    with sessions.begin() as s:
        for n, pdf in enumerate(pdfs):
            blob = blobs.put_bytes(pdf.read_bytes())
            jp = Journalpost(id=f"jp{n}", source_key="bench", system_id=f"b{n}")
            doc = Dokumentbeskrivelse(id=f"db{n}", tittel=f"Skann {n}")
            doc.dokumentobjekter = [
                Dokumentobjekt(
                    id=f"do{n}",
                    sha256=blob.sha256,
                    media_type="application/pdf",
                    extraction_status="done",
                )
            ]
            jp.dokumentbeskrivelser = [doc]
            s.add(jp)
            need = OcrNeed("pdf", pages, list(range(1, pages + 1)))
            enqueue(s, blob.sha256, need, "application/pdf", None)
    worker = OcrWorker(settings, sessions, blobs, concurrency=parallel)
    started = time.perf_counter()
    report = worker.run()
    seconds = time.perf_counter() - started
    if report.pages_read + report.pages_failed != len(pdfs) * pages:
        raise RuntimeError(f"ours read {report.pages_read} pages of {len(pdfs) * pages}")
    engine.dispose()
    return {"seconds": seconds, "pages_read": report.pages_read, "failed": report.pages_failed}


def _tika_ocr(settings: Settings, pdfs: list[Path], parallel: int) -> float:
    headers = {
        "Accept": "application/json",
        "X-Tika-OCRLanguage": settings.ocr_languages,
        "X-Tika-PDFOcrStrategy": "ocr_only",
        "Content-Type": "application/pdf",
    }

    def one(pdf: Path) -> None:
        with httpx.Client(timeout=1800) as client:
            resp = client.put(
                f"{settings.tika_url}/rmeta/text", content=pdf.read_bytes(), headers=headers
            )
            resp.raise_for_status()

    started = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, pdfs))
    return time.perf_counter() - started


def _where_time_goes(pdf: Path, settings: Settings, pages: int) -> dict[str, float]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    render = ocr = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for page in range(1, min(pages, 3) + 1):
            image = Path(tmp) / f"p{page}.pgm"
            started = time.perf_counter()
            with image.open("wb") as out:
                subprocess.run(
                    [
                        "pdftoppm",
                        "-r",
                        str(settings.ocr_dpi),
                        "-gray",
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        "-singlefile",
                        str(pdf),
                    ],
                    check=True,
                    stdout=out,
                )
            render += time.perf_counter() - started
            started = time.perf_counter()
            subprocess.run(
                ["tesseract", str(image), "-", "-l", settings.ocr_languages, "--psm", "1"],
                check=True,
                capture_output=True,
                env=env,
            )
            ocr += time.perf_counter() - started
    n = min(pages, 3)
    return {"render_s_per_page": render / n, "tesseract_s_per_page": ocr / n}


def _time_to_searchable(opts: BenchOptions, pages: int, parallel: int) -> dict[str, float]:
    from harvesters.documents import DocumentsHarvester
    from innsyn.harvest.pipeline import RunContext, harvest
    from innsyn.http_client import HttpClient, HttpPolicy
    from innsyn.ocr.background import index_catch_up
    from tests.httpsource import DocumentSite
    from web import create_app

    settings = scratch_settings(opts.workdir, "ocr-searchable", ocr_concurrency=parallel)
    engine = make_engine(settings)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    web = create_app(settings).test_client()

    def found(q: str) -> bool:
        return bool(web.get("/api/v1/search", query_string={"q": q}).get_json()["total"])

    worker = OcrWorker(
        settings,
        sessions,
        BlobStore(settings.resolved_blob_dir),
        after_text=index_catch_up(settings, sessions, lambda _m: None),
    )
    reader = threading.Thread(target=worker.run, kwargs={"drain": False, "poll": 0.2})
    with DocumentSite() as site:
        scan = protocol_scan(pages, full=True)
        site.publish("valgprotokoll.pdf", scan, "Valgprotokoll", "application/pdf")
        reader.start()
        started = time.perf_counter()
        h = DocumentsHarvester(
            f"{site.base}/index.html",
            http=HttpClient(HttpPolicy(allow_private=True)),
            state={},
        )
        harvest(h, RunContext(settings, sessions, "docs"))
        harvested = time.perf_counter() - started
        title = found("Valgprotokoll")
        while not found(SCAN_WORD) and time.perf_counter() - started < 1800:
            time.sleep(0.2)
        searchable = time.perf_counter() - started
    worker.stop()
    reader.join()
    engine.dispose()
    return {
        "harvest_returned_s": harvested,
        "title_searchable_at_return": float(title),
        "text_searchable_s": searchable,
    }


def run(
    opts: BenchOptions, documents: int = 4, pages_per_document: int = 3, pages: int = 13
) -> BenchResult:
    """OCR pages/s ours vs raw tesseract (and Tika), where the time goes, and the time
    until a scanned document of ``pages`` pages is searchable."""
    base = scratch_settings(opts.workdir, "ocr")
    check_tools(base)
    parallel = max(1, base.ocr_concurrency)
    work = opts.workdir / "ocr-pages"
    work.mkdir(parents=True, exist_ok=True)
    say(f"ocr: making {documents} scanned documents of {pages_per_document} pages")
    pdfs = _make_pdfs(work, documents, pages_per_document)
    images = _render_all(pdfs, base.ocr_dpi, work)
    total = len(images)
    half = total // 2
    say(f"ocr: raw tesseract, first half ({half} pages, {parallel} at a time)")
    raw = _raw_tesseract(images[:half], base, parallel)
    say(f"ocr: ours ({total} pages, {parallel} at a time)")
    ours = _ours(base, pdfs, pages_per_document, parallel)
    say(f"ocr: raw tesseract, second half ({total - half} pages)")
    raw += _raw_tesseract(images[half:], base, parallel)
    say("ocr: Tika's own OCR of the same PDFs")
    tika = _tika_ocr(base, pdfs, parallel)
    split = _where_time_goes(pdfs[0], base, pages_per_document)
    say(f"ocr: time to searchable for one scan of {pages} pages")
    ttl = _time_to_searchable(opts, pages, parallel)

    res = BenchResult(name="ocr")
    ratio = (total / ours["seconds"]) / (total / raw) if ours["seconds"] else 0.0
    res.rows = [
        {
            "engine": "raw tesseract (pre-rendered)",
            "pages": total,
            "parallel": parallel,
            "seconds": raw,
            "pages_per_s": total / raw,
        },
        {
            "engine": "innsyn OCR worker",
            "pages": ours["pages_read"],
            "parallel": parallel,
            "seconds": ours["seconds"],
            "pages_per_s": total / ours["seconds"],
        },
        {
            "engine": "Tika OCR (ocr_only)",
            "pages": total,
            "parallel": parallel,
            "seconds": tika,
            "pages_per_s": total / tika,
        },
    ]
    res.figures = {"ratio": ratio, **split, **ttl, "pages_failed": ours["failed"]}
    res.targets.append(
        Target(
            f"OCR vs raw tesseract on the same pages ({parallel} at a time)",
            f">= {RATIO_WANTED:.2f} of raw pages/s",
            f"{ratio:.2f} ({total / ours['seconds']:.2f} vs {total / raw:.2f} pages/s)",
            ratio >= RATIO_WANTED and ours["failed"] == 0,
        )
    )
    res.notes.append(
        f"where the time goes, per page on one core: render {split['render_s_per_page']:.2f} s, "
        f"tesseract {split['tesseract_s_per_page']:.2f} s (ours renders too; raw got images)"
    )
    res.notes.append(
        f"one scan of {pages} pages: harvest returned after {ttl['harvest_returned_s']:.1f} s "
        f"with the title searchable ({bool(ttl['title_searchable_at_return'])}); its text was "
        f"searchable after {ttl['text_searchable_s']:.1f} s"
    )
    return res


@click.command()
@click.option("--documents", default=4, show_default=True, help="Scanned documents.")
@click.option("--pages-per-document", default=3, show_default=True)
@click.option("--pages", default=13, show_default=True, help="Pages of the time-to-search scan.")
@click.option("--workdir", default=None, type=click.Path(path_type=Path))
def main(documents: int, pages_per_document: int, pages: int, workdir: Path | None) -> None:
    """Our OCR vs raw tesseract and Tika; time until a scan is searchable."""
    opts = BenchOptions(workdir=workdir or Path(tempfile.mkdtemp(prefix="innsyn-bench-")))
    opts.workdir.mkdir(parents=True, exist_ok=True)
    try:
        res = run(opts, documents, pages_per_document, pages)
    finally:
        if workdir is None:
            shutil.rmtree(opts.workdir, ignore_errors=True)
    for row in res.rows:
        print(
            " | ".join(
                f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items()
            )
        )
    for key, value in res.figures.items():
        print(f"{key}: {value:.2f}" if isinstance(value, float) else f"{key}: {value}")
    for note in res.notes:
        print(f"- {note}")
    for t in res.targets:
        print(f"{t.name}: wanted {t.wanted}; measured {t.measured}; met: {t.met}")


if __name__ == "__main__":
    main()
