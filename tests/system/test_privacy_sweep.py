"""Privacy sweep (issue 7): every screening sample harvested into one installation, then
every outward surface checked for every screened string and for fødselsnummer.

The screened strings are worked out here from the sources themselves, by the rules in
PRODUCT.md ("Rules that never break"), not from the harvesters' output:

- Noark 5: ``tittel`` is internal unless the record has neither ``offentligTittel`` nor
  ``skjerming``; a screened document (its own ``skjerming``, or the entry's
  ``skjermingDokument``) shows nothing, nor does a document title that repeats its
  entry's internal title; correspondents of a screened entry are withheld unless
  ``skjermingMetadata`` says the screening covers titles only.
- eInnsyn JSON-LD: ``*_SENSITIV`` values are screened outside the retention window;
  ``tittel`` is internal like in Noark 5.
- OEP: ``SA.TITTEL``/``JP.INNHOLD`` are internal when a public variant differs or the
  record is marked (``TGKODE``/``UOFF``); ``AM.U1`` withholds a correspondent; a marked
  ``DOKLINK`` withholds its document; ``*_SENSITIV`` has no publication date, so it is
  never inside the window.

A string counts only when nothing public in the installation contains it (the same
record can be public in one sample and screened in another), when it is not in any
extracted document text and not in the page chrome. Crafted samples add what the real
ones lack: a screened case title, entry title and correspondent, a document unntatt
offentlighet (a text file and an e-mail with an attachment), an embargo in the future,
sensitive variants older and newer than the retention window, and valid fødselsnummer
in public titles. Every marker there is a unique token.

Then every public route of the Flask app is swept: search pages (queries for every
screened string, broad queries with every page, facet links), snippets, entry, case,
agency and document pages, originals, the JSON API and the Atom feeds.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import tarfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from defusedxml.ElementTree import fromstring
from sqlalchemy import select, update
from stdnum.no import fodselsnummer

from harvesters.einnsyn_jsonld import EinnsynJsonldHarvester, flatten
from harvesters.noark5 import Noark5Harvester
from harvesters.oep import OepHarvester
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.http_client import HttpClient, HttpFailure
from innsyn.indexing.indexer import catch_up
from innsyn.privacy import is_screened
from innsyn.search_client import make_client
from innsyn.store.blobs import BlobStore
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Enhet,
    Journalpost,
    Saksmappe,
    utcnow,
)
from tests.factories import store
from web import create_app

EKS = "felleslosninger-docs/resources/einnsyn/eksempelfiler"
ARKADE = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData"
DOCUMASTER = "documaster-nev-samples/0.2.0"
# Left out on purpose: 2_jpost_fulltekst_noark5.xml and the two Møte_allefelter_noark5.xml
# publish the very records of 1_jpost_skjerming_noark5.xml without the screening, which
# makes "Test_journal_noark5" legitimately public there.
NOARK5_SOURCES = [
    f"{EKS}/1_jpost_skjerming_noark5.xml",
    f"{EKS}/3_jpost_allefelter_noark5.xml",
    f"{EKS}/kryssreferanse.xml",
    f"{EKS}/moetemappe2-admenhet.xml",
    f"{ARKADE}/Noark5/Small",
    f"{ARKADE}/Noark5/Version5_5",
    f"{ARKADE}/Noark5/Noark5Archive",
    f"{ARKADE}/Noark5/ContentClassificationSystem",
    f"{ARKADE}/Noark5/StructureValidation/custom",
    f"{ARKADE}/Noark5/AliceInWonderland/arkivstrukturAbbreviated.xml",
    f"{ARKADE}/tar/n5-eksempel/n5-guid.tar",
    "noark5-tester/testdata/deponixml/noark5",
    "noark5-tester/testdata/deponixml/noark5-enkel",
    "noark5-tester/testdata/deponixml/noark5-open",
    f"{DOCUMASTER}/valid-case-archive/extraction",
    f"{DOCUMASTER}/valid-mixed-archive/extraction",
]
OEP_SOURCES = ["difi-einnsyn-klient/eksempelfiler/einnsyn difi fulltekst -minimal.xml"]
JSONLD_DIRS = ["felleslosninger-docs/resources/einnsyn", "difi-einnsyn-klient"]
REQUIRED_REAL_MARKERS = {
    "Databehandleravtaler",
    "Test_journal",
    "journalreg_offentligTittel_SENSITIV",
}

RETENTION = dt.timedelta(days=365)
NOW = dt.datetime.now(dt.UTC)
OLD = (NOW - dt.timedelta(days=800)).isoformat()
RECENT = (NOW - dt.timedelta(days=10)).isoformat()

FNR_PATTERN = re.compile(r"(?<!\d)(\d{6}) ?(\d{5})(?!\d)")


def valid_fodselsnummer(birth: str) -> Iterator[str]:
    """Valid fødselsnummer for the birth date ``ddmmyy``, one per individual number."""
    for individual in range(100, 500):
        base = f"{birth}{individual}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if k1 == "10":
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if k2 == "10":
            continue
        number = base + k1 + k2
        if fodselsnummer.is_valid(number):
            yield number


FNR = dict(zip("ABCDEFG", valid_fodselsnummer("150384"), strict=False))


# ---------------------------------------------------------------- screened strings


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kid(elem: Any, name: str) -> Any:
    return next((c for c in elem if _local(c.tag) == name), None)


def _txt(elem: Any, name: str) -> str | None:
    child = _kid(elem, name) if elem is not None else None
    if child is None or child.text is None:
        return None
    return child.text.strip() or None


@dataclass
class Strings:
    """What a source holds that must never be shown, and what it publishes."""

    screened: set[str] = field(default_factory=set)
    public: set[str] = field(default_factory=set)

    def add(self, other: Strings) -> None:
        self.screened |= other.screened
        self.public |= other.public


NOARK5_RECORDS = {"mappe", "registrering", "dokumentbeskrivelse", "saksmappe", "journalpost"}
NOARK5_PUBLISHED = {
    "arkivskaperNavn",
    "arkivskaperID",
    "administrativEnhet",
    "saksstatus",
    "journalstatus",
    "journalposttype",
    "tilgangsrestriksjon",
    "skjermingshjemmel",
    "referanseDokumentfil",
    "dokumenttype",
    "tilknyttetRegistreringSom",
    "format",
}
PARTY_WORDS = ("korrespondanse", "navn", "avsender", "mottaker")


def noark5_strings(xml: bytes) -> Strings:
    """Screened and public strings of a Noark 5 ``arkivstruktur.xml``."""
    root = fromstring(xml, forbid_dtd=True)
    parent_of = {child: parent for parent in root.iter() for child in parent}
    out = Strings()
    screened_internal: dict[Any, str] = {}
    for elem in root.iter():
        name = _local(elem.tag)
        if name in NOARK5_PUBLISHED and elem.text and elem.text.strip():
            out.public.add(elem.text.strip())
        parent_name = _local(parent_of[elem].tag) if elem in parent_of else ""
        if name == "tittel" and parent_name not in NOARK5_RECORDS and (elem.text or "").strip():
            out.public.add((elem.text or "").strip())
        if name not in NOARK5_RECORDS:
            continue
        sk = _kid(elem, "skjerming")
        internal, official = _txt(elem, "tittel"), _txt(elem, "offentligTittel")
        withheld = False
        if name == "dokumentbeskrivelse":
            reg = parent_of.get(elem)
            reg_sk = _kid(reg, "skjerming") if reg is not None else None
            withheld = sk is not None or bool(_txt(reg_sk, "skjermingDokument"))
            repeated = screened_internal.get(reg)
            if repeated and internal and repeated in internal:
                withheld = True
        if internal:
            if withheld or (internal != official and (official or sk is not None)):
                out.screened.add(internal)
                screened_internal[elem] = internal
            else:
                out.public.add(internal)
        if official:
            repeats_internal = sk is not None and internal and internal in official
            if withheld:
                out.screened.add(official)
            elif not repeats_internal or internal == official:
                out.public.add(official)
        if sk is not None and name in ("registrering", "journalpost"):
            meta = " ".join(
                (c.text or "").lower() for c in sk if _local(c.tag) == "skjermingMetadata"
            )
            parts_screened = any(w in meta for w in PARTY_WORDS) or not any(
                w in meta for w in ("tittel", "beskrivelse")
            )
        else:
            parts_screened = False
        for part in (c for c in elem if _local(c.tag) == "korrespondansepart"):
            if navn := _txt(part, "korrespondansepartNavn"):
                (out.screened if parts_screened else out.public).add(navn)
    return out


def _noark5_xml(location: Path) -> bytes:
    if location.suffix == ".tar":
        with tarfile.open(location) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith("arkivstruktur.xml"))
            fh = tar.extractfile(member)
            assert fh is not None
            return fh.read()
    if location.is_dir():
        return (location / "arkivstruktur.xml").read_bytes()
    return location.read_bytes()


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip():
            yield value.strip()
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _published(node: dict[str, Any]) -> dt.datetime | None:
    raw = next(_json_strings(node.get("publisertDato")), None)
    if raw is None:
        return None
    parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def jsonld_strings(doc: Any) -> Strings:
    """Screened and public strings of an eInnsyn JSON-LD message."""
    nodes = flatten(doc)
    out = Strings()

    def in_window(node: dict[str, Any]) -> bool:
        published = _published(node)
        return published is not None and NOW - published <= RETENTION

    any_in_window = any(in_window(n) for n in nodes.values())
    for node in nodes.values():
        own_date = _published(node) is not None
        for key, value in node.items():
            if key.startswith("@"):
                continue
            for text in _json_strings(value):
                if key.endswith("_SENSITIV"):
                    shown = in_window(node) if own_date else any_in_window
                    (out.public if shown else out.screened).add(text)
                elif key == "tittel":
                    official = next(_json_strings(node.get("offentligTittel")), None)
                    internal = (official and official != text) or node.get("skjerming")
                    (out.screened if internal else out.public).add(text)
                else:
                    out.public.add(text)
    return out


def oep_strings(xml: bytes) -> Strings:
    """Screened and public strings of an OFFJOURNAL export."""
    root = fromstring(xml.replace(b'encoding="ISO-8859-1"', b'encoding="UTF-8"'), forbid_dtd=True)
    out = Strings()
    classified: set[Any] = set()

    def mark(elem: Any, to: set[str]) -> None:
        if elem is not None and elem.text and elem.text.strip():
            to.add(" ".join(elem.text.split()))
            classified.add(elem)

    for rec, pre, internal, public in (
        ("NOARKSAK.OJ", "SA", "SA.TITTEL", "SA.OFFTITTEL"),
        ("JOURNPOST.OJ", "JP", "JP.INNHOLD", "JP.OFFINNHOLD"),
    ):
        for elem in root.iter(rec):
            marked = elem.find(f"{pre}.TGKODE") is not None or elem.find(f"{pre}.UOFF") is not None
            official = _txt(elem, public)
            inner = elem.find(internal)
            if inner is not None and inner.text:
                differs = official and official != inner.text.strip()
                mark(inner, out.screened if (marked or differs) else out.public)
            mark(elem.find(f"{public}_SENSITIV"), out.screened)
    for part in root.iter("AVSMOT.OJ"):
        hidden = (_txt(part, "AM.U1") or "0") != "0"
        mark(part.find("AM.NAVN"), out.screened if hidden else out.public)
        mark(part.find("AM.NAVN_SENSITIV"), out.screened)
    for link in root.iter("DOKLINK.OJ"):
        desc = link.find("DOKBESKRIV.OJ")
        marked = any(
            e.find(tag) is not None
            for e in (link, desc)
            if e is not None
            for tag in ("DL.TGKODE", "DL.UOFF", "DB.TGKODE", "DB.UOFF")
        )
        if desc is not None:
            mark(desc.find("DB.TITTEL"), out.screened if marked else out.public)
    for elem in root.iter():
        if elem not in classified and elem.text and elem.text.strip():
            out.public.add(" ".join(elem.text.split()))
    return out


# ---------------------------------------------------------------- crafted samples

CRAFTED_SCREENED = [
    "Zqsakhemmelig",  # screened case title
    "Zqelevhemmelig",  # screened entry title (also repeated as a document title)
    "Zqkorrhemmelig",  # screened correspondent
    "Zqvedtakhemmelig",  # screened title, no public title at all
    "Zqdoktittelhemmelig",  # title of a document unntatt offentlighet
    "Zqdoktekshemmelig",  # text of that document
    "Zqepostemne",  # a screened e-mail: subject, body, attachment name and text
    "Zqeposttekst",
    "Zqvedleggstekst",
    "Zqembargojp",  # entry embargoed until next month
    "Zqembargosak",  # case embargoed until next month
    "Zqembargobrev",  # entry of the embargoed case, embargoed too
    "Zqgammelsak",  # sensitive variants published 800 days ago
    "Zqgammelnavn",
    "Zqgammelkorr",
    "Zqjsonldintern",  # JSON-LD internal title of a screened entry
    "Zqoepsak",  # OEP internal case title
    "Zqoepsaksensitiv",
    "Zqoepintern",
    "Zqoepsensitiv",
    "Zqoepkorr",
    "Zqoepdoktittel",
    "Zqoepdoktekst",
]
CRAFTED_VISIBLE = [
    "Barnevernssak",
    "Bekymringsmelding om elev",
    "Husbanken Zqoffentligkorr",
    "Zqoffentligtekst",
    "Zqstartlantekst",
    "Brev om tomtesalg",
    "Parkeringstillatelse innvilget",
    "Parkeringstillatelse klage - Zqferskenavn Lie",
    "Zqferskkorr Lie",
    "Personalsak",
    "Arbeidstilsynet Zqoepoffentligkorr",
    "Zqoepoffentligtekst",
    "[fødselsnummer fjernet]",
    "Tittel skjermet",
    "Title screened",
]
REAL_VISIBLE = ["Sakstittel", "journalreg_offentligTittel", "Leif Juster"]

_SK = (
    "<skjerming><tilgangsrestriksjon>Unntatt offentlighet</tilgangsrestriksjon>"
    "<skjermingshjemmel>Offl. § 13 jf. fvl. § 13</skjermingshjemmel>{meta}</skjerming>"
)


def _skjerming(*meta: str) -> str:
    return _SK.format(meta="".join(f"<skjermingMetadata>{m}</skjermingMetadata>" for m in meta))


def _doc(nr: int, title: str, ref: str, skjerming: str = "") -> str:
    return (
        f"<dokumentbeskrivelse><systemID>zq-dok-{ref}</systemID><tittel>{title}</tittel>"
        f"<tilknyttetRegistreringSom>{'Hoveddokument' if nr == 1 else 'Vedlegg'}"
        f"</tilknyttetRegistreringSom><dokumentnummer>{nr}</dokumentnummer>{skjerming}"
        f"<dokumentobjekt><versjonsnummer>1</versjonsnummer><variantformat>Produksjonsformat"
        f"</variantformat><referanseDokumentfil>dokumenter/{ref}</referanseDokumentfil>"
        f"</dokumentobjekt></dokumentbeskrivelse>"
    )


def _entry(sid: str, seq: int, nr: int, body: str) -> str:
    return (
        f'<registrering xsi:type="journalpost"><systemID>{sid}</systemID>{body}'
        f"<journalaar>2025</journalaar><journalsekvensnummer>{seq}</journalsekvensnummer>"
        f"<journalpostnummer>{nr}</journalpostnummer><journalposttype>Inngående dokument"
        f"</journalposttype><journaldato>2025-03-0{nr}</journaldato></registrering>"
    )


def _case(sid: str, seq: int, titles: str, entries: str) -> str:
    return (
        f'<mappe xsi:type="saksmappe"><systemID>{sid}</systemID>{titles}{entries}'
        f"<saksaar>2025</saksaar><sakssekvensnummer>{seq}</sakssekvensnummer>"
        f"<saksdato>2025-03-01</saksdato></mappe>"
    )


EMAIL = """From: lege@example.org
To: post@personvernvik.example
Subject: Zqepostemne
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="grense"

--grense
Content-Type: text/plain; charset=utf-8

Hoveddel Zqeposttekst om eleven.
--grense
Content-Type: text/plain; charset=utf-8
Content-Disposition: attachment; filename="vedlegg.txt"

Vedlegg med Zqvedleggstekst om eleven.
--grense--
"""


def write_noark5(root: Path) -> Path:
    """A Noark 5 extraction with what the real samples lack (see the module docstring)."""
    docs = root / "dokumenter"
    docs.mkdir(parents=True)
    (docs / "offentlig.txt").write_text(
        "Vedtak om skoleskyss. Zqoffentligtekst gjelder skoleskyss for elever i kommunen."
    )
    (docs / "legeerklaering.txt").write_text(
        "Legeerklæring. Helseopplysninger Zqdoktekshemmelig om eleven og familien."
    )
    (docs / "epost.eml").write_text(EMAIL)
    (docs / "startlan.txt").write_text("Søknad om startlån. Zqstartlantekst om boligkjøp.")
    screened_title = "Bekymringsmelding om Zqelevhemmelig Hansen"
    cases = [
        _case(
            "zq-sak-skjermet",
            901,
            "<tittel>Barnevernssak Zqsakhemmelig Nilsen</tittel>"
            f"<offentligTittel>Barnevernssak</offentligTittel>{_skjerming('tittel')}",
            _entry(
                "zq-jp-skjermet",
                7001,
                1,
                _skjerming("tittel", "korrespondansepartNavn")
                + _doc(1, screened_title, "offentlig.txt")
                + _doc(2, "Legeerklæring Zqdoktittelhemmelig", "legeerklaering.txt", _skjerming())
                + _doc(3, "E-post fra lege", "epost.eml", _skjerming())
                + f"<tittel>{screened_title}</tittel>"
                "<offentligTittel>Bekymringsmelding om elev</offentligTittel>"
                "<korrespondansepart><korrespondanseparttype>Avsender</korrespondanseparttype>"
                "<korrespondansepartNavn>Zqkorrhemmelig Berg</korrespondansepartNavn>"
                "</korrespondansepart>",
            )
            + _entry(
                "zq-jp-uten-tittel",
                7002,
                2,
                _skjerming() + "<tittel>Vedtak for Zqvedtakhemmelig Olsen</tittel>",
            ),
        ),
        _case(
            "zq-sak-startlan",
            902,
            f"<tittel>Søknad om startlån {FNR['A']}</tittel>"
            f"<offentligTittel>Søknad om startlån {FNR['A']}</offentligTittel>",
            _entry(
                "zq-jp-fnr",
                7003,
                1,
                _doc(1, f"Vedlegg {FNR['C']}", "startlan.txt")
                + f"<tittel>Søknad om startlån fra {FNR['B']}</tittel>"
                "<korrespondansepart><korrespondanseparttype>Mottaker</korrespondanseparttype>"
                "<korrespondansepartNavn>Husbanken Zqoffentligkorr</korrespondansepartNavn>"
                "</korrespondansepart>",
            )
            + _entry("zq-jp-embargo", 7004, 2, "<tittel>Budsjettforslag Zqembargojp</tittel>")
            + _entry(
                "zq-jp-fnr-mellomrom",
                7005,
                3,
                f"<offentligTittel>Klage fra {FNR['D'][:6]} {FNR['D'][6:]}</offentligTittel>",
            ),
        ),
        _case(
            "zq-sak-embargo",
            903,
            "<offentligTittel>Tomtesalg Zqembargosak</offentligTittel>",
            _entry("zq-jp-i-embargosak", 7006, 1, "<tittel>Brev om Zqembargobrev</tittel>"),
        ),
        _case(
            "zq-sak-offentlig",
            904,
            "<offentligTittel>Tomtesalg i Fjellgata</offentligTittel>",
            _entry("zq-jp-tomtesalg", 7007, 1, "<tittel>Brev om tomtesalg</tittel>"),
        ),
    ]
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<systemID>zq-arkiv</systemID><tittel>Personvernvik arkiv</tittel>"
        "<arkivskaper><arkivskaperID>910000001</arkivskaperID>"
        "<arkivskaperNavn>Personvernvik kommune</arkivskaperNavn></arkivskaper>"
        "<arkivdel><systemID>zq-arkivdel</systemID><tittel>Sakarkiv</tittel>"
        + "".join(cases)
        + "</arkivdel></arkiv>"
    )
    (root / "arkivstruktur.xml").write_text(xml, encoding="utf-8")
    return root


def _jp(sid: str, seq: int, title: str, published: str, **extra: Any) -> dict[str, Any]:
    return {
        "@id": sid,
        "@type": "arkiv:Journalpost",
        "arkiv:systemID": sid,
        "arkiv:journalaar": 2025,
        "arkiv:journalsekvensnummer": seq,
        "arkiv:journalpostnummer": 1,
        "arkiv:journaldato": "2025-02-01",
        "arkiv:journalposttype": {"@id": "arkiv:inngåendeDokument"},
        "arkiv:offentligTittel": title,
        "arkiv:publisertDato": published,
        "arkiv:parent": {"@id": "zq-ld-sak"},
        **{f"arkiv:{k}": v for k, v in extra.items()},
    }


def _part(sid: str, sensitive: str) -> dict[str, Any]:
    return {
        "@id": sid,
        "@type": "arkiv:Korrespondansepart",
        "arkiv:korrespondansepartNavn": "Privatperson",
        "arkiv:korrespondansepartNavn_SENSITIV": sensitive,
        "arkiv:korrespondanseparttype": {"@id": "arkiv:avsender"},
    }


def write_jsonld(path: Path) -> Path:
    """Sensitive variants older and newer than the retention window, an internal title."""
    jp_intern = _jp("zq-ld-intern", 503, "", RECENT, tittel="Klage fra Zqjsonldintern Vik")
    del jp_intern["arkiv:offentligTittel"]
    jp_intern["arkiv:skjerming"] = {"@id": "zq-ld-skjerming"}
    jp_intern["arkiv:dokumentbeskrivelse"] = {"@id": "zq-ld-dok"}
    graph = [
        {
            "@id": "zq-ld-sak",
            "@type": "arkiv:Saksmappe",
            "arkiv:systemID": "zq-ld-sak",
            "arkiv:saksaar": 2025,
            "arkiv:sakssekvensnummer": 77,
            "arkiv:offentligTittel": "Søknad om parkeringstillatelse",
            "arkiv:offentligTittel_SENSITIV": "Søknad om parkeringstillatelse - Zqgammelsak Dahl",
            "arkiv:publisertDato": OLD,
        },
        _jp(
            "zq-ld-gammel",
            501,
            "Parkeringstillatelse innvilget",
            OLD,
            offentligTittel_SENSITIV="Parkeringstillatelse innvilget - Zqgammelnavn Dahl",
            korrespondansepart={"@id": "zq-ld-kp-gammel"},
        ),
        _part("zq-ld-kp-gammel", "Zqgammelkorr Dahl"),
        _jp(
            "zq-ld-fersk",
            502,
            "Parkeringstillatelse klage",
            RECENT,
            offentligTittel_SENSITIV="Parkeringstillatelse klage - Zqferskenavn Lie",
            korrespondansepart={"@id": "zq-ld-kp-fersk"},
        ),
        _part("zq-ld-kp-fersk", "Zqferskkorr Lie"),
        jp_intern,
        {
            "@id": "zq-ld-dok",
            "@type": "arkiv:Dokumentbeskrivelse",
            "arkiv:tittel": "Klage fra Zqjsonldintern Vik",
            "arkiv:dokumentnummer": 1,
        },
        {
            "@id": "zq-ld-skjerming",
            "@type": "arkiv:Skjerming",
            "arkiv:tilgangsrestriksjon": {"@id": "arkiv:unntattOffentlighet"},
            "arkiv:skjermingshjemmel": "Offl. § 13",
        },
        _jp(
            "zq-ld-fnr",
            504,
            f"Henvendelse fra {FNR['E']}",
            RECENT,
            offentligTittel_SENSITIV=f"Henvendelse fra Zqferskfnr {FNR['F']}",
        ),
    ]
    context = {"arkiv": "http://www.arkivverket.no/standarder/noark5/arkivstruktur/"}
    path.write_text(json.dumps({"@context": context, "@graph": graph}), encoding="utf-8")
    return path


def write_oep(root: Path) -> Path:
    """An OFFJOURNAL export with every screening marker the format has."""
    (root / "oepdok").mkdir(parents=True)
    (root / "oepdok" / "brev.txt").write_text("Oppsigelsesbrev. Zqoepoffentligtekst om arbeidet.")
    (root / "oepdok" / "legeattest.txt").write_text("Legeattest. Zqoepdoktekst om helsen.")

    def version(ref: str) -> str:
        return (
            "<DOKVERSJON.OJ><VE.VERSJON>1</VE.VERSJON><VE.VARIANT>P</VE.VARIANT>"
            f"<VE.FILREF>{ref}</VE.FILREF></DOKVERSJON.OJ>"
        )

    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<OFFJOURNAL VERSJON="2.0"><PRODINFO><PI.ARKSKAPER>Skjermvik kommune</PI.ARKSKAPER>
<PI.ORGNR>910000002</PI.ORGNR></PRODINFO><RAPPORT>
<NOARKSAK.OJ><SA.ID>zq-oep-sak</SA.ID><SA.SAAR>2025</SA.SAAR><SA.SEKNR>31</SA.SEKNR>
<SA.TITTEL>Personalsak Zqoepsak Moe</SA.TITTEL><SA.OFFTITTEL>Personalsak</SA.OFFTITTEL>
<SA.OFFTITTEL_SENSITIV>Personalsak - Zqoepsaksensitiv Moe</SA.OFFTITTEL_SENSITIV>
<SA.UOFF>Offl. § 25</SA.UOFF>
<JOURNPOST.OJ><JP.ID>zq-oep-jp</JP.ID><JP.JAAR>2025</JP.JAAR><JP.SEKNR>310</JP.SEKNR>
<JP.POSTNR>1</JP.POSTNR><JP.JDATO>20250402</JP.JDATO><JP.NDOKTYPE>U</JP.NDOKTYPE>
<JP.INNHOLD>Oppsigelse Zqoepintern Moe</JP.INNHOLD><JP.OFFINNHOLD>Oppsigelse</JP.OFFINNHOLD>
<JP.OFFINNHOLD_SENSITIV>Oppsigelse - Zqoepsensitiv Moe</JP.OFFINNHOLD_SENSITIV>
<JP.TGKODE>P</JP.TGKODE><JP.UOFF>Offl. § 25</JP.UOFF>
<AVSMOT.OJ><AM.NAVN>Zqoepkorr Moe</AM.NAVN><AM.IHTYPE>1</AM.IHTYPE><AM.U1>1</AM.U1></AVSMOT.OJ>
<AVSMOT.OJ><AM.NAVN>Arbeidstilsynet Zqoepoffentligkorr</AM.NAVN><AM.IHTYPE>1</AM.IHTYPE>
</AVSMOT.OJ>
<DOKLINK.OJ><DL.RNR>1</DL.RNR><DL.TYPE>H</DL.TYPE><DOKBESKRIV.OJ>
<DB.TITTEL>Oppsigelsesbrev</DB.TITTEL>{version("oepdok/brev.txt")}</DOKBESKRIV.OJ></DOKLINK.OJ>
<DOKLINK.OJ><DL.RNR>2</DL.RNR><DL.TYPE>V</DL.TYPE><DL.TGKODE>P</DL.TGKODE><DOKBESKRIV.OJ>
<DB.TITTEL>Legeattest Zqoepdoktittel</DB.TITTEL>{version("oepdok/legeattest.txt")}
</DOKBESKRIV.OJ></DOKLINK.OJ>
<DOKLINK.OJ><DL.RNR>3</DL.RNR><DL.TYPE>V</DL.TYPE><DOKBESKRIV.OJ>
<DB.TITTEL>Oppsigelse Zqoepintern Moe</DB.TITTEL></DOKBESKRIV.OJ></DOKLINK.OJ></JOURNPOST.OJ>
<JOURNPOST.OJ><JP.ID>zq-oep-fnr</JP.ID><JP.JAAR>2025</JP.JAAR><JP.SEKNR>311</JP.SEKNR>
<JP.POSTNR>2</JP.POSTNR><JP.JDATO>20250403</JP.JDATO><JP.NDOKTYPE>I</JP.NDOKTYPE>
<JP.OFFINNHOLD>Søknad om bostøtte {FNR["G"]}</JP.OFFINNHOLD></JOURNPOST.OJ>
</NOARKSAK.OJ></RAPPORT></OFFJOURNAL>"""
    path = root / "offjournal.xml"
    path.write_text(xml, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the installation


class OfflineHttp(HttpClient):
    """The samples link documents on the public internet; tests never go there."""

    def get(self, url: str, *args: Any, **kwargs: Any) -> Any:
        raise HttpFailure(f"{url}: not fetched (offline test)")

    def download(self, url: str, *args: Any, **kwargs: Any) -> Any:
        raise HttpFailure(f"{url}: not fetched (offline test)")


def _sources(testdata: Path, crafted: Path) -> list[tuple[str, Any, Strings]]:
    """(source key, harvester, strings) for every sample harvested."""
    http = OfflineHttp()
    out: list[tuple[str, Any, Strings]] = []
    noark5 = [testdata / rel for rel in NOARK5_SOURCES] + [write_noark5(crafted / "noark5")]
    for path in noark5:
        out.append(
            (
                f"n5-{len(out)}",
                Noark5Harvester(str(path), http=http),
                noark5_strings(_noark5_xml(path)),
            )
        )
    jsonld = sorted(p for d in JSONLD_DIRS for p in (testdata / d).rglob("*.jsonld"))
    for path in [*jsonld, write_jsonld(crafted / "crafted.jsonld")]:
        try:
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
        except ValueError:
            continue
        out.append(
            (f"ld-{len(out)}", EinnsynJsonldHarvester(str(path), http=http), jsonld_strings(doc))
        )
    oep = [testdata / rel for rel in OEP_SOURCES] + [write_oep(crafted / "oep")]
    for path in oep:
        out.append(
            (f"oep-{len(out)}", OepHarvester(str(path), http=http), oep_strings(path.read_bytes()))
        )
    return out


def _embargo(sessions: Any, source_key: str) -> None:
    """Embargo three crafted records until next month (no source format carries one)."""
    later = utcnow() + dt.timedelta(days=30)
    with sessions.begin() as s:
        for model, sids in (
            (Journalpost, ["zq-jp-embargo", "zq-jp-i-embargosak"]),
            (Saksmappe, ["zq-sak-embargo"]),
        ):
            found = s.execute(
                update(model)
                .where(model.source_key == source_key, model.system_id.in_(sids))
                .values(accessible_after=later, updated_at=utcnow())
            )
            assert found.rowcount == len(sids)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the sweep


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _json_text(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_text(v)
    elif isinstance(value, list):
        for item in value:
            yield from _json_text(item)
    elif value is not None:
        yield str(value)


def without_echo(body: str, content_type: str) -> str:
    """``body`` without what only repeats the request: the query in the page title and the
    search box, and URLs (which hold ids and the query, never record content)."""
    if "html" in content_type:
        body = re.sub(r'\s(href|value)="[^"]*"', "", body)
        return re.sub(r"<title>.*?</title>", "", body, count=1, flags=re.S)
    if "atom" in content_type:
        _head, _, entries = body.partition("<entry>")
        return re.sub(r"<id>[^<]*</id>|<link [^>]*/>", "", entries)
    return body


@dataclass
class Swept:
    url: str
    status: int
    text: str
    haystack: str


class Sweep:
    """Requests through the Flask test client, keeping every body for the checks."""

    HREF = re.compile(r'href="([^"]+)"')
    NEXT = re.compile(r'<a rel="next[^"]*" href="([^"]+)"')

    def __init__(self, client: Any) -> None:
        self.client = client
        self.responses: list[Swept] = []
        self.visited: set[str] = set()

    def get(self, url: str) -> Any:
        resp = self.client.get(url)
        if resp.is_json:
            raw = "\n".join(_json_text(resp.get_json()))
        else:
            raw = without_echo(resp.get_data().decode("utf-8", "replace"), resp.content_type)
        text = html.unescape(raw)
        stripped = re.sub(r"<[^>]*>", "", text)
        self.responses.append(
            Swept(url, resp.status_code, text, _norm(text) + "\n" + _norm(stripped))
        )
        self.visited.add(url)
        return resp

    def api_pages(self, **args: Any) -> list[dict[str, Any]]:
        """Every page of an API search; the items of all pages."""
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(200):
            query = {**args, **({"cursor": cursor} if cursor else {})}
            resp = self.get("/api/v1/search?" + urlencode(query))
            assert resp.status_code == 200, (query, resp.get_json())
            body = resp.get_json()
            items += body["items"]
            cursor = body["next_cursor"]
            if not cursor:
                return items
        raise AssertionError("paging did not end")

    def crawl(self, seeds: Iterable[str], limit: int = 4000) -> None:
        """Follow links from ``seeds``: every entry, case, agency and document link, every
        next page; the facet and feed links of the seed pages only."""
        queue = deque((url, True) for url in seeds)
        while queue and len(self.visited) < limit:
            url, seed = queue.popleft()
            if url in self.visited:
                continue
            resp = self.get(url)
            if resp.status_code != 200 or "text/html" not in resp.content_type:
                continue
            page = resp.get_data(as_text=True)
            nexts = {html.unescape(m) for m in self.NEXT.findall(page)}
            for link in (html.unescape(m) for m in self.HREF.findall(page)):
                parts = urlsplit(link)
                if not link.startswith("/") or link.startswith(("//", "/static", "/admin")):
                    continue
                if parse_qs(parts.query).get("lang", ["nb"]) != ["nb"] and not seed:
                    continue  # other languages: their seed pages only
                if parts.path in ("/", "/feed.atom") and not (seed or link in nexts):
                    continue
                queue.append((link, link in nexts and seed))


def _fnr_in(text: str) -> list[str]:
    return [
        m.group(1) + m.group(2)
        for m in FNR_PATTERN.finditer(text)
        if fodselsnummer.is_valid(m.group(1) + m.group(2))
    ]


def _markers(strings: Strings, texts: list[str], chrome: list[str]) -> set[str]:
    """The screened strings that can be checked: long enough, not published anywhere else
    in the installation, in no extracted text and not in the page chrome."""
    public = [_norm(p) for p in strings.public]
    markers = set(CRAFTED_SCREENED)
    for s in strings.screened:
        n = _norm(s)
        if len(n) < 6 or sum(c.isalpha() for c in n) < 4:
            continue
        if not any(n in p for p in public) and not any(n in t for t in texts + chrome):
            markers.add(s)
    return markers


BROAD_QUERIES = [
    "Zq*",
    "zqelev*",
    "Bekymringsmelding",
    "Legeerklæring",
    "Helseopplysninger",
    "parkeringstillatelse",
    "Oppsigelse",
    "tomtesalg",
    "startlån",
    "Søknad",
    "Zqoffentligtekst",
    "Zqoepoffentligtekst",
    "journal",
    "Test",
    "Eating cake",
    "document",
    "Sakstittel",
    "Quizturnering",
    "Budsjettforslag",
]
CRAWL_SEEDS = [
    "/",
    "/?lang=en",
    "/?lang=nn",
    "/?size=100&sort=date_desc",
    "/?size=100&sort=date_asc&lang=en",
    "/?q=Zq*&size=100",
    "/?q=Bekymringsmelding",
    "/feed.atom",
    "/api/v1/docs",
]


def _search_everything(sweep: Sweep, markers: set[str]) -> list[tuple[str, list[str]]]:
    """Queries for every screened string (UI, API, feed), then broad ones with every page.
    Returns the queries for unique screened tokens that found something."""
    findable = []
    for marker in sorted(markers):
        for q in (marker, f'"{marker}"'):
            sweep.get("/?" + urlencode({"q": q}))
            body = sweep.get("/api/v1/search?" + urlencode({"q": q})).get_json()
            if body["total"] and (marker in CRAFTED_SCREENED or marker in REQUIRED_REAL_MARKERS):
                findable.append((q, [i["id"] for i in body["items"]]))
        sweep.get("/feed.atom?" + urlencode({"q": marker}))
    for q in BROAD_QUERIES:
        sweep.get("/?" + urlencode({"q": q}))
        sweep.get("/feed.atom?" + urlencode({"q": q}))
        sweep.api_pages(q=q, size=100)
    sweep.api_pages(size=37, sort="date_asc")
    return findable


def _visit_once(sweep: Sweep, urls: Iterable[str]) -> None:
    for url in urls:
        if url not in sweep.visited:
            sweep.get(url)


def test_privacy_sweep(settings, testdata, tmp_path):
    settings = settings.model_copy(update={"rate_limit_search": "1000000 per minute"})
    sessions = store(settings)
    sources = _sources(testdata, tmp_path / "crafted")
    strings = Strings()
    for key, harvester, found in sources:
        harvest(harvester, RunContext(settings, sessions, key, index=False))
        strings.add(found)
    _embargo(sessions, sources[len(NOARK5_SOURCES)][0])
    catch_up(settings, make_client(settings), sessions)
    client = create_app(settings).test_client()
    sweep = Sweep(client)

    blobs = BlobStore(settings.resolved_blob_dir)
    with sessions() as s:
        shas = set(s.scalars(select(Dokumentobjekt.text_sha256)))
        texts = [_norm(blobs.read_text(sha)) for sha in shas if sha]
    for hidden_text in ("Zqdoktekshemmelig", "Zqvedleggstekst", "Zqoepdoktekst"):
        assert any(_norm(hidden_text) in t for t in texts), f"{hidden_text} never reached the store"
    chrome = [
        _norm(html.unescape(client.get(url).get_data(as_text=True)))
        for url in ("/?q=zzqqingenting", "/?lang=en", "/?lang=nn", "/api/v1/docs", "/healthz")
    ]
    markers = _markers(strings, texts, chrome)
    assert markers >= REQUIRED_REAL_MARKERS, REQUIRED_REAL_MARKERS - markers
    assert len(markers - set(CRAFTED_SCREENED)) >= 30, sorted(markers)

    findable = _search_everything(sweep, markers)
    listed = {i["id"] for i in sweep.api_pages(size=100, sort="date_desc")}
    assert sweep.api_pages(q="Zqoffentligtekst"), "public document text must be findable"
    assert sweep.api_pages(q="Zqferskenavn"), "names inside the retention window are searchable"
    sweep.crawl(CRAWL_SEEDS)

    # Every record in the store, reachable or not: pages, API, documents, agencies.
    with sessions() as s:
        jp_ids = set(s.scalars(select(Journalpost.id)))
        sak_ids = set(s.scalars(select(Saksmappe.id)))
        enhet_ids = list(s.scalars(select(Enhet.id)))
        docs = s.scalars(select(Dokumentbeskrivelse)).all()
        screened_docs = {
            d.id
            for d in docs
            if is_screened(d.skjerming)
            or (d.journalpost.skjerming is not None and d.journalpost.skjerming.skjerming_dokument)
        }
        doc_ids = [d.id for d in docs]
        embargoed = {
            *s.scalars(select(Journalpost.id).where(Journalpost.accessible_after.is_not(None))),
            *s.scalars(select(Saksmappe.id).where(Saksmappe.accessible_after.is_not(None))),
        }
    _visit_once(sweep, (f"{p}/journalpost/{i}" for i in sorted(jp_ids) for p in ("", "/api/v1")))
    _visit_once(sweep, (f"{p}/saksmappe/{i}" for i in sorted(sak_ids) for p in ("", "/api/v1")))
    for enhet_id in enhet_ids:
        _visit_once(sweep, [f"/enhet/{enhet_id}", f"/api/v1/enhet/{enhet_id}"])
        sweep.api_pages(enhet=enhet_id, size=100)
    total = sweep.get("/api/v1/enhet?limit=7").get_json()["total"]
    for offset in range(7, total, 7):
        sweep.get(f"/api/v1/enhet?limit=7&offset={offset}")
    for doc_id in doc_ids:
        _visit_once(
            sweep,
            [
                f"/dokument/{doc_id}",
                f"/dokument/{doc_id}?q=Zqelevhemmelig",
                f"/dokument/{doc_id}/original",
                f"/api/v1/dokument/{doc_id}",
                f"/api/v1/dokument/{doc_id}/content",
            ],
        )
    sweep.get("/api/v1/openapi.json")

    # Screened documents and embargoed records answer 404 everywhere and are never listed.
    status = {r.url: r.status for r in sweep.responses}
    assert len(screened_docs) >= 5
    for doc_id in screened_docs:
        for url in (
            f"/dokument/{doc_id}",
            f"/dokument/{doc_id}/original",
            f"/api/v1/dokument/{doc_id}",
            f"/api/v1/dokument/{doc_id}/content",
        ):
            assert status[url] == 404, url
    assert len(embargoed) == 3
    for rec_id in embargoed:
        kind = "journalpost" if rec_id.startswith("jp") else "saksmappe"
        assert status[f"/{kind}/{rec_id}"] == 404
        assert status[f"/api/v1/{kind}/{rec_id}"] == 404
    assert listed == jp_ids - embargoed

    # The sweep: no screened string and no fødselsnummer in any response.
    assert not findable, findable
    leaks = [(r.url, m) for r in sweep.responses for m in markers if _norm(m) in r.haystack]
    assert not leaks, leaks[:20]
    numbers = [(r.url, n) for r in sweep.responses for n in _fnr_in(r.text)]
    assert not numbers, numbers[:20]

    # ... and it was not vacuous: the public parts of the same records are there, and every
    # public route was answered with content many times.
    everything = "\n".join(r.haystack for r in sweep.responses)
    missing = [v for v in CRAFTED_VISIBLE + REAL_VISIBLE if _norm(v) not in everything]
    assert not missing, missing
    ok = [r for r in sweep.responses if r.status == 200]
    assert len(ok) >= 1000, len(ok)
    assert sum(r.url.startswith("/journalpost/") for r in ok) >= 70
    assert sum(r.url.startswith("/saksmappe/") for r in ok) >= 45
    assert sum(r.url.endswith("/original") for r in ok) >= 10
    app = client.application
    public_rules = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and not rule.rule.startswith(("/admin", "/api/v1/admin", "/static"))
    }
    adapter = app.url_map.bind("localhost")
    reached = set()
    for r in ok:
        endpoint, _ = adapter.match(urlsplit(r.url).path)
        reached |= {rule.rule for rule in app.url_map.iter_rules(endpoint)}
    assert public_rules <= reached, public_rules - reached
