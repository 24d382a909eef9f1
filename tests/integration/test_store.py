"""The store: migrations, a full round trip on SQLite and PostgreSQL, and the blob store."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from innsyn.config import Settings
from innsyn.public.shapes import case_number
from innsyn.store.blobs import STALE_TMP_SECONDS, BlobStore, BlobTooLarge
from innsyn.store.db import make_engine, make_sessionmaker, migrate, session_scope
from innsyn.store.models import (
    Base,
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Enhet,
    Journalpost,
    Korrespondansepart,
    Saksmappe,
    Skjerming,
)
from tests.pg import postgres_server


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_settings(request, tmp_path: Path) -> Settings:
    url = "" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    if url:
        engine = make_engine(Settings(data_dir=tmp_path, database_url=url))
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    return Settings(data_dir=tmp_path, database_url=url)


def test_migrations_match_models(store_settings):
    engine = make_engine(store_settings)
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.mark.parametrize("cache_mb", [2, 64])
def test_sqlite_connections_get_the_configured_page_cache(tmp_path, cache_mb):
    engine = make_engine(Settings(data_dir=tmp_path, sqlite_cache_mb=cache_mb))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -cache_mb * 1024
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_round_trip(store_settings):
    engine = make_engine(store_settings)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    published = dt.datetime(2024, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with session_scope(sessions) as s:
        county = Enhet(id="en_county", navn="Vestland fylkeskommune", orgnummer="821311632")
        unit = Enhet(id="en_unit", navn="Kulturavdelinga", parent=county)
        skjerming = Skjerming(
            tilgangsrestriksjon="UO",
            skjermingshjemmel="Offl. § 13 jf. fvl. § 13",
            skjerming_metadata=["tittel", "korrespondansepart"],
        )
        sak = Saksmappe(
            id="sm_1",
            source_key="src",
            system_id="S1",
            enhet=unit,
            saksaar=2024,
            sakssekvensnummer=123,
            offentlig_tittel="Søknad om tilskudd",
            publisert_dato=published,
        )
        jp = Journalpost(
            id="jp_1",
            source_key="src",
            system_id="J1",
            saksmappe=sak,
            enhet=unit,
            journalaar=2024,
            journalsekvensnummer=900,
            journalpostnummer=4,
            journalposttype="I",
            journaldato=dt.date(2024, 3, 1),
            offentlig_tittel="Søknad om tilskudd til kulturhus",
            offentlig_tittel_sensitiv="Søknad om tilskudd til kulturhus - Ola Nordmann",
            skjerming=skjerming,
        )
        jp.korrespondanseparter.append(
            Korrespondansepart(navn=None, navn_sensitiv="Ola Nordmann", skjermet=True)
        )
        doc = Dokumentbeskrivelse(
            id="db_1",
            dokumentnummer=1,
            tittel="Søknad",
            tilknyttet_registrering_som="hoveddokument",
        )
        doc.dokumentobjekter.append(
            Dokumentobjekt(id="do_1", sha256="a" * 64, size=10, media_type="application/pdf")
        )
        jp.dokumentbeskrivelser.append(doc)
        s.add_all([county, jp])
    with session_scope(sessions) as s:
        got = s.scalars(select(Journalpost).where(Journalpost.id == "jp_1")).one()
        assert got.journalpostnummer == 4
        assert case_number(got.saksmappe) == "2024/123"
        assert got.enhet is not None and got.enhet.parent is not None
        assert got.enhet.parent.navn == "Vestland fylkeskommune"
        assert got.skjerming is not None
        assert got.skjerming.skjerming_metadata == ["tittel", "korrespondansepart"]
        assert got.korrespondanseparter[0].skjermet is True
        obj = got.dokumentbeskrivelser[0].dokumentobjekter[0]
        assert obj.extraction_status == "pending"
        assert got.saksmappe.publisert_dato == published
        assert got.saksmappe.publisert_dato.tzinfo is not None
        assert got.updated_at.tzinfo is not None and got.last_indexed_at is None


def test_blob_store_is_content_addressed(tmp_path):
    blobs = BlobStore(tmp_path)
    first = blobs.put_bytes(b"hello")
    again = blobs.put_bytes(b"hello")
    assert first.sha256 == again.sha256
    assert first.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert first.path.relative_to(tmp_path).parts[:2] == ("2c", "f2")
    assert blobs.read_bytes(first.sha256) == b"hello"
    assert b"".join(blobs.iter_range(first.sha256, 1, 3)) == b"ell"
    assert not list((tmp_path / "tmp").iterdir())


def test_blob_store_leaves_no_partial_file(tmp_path):
    blobs = BlobStore(tmp_path)
    with pytest.raises(BlobTooLarge):
        blobs.put_chunks([b"x" * 10, b"y" * 10], max_size=15)

    def failing():
        yield b"partial"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        blobs.put_chunks(failing())
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []


def test_blob_store_removes_only_stale_tmp_files(tmp_path):
    blobs = BlobStore(tmp_path)
    assert blobs.remove_stale_tmp() == 0  # no tmp directory yet
    kept = blobs.put_bytes(b"a blob")
    now = time.time()
    ages = {"blob-stale": STALE_TMP_SECONDS + 60, "blob-young": STALE_TMP_SECONDS - 60}
    ages["blob-fresh"] = 0
    for name, age in ages.items():
        path = blobs.tmp_dir / name
        path.write_bytes(b"half a file")
        os.utime(path, (now - age, now - age))
    old_dir = blobs.tmp_dir / "a-directory"
    old_dir.mkdir()
    os.utime(old_dir, (now - 2 * STALE_TMP_SECONDS, now - 2 * STALE_TMP_SECONDS))

    assert blobs.remove_stale_tmp() == 1
    assert sorted(p.name for p in blobs.tmp_dir.iterdir()) == [
        "a-directory",
        "blob-fresh",
        "blob-young",
    ]
    assert blobs.read_bytes(kept.sha256) == b"a blob"
    assert blobs.remove_stale_tmp(max_age=30) == 1  # blob-young is older than 30 s
    assert sorted(p.name for p in blobs.tmp_dir.iterdir()) == ["a-directory", "blob-fresh"]


def test_blob_store_rejects_bad_digest(tmp_path):
    with pytest.raises(ValueError):
        BlobStore(tmp_path).path_for("../../etc/passwd")


def test_postgres_fixture_is_real(postgres_url):
    engine = make_engine(Settings(database_url=postgres_url))
    with engine.connect() as conn:
        assert "PostgreSQL" in conn.exec_driver_sql("select version()").scalar_one()


def test_migration_0008_gives_ui_made_keys_to_their_user(store_settings):
    from alembic import command
    from sqlalchemy import text

    from innsyn.store.db import alembic_config

    engine = make_engine(store_settings)
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        now = dt.datetime.now(dt.UTC)
        conn.execute(
            text(
                "INSERT INTO app_user (id, username, password_hash, role, active, created_at) "
                "VALUES (7, 'olga', 'x', 'site_admin', true, :now)"
            ),
            {"now": now},
        )
        for prefix, made_by in [("a1", "user:olga"), ("b2", "cli"), ("c3", "user:gone")]:
            conn.execute(
                text(
                    "INSERT INTO api_key (prefix, key_hash, name, created_by, created_at) "
                    "VALUES (:p, 'h', 'k', :by, :now)"
                ),
                {"p": prefix, "by": made_by, "now": now},
            )
        command.upgrade(cfg, "head")
        owners = dict(conn.execute(text("SELECT prefix, user_id FROM api_key")).all())
    assert owners == {"a1": 7, "b2": None, "c3": None}


def test_migration_0009_gives_runs_their_jobs_agency(store_settings):
    from alembic import command
    from sqlalchemy import text

    from innsyn.store.db import alembic_config

    engine = make_engine(store_settings)
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        now = dt.datetime.now(dt.UTC)
        conn.execute(
            text(
                "INSERT INTO enhet (id, navn, created_at, updated_at) "
                "VALUES ('oslo', 'Oslo', :now, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO job (id, source_key, name, agency_id, harvester, location, "
                "schedule, enabled, created_at, updated_at) VALUES (3, 'job:x', 'j', 'oslo', "
                "'n5ws', 'https://x', 'every 1h', true, :now, :now)"
            ),
            {"now": now},
        )
        for run_id, job_id in [(1, 3), (2, None)]:
            conn.execute(
                text(
                    "INSERT INTO harvest_run (id, source_key, harvester, location, status, "
                    "started_at, job_id) VALUES (:id, 's', 'n5ws', 'x', 'ok', :now, :job)"
                ),
                {"id": run_id, "job": job_id, "now": now},
            )
        command.upgrade(cfg, "head")
        agencies = dict(conn.execute(text("SELECT id, agency_id FROM harvest_run")).all())
    assert agencies == {1: "oslo", 2: None}
