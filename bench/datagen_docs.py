"""Document files for the synthetic journals (``bench.datagen``): letters, notes and
saksframlegg as multi-page PDFs (Helvetica, WinAnsi so æøå survive), DOCX made with
python-docx, e-mails (.eml), and real files from ``../shared/testdata/tika``.

Every generated file is byte-for-byte deterministic (fixed dates in PDF info, DOCX core
properties and zip entries, e-mail headers) and its text is unique to its entry and
document number, so the content-addressed store keeps each one, unless a
``duplicate_share`` asks for some files to repeat earlier ones. The text never names a
private person.
"""

from __future__ import annotations

import io
import random
import textwrap
import zipfile
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from functools import lru_cache

from bench import datagen_vocab as V
from bench.datagen_model import TESTDATA, Agency, Case, Entry, iso, norwegian

TIKA_FILES = TESTDATA / "tika"
LINES_PER_PAGE = 52
LINE_WIDTH = 92


@dataclass
class DocFile:
    """A document's file: bytes and how the extraction describes it."""

    data: bytes
    ext: str
    format: str
    variantformat: str
    title: str
    source: str = "generated"


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(title: str, lines: list[str], day: int) -> bytes:
    """A PDF of ``lines`` (already wrapped), ``LINES_PER_PAGE`` to a page, titled ``title``."""
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    n_pages = len(pages)
    font_id, info_id, first_page = 3, 4, 5
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
    date = iso(day).replace("-", "")
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title "
        + _pdf_string(title)
        + b" /Producer (Innsyn testdata) /CreationDate (D:"
        + date.encode()
        + b"120000Z) >>",
    ]
    for number, page in enumerate(pages):
        content = bytearray(b"BT /F1 10 Tf 13 TL 56 790 Td\n")
        for line in page:
            content += _pdf_string(line) + b" Tj T*\n"
        content += b"ET"
        page_id = first_page + 2 * number
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << "
            f"/F1 {font_id} 0 R >> >> /Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(
            f"<< /Length {len(content)} >>\nstream\n".encode() + bytes(content) + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe6\xf8\xe5\xc6\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info_id} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


@lru_cache(maxsize=1)
def _docx_skeleton() -> tuple[bytes, str, str]:
    """A python-docx package without its body and core properties (zip bytes, with fixed
    dates), and the document.xml text before and after the body's paragraphs."""
    from docx import Document

    raw = io.BytesIO()
    Document().save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        document = src.read("word/document.xml").decode("utf-8")
        for info in src.infolist():
            if info.filename in ("word/document.xml", "docProps/core.xml"):
                continue
            dst.writestr(_zipinfo(info.filename), src.read(info))
    body = document.index("<w:body>") + len("<w:body>")
    tail = document.index("<w:sectPr", body)
    return out.getvalue(), document[:body], document[tail:]


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _w_paragraph(text: str, style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{_x(text)}</w:t></w:r></w:p>'


def docx_bytes(title: str, blocks: list[tuple[str, str]], author: str, day: int) -> bytes:
    """A DOCX of ``blocks`` (``("h", text)`` headings, ``("p", text)`` paragraphs): the
    body and core properties written into a python-docx package made once (styles,
    theme, settings), so the same input gives the same bytes, fast."""
    skeleton, head, tail = _docx_skeleton()
    body = [_w_paragraph(title, "Heading1")]
    body += [_w_paragraph(text, "Heading2" if kind == "h" else None) for kind, text in blocks]
    when = f"{iso(day)}T12:00:00Z"
    core = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_x(title)}</dc:title><dc:creator>{_x(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{_x(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    out = io.BytesIO(skeleton)
    out.seek(0, io.SEEK_END)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_zipinfo("word/document.xml"), head + "".join(body) + tail)
        z.writestr(_zipinfo("docProps/core.xml"), core)
    return out.getvalue()


def eml_bytes(subject: str, sender: str, to: str, day: int, body: str, message_id: str) -> bytes:
    """An RFC 5322 e-mail (UTF-8, quoted-printable) with fixed headers."""
    import datetime as dt

    msg = EmailMessage(policy=SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(
        dt.datetime.fromisoformat(iso(day) + "T09:30:00").replace(tzinfo=dt.UTC)
    )
    msg["Message-ID"] = f"<{message_id}@innsyn.test>"
    msg.set_content(body, charset="utf-8", cte="quoted-printable")
    return msg.as_bytes()


def _slug(name: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in name.lower())
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "á": "a"})
    return "-".join(part for part in keep.translate(table).split("-") if part)[:40] or "post"


class _Words(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


class DocumentMaker:
    """Makes the files of the documents, one call per document, in a fixed order."""

    def __init__(
        self, seed: int, agency: Agency, *, duplicate_share: float = 0.0, hard_files: bool = False
    ) -> None:
        self.seed = seed
        self.agency = agency
        self.duplicate_share = duplicate_share
        self.dup_rng = random.Random(f"duplicates:{seed}")
        self.recent: deque[DocFile] = deque(maxlen=32)
        files = list(V.REAL_FILES)
        if hard_files:
            files = [f for pair in zip(V.REAL_FILES, V.HARD_FILES, strict=False) for f in pair]
            files += V.REAL_FILES[len(V.HARD_FILES) :] + V.HARD_FILES[len(V.REAL_FILES) :]
        self.real: deque[tuple[str, str, str]] = deque(
            f for f in files if (TIKA_FILES / f[0]).is_file()
        )
        self.count = 0

    def make(self, case: Case, entry: Entry, number: int, title: str, main: bool) -> DocFile:
        """The file of document ``number`` of ``entry`` (``main``: the hoveddokument)."""
        index = self.count
        self.count += 1
        if self.real and index % 9 == 4:
            rel, ext, variant = self.real.popleft()
            data = (TIKA_FILES / rel).read_bytes()
            doc = DocFile(data, ext, ext, variant, title, f"tika/{rel}")
        elif self.recent and self.duplicate_share and self.dup_rng.random() < self.duplicate_share:
            old = self.dup_rng.choice(self.recent)
            return DocFile(old.data, old.ext, old.format, old.variantformat, title, "duplicate")
        else:
            doc = self._generated(case, entry, number, title, main, index)
        self.recent.append(doc)
        return doc

    def _generated(
        self, case: Case, entry: Entry, number: int, title: str, main: bool, index: int
    ) -> DocFile:
        rng = random.Random(f"doc:{self.seed}:{index}")
        blocks = self._text(rng, case, entry, number, title, main)
        kind = self._kind(rng, entry)
        day = entry.dokumentdag
        if kind == "eml":
            party = entry.parties[0].name
            body = "\n\n".join(text for _k, text in blocks)
            data = eml_bytes(
                title,
                f"{party} <post@{_slug(party)}.no>",
                f"{self.agency.name} <{self.agency.email or 'postmottak@kommune.no'}>",
                day,
                body,
                f"{entry.system_id}.{number}",
            )
            return DocFile(data, "eml", "eml", "Produksjonsformat", title)
        if kind == "docx":
            data = docx_bytes(title, blocks, self.agency.name, day)
            return DocFile(data, "docx", "docx", "Produksjonsformat", title)
        lines: list[str] = [title, ""]
        for k, text in blocks:
            if k == "h":
                lines += ["", text.upper()]
            else:
                lines += [*textwrap.wrap(text, LINE_WIDTH), ""]
        return DocFile(pdf_bytes(title, lines, day), "pdf", "pdf", "Arkivformat", title)

    @staticmethod
    def _kind(rng: random.Random, entry: Entry) -> str:
        x = rng.random()
        if entry.jtype == "I":
            if x < 0.25 and not entry.parties[0].person:
                return "eml"
            return "docx" if x > 0.85 else "pdf"
        if entry.jtype == "U":
            return "docx" if x < 0.45 else "pdf"
        if entry.jtype == "S":
            return "docx" if x < 0.3 else "pdf"
        return "docx" if x < 0.7 else "pdf"

    def _text(
        self, rng: random.Random, case: Case, entry: Entry, number: int, title: str, main: bool
    ) -> list[tuple[str, str]]:
        words = _Words(case.ctx)
        words.update(
            {
                "dato": norwegian(max(entry.journaldag - rng.randint(3, 40), 0)),
                "henvendelse": rng.choice(V.HENVENDELSER),
                "uker": str(rng.randint(3, 12)),
                "belop": f"{rng.randint(2, 900) * 1000:,}".replace(",", " "),
                "antall": str(rng.randint(2, 60)),
                "organ": rng.choice(V.POLITICAL_BODIES),
                "lov": rng.choice(V.LAWS),
                "meter": str(rng.randint(3, 60)),
                "person": "søker",
            }
        )

        used: set[str] = set()

        def sentence(pool: tuple[str, ...]) -> str:
            choice = rng.choice(pool)
            for _ in range(3):
                if choice not in used:
                    break
                choice = rng.choice(pool)
            used.add(choice)
            return choice.format_map(words)

        own = V.DOMAIN_SENTENCES.get(case.domain, V.COMMON_SENTENCES)

        def paragraph(n: int) -> str:
            return " ".join(
                sentence(own if rng.random() < 0.6 else V.COMMON_SENTENCES) for _ in range(n)
            )

        ref = f"{case.saksnummer}-{entry.number}"
        header = [
            ("p", f"{self.agency.name} - {case.unit}"),
            (
                "p",
                f"Vår ref.: {ref}   Dokumentnummer: {number}   "
                f"Dato: {norwegian(entry.dokumentdag)}   Arkivkode: {case.klasse[0]}",
            ),
            ("p", f"Sak: {case.public or 'Unntatt offentlighet'}"),
        ]
        if not main:
            return [
                *header,
                ("p", f"Vedlegg {number} til {entry.public or 'dokument'}."),
                ("p", paragraph(rng.randint(2, 5))),
            ]
        blocks = list(header)
        if entry.jtype == "S":
            blocks.append(
                ("p", f"Utvalg: {entry.parties[0].name}   Saksbehandler: {case.initials}")
            )
            for heading in V.SAKSFRAMLEGG_HEADINGS:
                blocks.append(("h", heading))
                for _ in range(rng.randint(1, 4)):
                    blocks.append(("p", paragraph(rng.randint(3, 7))))
            blocks.append(("h", "Kommunedirektørens innstilling"))
            blocks.append(("p", sentence(V.COMMON_SENTENCES)))
            return blocks
        if entry.jtype in ("N", "X"):
            blocks.append(("p", f"Notat - til: {case.unit}   fra: {case.initials}"))
            for _ in range(rng.randint(1, 3)):
                blocks.append(("p", paragraph(rng.randint(2, 5))))
            return blocks
        blocks.append(("p", sentence(V.LETTER_OPENINGS)))
        for _ in range(rng.randint(1, 4)):
            blocks.append(("p", paragraph(rng.randint(2, 6))))
        blocks.append(("p", sentence(V.LETTER_CLOSINGS)))
        blocks.append(
            (
                "p",
                f"Med hilsen {case.unit}, {self.agency.name}. Dokumentet er elektronisk "
                "godkjent og har derfor ingen håndskrevne signaturer.",
            )
        )
        return blocks


def vedlegg_title(rng: random.Random) -> str:
    """A typical attachment title."""
    return rng.choice(V.VEDLEGG_TITLES)


def real_file_names(hard: bool = False) -> list[str]:
    """The testdata files a generation may use (relative to ``testdata/tika``)."""
    files = list(V.REAL_FILES) + (list(V.HARD_FILES) if hard else [])
    return [f[0] for f in files if (TIKA_FILES / f[0]).is_file()]
