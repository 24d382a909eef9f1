"""Reading pages: which pages of a PDF lack a text layer, and OCR of one page.

Pages are rendered by poppler's ``pdftoppm`` and read by ``tesseract``, each page in
processes of its own (one CPU core each: ``OMP_THREAD_LIMIT=1``), so a page has its own
time limit, a crash harms one page only, and giving up kills the work for real: every
process is started in a session of its own and its whole process group is killed; if
the worker itself is killed, the kernel kills its page programs (``setpriv --pdeathsig``).
``tesseract --psm 1`` detects the orientation of rotated pages by itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from innsyn.config import Settings
from innsyn.ocr.status import PageStatus

OCR_IMAGE_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/tiff",
        "image/gif",
        "image/bmp",
        "image/x-ms-bmp",
        "image/webp",
        "image/x-portable-pixmap",
        "image/x-portable-graymap",
    }
)
"""Image files tesseract reads as they are: each is one page to OCR."""

PDF_TYPE = "application/pdf"
MAX_RENDER_PIXELS = 7000
"""The longest side of a rendered page in pixels; bigger pages are rendered at a lower
resolution, so a poster-sized page cannot take the worker's memory."""

SCAN_AREA = 8.0
"""Square inches of images that make a page a scan: more than a logo or a signature (a
twelfth of an A4 page; Tika's own image-only test PDF holds a 10 by 2.8 inch banner)."""

_WORD_CHAR = re.compile(r"\w", re.UNICODE)
_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)", re.MULTILINE)


class OcrToolMissing(RuntimeError):
    """A program or a language the OCR needs is not installed."""


class Cancelled(Exception):
    """The work on a page was given up because the worker is stopping."""


@dataclass(frozen=True)
class PageResult:
    """The outcome of one page: its text, or the reason it has none."""

    page: int
    status: PageStatus
    text: str
    error: str | None
    seconds: float


def needs_ocr(page_text: str, min_chars: int) -> bool:
    """Whether a page whose text layer is ``page_text`` must be read by OCR: it has fewer
    than ``min_chars`` letters and digits (a scan, or a scan with a stamp or page number)."""
    return len(_WORD_CHAR.findall(page_text)) < min_chars


def pages_needing_ocr(page_texts: Sequence[str], min_chars: int) -> list[int]:
    """The 1-based numbers of the pages that need OCR."""
    return [n for n, text in enumerate(page_texts, start=1) if needs_ocr(text, min_chars)]


def check_tools(settings: Settings) -> None:
    """Raise ``OcrToolMissing`` with what to install when a program or language is missing."""
    for program, package in (("pdftoppm", "poppler-utils"), ("tesseract", "tesseract-ocr")):
        if shutil.which(program) is None:
            raise OcrToolMissing(f"{program} is not installed (apt-get install {package})")
    out = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    have = set(out.stdout.split())
    wanted = [*settings.ocr_languages.split("+"), "osd"]
    missing = [lang for lang in wanted if lang not in have]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise OcrToolMissing(
            f"tesseract language data missing: {', '.join(missing)} (apt-get install {packages})"
        )


def pdf_text_pages(path: Path, timeout: float) -> list[str]:
    """The text layer of each page of a PDF (poppler's ``pdftotext``; pages end in a form
    feed). Raises ``subprocess.SubprocessError`` or ``OSError`` when the file cannot be read."""
    out = subprocess.run(
        ["pdftotext", "-q", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    pages = out.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def pdf_image_pages(path: Path, timeout: float, least_area: float = SCAN_AREA) -> set[int]:
    """The pages of a PDF whose images cover at least ``least_area`` square inches
    together (poppler's ``pdfimages -list``; soft masks do not count): a scanned page, not
    a logo or a signature."""
    out = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, timeout=timeout, check=True
    )
    areas: dict[int, float] = {}
    for line in out.stdout.decode("utf-8", "replace").splitlines()[2:]:
        cols = line.split()
        if len(cols) < 14 or cols[2] == "smask":
            continue
        try:
            page, width, height = int(cols[0]), int(cols[3]), int(cols[4])
            xppi, yppi = float(cols[12]), float(cols[13])
        except ValueError:
            continue
        if xppi > 0 and yppi > 0:
            areas[page] = areas.get(page, 0.0) + (width / xppi) * (height / yppi)
    return {page for page, area in areas.items() if area >= least_area}


def pdf_page_sizes(path: Path, timeout: float) -> list[tuple[float, float]]:
    """The size of each page in points (poppler's ``pdfinfo``)."""
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "100000", str(path)],
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    text = out.stdout.decode("utf-8", "replace")
    return [(float(w), float(h)) for _, w, h in _PAGE_SIZE.findall(text)]


def render_dpi(size: tuple[float, float] | None, dpi: int) -> int:
    """The resolution to render a page of ``size`` points at: ``dpi``, lowered so its
    longest side stays within ``MAX_RENDER_PIXELS``."""
    if size is None:
        return dpi
    longest = max(size) / 72.0
    if longest * dpi <= MAX_RENDER_PIXELS:
        return dpi
    return max(50, int(MAX_RENDER_PIXELS / longest))


class PageReader:
    """Reads single pages of files with tesseract, honouring a time limit and a stop
    signal; safe to use from several threads at once."""

    def __init__(self, settings: Settings, stop: threading.Event | None = None) -> None:
        self.languages = settings.ocr_languages
        self.timeout = settings.ocr_page_timeout
        self.dpi = settings.ocr_dpi
        self.nice = nice_prefix(settings.ocr_nice)
        self.stop = stop or threading.Event()

    def read_pdf_page(
        self, path: Path, page: int, size: tuple[float, float] | None = None
    ) -> PageResult:
        """OCR page ``page`` (1-based) of the PDF at ``path``."""
        dpi = render_dpi(size, self.dpi)
        render = ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page)]
        return self._read(page, [*render, "-singlefile", str(path)], "stdin")

    def read_image(self, path: Path) -> PageResult:
        """OCR an image file as page 1."""
        return self._read(1, None, str(path))

    def _read(self, page: int, render: list[str] | None, source: str) -> PageResult:
        started = time.monotonic()
        try:
            text = self._run(render, source, started + self.timeout)
        except subprocess.TimeoutExpired:
            return self._failed(page, f"timed out after {self.timeout:g} s", started)
        except subprocess.CalledProcessError as exc:
            return self._failed(page, str(exc.stderr or exc), started)
        except OSError as exc:
            return self._failed(page, f"could not run OCR: {exc}", started)
        return PageResult(page, PageStatus.DONE, text.strip(), None, time.monotonic() - started)

    @staticmethod
    def _failed(page: int, error: str, started: float) -> PageResult:
        return PageResult(page, PageStatus.FAILED, "", error[:500], time.monotonic() - started)

    def _run(self, render: list[str] | None, source: str, deadline: float) -> str:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        with tempfile.TemporaryDirectory(prefix="innsyn-ocr-") as tmp:
            base = Path(tmp) / "page"
            err = (Path(tmp) / "stderr").open("w+b")
            procs: list[subprocess.Popen[bytes]] = []
            try:
                stdin = None
                guard = [*_death_guard(), *self.nice]
                if render is not None:
                    renderer = subprocess.Popen(
                        [*guard, *render],
                        stdout=subprocess.PIPE,
                        stderr=err,
                        start_new_session=True,
                    )
                    procs.append(renderer)
                    stdin = renderer.stdout
                reader = subprocess.Popen(
                    [*guard, "tesseract", source, str(base), "-l", self.languages, "--psm", "1"],
                    stdin=stdin,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    env=env,
                    start_new_session=True,
                )
                procs.append(reader)
                if stdin is not None:
                    stdin.close()
                self._wait(procs, deadline)
                failed = [p for p in procs if p.returncode and p.returncode != -signal.SIGPIPE]
                if failed:
                    err.seek(0)
                    lines = err.read().decode("utf-8", "replace").strip().splitlines()
                    name = "pdftoppm" if failed[0] is not procs[-1] else "tesseract"
                    last = lines[-1] if lines else f"exit status {failed[0].returncode}"
                    for where in (tmp, *(render or [])[-1:], source):
                        last = last.replace(where, "<file>") if where != "stdin" else last
                    raise subprocess.CalledProcessError(
                        failed[0].returncode, failed[0].args, stderr=f"{name} failed: {last}"
                    )
                return (base.with_suffix(".txt")).read_text("utf-8", "replace")
            finally:
                for proc in procs:
                    _kill_group(proc)
                err.close()

    def _wait(self, procs: list[subprocess.Popen[bytes]], deadline: float) -> None:
        for proc in procs:
            while True:
                if self.stop.is_set():
                    raise Cancelled()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise subprocess.TimeoutExpired(proc.args, 0)
                try:
                    proc.wait(timeout=min(0.2, remaining))
                    break
                except subprocess.TimeoutExpired:
                    continue


def nice_prefix(level: int) -> list[str]:
    """A prefix that runs a program at scheduling priority ``level`` (coreutils ``nice``):
    OCR is background work and yields the CPU to the web server and harvests."""
    return ["nice", "-n", str(level)] if level and shutil.which("nice") else []


def _death_guard() -> list[str]:
    """A prefix that kills a page's programs when the worker dies, even by SIGKILL
    (util-linux ``setpriv --pdeathsig``), so no OCR outlives the worker that gave it."""
    return ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill ``proc`` and everything it started, unless it has already exited."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
