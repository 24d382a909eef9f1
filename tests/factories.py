"""Store rows for tests, created through the ORM (the real database)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings
from innsyn.store.db import make_engine, make_sessionmaker, migrate
from innsyn.store.models import Enhet, Journalpost, Saksmappe

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
            sakssekvensnummer=seq if seq is not None else 100 + n,
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
