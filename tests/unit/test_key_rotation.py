"""Issue 14 (done when): the secret key can be rotated, job credentials re-encrypted with
the new key, and the old key is no longer good for anything once the rotation is over."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from cryptography.fernet import InvalidToken
from sqlalchemy import select

from innsyn.auth import CLI_ACTOR
from innsyn.cli import main
from innsyn.config import Settings
from innsyn.keys import PREVIOUS_FILE, _fernet, decrypt_credentials, secret_key
from innsyn.store.models import AuditEntry, Enhet, Job
from tests.factories import add_job, store

OLD = "4c1f0b9e7a2d58e3f6a1c9b04d7e2f5a8b3c6d9e0f1a2b4c5d7e8f9a0b1c2d3e"
NEW = "d8e2a7f4c1b95e6a3d0f7c2b9e4a1d6f8c3b5e7a9d2f4c6e8a0b1d3f5a7c9e1b"
CREDS = {"username": "postmottak", "password": "Hemmelig passord 2024!"}


def _store_with_jobs(settings: Settings, *credentials: dict[str, str]):
    sessions = store(settings)
    with sessions.begin() as s:
        s.add(Enhet(id="oslo", navn="Oslo"))
        s.flush()
        for n, creds in enumerate(credentials):
            add_job(s, settings, CLI_ACTOR, f"https://postliste.example/{n}", credentials=creds)
    return sessions


def _tokens(sessions) -> dict[int, str]:
    with sessions() as s:
        return {j.id: j.credentials for j in s.scalars(select(Job).order_by(Job.id))}


def _cli(monkeypatch, settings: Settings, *args: str, previous: str = ""):
    monkeypatch.setenv("INNSYN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("INNSYN_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("INNSYN_PREVIOUS_SECRET_KEYS", previous)
    return CliRunner().invoke(main, ["keys", "rotate", *args])


def test_a_set_key_is_rotated_with_the_old_one_given_as_previous(tmp_path, monkeypatch):
    old = Settings(data_dir=tmp_path, secret_key=OLD)
    sessions = _store_with_jobs(old, CREDS, {"token": "abc123"})
    before = _tokens(sessions)
    new = Settings(data_dir=tmp_path, secret_key=NEW)
    with pytest.raises(ValueError, match="INNSYN_PREVIOUS_SECRET_KEYS"):
        decrypt_credentials(new, before[1])

    done = _cli(monkeypatch, new)
    assert done.exit_code == 1 and "no earlier key is known" in done.output
    assert _tokens(sessions) == before, "a refused rotation changes nothing"

    during = Settings(data_dir=tmp_path, secret_key=NEW, previous_secret_keys=[OLD])
    assert decrypt_credentials(during, before[1]) == CREDS, "read while rotating"
    done = _cli(monkeypatch, new, previous=OLD)
    assert done.exit_code == 0, done.output
    assert "credentials of 2 job(s) re-encrypted" in done.output
    after = _tokens(sessions)
    assert decrypt_credentials(new, after[1]) == CREDS
    assert decrypt_credentials(new, after[2]) == {"token": "abc123"}
    with pytest.raises(InvalidToken):
        _fernet(OLD).decrypt(after[1].encode())
    assert "Hemmelig" not in done.output
    with sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "keys.rotate")).one()
    assert entry.details == {"reencrypted": 2, "unreadable": 0}


def test_the_key_file_is_replaced_and_nothing_is_lost(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path)
    first = secret_key(settings)
    sessions = _store_with_jobs(settings, CREDS)
    done = _cli(monkeypatch, settings, "--new-key")
    assert done.exit_code == 0, done.output
    second = secret_key(settings)
    assert second != first and len(second) == 64
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0
    assert not (tmp_path / PREVIOUS_FILE).exists(), "the old key is not kept once done"
    token = _tokens(sessions)[1]
    assert decrypt_credentials(settings, token) == CREDS
    with pytest.raises(InvalidToken):
        _fernet(first).decrypt(token.encode())


def test_an_interrupted_key_file_rotation_can_be_run_again(tmp_path, monkeypatch):
    """The key file was replaced, then the process died before the credentials were
    written again: they are still read (the old key waits in the previous-keys file),
    and running the rotation again finishes it."""
    from innsyn.keys import _new_key_file

    settings = Settings(data_dir=tmp_path)
    sessions = _store_with_jobs(settings, CREDS)
    _new_key_file(settings)
    assert (tmp_path / PREVIOUS_FILE).exists()
    assert decrypt_credentials(settings, _tokens(sessions)[1]) == CREDS
    done = _cli(monkeypatch, settings, "--new-key")
    assert done.exit_code == 0, done.output
    assert decrypt_credentials(settings, _tokens(sessions)[1]) == CREDS
    assert not (tmp_path / PREVIOUS_FILE).exists()


def test_credentials_no_key_reads_are_named_and_left_alone(tmp_path, monkeypatch):
    stranger = Settings(
        data_dir=tmp_path, secret_key="b" * 8 + "7e3f1a9c5d2b8e4f6a0c3d9b1e7f2a5c8d4b6e0f3a1c"
    )
    sessions = _store_with_jobs(stranger, CREDS)
    with sessions.begin() as s:
        s.add(Job(**_plain_job(), credentials=None))
    lost = _tokens(sessions)[1]
    settings = Settings(data_dir=tmp_path, secret_key=NEW)
    done = _cli(monkeypatch, settings, previous=OLD)
    assert done.exit_code == 1
    assert "1 (Postliste)" in done.output and "left as they were" in done.output
    assert _tokens(sessions)[1] == lost


def test_new_key_is_refused_when_the_key_is_set_in_the_environment(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path, secret_key=OLD)
    sessions = _store_with_jobs(settings, CREDS)
    before = _tokens(sessions)
    done = _cli(monkeypatch, settings, "--new-key")
    assert done.exit_code == 1 and "INNSYN_SECRET_KEY is set" in done.output
    assert _tokens(sessions) == before
    assert not (tmp_path / "secret.key").exists()


def test_an_old_key_never_signs_admin_sessions(tmp_path):
    """Earlier keys only decrypt credentials: a session cookie signed with the old key is
    not accepted by the app once it runs with the new one."""
    from innsyn.auth import create_user
    from web import create_app

    old = Settings(data_dir=tmp_path, secret_key=OLD, session_cookie_secure=False)
    sessions = store(old)
    with sessions.begin() as s:
        create_user(s, "admin", "et langt passord 1", "site_admin", None)
    before = create_app(old).test_client()
    page = before.get("/admin/login")
    token = _csrf(page.get_data(as_text=True))
    login = before.post(
        "/admin/login",
        data={"username": "admin", "password": "et langt passord 1", "csrf_token": token},
    )
    assert login.status_code == 302
    assert before.get("/admin/").status_code == 200
    cookie = before.get_cookie("innsyn_session")
    assert cookie is not None

    same = create_app(old).test_client()
    same.set_cookie("innsyn_session", cookie.value)
    assert same.get("/admin/").status_code == 200, "the cookie is good under its own key"
    rotated = Settings(
        data_dir=tmp_path, secret_key=NEW, previous_secret_keys=[OLD], session_cookie_secure=False
    )
    after = create_app(rotated).test_client()
    after.set_cookie("innsyn_session", cookie.value)
    assert after.get("/admin/").status_code == 302
    assert "/admin/login" in after.get("/admin/").headers["Location"]


def _csrf(page: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the login form carries a CSRF token"
    return found.group(1)


def _plain_job() -> dict[str, object]:
    return {
        "name": "Uten passord",
        "agency_id": "oslo",
        "harvester": "n5ws",
        "location": "https://postliste.example/open",
        "schedule": "every 1h",
    }
