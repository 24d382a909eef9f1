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


def page_image(lines: Sequence[str], rotate: int = 0, repeat: int = 1, size: int = 40) -> object:
    """An A4 page at 300 dpi (greyscale) with ``lines`` (``repeat`` times) on it, turned by
    ``rotate`` degrees as a page fed into a scanner the wrong way; ``size`` in pixels
    (40 is a 10 pt font)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size)
    img = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(img)
    rows = [*lines] * repeat
    step = min(80, 3100 // max(1, len(rows)))
    y = 250
    for line in rows:
        draw.text((200, y), line, font=font, fill=0)
        y += step
    return img.rotate(rotate, expand=True) if rotate else img


def scanned_pdf(pages: Sequence[object]) -> bytes:
    """An image-only PDF of ``pages`` (from ``page_image``)."""
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=300)  # type: ignore[attr-defined]
    return out.getvalue()


def protocol_scan(
    page_count: int, rotate_every: int = 0, heading: str = "", full: bool = False
) -> bytes:
    """A scanned protocol of ``page_count`` pages; page ``n`` starts with line ``n``
    (mod 6), so each page's text differs; every ``rotate_every``-th page is upside down;
    ``heading`` on top of each page (scans with different headings differ). ``full``
    pages carry as many lines as a typed A4 page (about 45 lines of up to 100
    characters) instead of 24 short ones."""
    pages = []
    for n in range(page_count):
        lines = [*PROTOCOL_LINES[n % 6 :], *PROTOCOL_LINES[: n % 6]]
        if full:
            lines = [f"{a} {b}" for a, b in zip(lines, [*lines[1:], lines[0]], strict=True)]
        turned = 180 if rotate_every and (n + 1) % rotate_every == 0 else 0
        top = [heading] if heading else []
        rows = [*top, f"Side {n + 1}", *lines]
        pages.append(
            page_image(rows, turned, repeat=7, size=34) if full else page_image(rows, turned, 3)
        )
    return scanned_pdf(pages)


def join_pdfs(parts: Sequence[Path], out: Path) -> Path:
    """One PDF of ``parts`` (poppler's ``pdfunite``)."""
    subprocess.run(["pdfunite", *map(str, parts), str(out)], check=True, timeout=60)
    return out


def stamped_scan(page: object, stamp: str) -> bytes:
    """A one-page PDF of a scanned ``page`` (from ``page_image``) with ``stamp`` in its
    text layer, as an archive system stamps incoming mail ("Mottatt 12.03.2024, 24/1234-5"):
    the page has a little text, but its content is only in the image."""
    jpeg = io.BytesIO()
    page.save(jpeg, "JPEG", quality=80)  # type: ignore[attr-defined]
    width, height = page.size  # type: ignore[attr-defined]
    text = (
        stamp.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    )
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q BT /F1 9 Tf 40 825 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
        % (width, height, len(jpeg.getvalue()))
        + jpeg.getvalue()
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
