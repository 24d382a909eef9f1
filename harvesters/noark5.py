"""``noark5``: a Noark 5 extraction (arkivuttrekk) from a directory, a .zip or a .tar
(also the DIAS layout with ``content/``), or a single ``arkivstruktur.xml`` /
``offentligJournal.xml``.

The XML is read as a stream (``iterparse``), one ``mappe`` at a time, and each finished
mappe is dropped from memory, so memory stays flat however large the file. DTDs are
refused (no entity expansion, no external entities). The Noark version comes from the
ADDML ``arkivuttrekk.xml`` (the namespaces are the same in every version).

Privacy: titles follow ``innsyn.harvest.titles`` (``offentligTittel`` is public; the
internal ``tittel`` only when a record has neither ``offentligTittel`` nor ``skjerming``).
Correspondents are withheld when the screening's metadata names them or does not say
which fields it covers (``innsyn.privacy.correspondents_screened``). Bad numbers and dates
are left empty with a warning (``innsyn.harvest.fields``).

Embargo: Noark 5 has no field that holds a whole record back until a date (eInnsyn's
``accessibleAfter`` has no counterpart in arkivstruktur), so these records get no
``accessible_after``. ``skjerming/skjermingOpphoererDato`` is not one: it says when a
screening may end, and a screening hides parts of a record, not the record; it is read
neither as an embargo nor as the end of the screening.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException

from harvesters.packages import Package, open_package
from harvesters.xmlsafe import safe_iterparse
from innsyn.harvest.caps import Caps, caps
from innsyn.harvest.contract import Harvester, HarvestError, is_url
from innsyn.harvest.fields import FieldReader
from innsyn.harvest.records import (
    DokumentRecord,
    EnhetRecord,
    FileRecord,
    JournalpostRecord,
    KorrespondansepartRecord,
    Record,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.harvest.titles import Titles, document_title, file_name, publishable_titles
from innsyn.privacy import correspondents_screened

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


def _skjerming(elem: Element, fields: FieldReader) -> SkjermingRecord | None:
    sk = _child(elem, "skjerming")
    if sk is None:
        return None
    return SkjermingRecord(
        tilgangsrestriksjon=_text(sk, "tilgangsrestriksjon"),
        skjermingshjemmel=_text(sk, "skjermingshjemmel"),
        skjermingsvarighet=fields.integer(
            "skjermingsvarighet", _text(sk, "skjermingsvarighet"), signed=False
        ),
        skjerming_metadata=[
            c.text.strip() for c in _children(sk, "skjermingMetadata") if c.text and c.text.strip()
        ],
        skjerming_dokument=_text(sk, "skjermingDokument"),
    )


def _titles(elem: Element, skjerming: SkjermingRecord | None) -> Titles:
    return publishable_titles(_text(elem, "offentligTittel"), _text(elem, "tittel"), skjerming)


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

    def offload_size(self) -> int | None:
        """The size of the main XML of a local directory or XML file: its files open by
        path (``DirectoryPackage`` pickles), so the records can be read in a child
        process. Archives and URLs hold open handles, so they are read in process."""
        if is_url(self.location):
            return None
        location = Path(self.location)
        if location.is_file() and location.suffix.lower() == ".xml":
            return location.stat().st_size
        if not location.is_dir():
            return None
        for name in ("arkivstruktur.xml", "offentligJournal.xml"):
            for candidate in (location / name, *sorted(location.glob(f"*/{name}"))):
                if candidate.is_file():
                    return candidate.stat().st_size
        return None

    def records(self) -> Iterator[Record]:
        with self.local_path() as location:
            yield from self._records(location)

    def _records(self, location: Path) -> Iterator[Record]:
        limits = caps(self.params)
        if location.is_file() and location.suffix.lower() == ".xml":
            package: Package = open_package(location.parent, max_members=limits.archive_max_members)
            main = location.name
            version = None
        else:
            package = open_package(
                location,
                limits.archive_max_uncompressed,
                limits.archive_max_ratio,
                limits.archive_max_members,
            )
            found = package.find("arkivstruktur.xml") or package.find("offentligJournal.xml")
            if found is None:
                package.close()
                raise HarvestError(f"{location} holds no arkivstruktur.xml or offentligJournal.xml")
            main = found
            version = self._version(package, limits)
        self.noark_version = version
        try:
            yield from _Parser(package, main, self.location, limits).run()
        finally:
            package.close()

    @staticmethod
    def _version(package: Package, limits: Caps) -> str | None:
        name = package.find("arkivuttrekk.xml") or package.find("addml.xml")
        if name is None:
            return None
        try:
            with package.open(name) as fh:
                for _event, elem in safe_iterparse(
                    fh, ("end",), limits.xml_max_node_bytes, limits.xml_max_depth
                ):
                    if local(elem.tag) == "property" and elem.get("name") == "version":
                        value = _child(elem, "value")
                        if value is not None and value.text:
                            return value.text.strip()
        except (ParseError, DefusedXmlException):
            return None
        return None


class _Parser:
    def __init__(self, package: Package, main: str, location: str, limits: Caps) -> None:
        self.package = package
        self.limits = limits
        self.main = main
        self.base_dir = main.rsplit("/", 1)[0] if "/" in main else ""
        self.location = location
        self.fields = FieldReader()
        self.arkivdel: str | None = None
        self.classes: list[dict[str, str]] = []
        self.enhet: str | None = None

    def run(self) -> Iterator[Record]:
        stack: list[Element] = []
        try:
            with self.package.open(self.main) as fh:
                for event, elem in safe_iterparse(
                    fh, ("start", "end"), self.limits.xml_max_node_bytes, self.limits.xml_max_depth
                ):
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
        except HarvestError as exc:
            raise HarvestError(f"{self.main}: {exc}") from exc

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
            self.fields.warn("mappe without systemID skipped")
            yield from self.fields.drain()
            return
        fields = self.fields.about(sid)
        skjerming = _skjerming(elem, fields)
        titles = _titles(elem, skjerming)
        yield SaksmappeRecord(
            system_id=sid,
            offentlig_tittel=titles.public,
            saksaar=fields.integer("saksaar", _text(elem, "saksaar")),
            sakssekvensnummer=fields.integer("sakssekvensnummer", _text(elem, "sakssekvensnummer")),
            saksdato=fields.date("saksdato", _text(elem, "saksdato")),
            administrativ_enhet=_text(elem, "administrativEnhet"),
            saksstatus=_text(elem, "saksstatus"),
            arkivdel=self.arkivdel,
            klassifikasjon=list(self.classes),
            skjerming=skjerming,
            enhet_system_id=self.enhet,
        )
        for reg in _children(elem, "registrering"):
            yield from self._registrering(reg, sid, titles)
        yield from self.fields.drain()

    def _journalregistrering(self, elem: Element) -> Iterator[Record]:
        sak = _child(elem, "saksmappe")
        sak_id = None
        sak_titles = None
        if sak is not None:
            aar, seq = _text(sak, "saksaar"), _text(sak, "sakssekvensnummer")
            sak_id = _text(sak, "systemID") or (f"sak:{aar}/{seq}" if aar and seq else None)
            if sak_id:
                fields = self.fields.about(sak_id)
                skjerming = _skjerming(sak, fields)
                sak_titles = _titles(sak, skjerming)
                yield SaksmappeRecord(
                    system_id=sak_id,
                    offentlig_tittel=sak_titles.public,
                    saksaar=fields.integer("saksaar", aar),
                    sakssekvensnummer=fields.integer("sakssekvensnummer", seq),
                    skjerming=skjerming,
                    enhet_system_id=self.enhet,
                )
        for jp in _children(elem, "journalpost"):
            yield from self._registrering(jp, sak_id, sak_titles)
        yield from self.fields.drain()

    def _registrering(
        self, elem: Element, sak_id: str | None, sak_titles: Titles | None = None
    ) -> Iterator[Record]:
        kind = xsi_type(elem)
        sid = _text(elem, "systemID") or _text(elem, "registreringsID")
        if not sid:
            self.fields.warn("registrering without systemID skipped")
            yield from self.fields.drain()
            return
        fields = self.fields.about(sid)
        if kind and kind not in ("journalpost", "arkivnotat", "registrering", "basisregistrering"):
            fields.warn(f"registrering of type {kind!r} not harvested")
            yield from self.fields.drain()
            return
        skjerming = _skjerming(elem, fields)
        titles = _titles(elem, skjerming)
        hide_parts = correspondents_screened(skjerming)
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
        yield JournalpostRecord(
            system_id=sid,
            saksmappe_system_id=sak_id,
            offentlig_tittel=titles.public,
            journalaar=fields.integer("journalaar", _text(elem, "journalaar")),
            journalsekvensnummer=fields.integer(
                "journalsekvensnummer", _text(elem, "journalsekvensnummer")
            ),
            journalpostnummer=fields.integer("journalpostnummer", _text(elem, "journalpostnummer")),
            journalposttype=_journalposttype(_text(elem, "journalposttype"))
            or ("N" if kind == "arkivnotat" else None),
            journalstatus=_text(elem, "journalstatus"),
            journaldato=fields.date("journaldato", _text(elem, "journaldato")),
            dokumentets_dato=fields.date("dokumentetsDato", _text(elem, "dokumentetsDato")),
            administrativ_enhet=_text(elem, "administrativEnhet"),
            skjerming=skjerming,
            korrespondanseparter=parts,
            dokumenter=[
                self._dokument(d, fields, (titles, sak_titles))
                for d in _children(elem, "dokumentbeskrivelse")
            ],
            enhet_system_id=self.enhet,
        )
        yield from self.fields.drain()

    def _dokument(
        self, elem: Element, fields: FieldReader, parents: tuple[Titles | None, ...]
    ) -> DokumentRecord:
        """A document of the entry whose fields ``fields`` reads (warnings name the entry)."""
        skjerming = _skjerming(elem, fields)
        titles = _titles(elem, skjerming)
        files: list[FileRecord] = []
        for obj in _children(elem, "dokumentobjekt"):
            ref = _text(obj, "referanseDokumentfil")
            opener = None
            if ref:
                try:
                    path = self.package.resolve(self.base_dir, ref)
                except HarvestError as exc:
                    fields.warn(str(exc))
                    path = None
                if path is not None:
                    opener = self._opener(path)
            files.append(
                FileRecord(
                    system_id=_text(obj, "systemID") or ref,
                    filnavn=file_name(
                        (ref or "").replace("\\", "/").rsplit("/", 1)[-1] or None,
                        len(files) + 1,
                        titles,
                        *parents,
                    ),
                    open=opener,
                    source_uri=f"{self.location}#{ref}" if ref else None,
                    format=_text(obj, "format"),
                    versjonsnummer=fields.integer("versjonsnummer", _text(obj, "versjonsnummer")),
                    variantformat=_text(obj, "variantformat"),
                    declared_checksum=_text(obj, "sjekksum"),
                    declared_checksum_algorithm=_text(obj, "sjekksumAlgoritme"),
                    declared_size=fields.integer(
                        "filstoerrelse", _text(obj, "filstoerrelse"), signed=False
                    ),
                )
            )
        return DokumentRecord(
            system_id=_text(elem, "systemID"),
            tittel=document_title(titles, *parents),
            dokumentnummer=fields.integer("dokumentnummer", _text(elem, "dokumentnummer")),
            dokumenttype=_text(elem, "dokumenttype"),
            tilknyttet_registrering_som=_text(elem, "tilknyttetRegistreringSom"),
            skjerming=skjerming,
            files=files,
        )

    def _opener(self, path: str) -> Callable[[], BinaryIO]:
        return functools.partial(self.package.open, path)
