"""Scanned documents made in the test: Norwegian text rendered with a real font, then
rasterised into an image-only PDF (no text layer), as a scanner would produce."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Sequence
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")

PROTOCOL_LINES = (
    "Møteprotokoll for valgstyret i Ærøy kommune",
    "Sak 12/24 Godkjenning av valgoppgjøret",
    "Valgstyret behandlet søknaden om forhåndsstemmer fra sjøfolk.",
    "Vedtak: Valgstyret går inn for å godkjenne oppgjøret.",
    "Følgende møtte: Bjørn Østby, Åse Grønvik, Kåre Sæther.",
    "Protokollen ble lest opp og godkjent av de frammøtte.",
)
"""Lines of a municipal election protocol, with every one of æ, ø and å (both cases)."""


def page_image(lines: Sequence[str], rotate: int = 0, repeat: int = 1) -> object:
    """An A4 page at 300 dpi (greyscale) with ``lines`` (``repeat`` times) on it, turned by
    ``rotate`` degrees as a page fed into a scanner the wrong way."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 40)
    img = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(img)
    y = 250
    for line in [*lines] * repeat:
        draw.text((200, y), line, font=font, fill=0)
        y += 80
    return img.rotate(rotate, expand=True) if rotate else img


def scanned_pdf(pages: Sequence[object]) -> bytes:
    """An image-only PDF of ``pages`` (from ``page_image``)."""
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=300)  # type: ignore[attr-defined]
    return out.getvalue()


def protocol_scan(page_count: int, rotate_every: int = 0, heading: str = "") -> bytes:
    """A scanned protocol of ``page_count`` pages; page ``n`` starts with line ``n``
    (mod 6), so each page's text differs; every ``rotate_every``-th page is upside down;
    ``heading`` on top of each page (scans with different headings differ)."""
    pages = []
    for n in range(page_count):
        lines = [*PROTOCOL_LINES[n % 6 :], *PROTOCOL_LINES[: n % 6]]
        turned = 180 if rotate_every and (n + 1) % rotate_every == 0 else 0
        top = [heading] if heading else []
        pages.append(page_image([*top, f"Side {n + 1}", *lines], turned, repeat=3))
    return scanned_pdf(pages)


def join_pdfs(parts: Sequence[Path], out: Path) -> Path:
    """One PDF of ``parts`` (poppler's ``pdfunite``)."""
    subprocess.run(["pdfunite", *map(str, parts), str(out)], check=True, timeout=60)
    return out
