"""Normalised records: what harvesters yield, whatever the source format.

Harvesters know nothing of the store or the index; they turn one source into a
stream of these plain dataclasses. The harvest pipeline (``innsyn.harvest``)
upserts them, fetches files, extracts text and indexes.

Identity: every record carries the ``system_id`` it has in its source; together
with the harvest source's key it gives a stable id, so harvesting the same
source again updates in place instead of duplicating.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO


@dataclass
class SkjermingRecord:
    tilgangsrestriksjon: str | None = None
    skjermingshjemmel: str | None = None
    skjermingsvarighet: int | None = None
    skjerming_opphoerer_dato: dt.date | None = None
    skjerming_metadata: list[str] = field(default_factory=list)
    skjerming_dokument: str | None = None


@dataclass
class EnhetRecord:
    """An agency or unit. ``parent_system_id``/``parent_orgnummer`` place it in the tree."""

    system_id: str
    navn: str
    orgnummer: str | None = None
    parent_system_id: str | None = None
    parent_orgnummer: str | None = None
    enhetskode: str | None = None
    enhetstype: str | None = None
    navn_nynorsk: str | None = None
    navn_engelsk: str | None = None
    navn_sami: str | None = None
    kommunenummer: str | None = None
    kontaktpunkt_epost: str | None = None
    kontaktpunkt_telefon: str | None = None
    kontaktpunkt_adresse: str | None = None
    nettside: str | None = None


@dataclass
class FileRecord:
    """A file of a document. ``open`` returns its bytes as a stream (local, in an archive,
    or over HTTP); the pipeline stores it in the blob store and verifies the checksum.
    ``open`` is valid while the harvester's ``records()`` iteration is running."""

    system_id: str | None
    filnavn: str | None
    open: Callable[[], BinaryIO] | None = None
    source_uri: str | None = None
    format: str | None = None
    media_type: str | None = None
    versjonsnummer: int | None = None
    variantformat: str | None = None
    declared_checksum: str | None = None
    declared_checksum_algorithm: str | None = None
    declared_size: int | None = None


@dataclass
class KorrespondansepartRecord:
    navn: str | None = None
    navn_sensitiv: str | None = None
    korrespondanseparttype: str | None = None
    administrativ_enhet: str | None = None
    skjermet: bool = False


@dataclass
class DokumentRecord:
    """A Dokumentbeskrivelse with its files."""

    system_id: str | None
    tittel: str | None = None
    tittel_sensitiv: str | None = None
    dokumentnummer: int | None = None
    dokumenttype: str | None = None
    tilknyttet_registrering_som: str | None = None
    skjerming: SkjermingRecord | None = None
    files: list[FileRecord] = field(default_factory=list)


@dataclass
class SaksmappeRecord:
    system_id: str
    offentlig_tittel: str | None = None
    offentlig_tittel_sensitiv: str | None = None
    saksaar: int | None = None
    sakssekvensnummer: int | None = None
    saksdato: dt.date | None = None
    administrativ_enhet: str | None = None
    saksstatus: str | None = None
    arkivdel: str | None = None
    klassifikasjon: list[dict[str, str]] = field(default_factory=list)
    skjerming: SkjermingRecord | None = None
    enhet_system_id: str | None = None
    enhet_orgnummer: str | None = None
    publisert_dato: dt.datetime | None = None
    accessible_after: dt.datetime | None = None
    tittel_language: str | None = None
    """The public title's language when already known (the source says, or a reader
    process detected it); None: the writer detects it."""


@dataclass
class JournalpostRecord:
    """A journal entry. ``offentlig_tittel`` must already be the public title: a harvester
    never puts an internal (screened) title there; when in doubt it leaves it empty."""

    system_id: str
    saksmappe_system_id: str | None = None
    offentlig_tittel: str | None = None
    offentlig_tittel_sensitiv: str | None = None
    journalaar: int | None = None
    journalsekvensnummer: int | None = None
    journalpostnummer: int | None = None
    journalposttype: str | None = None
    journalstatus: str | None = None
    journaldato: dt.date | None = None
    dokumentets_dato: dt.date | None = None
    administrativ_enhet: str | None = None
    skjerming: SkjermingRecord | None = None
    korrespondanseparter: list[KorrespondansepartRecord] = field(default_factory=list)
    dokumenter: list[DokumentRecord] = field(default_factory=list)
    enhet_system_id: str | None = None
    enhet_orgnummer: str | None = None
    publisert_dato: dt.datetime | None = None
    accessible_after: dt.datetime | None = None
    tittel_language: str | None = None
    """The public title's language when already known (the source says, or a reader
    process detected it); None: the writer detects it."""


@dataclass
class DeleteRecord:
    """The source says this record is gone (a slettemelding)."""

    kind: str  # "journalpost" | "saksmappe"
    system_id: str


@dataclass
class HarvestWarning:
    """Something wrong in the source that did not stop the harvest (e.g. an invalid date)."""

    message: str
    system_id: str | None = None


Record = EnhetRecord | SaksmappeRecord | JournalpostRecord | DeleteRecord | HarvestWarning
