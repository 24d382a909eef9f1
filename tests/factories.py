"""Store rows for tests, created through the ORM (the real database), and the jobs and
document site that tests of both tiers build on."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from innsyn.auth import Actor
from innsyn.config import Settings
from innsyn.jobs.manage import create_job
from innsyn.store.db import make_engine, make_sessionmaker, migrate
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Enhet,
    Job,
    Journalpost,
    Korrespondansepart,
    Saksmappe,
    Skjerming,
)
from tests.httpsource import DocumentSite

_counter = itertools.count(1)


def store(settings: Settings) -> sessionmaker[Session]:
    engine = make_engine(settings)
    migrate(engine)
    return make_sessionmaker(engine)


def add_entry(
    session: Session,
    title: str | None,
    *,
    saksaar: int = 2024,
    seq: int | None = None,
    nr: int = 1,
    enhet: Enhet | None = None,
    journaldato: dt.date = dt.date(2024, 5, 2),
    sak: Saksmappe | None = None,
    **fields: object,
) -> Journalpost:
    n = next(_counter)
    if sak is None:
        sak = Saksmappe(
            id=f"sm_{n}",
            source_key="test",
            system_id=f"S{n}",
            saksaar=saksaar,
            # far above the small numbers tests pick themselves (123, 7), so a default never
            # collides with them however many entries earlier tests made
            sakssekvensnummer=seq if seq is not None else 90_000 + n,
            offentlig_tittel=f"Sak {n}",
            enhet=enhet,
        )
    jp = Journalpost(
        id=f"jp_{n}",
        source_key="test",
        system_id=f"J{n}",
        saksmappe=sak,
        enhet=enhet,
        journalaar=saksaar,
        journalsekvensnummer=n,
        journalpostnummer=nr,
        journaldato=journaldato,
        offentlig_tittel=title,
        **{"journalposttype": "I", **fields},
    )
    session.add(jp)
    return jp


def screen_entry(jp: Journalpost, pdf_sha256: str, pdf_size: int, text: str, hidden: str) -> None:
    """Give ``jp`` a screened correspondent, a public PDF document (text blob ``text``) and
    a document unntatt offentlighet (text blob ``hidden``) over the same file."""
    jp.korrespondanseparter = [
        Korrespondansepart(navn="Statens vegvesen", korrespondanseparttype="mottaker"),
        Korrespondansepart(navn=None, navn_sensitiv="Per Hemmelig", skjermet=True),
    ]
    doc = Dokumentbeskrivelse(id="db_pub", tittel="Vedtak", dokumentnummer=1)
    doc.dokumentobjekter = [
        Dokumentobjekt(
            id="do_pub",
            sha256=pdf_sha256,
            size=pdf_size,
            media_type="application/pdf",
            filnavn="vedtak.pdf",
            extraction_status="done",
            text_sha256=text,
        )
    ]
    secret = Dokumentbeskrivelse(
        id="db_sec",
        tittel="Legeerklæring",
        dokumentnummer=2,
        skjerming=Skjerming(tilgangsrestriksjon="UO", skjermingshjemmel="Offl. § 13"),
    )
    secret.dokumentobjekter = [
        Dokumentobjekt(
            id="do_sec",
            sha256=pdf_sha256,
            size=pdf_size,
            media_type="application/pdf",
            extraction_status="done",
            text_sha256=hidden,
        )
    ]
    jp.dokumentbeskrivelser = [doc, secret]


def add_job(session: Session, settings: Settings, actor: Actor, url: str, **extra: object) -> Job:
    """An hourly n5ws job of the actor's agency (Oslo for a site admin) harvesting ``url``."""
    values: dict[str, object] = {
        "name": "Postliste",
        "agency_id": actor.agency_id or "oslo",
        "harvester": "n5ws",
        "location": url,
        "schedule": "every 1h",
        "params": {"page_size": "3"},
    }
    values.update(extra)
    return create_job(session, settings, actor, values)


@contextmanager
def document_site() -> Iterator[DocumentSite]:
    """A running web site publishing a plain-text budget and an HTML municipal plan."""
    site = DocumentSite()
    with site:
        site.publish(
            "budsjett.txt",
            b"Budsjett for kommunen 2027, vedtatt av kommunestyret.",
            "Budsjett 2027",
        )
        site.publish(
            "plan.html",
            b"<html><body><p>Kommuneplanens arealdel, horingsutkast.</p></body></html>",
            "Kommuneplan",
            "text/html",
        )
        yield site
