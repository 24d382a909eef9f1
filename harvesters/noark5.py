"""``noark5``: a Noark 5 extraction (arkivuttrekk) from a directory, a .zip or a .tar
(also the DIAS layout with ``content/``), or a single ``arkivstruktur.xml`` /
``offentligJournal.xml``.

The XML is read as a stream (``iterparse``), one ``mappe`` at a time, and each finished
mappe is dropped from memory, so memory stays flat however large the file. DTDs are
refused (no entity expansion, no external entities). The Noark version comes from the
ADDML ``arkivuttrekk.xml`` (the namespaces are the same in every version).

Privacy: the public title is ``offentligTittel``; the internal ``tittel`` is used only
when a record has neither ``offentligTittel`` nor ``skjerming``. A public title that
repeats the screened internal title verbatim is withheld too, and so is a document title
that repeats its entry's or case's internal title. Correspondents are
withheld when the screening's metadata names them or does not say which fields it covers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException

from harvesters.packages import Package, open_package
from harvesters.xmlsafe import safe_iterparse
from innsyn.digits import ascii_int
from innsyn.harvest.contract import Harvester, HarvestError
from innsyn.harvest.records import (
    DokumentRecord,
    EnhetRecord,
    FileRecord,
    HarvestWarning,
    JournalpostRecord,
    KorrespondansepartRecord,
    Record,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.privacy import unless_repeating

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
JOURNALPOSTTYPE = {
    "inngående dokument": "I",
    "utgående dokument": "U",
    "organinternt notat med oppfølging": "N",
    "organinternt notat uten oppfølging": "X",
    "organinternt dokument for oppfølging": "N",
    "organinternt dokument uten oppfølging": "X",
    "saksframlegg": "S",
    "sakskart": "Y",
    "møtebok": "Z",
    "møteprotokoll": "Z",
}
_PART_WORDS = ("korrespondanse", "navn", "avsender", "mottaker", "adresse")
_FIELD_WORDS = ("tittel", "korrespondanse", "navn", "avsender", "mottaker", "beskrivelse")


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


_INDEX_MAX = 64
_indexes: dict[int, tuple[Element, int, dict[str, list[Element]]]] = {}


def _index(elem: Element) -> dict[str, list[Element]]:
    """``elem``'s children by local name, built once per element and reused by every
    field lookup (an entry asks for some twenty fields; scanning the children each time
    was most of the parse time). Held with the element itself, so an id is never
    mistaken for a newer element's, and rebuilt when the children changed."""
    hit = _indexes.get(id(elem))
    if hit is not None and hit[0] is elem and hit[1] == len(elem):
        return hit[2]
    index: dict[str, list[Element]] = {}
    for c in elem:
        index.setdefault(local(c.tag), []).append(c)
    if len(_indexes) >= _INDEX_MAX:
        _indexes.clear()
    _indexes[id(elem)] = (elem, len(elem), index)
    return index


def _child(elem: Element, name: str) -> Element | None:
    found = _index(elem).get(name)
    return found[0] if found else None


def _text(elem: Element | None, name: str) -> str | None:
    if elem is None:
        return None
    c = _child(elem, name)
    if c is None or c.text is None:
        return None
    value = c.text.strip()
    return value or None


def _children(elem: Element, name: str) -> list[Element]:
    return list(_index(elem).get(name, ()))


def xsi_type(elem: Element) -> str:
    """``xsi:type`` without any namespace prefix (``ark:saksmappe`` -> ``saksmappe``)."""
    return (elem.get(XSI_TYPE) or "").rsplit(":", 1)[-1].strip().lower()


class _Warnings:
    def __init__(self) -> None:
        self.items: list[HarvestWarning] = []

    def add(self, message: str, system_id: str | None = None) -> None:
        self.items.append(HarvestWarning(message, system_id))


def _int(value: str | None, warn: _Warnings, field: str, sid: str | None) -> int | None:
    if value is None:
        return None
    number = ascii_int(value, signed=True)
    if number is None:
        warn.add(f"invalid number in {field}: {value!r}", sid)
    return number


def _date(value: str | None, warn: _Warnings, field: str, sid: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        warn.add(f"invalid date in {field}: {value!r} (left empty)", sid)
        return None


def _skjerming(elem: Element) -> SkjermingRecord | None:
    sk = _child(elem, "skjerming")
    if sk is None:
        return None
    return SkjermingRecord(
        tilgangsrestriksjon=_text(sk, "tilgangsrestriksjon"),
        skjermingshjemmel=_text(sk, "skjermingshjemmel"),
        skjermingsvarighet=ascii_int(_text(sk, "skjermingsvarighet")),
        skjerming_metadata=[
            c.text.strip() for c in _children(sk, "skjermingMetadata") if c.text and c.text.strip()
        ],
        skjerming_dokument=_text(sk, "skjermingDokument"),
    )


def public_title(elem: Element, skjerming: SkjermingRecord | None) -> str | None:
    """The title that may be published (see the module docstring)."""
    internal = _text(elem, "tittel")
    public = _text(elem, "offentligTittel")
    if public:
        if skjerming is not None and internal and internal in public and internal != public:
            return None
        return public
    if skjerming is None:
        return internal
    return None


def hidden_title(elem: Element, skjerming: SkjermingRecord | None) -> str | None:
    """The internal title when it is not the public one (so it must not be published)."""
    internal = _text(elem, "tittel")
    return internal if internal and internal != public_title(elem, skjerming) else None


def parts_screened(skjerming: SkjermingRecord | None) -> bool:
    if skjerming is None:
        return False
    meta = " ".join(skjerming.skjerming_metadata).lower()
    if any(w in meta for w in _PART_WORDS):
        return True
    return not any(w in meta for w in _FIELD_WORDS)


def _journalposttype(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) == 1:
        return value.upper()
    return JOURNALPOSTTYPE.get(value.lower(), value)


class Noark5Harvester(Harvester):
    """Noark 5 arkivuttrekk (directory, zip, tar, DIAS) or a single Noark 5 XML file."""

    name = "noark5"
    description = (
        "Noark 5 extraction (arkivuttrekk) from a directory, .zip or .tar (DIAS too), "
        "or one arkivstruktur.xml / offentligJournal.xml"
    )

    noark_version: str | None = None

    def records(self) -> Iterator[Record]:
        with self.local_path() as location:
            yield from self._records(location)

    def _records(self, location: Path) -> Iterator[Record]:
        if location.is_file() and location.suffix.lower() == ".xml":
            package: Package = open_package(location.parent)
            main = location.name
            version = None
        else:
            max_total = int(self.params.get("archive_max_uncompressed", 20 * 1024**3))
            max_ratio = int(self.params.get("archive_max_ratio", 200))
            package = open_package(location, max_total, max_ratio)
            found = package.find("arkivstruktur.xml") or package.find("offentligJournal.xml")
            if found is None:
                package.close()
                raise HarvestError(f"{location} holds no arkivstruktur.xml or offentligJournal.xml")
            main = found
            version = self._version(package)
        self.noark_version = version
        try:
            yield from _Parser(package, main, self.location).run()
        finally:
            package.close()

    @staticmethod
    def _version(package: Package) -> str | None:
        name = package.find("arkivuttrekk.xml") or package.find("addml.xml")
        if name is None:
            return None
        try:
            with package.open(name) as fh:
                for _event, elem in safe_iterparse(fh, ("end",)):
                    if local(elem.tag) == "property" and elem.get("name") == "version":
                        value = _child(elem, "value")
                        if value is not None and value.text:
                            return value.text.strip()
        except (ParseError, DefusedXmlException):
            return None
        return None


class _Parser:
    def __init__(self, package: Package, main: str, location: str) -> None:
        self.package = package
        self.main = main
        self.base_dir = main.rsplit("/", 1)[0] if "/" in main else ""
        self.location = location
        self.warn = _Warnings()
        self.arkivdel: str | None = None
        self.classes: list[dict[str, str]] = []
        self.enhet: str | None = None

    def _drain(self) -> Iterator[Record]:
        yield from self.warn.items
        self.warn.items.clear()

    def run(self) -> Iterator[Record]:
        stack: list[Element] = []
        try:
            with self.package.open(self.main) as fh:
                for event, elem in safe_iterparse(fh, ("start", "end")):
                    if event == "start":
                        stack.append(elem)
                        continue
                    stack.pop()
                    yield from self._end(elem, stack)
        except DefusedXmlException as exc:
            raise HarvestError(
                f"{self.main}: refused unsafe XML ({type(exc).__name__}: DTDs and entities "
                "are not allowed)"
            ) from exc
        except ParseError as exc:
            raise HarvestError(f"{self.main}: malformed XML: {exc}") from exc

    def _end(self, elem: Element, stack: list[Element]) -> Iterator[Record]:
        tag = local(elem.tag)
        parent = local(stack[-1].tag) if stack else ""
        if tag == "arkivskaper":
            sid = _text(elem, "arkivskaperID") or _text(elem, "arkivskaperNavn")
            if sid:
                self.enhet = sid
                orgnr = sid if re.fullmatch(r"\d{9}", sid) else None
                yield EnhetRecord(
                    system_id=sid, navn=_text(elem, "arkivskaperNavn") or sid, orgnummer=orgnr
                )
        elif tag == "tittel" and parent == "arkivdel":
            self.arkivdel = (elem.text or "").strip() or None
        elif tag == "klasseID" and parent == "klasse":
            self.classes.append({"klasseID": (elem.text or "").strip()})
        elif tag == "mappe":
            yield from self._mappe(elem)
            if stack:
                stack[-1].remove(elem)
        elif tag == "journalregistrering":
            yield from self._journalregistrering(elem)
            if stack:
                stack[-1].remove(elem)
        elif tag == "klasse" and self.classes:
            self.classes.pop()
            if stack:
                stack[-1].remove(elem)
        elif tag == "registrering" and parent != "mappe":
            yield from self._registrering(elem, None)
            if stack:
                stack[-1].remove(elem)

    def _mappe(self, elem: Element) -> Iterator[Record]:
        sid = _text(elem, "systemID") or _text(elem, "mappeID")
        if not sid:
            self.warn.add("mappe without systemID skipped")
            yield from self._drain()
            return
        skjerming = _skjerming(elem)
        yield SaksmappeRecord(
            system_id=sid,
            offentlig_tittel=public_title(elem, skjerming),
            saksaar=_int(_text(elem, "saksaar"), self.warn, "saksaar", sid),
            sakssekvensnummer=_int(
                _text(elem, "sakssekvensnummer"), self.warn, "sakssekvensnummer", sid
            ),
            saksdato=_date(_text(elem, "saksdato"), self.warn, "saksdato", sid),
            administrativ_enhet=_text(elem, "administrativEnhet"),
            saksstatus=_text(elem, "saksstatus"),
            arkivdel=self.arkivdel,
            klassifikasjon=list(self.classes),
            skjerming=skjerming,
            enhet_system_id=self.enhet,
        )
        for reg in _children(elem, "registrering"):
            yield from self._registrering(reg, sid, hidden_title(elem, skjerming))
        yield from self._drain()

    def _journalregistrering(self, elem: Element) -> Iterator[Record]:
        sak = _child(elem, "saksmappe")
        sak_id = None
        sak_hidden = None
        if sak is not None:
            aar, seq = _text(sak, "saksaar"), _text(sak, "sakssekvensnummer")
            sak_id = _text(sak, "systemID") or (f"sak:{aar}/{seq}" if aar and seq else None)
            if sak_id:
                skjerming = _skjerming(sak)
                sak_hidden = hidden_title(sak, skjerming)
                yield SaksmappeRecord(
                    system_id=sak_id,
                    offentlig_tittel=public_title(sak, skjerming),
                    saksaar=_int(aar, self.warn, "saksaar", sak_id),
                    sakssekvensnummer=_int(seq, self.warn, "sakssekvensnummer", sak_id),
                    skjerming=skjerming,
                    enhet_system_id=self.enhet,
                )
        for jp in _children(elem, "journalpost"):
            yield from self._registrering(jp, sak_id, sak_hidden)
        yield from self._drain()

    def _registrering(
        self, elem: Element, sak_id: str | None, sak_hidden: str | None = None
    ) -> Iterator[Record]:
        kind = xsi_type(elem)
        sid = _text(elem, "systemID") or _text(elem, "registreringsID")
        if not sid:
            self.warn.add("registrering without systemID skipped")
            yield from self._drain()
            return
        if kind and kind not in ("journalpost", "arkivnotat", "registrering", "basisregistrering"):
            self.warn.add(f"registrering of type {kind!r} not harvested", sid)
            yield from self._drain()
            return
        skjerming = _skjerming(elem)
        hide_parts = parts_screened(skjerming)
        parts = []
        for kp in _children(elem, "korrespondansepart"):
            name = _text(kp, "korrespondansepartNavn")
            parts.append(
                KorrespondansepartRecord(
                    navn=None if hide_parts else name,
                    korrespondanseparttype=_text(kp, "korrespondanseparttype"),
                    administrativ_enhet=None if hide_parts else _text(kp, "administrativEnhet"),
                    skjermet=hide_parts,
                )
            )
        hidden = (hidden_title(elem, skjerming), sak_hidden)
        yield JournalpostRecord(
            system_id=sid,
            saksmappe_system_id=sak_id,
            offentlig_tittel=public_title(elem, skjerming),
            journalaar=_int(_text(elem, "journalaar"), self.warn, "journalaar", sid),
            journalsekvensnummer=_int(
                _text(elem, "journalsekvensnummer"), self.warn, "journalsekvensnummer", sid
            ),
            journalpostnummer=_int(
                _text(elem, "journalpostnummer"), self.warn, "journalpostnummer", sid
            ),
            journalposttype=_journalposttype(_text(elem, "journalposttype"))
            or ("N" if kind == "arkivnotat" else None),
            journalstatus=_text(elem, "journalstatus"),
            journaldato=_date(_text(elem, "journaldato"), self.warn, "journaldato", sid),
            dokumentets_dato=_date(
                _text(elem, "dokumentetsDato"), self.warn, "dokumentetsDato", sid
            ),
            administrativ_enhet=_text(elem, "administrativEnhet"),
            skjerming=skjerming,
            korrespondanseparter=parts,
            dokumenter=[
                self._dokument(d, sid, hidden) for d in _children(elem, "dokumentbeskrivelse")
            ],
            enhet_system_id=self.enhet,
        )
        yield from self._drain()

    def _dokument(
        self, elem: Element, jp_sid: str, hidden: tuple[str | None, ...] = ()
    ) -> DokumentRecord:
        skjerming = _skjerming(elem)
        files = []
        for obj in _children(elem, "dokumentobjekt"):
            ref = _text(obj, "referanseDokumentfil")
            opener = None
            if ref:
                try:
                    path = self.package.resolve(self.base_dir, ref)
                except HarvestError as exc:
                    self.warn.add(str(exc), jp_sid)
                    path = None
                if path is not None:
                    opener = self._opener(path)
            size = _text(obj, "filstoerrelse")
            files.append(
                FileRecord(
                    system_id=_text(obj, "systemID") or ref,
                    filnavn=(ref or "").replace("\\", "/").rsplit("/", 1)[-1] or None,
                    open=opener,
                    source_uri=f"{self.location}#{ref}" if ref else None,
                    format=_text(obj, "format"),
                    versjonsnummer=_int(
                        _text(obj, "versjonsnummer"), self.warn, "versjonsnummer", jp_sid
                    ),
                    variantformat=_text(obj, "variantformat"),
                    declared_checksum=_text(obj, "sjekksum"),
                    declared_checksum_algorithm=_text(obj, "sjekksumAlgoritme"),
                    declared_size=ascii_int(size),
                )
            )
        return DokumentRecord(
            system_id=_text(elem, "systemID"),
            tittel=unless_repeating(public_title(elem, skjerming), *hidden),
            dokumentnummer=_int(_text(elem, "dokumentnummer"), self.warn, "dokumentnummer", jp_sid),
            dokumenttype=_text(elem, "dokumenttype"),
            tilknyttet_registrering_som=_text(elem, "tilknyttetRegistreringSom"),
            skjerming=skjerming,
            files=files,
        )

    def _opener(self, path: str) -> Any:
        package = self.package
        return lambda: package.open(path)
