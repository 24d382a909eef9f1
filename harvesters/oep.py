"""``oep``: the Noark 4 "OFFJOURNAL" public-journal export that archive systems make for
OEP (NOARKSAK.OJ, JOURNPOST.OJ, AVSMOT.OJ, DOKLINK/DOKBESKRIV/DOKVERSJON).

Public text: ``SA.OFFTITTEL`` and ``JP.OFFINNHOLD``; a ``*_SENSITIV`` variant goes to the
sensitive field (shown only within the retention window). Internal titles
(``SA.TITTEL``/``JP.INNHOLD``) are used only when no public variant exists and nothing
marks the record screened (``*.TGKODE``, ``*.UOFF``). Correspondents flagged ``AM.U1``
are withheld. A document title (``DB.TITTEL``) that repeats its entry's or case's internal
title is withheld too. Location: one XML file, or a directory of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from xml.etree.ElementTree import Element

from harvesters.http_files import url_opener
from harvesters.xmlsafe import parse_xml
from innsyn.digits import ascii_int, is_ascii_digits
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


def _t(elem: Element, tag: str) -> str | None:
    child = elem.find(tag)
    if child is None or child.text is None:
        return None
    return " ".join(child.text.split()) or None


def _date(value: str | None, warnings: list[str], what: str) -> dt.date | None:
    if not value:
        return None
    raw = value.strip()
    try:
        if len(raw) == 8 and is_ascii_digits(raw):
            return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        warnings.append(f"invalid date in {what}: {raw!r} (left empty)")
        return None


def _skjerming(elem: Element, prefix: str) -> SkjermingRecord | None:
    code = _t(elem, f"{prefix}.TGKODE")
    basis = _t(elem, f"{prefix}.UOFF")
    if not code and not basis:
        return None
    return SkjermingRecord(tilgangsrestriksjon=code, skjermingshjemmel=basis)


def _title(elem: Element, public: str, internal: str, screened: bool) -> str | None:
    value = _t(elem, public)
    if value:
        return value
    return None if screened else _t(elem, internal)


def _hidden(elem: Element, public: str, internal: str, screened: bool) -> str | None:
    """The internal title when it is not the published one."""
    value = _t(elem, internal)
    return value if value and value != _title(elem, public, internal, screened) else None


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
        warnings: list[str] = []
        aar, seq = _t(sak, "SA.SAAR"), _t(sak, "SA.SEKNR")
        sak_id = _t(sak, "SA.ID") or f"sak:{aar}/{seq}"
        skjerming = _skjerming(sak, "SA")
        klasser = [
            {"klasseID": _t(k, "KL.ORDNVERDI") or "", "tittel": _t(k, "KL.OVBESK") or ""}
            for k in sak.findall("KLASSERING.OJ")
        ]
        yield SaksmappeRecord(
            system_id=sak_id,
            offentlig_tittel=_title(sak, "SA.OFFTITTEL", "SA.TITTEL", skjerming is not None),
            offentlig_tittel_sensitiv=_sensitive(sak, "SA.OFFTITTEL"),
            saksaar=ascii_int(aar),
            sakssekvensnummer=ascii_int(seq),
            saksdato=_date(_t(sak, "SA.DATO"), warnings, "SA.DATO"),
            administrativ_enhet=_t(sak, "SA.ADMKORT"),
            klassifikasjon=klasser,
            skjerming=skjerming,
            enhet_system_id=enhet,
        )
        for jp in sak.findall("JOURNPOST.OJ"):
            yield self._entry(
                jp,
                sak_id,
                path,
                enhet,
                warnings,
                _hidden(sak, "SA.OFFTITTEL", "SA.TITTEL", skjerming is not None),
            )
        for message in warnings:
            yield HarvestWarning(message, sak_id)

    def _entry(
        self,
        jp: Element,
        sak_id: str,
        path: Path,
        enhet: str | None,
        warnings: list[str],
        sak_hidden: str | None = None,
    ) -> JournalpostRecord:
        jaar, jseq, postnr = _t(jp, "JP.JAAR"), _t(jp, "JP.SEKNR"), _t(jp, "JP.POSTNR")
        skjerming = _skjerming(jp, "JP")
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
        hidden = (_hidden(jp, "JP.OFFINNHOLD", "JP.INNHOLD", skjerming is not None), sak_hidden)
        return JournalpostRecord(
            system_id=_t(jp, "JP.ID") or f"jp:{jaar}/{jseq}",
            saksmappe_system_id=sak_id,
            offentlig_tittel=_title(jp, "JP.OFFINNHOLD", "JP.INNHOLD", skjerming is not None),
            offentlig_tittel_sensitiv=_sensitive(jp, "JP.OFFINNHOLD"),
            journalaar=ascii_int(jaar),
            journalsekvensnummer=ascii_int(jseq),
            journalpostnummer=ascii_int(postnr),
            journalposttype=_t(jp, "JP.NDOKTYPE"),
            journalstatus=_t(jp, "JP.STATUS"),
            journaldato=_date(_t(jp, "JP.JDATO"), warnings, "JP.JDATO"),
            dokumentets_dato=_date(_t(jp, "JP.DOKDATO"), warnings, "JP.DOKDATO"),
            administrativ_enhet=_t(jp, "JP.ADMKORT"),
            skjerming=skjerming,
            korrespondanseparter=parts,
            dokumenter=[self._document(dl, path, hidden) for dl in jp.findall("DOKLINK.OJ")],
            enhet_system_id=enhet,
        )

    def _document(
        self, dl: Element, path: Path, hidden: tuple[str | None, ...] = ()
    ) -> DokumentRecord:
        desc = dl.find("DOKBESKRIV.OJ")
        files = []
        title = None
        skjerming = _skjerming(dl, "DL") or (_skjerming(desc, "DB") if desc is not None else None)
        if desc is not None:
            title = _title(desc, "DB.TITTEL", "DB.TITTEL", False) if skjerming is None else None
            for ver in desc.findall("DOKVERSJON.OJ"):
                ref = _t(ver, "VE.FILREF")
                if not ref:
                    continue
                if ref.startswith(("http://", "https://")):
                    opener = url_opener(self.http, ref)
                    uri = ref
                else:
                    target = (path.parent / ref.replace("\\", "/")).resolve()
                    if not target.is_relative_to(path.parent.resolve()):
                        continue
                    opener = partial(target.open, "rb")  # type: ignore[assignment]
                    uri = str(target)
                files.append(
                    FileRecord(
                        system_id=":".join(
                            str(_t(e, t))
                            for e, t in ((dl, "DL.RNR"), (ver, "VE.VERSJON"), (ver, "VE.VARIANT"))
                        ),
                        filnavn=ref.rstrip("/").rsplit("/", 1)[-1],
                        open=opener,
                        source_uri=uri,
                        versjonsnummer=ascii_int(_t(ver, "VE.VERSJON")),
                        variantformat=_t(ver, "VE.VARIANT"),
                        format=_t(ver, "VE.DOKFORMAT"),
                    )
                )
        return DokumentRecord(
            system_id=_t(dl, "DL.RNR"),
            tittel=unless_repeating(title, *hidden),
            dokumentnummer=ascii_int(_t(dl, "DL.RNR")),
            tilknyttet_registrering_som={"H": "hoveddokument", "V": "vedlegg"}.get(
                _t(dl, "DL.TYPE") or "", _t(dl, "DL.TYPE")
            ),
            skjerming=skjerming,
            files=files,
        )
