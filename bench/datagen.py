"""Synthetic public journals for the benchmarks, of any size, deterministic by seed.

    .venv/bin/python -m bench.datagen noark5 OUT --entries N [--documents M] [--seed S]
    .venv/bin/python -m bench.datagen oep OUT.xml --entries N [--seed S]

One municipality (from ``../shared/testdata/registries``) per seed; cases with 1-8
entries each and Norwegian titles shaped like real postlister (``bench.datagen_vocab``,
``bench.datagen_model``). Output:

- :func:`write_noark5`: a Noark 5 (v3.1) extraction directory: ``arkivstruktur.xml``
  (valid against Arkivverket's v3.1 schema), the ADDML ``arkivuttrekk.xml`` with the
  version and the SHA-256 of ``arkivstruktur.xml``, and ``dokumenter/`` with the files of
  the first ``documents`` documents (PDF, DOCX, e-mail, real test files), each with its
  SHA-256 and size in the ``dokumentobjekt``.
- :func:`write_oep`: a Noark 4 OFFJOURNAL 2.0 file (the OEP export).

Privacy shape: a private person's name appears only in the internal ``tittel``
(Noark 5) / ``*.INNHOLD``/``*.TITTEL`` of screened records (OEP), in the ``_SENSITIV``
variants (OEP), and as a correspondent in screened entries (Noark 5 ``skjerming`` naming
``korrespondansepartNavn``; OEP ``AM.U1``) or in ``AM.NAVN_SENSITIV``. Public titles
mask it as ``*****``; some screened entries have no public title at all.

Both writers stream: one case in memory at a time, XML written in chunks, so memory is
flat whatever the size. :func:`sample_queries` gives search parameters that match the
data of the same seed (any generation of at least ``QUERY_POOL_ENTRIES`` entries).
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import click

from bench import datagen_vocab as V
from bench.datagen_docs import DocumentMaker, vedlegg_title
from bench.datagen_model import (
    END,
    JOURNALPOSTTYPE_NOARK,
    START,
    Agency,
    Case,
    Entry,
    Generator,
    Screening,
    agency_for,
    compact,
    iso,
)

NOARK_VERSION = "3.1"
QUERY_POOL_ENTRIES = 100
Progress = Callable[[int, int], None]


@dataclass
class GenStats:
    entries: int
    cases: int
    documents: int
    screened: int
    bytes: int
    path: Path
    seconds: float


def esc(text: str) -> str:
    """``text`` escaped for XML character data."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class _Sink:
    """A file written in large chunks that counts its bytes and hashes them."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.parts: list[str] = []
        self.pending = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.pending += len(text)
        if self.pending > 1 << 20:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.parts).encode("utf-8")
        self.parts.clear()
        self.pending = 0
        self.sha256.update(data)
        self.fh.write(data)
        self.size += len(data)


def _cases(seed: int, entries: int) -> Iterator[Case]:
    """The cases of a generation of exactly ``entries`` entries (the last one cut short)."""
    left = entries
    for case in Generator(seed):
        if left <= 0:
            return
        if len(case.entries) > left:
            case.entries = case.entries[:left]
        left -= len(case.entries)
        yield case


# Noark 5 -------------------------------------------------------------------------------

_N5_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.arkivverket.no/standarder/noark5/arkivstruktur arkivstruktur.xsd">
 <systemID>{arkiv_id}</systemID>
 <tittel>Sakarkiv {agency}</tittel>
 <beskrivelse>Syntetisk arkivuttrekk for ytelsestester (seed {seed})</beskrivelse>
 <arkivstatus>Avsluttet</arkivstatus>
 <dokumentmedium>Elektronisk arkiv</dokumentmedium>
 <opprettetDato>{start}T00:00:00Z</opprettetDato>
 <opprettetAv>Arkivtjenesten</opprettetAv>
 <avsluttetDato>{end}T23:59:59Z</avsluttetDato>
 <avsluttetAv>Arkivtjenesten</avsluttetAv>
 <arkivskaper>
  <arkivskaperID>{orgnr}</arkivskaperID>
  <arkivskaperNavn>{agency}</arkivskaperNavn>
 </arkivskaper>
 <arkivdel>
  <systemID>{arkivdel_id}</systemID>
  <tittel>Sakarkiv {y0}-{y1}</tittel>
  <arkivdelstatus>Avsluttet periode</arkivdelstatus>
  <dokumentmedium>Elektronisk arkiv</dokumentmedium>
  <opprettetDato>{start}T00:00:00Z</opprettetDato>
  <opprettetAv>Arkivtjenesten</opprettetAv>
  <avsluttetDato>{end}T23:59:59Z</avsluttetDato>
  <avsluttetAv>Arkivtjenesten</avsluttetAv>
  <arkivperiodeStartDato>{start}</arkivperiodeStartDato>
  <arkivperiodeSluttDato>{end}</arkivperiodeSluttDato>
"""
_N5_KLASSESYSTEM = """  <klassifikasjonssystem>
   <systemID>{id}</systemID>
   <klassifikasjonstype>Funksjonsbasert, hierarkisk</klassifikasjonstype>
   <tittel>Arkivnøkkel</tittel>
   <opprettetDato>{start}T00:00:00Z</opprettetDato>
   <opprettetAv>Arkivtjenesten</opprettetAv>
"""
_N5_TAIL = """ </arkivdel>
</arkiv>
"""


def _skjerming_xml(sk: Screening, indent: str) -> str:
    meta = "".join(f"{indent} <skjermingMetadata>{m}</skjermingMetadata>\n" for m in sk.metadata)
    whole = (
        f"{indent} <skjermingDokument>Skjerming av hele dokumentet</skjermingDokument>\n"
        if sk.whole_document
        else ""
    )
    return (
        f"{indent}<skjerming>\n"
        f"{indent} <tilgangsrestriksjon>{sk.tilgangsrestriksjon}</tilgangsrestriksjon>\n"
        f"{indent} <skjermingshjemmel>{esc(sk.hjemmel)}</skjermingshjemmel>\n"
        f"{meta}{whole}{indent}</skjerming>\n"
    )


class _Documents:
    """Decides which entries get documents (the first ones) and writes their files."""

    def __init__(
        self,
        out: Path,
        budget: int,
        seed: int,
        agency: Agency,
        duplicate_share: float,
        hard_files: bool,
    ) -> None:
        self.dir = out / "dokumenter"
        self.left = budget
        self.rng = random.Random(f"attach:{seed}")
        self.ids = random.Random(f"docids:{seed}")
        self.maker = DocumentMaker(
            seed, agency, duplicate_share=duplicate_share, hard_files=hard_files
        )
        self.written = 0
        self.bytes = 0
        if budget > 0:
            self.dir.mkdir(parents=True, exist_ok=True)

    def xml(self, case: Case, entry: Entry, indent: str) -> str:
        if self.left <= 0:
            return ""
        count = 1
        while count < 4 and count < self.left and self.rng.random() < 0.3:
            count += 1
        self.left -= count
        parts = []
        for number in range(1, count + 1):
            parts.append(self._one(case, entry, number, indent))
        return "".join(parts)

    def _one(self, case: Case, entry: Entry, number: int, indent: str) -> str:
        sk = entry.screening
        screened_doc = sk is not None and sk.whole_document
        main = number == 1
        if main:
            # A screened document keeps the internal title; the harvester must withhold it.
            title = entry.full if screened_doc else _masked(entry)
        else:
            title = vedlegg_title(self.rng)
        doc = self.maker.make(case, entry, number, title if not screened_doc else "Dokument", main)
        self.written += 1
        serial = 5_000_000 + self.written
        name = f"{serial}.{doc.ext}"
        (self.dir / name).write_bytes(doc.data)
        self.bytes += len(doc.data)
        digest = hashlib.sha256(doc.data).hexdigest()
        day = iso(entry.dokumentdag)
        h = f"{self.ids.getrandbits(128):032x}"
        sid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-b{h[17:20]}-{h[20:]}"
        skjerming = _skjerming_xml(sk, indent + " ") if sk is not None and screened_doc else ""
        i = indent
        return (
            f"{i}<dokumentbeskrivelse>\n"
            f"{i} <systemID>{sid}</systemID>\n"
            f"{i} <dokumenttype>{entry.dokumenttype if main else 'Vedlegg'}</dokumenttype>\n"
            f"{i} <dokumentstatus>Dokumentet er ferdigstilt</dokumentstatus>\n"
            f"{i} <tittel>{esc(title)}</tittel>\n"
            f"{i} <opprettetDato>{day}T10:00:00Z</opprettetDato>\n"
            f"{i} <opprettetAv>{case.initials}</opprettetAv>\n"
            f"{i} <tilknyttetRegistreringSom>{'Hoveddokument' if main else 'Vedlegg'}"
            "</tilknyttetRegistreringSom>\n"
            f"{i} <dokumentnummer>{number}</dokumentnummer>\n"
            f"{i} <tilknyttetDato>{day}T10:00:00Z</tilknyttetDato>\n"
            f"{i} <tilknyttetAv>{case.initials}</tilknyttetAv>\n"
            f"{skjerming}"
            f"{i} <dokumentobjekt>\n"
            f"{i}  <versjonsnummer>1</versjonsnummer>\n"
            f"{i}  <variantformat>{doc.variantformat}</variantformat>\n"
            f"{i}  <format>{doc.format}</format>\n"
            f"{i}  <opprettetDato>{day}T10:00:00Z</opprettetDato>\n"
            f"{i}  <opprettetAv>{case.initials}</opprettetAv>\n"
            f"{i}  <referanseDokumentfil>dokumenter/{name}</referanseDokumentfil>\n"
            f"{i}  <sjekksum>{digest}</sjekksum>\n"
            f"{i}  <sjekksumAlgoritme>SHA-256</sjekksumAlgoritme>\n"
            f"{i}  <filstoerrelse>{len(doc.data)}</filstoerrelse>\n"
            f"{i} </dokumentobjekt>\n"
            f"{i}</dokumentbeskrivelse>\n"
        )


def _masked(entry: Entry) -> str:
    """The public form of an entry's title even where the entry withholds it."""
    if entry.public is not None:
        return entry.public
    if entry.person:
        return entry.full.replace(entry.person, V.MASK)
    return entry.full


_PART_TYPE = {"I": "Avsender", "U": "Mottaker"}
_STATUS = {"I": "Journalført", "U": "Ekspedert"}


def _journalpost_xml(case: Case, entry: Entry, arkivdel_id: str, docs: str, ind: str) -> str:
    day = iso(entry.journaldag)
    ini = case.initials
    sk = _skjerming_xml(entry.screening, ind + " ") if entry.screening is not None else ""
    public = (
        f"{ind} <offentligTittel>{esc(entry.public)}</offentligTittel>\n"
        if entry.public is not None
        else ""
    )
    jtype = entry.jtype
    internal = jtype not in _PART_TYPE
    parts = []
    for n, party in enumerate(entry.parties):
        if internal:
            kind = "Intern mottaker" if jtype != "X" or n else "Intern avsender"
            unit = (
                f"{ind}  <administrativEnhet>{esc(party.unit or case.unit)}</administrativEnhet>\n"
            )
        else:
            kind = _PART_TYPE[jtype] if n == 0 else "Kopimottaker"
            unit = ""
        parts.append(
            f"{ind} <korrespondansepart>\n"
            f"{ind}  <korrespondanseparttype>{kind}</korrespondanseparttype>\n"
            f"{ind}  <korrespondansepartNavn>{esc(party.name)}</korrespondansepartNavn>\n"
            f"{unit}{ind} </korrespondansepart>\n"
        )
    status = (
        "Arkivert"
        if entry.journaldag < _ARCHIVED_BEFORE
        else _STATUS.get(jtype, "Ferdigstilt fra saksbehandler")
    )
    if jtype == "I":
        moved = f"{ind} <mottattDato>{day}T08:00:00Z</mottattDato>\n"
    elif jtype == "U":
        moved = f"{ind} <sendtDato>{day}T14:00:00Z</sendtDato>\n"
    else:
        moved = ""
    return (
        f'{ind}<registrering xsi:type="journalpost">\n'
        f"{ind} <systemID>{entry.system_id}</systemID>\n"
        f"{ind} <opprettetDato>{day}T08:00:00Z</opprettetDato>\n"
        f"{ind} <opprettetAv>{ini}</opprettetAv>\n"
        f"{ind} <arkivertDato>{day}T15:00:00Z</arkivertDato>\n"
        f"{ind} <arkivertAv>{ini}</arkivertAv>\n"
        f"{ind} <referanseArkivdel>{arkivdel_id}</referanseArkivdel>\n"
        f"{sk}{docs}"
        f"{ind} <registreringsID>{case.saksnummer}-{entry.number}</registreringsID>\n"
        f"{ind} <tittel>{esc(entry.full)}</tittel>\n"
        f"{public}"
        f"{ind} <dokumentmedium>Elektronisk arkiv</dokumentmedium>\n"
        f"{ind} <journalaar>{entry.journalaar}</journalaar>\n"
        f"{ind} <journalsekvensnummer>{entry.journalsekvensnummer}</journalsekvensnummer>\n"
        f"{ind} <journalpostnummer>{entry.number}</journalpostnummer>\n"
        f"{ind} <journalposttype>{JOURNALPOSTTYPE_NOARK[jtype]}</journalposttype>\n"
        f"{ind} <journalstatus>{status}</journalstatus>\n"
        f"{ind} <journaldato>{day}</journaldato>\n"
        f"{ind} <dokumentetsDato>{iso(entry.dokumentdag)}</dokumentetsDato>\n"
        f"{moved}"
        f"{''.join(parts)}"
        f"{ind}</registrering>\n"
    )


_ARCHIVED_BEFORE = (END - START).days - 365
_OPEN_AFTER = (END - START).days - 180


def _mappe_xml(case: Case, arkivdel_id: str, registreringer: str, ind: str) -> str:
    ini = case.initials
    public = (
        f"{ind} <offentligTittel>{esc(case.public)}</offentligTittel>\n"
        if case.public is not None
        else ""
    )
    sk = _skjerming_xml(case.screening, ind + " ") if case.screening is not None else ""
    last = case.lastdag
    status = "Under behandling" if last > _OPEN_AFTER else "Avsluttet"
    return (
        f'{ind}<mappe xsi:type="saksmappe">\n'
        f"{ind} <systemID>{case.system_id}</systemID>\n"
        f"{ind} <mappeID>{case.saksnummer}</mappeID>\n"
        f"{ind} <tittel>{esc(case.full)}</tittel>\n"
        f"{public}"
        f"{ind} <dokumentmedium>Elektronisk arkiv</dokumentmedium>\n"
        f"{ind} <opprettetDato>{iso(case.saksdag)}T08:00:00Z</opprettetDato>\n"
        f"{ind} <opprettetAv>{ini}</opprettetAv>\n"
        f"{ind} <avsluttetDato>{iso(last)}T15:00:00Z</avsluttetDato>\n"
        f"{ind} <avsluttetAv>{ini}</avsluttetAv>\n"
        f"{ind} <referanseArkivdel>{arkivdel_id}</referanseArkivdel>\n"
        f"{sk}{registreringer}"
        f"{ind} <saksaar>{case.saksaar}</saksaar>\n"
        f"{ind} <sakssekvensnummer>{case.sakssekvensnummer}</sakssekvensnummer>\n"
        f"{ind} <saksdato>{iso(case.saksdag)}</saksdato>\n"
        f"{ind} <administrativEnhet>{esc(case.unit)}</administrativEnhet>\n"
        f"{ind} <saksansvarlig>{ini}</saksansvarlig>\n"
        f"{ind} <journalenhet>DOK</journalenhet>\n"
        f"{ind} <saksstatus>{status}</saksstatus>\n"
        f"{ind}</mappe>\n"
    )


def _id(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-c{h[17:20]}-{h[20:]}"


def write_noark5(
    out: Path,
    entries: int,
    *,
    documents: int = 0,
    seed: int = 1,
    duplicate_share: float = 0.0,
    hard_files: bool = False,
    progress: Progress | None = None,
) -> GenStats:
    """Write a Noark 5 extraction of ``entries`` entries into the new directory ``out``.

    The first entries get ``documents`` documents between them (1-4 each).
    ``duplicate_share`` of the files repeat an earlier file's bytes; ``hard_files`` mixes in
    the slow, encrypted and container files of the test data. ``progress(entries, cases)``
    is called every 10 000 entries.
    """
    started = time.perf_counter()
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    agency = agency_for(seed)
    ids = random.Random(f"archive-ids:{seed}")
    arkiv_id, arkivdel_id, system_id = _id(ids), _id(ids), _id(ids)
    docs = _Documents(out, documents, seed, agency, duplicate_share, hard_files)
    n_entries = n_cases = screened = 0
    with (out / "arkivstruktur.xml").open("wb") as fh:
        sink = _Sink(fh)
        sink.write(
            _N5_HEAD.format(
                arkiv_id=arkiv_id,
                arkivdel_id=arkivdel_id,
                agency=esc(agency.name),
                orgnr=agency.orgnr,
                seed=seed,
                start=START.isoformat(),
                end=END.isoformat(),
                y0=START.year,
                y1=END.year,
            )
        )
        klasse: tuple[str, str] | None = None
        next_report = 10_000
        for case in _cases(seed, entries):
            if klasse is None:
                sink.write(_N5_KLASSESYSTEM.format(id=system_id, start=START.isoformat()))
            if case.klasse != klasse:
                if klasse is not None:
                    sink.write("   </klasse>\n")
                klasse = case.klasse
                sink.write(
                    f"   <klasse>\n    <systemID>{_id(ids)}</systemID>\n"
                    f"    <klasseID>{klasse[0]}</klasseID>\n    <tittel>{klasse[1]}</tittel>\n"
                    f"    <opprettetDato>{START.isoformat()}T00:00:00Z</opprettetDato>\n"
                    "    <opprettetAv>Arkivtjenesten</opprettetAv>\n"
                )
            regs = []
            for entry in case.entries:
                regs.append(
                    _journalpost_xml(
                        case, entry, arkivdel_id, docs.xml(case, entry, "      "), "     "
                    )
                )
                screened += entry.screening is not None
            sink.write(_mappe_xml(case, arkivdel_id, "".join(regs), "    "))
            n_cases += 1
            n_entries += len(case.entries)
            if progress is not None and n_entries >= next_report:
                progress(n_entries, n_cases)
                next_report += 10_000
        if klasse is not None:
            sink.write("   </klasse>\n  </klassifikasjonssystem>\n")
        sink.write(_N5_TAIL)
        sink.flush()
    addml = _addml(agency, sink.sha256.hexdigest().upper(), docs.written, seed)
    (out / "arkivuttrekk.xml").write_bytes(addml)
    if progress is not None:
        progress(n_entries, n_cases)
    return GenStats(
        entries=n_entries,
        cases=n_cases,
        documents=docs.written,
        screened=screened,
        bytes=sink.size + len(addml) + docs.bytes,
        path=out,
        seconds=time.perf_counter() - started,
    )


def _addml(agency: Agency, checksum: str, files: int, seed: int) -> bytes:
    def prop(name: str, value: str, inner: str = "", dtype: str = "") -> str:
        kind = f' dataType="{dtype}"' if dtype else ""
        body = f"<properties>{inner}</properties>" if inner else ""
        return f'<property{kind} name="{name}"><value>{value}</value>{body}</property>'

    def group(name: str, inner: str) -> str:
        return f'<property name="{name}"><properties>{inner}</properties></property>'

    info = group(
        "info",
        prop("type", "Noark 5", prop("version", NOARK_VERSION))
        + group(
            "additionalInfo",
            group(
                "periode",
                prop("inngaaendeSkille", "skarp") + prop("utgaaendeSkille", "skarp"),
            )
            + prop("inneholderSkjermetInformasjon", "true", dtype="boolean")
            + prop("omfatterDokumenterSomErKassert", "false", dtype="boolean")
            + prop("inneholderDokumenterSomSkalKasseres", "false", dtype="boolean")
            + prop("inneholderVirksomhetsspesifikkeMetadata", "false", dtype="boolean")
            + prop("antallDokumentfiler", str(files), dtype="integer"),
        ),
    )
    struktur = group(
        "file",
        prop("name", "arkivstruktur.xml")
        + prop("format", "XML", prop("version", "1.0"))
        + group("checksum", prop("algorithm", "SHA-256") + prop("value", checksum)),
    )
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<addml xmlns="http://www.arkivverket.no/standarder/addml" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Noark 5-arkivuttrekk">
 <dataset>
  <description>Noark 5-arkivuttrekk (syntetisk, seed {seed})</description>
  <reference>
   <context>
    <additionalElements>
     <additionalElement name="recordCreators"><additionalElements>\
<additionalElement name="recordCreator"><value>{esc(agency.name)}</value></additionalElement>\
</additionalElements></additionalElement>
     <additionalElement name="systemType"><value>Sakarkiv (Noark-5)</value></additionalElement>
     <additionalElement name="systemName"><value>Innsyn testdata</value></additionalElement>
     <additionalElement name="archive"><value>Sakarkiv {esc(agency.name)}</value>\
</additionalElement>
    </additionalElements>
   </context>
   <content>
    <additionalElements>
     <additionalElement name="archivalPeriod"><properties>\
<property name="startDate"><value>{START.isoformat()}</value></property>\
<property name="endDate"><value>{END.isoformat()}</value></property>\
</properties></additionalElement>
    </additionalElements>
   </content>
  </reference>
  <dataObjects>
   <dataObject name="Noark 5-arkivuttrekk">
    <properties>{info}</properties>
    <dataObjects>
     <dataObject name="arkivstruktur"><properties>{struktur}</properties></dataObject>
    </dataObjects>
   </dataObject>
  </dataObjects>
 </dataset>
</addml>
"""
    return text.encode("utf-8")


# OEP (Noark 4 OFFJOURNAL) --------------------------------------------------------------

_OEP_STATUS = {"I": "J", "U": "E"}


def _oep_case(case: Case) -> tuple[str, int]:
    screened_case = case.screening is not None
    out = [
        "  <NOARKSAK.OJ>\n",
        f"   <SA.SAAR>{case.saksaar}</SA.SAAR>\n",
        f"   <SA.SEKNR>{case.sakssekvensnummer}</SA.SEKNR>\n",
        f"   <SA.DATO>{compact(case.saksdag)}</SA.DATO>\n",
    ]
    if screened_case:
        out.append(f"   <SA.TITTEL>{esc(case.full)}</SA.TITTEL>\n")
    if case.public is not None:
        out.append(f"   <SA.OFFTITTEL>{esc(case.public)}</SA.OFFTITTEL>\n")
    if case.person is not None and not screened_case and case.full != case.public:
        out.append(f"   <SA.OFFTITTEL_SENSITIV>{esc(case.full)}</SA.OFFTITTEL_SENSITIV>\n")
    out.append(f"   <SA.ADMKORT>{esc(case.unit)}</SA.ADMKORT>\n")
    out.append(f"   <SA.ANSVINIT>{case.initials}</SA.ANSVINIT>\n")
    if case.screening is not None:
        out.append(f"   <SA.TGKODE>{case.screening.tilgangsrestriksjon}</SA.TGKODE>\n")
        out.append(f"   <SA.UOFF>{esc(case.screening.hjemmel)}</SA.UOFF>\n")
    out.append(
        f"   <KLASSERING.OJ>\n    <KL.ORDNVERDI>{case.klasse[0]}</KL.ORDNVERDI>\n"
        f"    <KL.SORT>1</KL.SORT>\n    <KL.OPLTEKST>{case.klasse[0]}</KL.OPLTEKST>\n"
        f"    <KL.OVBESK>{esc(case.klasse[1])}</KL.OVBESK>\n   </KLASSERING.OJ>\n"
    )
    screened = 0
    for e in case.entries:
        sk = e.screening if e.screening is not None and e.screening.key != "navn" else None
        screened += sk is not None
        out.append(
            "   <JOURNPOST.OJ>\n"
            f"    <JP.JAAR>{e.journalaar}</JP.JAAR>\n"
            f"    <JP.SEKNR>{e.journalsekvensnummer}</JP.SEKNR>\n"
            f"    <JP.POSTNR>{e.number}</JP.POSTNR>\n"
            f"    <JP.JDATO>{compact(e.journaldag)}</JP.JDATO>\n"
            f"    <JP.NDOKTYPE>{e.jtype}</JP.NDOKTYPE>\n"
            f"    <JP.DOKDATO>{compact(e.dokumentdag)}</JP.DOKDATO>\n"
        )
        if sk is not None:
            out.append(f"    <JP.INNHOLD>{esc(e.full)}</JP.INNHOLD>\n")
        public = e.public if sk is not None else _masked(e)
        if public is not None:
            out.append(f"    <JP.OFFINNHOLD>{esc(public)}</JP.OFFINNHOLD>\n")
        if sk is None and e.full != public:
            out.append(f"    <JP.OFFINNHOLD_SENSITIV>{esc(e.full)}</JP.OFFINNHOLD_SENSITIV>\n")
        if sk is not None:
            out.append(f"    <JP.TGKODE>{sk.tilgangsrestriksjon}</JP.TGKODE>\n")
            out.append(f"    <JP.UOFF>{esc(sk.hjemmel)}</JP.UOFF>\n")
        out.append(f"    <JP.ADMKORT>{esc(case.unit)}</JP.ADMKORT>\n")
        out.append(f"    <JP.STATUS>{_OEP_STATUS.get(e.jtype, 'F')}</JP.STATUS>\n")
        for n, party in enumerate(e.parties):
            kind = "0" if e.jtype == "I" and n == 0 else "1"
            out.append("    <AVSMOT.OJ>\n")
            if not party.person or sk is not None:
                out.append(f"     <AM.NAVN>{esc(party.name)}</AM.NAVN>\n")
            else:
                out.append(f"     <AM.NAVN_SENSITIV>{esc(party.name)}</AM.NAVN_SENSITIV>\n")
            out.append(f"     <AM.IHTYPE>{kind}</AM.IHTYPE>\n")
            if party.person and sk is not None:
                out.append("     <AM.U1>1</AM.U1>\n")
            out.append("    </AVSMOT.OJ>\n")
        out.append("   </JOURNPOST.OJ>\n")
    out.append("  </NOARKSAK.OJ>\n")
    return "".join(out), screened


def write_oep(
    out: Path, entries: int, *, seed: int = 1, progress: Progress | None = None
) -> GenStats:
    """Write an OFFJOURNAL 2.0 file of ``entries`` entries to ``out`` (UTF-8)."""
    started = time.perf_counter()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    agency = agency_for(seed)
    n_entries = n_cases = screened = 0
    with out.open("wb") as fh:
        sink = _Sink(fh)
        sink.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<OFFJOURNAL VERSJON="2.0">\n <PRODINFO>\n'
            f"  <PI.ARKSKAPER>{esc(agency.name)}</PI.ARKSKAPER>\n"
            f"  <PI.BASEID>SAK{seed}</PI.BASEID>\n"
            f"  <PI.ORGNR>{agency.orgnr}</PI.ORGNR>\n"
            f"  <PI.KOMMUNE>{agency.kommunenummer}</PI.KOMMUNE>\n"
            f"  <PI.FRADATO>{compact(0)}</PI.FRADATO>\n"
            f"  <PI.TILDATO>{END.isoformat().replace('-', '')}</PI.TILDATO>\n"
            f"  <PI.PRODDATO>{END.isoformat().replace('-', '')}</PI.PRODDATO>\n"
            "  <PI.ANTFILER>1</PI.ANTFILER>\n"
            f"  <FIL>\n   <PI.FILNAVN>{esc(out.name)}</PI.FILNAVN>\n  </FIL>\n"
            " </PRODINFO>\n <RAPPORT>\n"
        )
        next_report = 10_000
        for case in _cases(seed, entries):
            text, n_screened = _oep_case(case)
            sink.write(text)
            screened += n_screened
            n_cases += 1
            n_entries += len(case.entries)
            if progress is not None and n_entries >= next_report:
                progress(n_entries, n_cases)
                next_report += 10_000
        sink.write(" </RAPPORT>\n</OFFJOURNAL>\n")
        sink.flush()
    if progress is not None:
        progress(n_entries, n_cases)
    return GenStats(
        entries=n_entries,
        cases=n_cases,
        documents=0,
        screened=screened,
        bytes=sink.size,
        path=out,
        seconds=time.perf_counter() - started,
    )


# Queries -------------------------------------------------------------------------------

_STOP = {
    "om", "til", "fra", "for", "med", "av", "og", "i", "på", "ved", "etter", "som", "sak",
    "gnr", "bnr", "nr", "fnr", "gnr.", "bnr.", "gnr/bnr", "ikke", "nådde", "opp",
}  # fmt: skip
_WORD = re.compile(r"[a-zæøåA-ZÆØÅ]{4,}")


def _query_pool(seed: int) -> tuple[list[Case], list[Entry]]:
    cases = list(_cases(seed, QUERY_POOL_ENTRIES))
    entries = [e for c in cases for e in c.entries]
    return cases, entries


def sample_queries(seed: int = 1, n: int = 50) -> list[dict[str, str]]:
    """``n`` search API parameter dicts that match the data generated with ``seed``.

    Single words, quoted two-word phrases, inflected forms of title words, case numbers
    (``2023/145``, ``23/145``, ``2023/145-2``), property numbers, and the filters
    ``journalposttype``, ``enhet`` (the agency's id in the store), ``saksnummer``,
    ``journaldato_from``/``_to`` and ``sort``. Every value comes from the first
    ``QUERY_POOL_ENTRIES`` entries, which every generation of that size or more holds.
    """
    from innsyn.harvest.values import enhet_id

    rng = random.Random(f"queries:{seed}")
    cases, entries = _query_pool(seed)
    public = [e for e in entries if e.screening is None and e.public]
    words = sorted(
        {
            w.lower()
            for e in public
            for w in _WORD.findall(e.public or "")
            if w.lower() not in _STOP and w not in V.FIRST_NAMES
        }
    )
    phrases = sorted(
        {
            f'"{a.lower()} {b.lower()}"'
            for e in public
            for a, b in zip((e.public or "").split(), (e.public or "").split()[1:], strict=False)
            if _WORD.fullmatch(a) and _WORD.fullmatch(b) and a.lower() not in _STOP
        }
    )
    inflected = sorted(
        form for lemma, forms in V.INFLECTIONS.items() if lemma in words for form in forms
    )
    props = sorted(
        {
            f"gnr {m.group(1)} bnr {m.group(2)}"
            for e in public
            for m in re.finditer(r"gnr\.? (\d+),? bnr\.? (\d+)", e.public or "")
        }
    )
    agency = agency_for(seed)
    enhet = enhet_id("", None, agency.orgnr) or ""
    numbers = sorted({c.saksnummer for c in cases})
    by_number = {c.saksnummer: c for c in cases}
    types = sorted({e.jtype for e in public})

    def word() -> str:
        return rng.choice(words)

    def title_words(e: Entry) -> list[str]:
        found = [w.lower() for w in _WORD.findall(e.public or "") if w.lower() not in _STOP]
        return [w for w in found if w in words] or [word()]

    def with_entry(extra: Callable[[Entry], dict[str, str]]) -> dict[str, str]:
        e = rng.choice(public)
        return {"q": rng.choice(title_words(e)), **extra(e)}

    def date_range(e: Entry) -> dict[str, str]:
        lo = max(e.journaldag - rng.randint(10, 200), 0)
        hi = min(e.journaldag + rng.randint(10, 200), (END - START).days)
        return {"journaldato_from": iso(lo), "journaldato_to": iso(hi)}

    def two_words() -> dict[str, str]:
        e = rng.choice(public)
        pair = rng.sample(title_words(e), 2) if len(title_words(e)) > 1 else title_words(e)
        return {"q": " ".join(pair), "sort": "date_desc"}

    def case_number(style: int) -> dict[str, str]:
        number = rng.choice(numbers)
        year, seq = number.split("/")
        if style == 0:
            return {"q": number}
        if style == 1:
            return {"q": f"{year[2:]}/{seq}"}
        if style == 2:
            nr = rng.randint(1, len(by_number[number].entries))
            return {"q": f"{number}-{nr}"}
        return {"saksnummer": number}

    inflected_or_word = (lambda: rng.choice(inflected)) if inflected else word
    makers: list[Callable[[], dict[str, str]]] = [
        lambda: {"q": word()},
        lambda: {"q": rng.choice(phrases) if phrases else word()},
        lambda: {"q": inflected_or_word()},
        lambda: case_number(0),
        lambda: with_entry(lambda e: {"journalposttype": e.jtype}),
        lambda: with_entry(lambda e: {"enhet": enhet}),
        lambda: with_entry(date_range),
        lambda: {"q": rng.choice(props) if props else word()},
        lambda: case_number(1),
        two_words,
        lambda: {"q": f"{word()} OR {word()}"},
        lambda: {"q": word()[:4] + "*"},
        lambda: case_number(2),
        lambda: {"journalposttype": rng.choice(types), "enhet": enhet, "sort": "date_desc"},
        lambda: case_number(3),
        lambda: {"q": inflected_or_word(), "sort": "date_asc"},
    ]
    return [makers[i % len(makers)]() for i in range(n)]


# CLI -----------------------------------------------------------------------------------


def _printer(started: float) -> Progress:
    def report(entries: int, cases: int) -> None:
        elapsed = max(time.perf_counter() - started, 1e-9)
        print(
            f"  {entries:>10,} entries  {cases:>9,} cases  {entries / elapsed:>9,.0f} entries/s",
            file=sys.stderr,
            flush=True,
        )

    return report


@click.command()
@click.argument("fmt", type=click.Choice(["noark5", "oep"]))
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--entries", type=int, required=True, help="number of journal entries")
@click.option("--documents", type=int, default=0, help="documents on the first entries (noark5)")
@click.option("--seed", type=int, default=1)
@click.option("--duplicate-share", type=float, default=0.0, help="share of repeated files")
@click.option("--hard-files", is_flag=True, help="also slow, encrypted and container files")
def main(
    fmt: str,
    out: Path,
    entries: int,
    documents: int,
    seed: int,
    duplicate_share: float,
    hard_files: bool,
) -> None:
    """Generate a synthetic public journal (Noark 5 extraction or OEP file)."""
    started = time.perf_counter()
    progress = _printer(started)
    if fmt == "noark5":
        stats = write_noark5(
            out,
            entries,
            documents=documents,
            seed=seed,
            duplicate_share=duplicate_share,
            hard_files=hard_files,
            progress=progress,
        )
    else:
        if documents:
            raise click.UsageError("--documents applies to noark5 only")
        stats = write_oep(out, entries, seed=seed, progress=progress)
    print(
        f"{fmt}: {stats.entries:,} entries, {stats.cases:,} cases, {stats.documents:,} "
        f"documents, {stats.screened:,} screened, {stats.bytes / 1024**2:,.1f} MiB in "
        f"{stats.seconds:.1f}s ({stats.entries / max(stats.seconds, 1e-9):,.0f} entries/s) "
        f"-> {stats.path}"
    )


if __name__ == "__main__":
    main()
