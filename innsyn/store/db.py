"""Database engine, sessions and migrations (Alembic) for the store."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings

T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(settings: Settings) -> Engine:
    """An engine for the configured database; SQLite gets WAL, a busy timeout and FKs."""
    url = settings.resolved_database_url
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", partial(_sqlite_pragmas, settings.sqlite_cache_mb))
    return engine


def _sqlite_pragmas(cache_mb: int, dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine``."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def open_store(settings: Settings) -> sessionmaker[Session]:
    """Sessions of the configured database, its schema brought to the newest migration."""
    engine = make_engine(settings)
    migrate(engine)
    return make_sessionmaker(engine)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Any:
    """An Alembic config pointing at this package's migrations and ``engine``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection_engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def check_database(engine: Engine) -> None:
    """Raise if the database does not answer."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite saying another writer holds the database (worth retrying)."""
    from sqlalchemy.exc import OperationalError

    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


def retry_busy(write: Callable[[], T], attempts: int = 6, pause: float = 0.5) -> T:
    """``write()`` (a whole transaction of its own) again after a pause while the database
    is busy; any other error, or the last busy one, is raised."""
    for attempt in range(attempts):
        try:
            return write()
        except Exception as exc:
            if not is_busy(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause * (attempt + 1))
    raise AssertionError("unreachable")
