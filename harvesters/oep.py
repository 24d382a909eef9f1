"""``oep``: the Noark 4 "OFFJOURNAL" public-journal export that archive systems make for
OEP (NOARKSAK.OJ, JOURNPOST.OJ, AVSMOT.OJ, DOKLINK/DOKBESKRIV/DOKVERSJON).

Titles follow ``innsyn.harvest.titles``: ``SA.OFFTITTEL`` and ``JP.OFFINNHOLD`` are
public; a ``*_SENSITIV`` variant goes to the sensitive field (shown only within the
retention window). Internal titles (``SA.TITTEL``/``JP.INNHOLD``, and ``DB.TITTEL``, a
document's only title) are used only when no public variant exists and nothing marks the
record screened (``*.TGKODE``, ``*.UOFF``). Correspondents flagged ``AM.U1`` are
withheld. Bad numbers and dates are left empty with a warning (``innsyn.harvest.fields``).
Location: one XML file, or a directory of them.

Embargo: OFFJOURNAL (Noark 4) has no field that holds an entry back until a date, so
these records get no ``accessible_after``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element

from harvesters.http_files import url_opener
from harvesters.xmlsafe import parse_xml
from innsyn.digits import is_ascii_digits
from innsyn.harvest.contract import Harvester, HarvestError
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


def _t(elem: Element, tag: str) -> str | None:
    child = elem.find(tag)
    if child is None or child.text is None:
        return None
    return " ".join(child.text.split()) or None


def _skjerming(elem: Element, prefix: str) -> SkjermingRecord | None:
    code = _t(elem, f"{prefix}.TGKODE")
    basis = _t(elem, f"{prefix}.UOFF")
    if not code and not basis:
        return None
    return SkjermingRecord(tilgangsrestriksjon=code, skjermingshjemmel=basis)


def _titles(elem: Element, public: str, internal: str, skjerming: SkjermingRecord | None) -> Titles:
    return publishable_titles(
        _t(elem, public), _t(elem, internal), skjerming, sensitive=_sensitive(elem, public)
    )


def _file_opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: path.open("rb")


def _sensitive(elem: Element, public: str) -> str | None:
    return _t(elem, f"{public}_SENSITIV")


class OepHarvester(Harvester):
    """OFFJOURNAL 2.0 export (one file, or every .xml in a directory)."""

    name = "oep"
    description = "Noark 4 OFFJOURNAL public-journal export for OEP (file, directory or URL)"

    def _files(self, location: Path) -> list[Path]:
        if location.is_dir():
            return sorted(p for p in location.glob("*.xml") if p.is_file())
        if location.is_file():
            return [location]
        raise HarvestError(f"{location} does not exist")

    def records(self) -> Iterator[Record]:
        with self.local_path() as location:
            yield from self._records(location)

    def _records(self, location: Path) -> Iterator[Record]:
        files = self._files(location)
        for path in files:
            root = parse_xml(path.read_bytes(), path.name)
            if root.tag != "OFFJOURNAL":
                if len(files) == 1:
                    raise HarvestError(f"{path.name} is not an OFFJOURNAL export")
                continue
            yield from self._journal(root, path)

    def _journal(self, root: Element, path: Path) -> Iterator[Record]:
        info = root.find("PRODINFO")
        enhet = None
        if info is not None:
            orgnr = _t(info, "PI.ORGNR")
            name = _t(info, "PI.ARKSKAPER") or orgnr
            if name:
                enhet = orgnr if is_ascii_digits(orgnr) else name
                yield EnhetRecord(
                    system_id=enhet,
                    navn=name,
                    orgnummer=orgnr if is_ascii_digits(orgnr) else None,
                    kommunenummer=_t(info, "PI.KOMMUNE"),
                )
        for sak in root.iter("NOARKSAK.OJ"):
            yield from self._case(sak, path, enhet)

    def _case(self, sak: Element, path: Path, enhet: str | None) -> Iterator[Record]:
        aar, seq = _t(sak, "SA.SAAR"), _t(sak, "SA.SEKNR")
        sak_id = _t(sak, "SA.ID") or f"sak:{aar}/{seq}"
        fields = FieldReader(sak_id)
        skjerming = _skjerming(sak, "SA")
        titles = _titles(sak, "SA.OFFTITTEL", "SA.TITTEL", skjerming)
        klasser = [
            {"klasseID": _t(k, "KL.ORDNVERDI") or "", "tittel": _t(k, "KL.OVBESK") or ""}
            for k in sak.findall("KLASSERING.OJ")
        ]
        yield SaksmappeRecord(
            system_id=sak_id,
            offentlig_tittel=titles.public,
            offentlig_tittel_sensitiv=titles.sensitive,
            saksaar=fields.integer("SA.SAAR", aar, signed=False),
            sakssekvensnummer=fields.integer("SA.SEKNR", seq, signed=False),
            saksdato=fields.date("SA.DATO", _t(sak, "SA.DATO")),
            administrativ_enhet=_t(sak, "SA.ADMKORT"),
            klassifikasjon=klasser,
            skjerming=skjerming,
            enhet_system_id=enhet,
        )
        for jp in sak.findall("JOURNPOST.OJ"):
            yield self._entry(jp, sak_id, path, enhet, fields, titles)
        yield from fields.drain()

    def _entry(
        self,
        jp: Element,
        sak_id: str,
        path: Path,
        enhet: str | None,
        case_fields: FieldReader,
        sak_titles: Titles,
    ) -> JournalpostRecord:
        """An entry of the case ``sak_id``; its warnings join the case's (``case_fields``)."""
        jaar, jseq, postnr = _t(jp, "JP.JAAR"), _t(jp, "JP.SEKNR"), _t(jp, "JP.POSTNR")
        system_id = _t(jp, "JP.ID") or f"jp:{jaar}/{jseq}"
        fields = case_fields.about(system_id)
        skjerming = _skjerming(jp, "JP")
        titles = _titles(jp, "JP.OFFINNHOLD", "JP.INNHOLD", skjerming)
        parts = []
        for am in jp.findall("AVSMOT.OJ"):
            hidden = (_t(am, "AM.U1") or "0") not in ("0", "")
            kind = _t(am, "AM.IHTYPE")
            parts.append(
                KorrespondansepartRecord(
                    navn=None if hidden else _t(am, "AM.NAVN"),
                    navn_sensitiv=None if hidden else _sensitive(am, "AM.NAVN"),
                    korrespondanseparttype={"0": "avsender", "1": "mottaker"}.get(kind or "", kind),
                    skjermet=hidden,
                )
            )
        return JournalpostRecord(
            system_id=system_id,
            saksmappe_system_id=sak_id,
            offentlig_tittel=titles.public,
            offentlig_tittel_sensitiv=titles.sensitive,
            journalaar=fields.integer("JP.JAAR", jaar, signed=False),
            journalsekvensnummer=fields.integer("JP.SEKNR", jseq, signed=False),
            journalpostnummer=fields.integer("JP.POSTNR", postnr, signed=False),
            journalposttype=_t(jp, "JP.NDOKTYPE"),
            journalstatus=_t(jp, "JP.STATUS"),
            journaldato=fields.date("JP.JDATO", _t(jp, "JP.JDATO")),
            dokumentets_dato=fields.date("JP.DOKDATO", _t(jp, "JP.DOKDATO")),
            administrativ_enhet=_t(jp, "JP.ADMKORT"),
            skjerming=skjerming,
            korrespondanseparter=parts,
            dokumenter=[
                self._document(dl, path, fields, (titles, sak_titles))
                for dl in jp.findall("DOKLINK.OJ")
            ],
            enhet_system_id=enhet,
        )

    def _document(
        self, dl: Element, path: Path, fields: FieldReader, parents: tuple[Titles, ...]
    ) -> DokumentRecord:
        """A document of the entry whose fields ``fields`` reads (warnings name the entry)."""
        desc = dl.find("DOKBESKRIV.OJ")
        files: list[FileRecord] = []
        title = None
        skjerming = _skjerming(dl, "DL") or (_skjerming(desc, "DB") if desc is not None else None)
        if desc is not None:
            own = publishable_titles(None, _t(desc, "DB.TITTEL"), skjerming)
            title = document_title(own, *parents)
            for ver in desc.findall("DOKVERSJON.OJ"):
                ref = _t(ver, "VE.FILREF")
                if not ref:
                    continue
                opener: Callable[[], BinaryIO]
                if ref.startswith(("http://", "https://")):
                    opener = url_opener(self.http, ref)
                    uri = ref
                else:
                    target = (path.parent / ref.replace("\\", "/")).resolve()
                    if not target.is_relative_to(path.parent.resolve()):
                        continue
                    opener = _file_opener(target)
                    uri = str(target)
                files.append(
                    FileRecord(
                        system_id=":".join(
                            str(_t(e, t))
                            for e, t in ((dl, "DL.RNR"), (ver, "VE.VERSJON"), (ver, "VE.VARIANT"))
                        ),
                        filnavn=file_name(
                            ref.rstrip("/").rsplit("/", 1)[-1], len(files) + 1, own, *parents
                        ),
                        open=opener,
                        source_uri=uri,
                        versjonsnummer=fields.integer(
                            "VE.VERSJON", _t(ver, "VE.VERSJON"), signed=False
                        ),
                        variantformat=_t(ver, "VE.VARIANT"),
                        format=_t(ver, "VE.DOKFORMAT"),
                    )
                )
        return DokumentRecord(
            system_id=_t(dl, "DL.RNR"),
            tittel=title,
            dokumentnummer=fields.integer("DL.RNR", _t(dl, "DL.RNR"), signed=False),
            tilknyttet_registrering_som={"H": "hoveddokument", "V": "vedlegg"}.get(
                _t(dl, "DL.TYPE") or "", _t(dl, "DL.TYPE")
            ),
            skjerming=skjerming,
            files=files,
        )
