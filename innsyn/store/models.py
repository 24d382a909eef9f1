"""SQLAlchemy models of the store, named after Noark 5 / eInnsyn.

Every record that is indexed (``Saksmappe``, ``Journalpost``, ``Enhet``) carries
``updated_at`` and ``last_indexed_at``: the indexer's catch-up step picks every
row where the first is newer than the second (or the second is empty). Children
(correspondents, documents) bump their parent's ``updated_at`` when they change.
Deleted records stay as tombstones (``deleted_at``) so a deletion reaches the index.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    or_,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from innsyn.extraction.status import ExtractionStatus
from innsyn.harvest.status import RunStatus

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A datetime stored as naive UTC and always read back as aware UTC (SQLite included)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Tracked:
    """Change tracking shared by every indexed record."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_indexed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)


class Enhet(Tracked, Base):
    """An agency or one of its units; ``parent_id`` builds the tree."""

    __tablename__ = "enhet"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("enhet.id"), index=True)
    orgnummer: Mapped[str | None] = mapped_column(String(20), index=True)
    enhetskode: Mapped[str | None] = mapped_column(String(100))
    enhetstype: Mapped[str | None] = mapped_column(String(50))
    navn: Mapped[str] = mapped_column(String(500))
    navn_nynorsk: Mapped[str | None] = mapped_column(String(500))
    navn_engelsk: Mapped[str | None] = mapped_column(String(500))
    navn_sami: Mapped[str | None] = mapped_column(String(500))
    kommunenummer: Mapped[str | None] = mapped_column(String(10))
    kontaktpunkt_epost: Mapped[str | None] = mapped_column(String(300))
    kontaktpunkt_telefon: Mapped[str | None] = mapped_column(String(50))
    kontaktpunkt_adresse: Mapped[str | None] = mapped_column(String(500))
    nettside: Mapped[str | None] = mapped_column(String(500))
    last_harvested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    parent: Mapped[Enhet | None] = relationship(remote_side="Enhet.id", back_populates="children")
    children: Mapped[list[Enhet]] = relationship(back_populates="parent")


class Skjerming(Base):
    """Screening: restriction and legal basis, shared by the records that point to it."""

    __tablename__ = "skjerming"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tilgangsrestriksjon: Mapped[str | None] = mapped_column(String(200))
    skjermingshjemmel: Mapped[str | None] = mapped_column(String(500))
    skjermingsvarighet: Mapped[int | None] = mapped_column(Integer)
    skjerming_opphoerer_dato: Mapped[dt.date | None] = mapped_column(Date)
    skjerming_metadata: Mapped[list[str] | None] = mapped_column(JSON)
    skjerming_dokument: Mapped[str | None] = mapped_column(String(200))


class SourceRecord:
    """Identity in the source: the harvest source it came from and its system ID there."""

    source_key: Mapped[str] = mapped_column(String(200))
    system_id: Mapped[str] = mapped_column(String(200))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    publisert_dato: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    accessible_after: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Saksmappe(Tracked, SourceRecord, Base):
    """A case file; ``saksaar/sakssekvensnummer`` is its case number."""

    __tablename__ = "saksmappe"
    __table_args__ = (UniqueConstraint("source_key", "system_id", name="uq_saksmappe_source"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    enhet_id: Mapped[str | None] = mapped_column(ForeignKey("enhet.id"), index=True)
    saksaar: Mapped[int | None] = mapped_column(Integer)
    sakssekvensnummer: Mapped[int | None] = mapped_column(Integer)
    saksdato: Mapped[dt.date | None] = mapped_column(Date)
    offentlig_tittel: Mapped[str | None] = mapped_column(Text)
    offentlig_tittel_sensitiv: Mapped[str | None] = mapped_column(Text)
    administrativ_enhet: Mapped[str | None] = mapped_column(String(500))
    saksstatus: Mapped[str | None] = mapped_column(String(100))
    arkivdel: Mapped[str | None] = mapped_column(String(500))
    klassifikasjon: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    skjerming_id: Mapped[int | None] = mapped_column(ForeignKey("skjerming.id"))
    tittel_language: Mapped[str | None] = mapped_column(String(8))

    enhet: Mapped[Enhet | None] = relationship()
    skjerming: Mapped[Skjerming | None] = relationship()
    journalposter: Mapped[list[Journalpost]] = relationship(
        back_populates="saksmappe", order_by="Journalpost.journalpostnummer"
    )


Index("ix_saksmappe_casenumber", Saksmappe.saksaar, Saksmappe.sakssekvensnummer)


def pending_index(model: Any) -> Index:
    """A partial index of the rows waiting for the search index (changed since last
    indexed): the database keeps it as rows are written, so the catch-up finds them
    without reading every row, and no writer can forget to raise a flag."""
    table = model.__table__
    waiting = or_(table.c.last_indexed_at.is_(None), table.c.updated_at > table.c.last_indexed_at)
    return Index(
        f"ix_{table.name}_pending",
        table.c.id,
        sqlite_where=waiting,
        postgresql_where=waiting,
    )


pending_index(Saksmappe)
Index(
    "ix_saksmappe_embargo",
    Saksmappe.accessible_after,
    sqlite_where=Saksmappe.accessible_after.is_not(None),
    postgresql_where=Saksmappe.accessible_after.is_not(None),
)


class Journalpost(Tracked, SourceRecord, Base):
    """A journal entry; ``offentlig_tittel`` is public, ``offentlig_tittel_sensitiv`` has names."""

    __tablename__ = "journalpost"
    __table_args__ = (UniqueConstraint("source_key", "system_id", name="uq_journalpost_source"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    saksmappe_id: Mapped[str | None] = mapped_column(ForeignKey("saksmappe.id"), index=True)
    enhet_id: Mapped[str | None] = mapped_column(ForeignKey("enhet.id"), index=True)
    journalaar: Mapped[int | None] = mapped_column(Integer)
    journalsekvensnummer: Mapped[int | None] = mapped_column(Integer)
    journalpostnummer: Mapped[int | None] = mapped_column(Integer)
    journalposttype: Mapped[str | None] = mapped_column(String(50))
    journalstatus: Mapped[str | None] = mapped_column(String(100))
    journaldato: Mapped[dt.date | None] = mapped_column(Date, index=True)
    dokumentets_dato: Mapped[dt.date | None] = mapped_column(Date)
    offentlig_tittel: Mapped[str | None] = mapped_column(Text)
    offentlig_tittel_sensitiv: Mapped[str | None] = mapped_column(Text)
    administrativ_enhet: Mapped[str | None] = mapped_column(String(500))
    skjerming_id: Mapped[int | None] = mapped_column(ForeignKey("skjerming.id"))
    tittel_language: Mapped[str | None] = mapped_column(String(8))

    saksmappe: Mapped[Saksmappe | None] = relationship(back_populates="journalposter")
    enhet: Mapped[Enhet | None] = relationship()
    skjerming: Mapped[Skjerming | None] = relationship()
    korrespondanseparter: Mapped[list[Korrespondansepart]] = relationship(
        back_populates="journalpost", cascade="all, delete-orphan"
    )
    dokumentbeskrivelser: Mapped[list[Dokumentbeskrivelse]] = relationship(
        back_populates="journalpost",
        cascade="all, delete-orphan",
        order_by="Dokumentbeskrivelse.dokumentnummer",
    )


pending_index(Journalpost)
Index(
    "ix_journalpost_embargo",
    Journalpost.accessible_after,
    sqlite_where=Journalpost.accessible_after.is_not(None),
    postgresql_where=Journalpost.accessible_after.is_not(None),
)
Index("ix_journalpost_case_indexed", Journalpost.saksmappe_id, Journalpost.last_indexed_at)


class Korrespondansepart(Base):
    """Sender or recipient of an entry. ``skjermet`` correspondents are never published."""

    __tablename__ = "korrespondansepart"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    journalpost_id: Mapped[str] = mapped_column(ForeignKey("journalpost.id"), index=True)
    korrespondanseparttype: Mapped[str | None] = mapped_column(String(100))
    navn: Mapped[str | None] = mapped_column(String(500))
    navn_sensitiv: Mapped[str | None] = mapped_column(String(500))
    administrativ_enhet: Mapped[str | None] = mapped_column(String(500))
    skjermet: Mapped[bool] = mapped_column(Boolean, default=False)

    journalpost: Mapped[Journalpost] = relationship(back_populates="korrespondanseparter")


class Dokumentbeskrivelse(Base):
    """A document of an entry (main document or attachment)."""

    __tablename__ = "dokumentbeskrivelse"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    journalpost_id: Mapped[str] = mapped_column(ForeignKey("journalpost.id"), index=True)
    system_id: Mapped[str | None] = mapped_column(String(200))
    dokumentnummer: Mapped[int | None] = mapped_column(Integer)
    dokumenttype: Mapped[str | None] = mapped_column(String(100))
    tilknyttet_registrering_som: Mapped[str | None] = mapped_column(String(100))
    tittel: Mapped[str | None] = mapped_column(Text)
    tittel_sensitiv: Mapped[str | None] = mapped_column(Text)
    skjerming_id: Mapped[int | None] = mapped_column(ForeignKey("skjerming.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    journalpost: Mapped[Journalpost] = relationship(back_populates="dokumentbeskrivelser")
    skjerming: Mapped[Skjerming | None] = relationship()
    dokumentobjekter: Mapped[list[Dokumentobjekt]] = relationship(
        back_populates="dokumentbeskrivelse", cascade="all, delete-orphan"
    )


class Dokumentobjekt(Base):
    """A file of a document: where it came from, its blob, and its extraction state."""

    __tablename__ = "dokumentobjekt"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dokumentbeskrivelse_id: Mapped[str] = mapped_column(
        ForeignKey("dokumentbeskrivelse.id"), index=True
    )
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("dokumentobjekt.id"))
    versjonsnummer: Mapped[int | None] = mapped_column(Integer)
    variantformat: Mapped[str | None] = mapped_column(String(100))
    format: Mapped[str | None] = mapped_column(String(100))
    filnavn: Mapped[str | None] = mapped_column(String(500))
    source_uri: Mapped[str | None] = mapped_column(Text)
    declared_checksum: Mapped[str | None] = mapped_column(String(128))
    declared_checksum_algorithm: Mapped[str | None] = mapped_column(String(20))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    media_type: Mapped[str | None] = mapped_column(String(200))
    extraction_status: Mapped[str] = mapped_column(
        String(20), default=ExtractionStatus.PENDING, index=True
    )
    extraction_error: Mapped[str | None] = mapped_column(Text)
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    text_chars: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(8))
    extracted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ocr_status: Mapped[str | None] = mapped_column(String(20))
    """An ``OcrStatus`` when the file's content needed OCR (``None`` otherwise)."""
    ocr_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    dokumentbeskrivelse: Mapped[Dokumentbeskrivelse] = relationship(
        back_populates="dokumentobjekter"
    )
    parent: Mapped[Dokumentobjekt | None] = relationship(remote_side="Dokumentobjekt.id")
    """The file this one was found in (``innsyn.store.derived``); declared so that a flush
    deleting both deletes the derived file first."""


class Extraction(Base):
    """What Tika made of one file content (by sha256): never extracted twice."""

    __tablename__ = "extraction"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(200))
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    text_chars: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(8))
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OcrTask(Base):
    """One scanned content (by sha256) in the OCR queue.

    ``pages`` lists the page numbers (1-based) that have no text layer; each gets an
    ``OcrPage`` row when it has been read, so a worker that dies resumes where it
    stopped. ``lease_owner``/``lease_until`` keep two workers off the same content.
    ``base_text_sha256`` is the text layer Tika found, to which the pages' text is added.
    """

    __tablename__ = "ocr_task"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    media_type: Mapped[str | None] = mapped_column(String(200))
    page_count: Mapped[int] = mapped_column(Integer)
    pages: Mapped[list[int]] = mapped_column(JSON)
    base_text_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    claims: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class OcrPage(Base):
    """What OCR made of one page of a content: its text, or why it has none."""

    __tablename__ = "ocr_page"

    sha256: Mapped[str] = mapped_column(ForeignKey("ocr_task.sha256"), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float] = mapped_column(Float)
    read_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HarvestRun(Base):
    """One harvest of one source: when, how it went, counts, a sample of errors.

    ``agency_id`` is the agency the run's job belonged to when it ran: its admins, and
    only they, see the run, even after a site admin moves the job to another agency."""

    __tablename__ = "harvest_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(String(200), index=True)
    harvester: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    counts: Mapped[dict[str, int] | None] = mapped_column(JSON)
    errors: Mapped[list[str] | None] = mapped_column(JSON)
    checkpoint: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("job.id", ondelete="SET NULL"), index=True
    )
    agency_id: Mapped[str | None] = mapped_column(String(64), index=True)
    trigger: Mapped[str | None] = mapped_column(String(20))
    worker: Mapped[str | None] = mapped_column(String(200))
    log_tail: Mapped[list[str] | None] = mapped_column(JSON)


def new_job_source_key() -> str:
    """A job's source key: ``job:`` and 32 random hex digits."""
    return f"job:{uuid.uuid4().hex}"


class Job(Base):
    """A configured harvest of one source for one agency, run on a schedule.

    ``source_key`` names its records in the store: random, made once, never reused (a
    job id can come back after a delete, and the new job must not inherit, take over or
    delete the records of the old one, perhaps another agency's). ``state`` is what the
    last completed run left for the next one (incremental harvesting).
    ``lease_owner``/``lease_until`` make sure one worker at a time runs it, across
    processes. ``run_requested`` ("incremental" or "full") asks the scheduler to
    run it now. ``credentials`` are encrypted and never shown back.
    """

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_key: Mapped[str] = mapped_column(String(100), unique=True, default=new_job_source_key)
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str] = mapped_column(ForeignKey("enhet.id"), index=True)
    harvester: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, str] | None] = mapped_column(JSON)
    schedule: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    credentials: Mapped[str | None] = mapped_column(Text)
    politeness: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    run_requested: Mapped[str | None] = mapped_column(String(20))
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


ROLES = ("site_admin", "agency_admin")


class User(Base):
    """A person who logs in to the admin UI: a site admin, or an admin of one agency."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("enhet.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ApiKey(Base):
    """A key for the admin API, scoped to one agency; only its sha256 is stored.

    ``user_id`` is the user who made it (none: made on the command line): the key works
    only while that user is active, is revoked when the user is disabled or deleted, and
    never passes to a later user of the same name."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(20), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("enhet.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who changed what and when (jobs, users, keys). Never holds credentials."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
