"""The site's secret key and encryption of stored credentials.

``INNSYN_SECRET_KEY`` when set; otherwise a random key kept in ``<data_dir>/secret.key``
(created once, mode 0600), so every gunicorn worker and the scheduler share it. Job
credentials are encrypted with a Fernet key derived from it: readable by the harvest
worker, never shown back in the UI or API, never logged.

Rotation (``innsyn keys rotate``): credentials are read with the current key or any
earlier one (``INNSYN_PREVIOUS_SECRET_KEYS``, and ``<data_dir>/secret.key.previous``
while a rotation of the key file is under way) and written again with the current key.
Earlier keys never sign or accept admin sessions: a rotation ends every session.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from innsyn.config import Settings, weak_secret_key

KEY_FILE = "secret.key"
PREVIOUS_FILE = "secret.key.previous"


def secret_key(settings: Settings) -> str:
    """The site's secret key (setting, else the key file, created on first use)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / KEY_FILE
    if path.exists():
        return _checked(settings, path, path.read_text(encoding="ascii").strip())
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _checked(settings, path, path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def _checked(settings: Settings, path: os.PathLike[str], key: str) -> str:
    """The key read from ``path``, unless it is weak (someone wrote a placeholder there)."""
    problem = weak_secret_key(key)
    if problem and not settings.allow_weak_secret_key:
        raise WeakSecretKey(
            f"the secret key in {path} {problem}; delete the file to have a "
            "new one made (admin sessions end, job credentials must be set again)"
        )
    return key


class WeakSecretKey(RuntimeError):
    """The secret key in the key file may not be used."""


def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(b"innsyn-credentials:" + key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def previous_keys(settings: Settings) -> list[str]:
    """Earlier keys whose credentials are still read: the setting's, then the key file's."""
    keys = list(settings.previous_secret_keys)
    path = settings.data_dir / PREVIOUS_FILE
    if not settings.secret_key and path.exists():
        keys += [k for k in path.read_text(encoding="ascii").split() if k]
    return keys


def _keyring(settings: Settings) -> MultiFernet:
    """The current key first (it encrypts), then every earlier one (they only decrypt)."""
    return MultiFernet([_fernet(k) for k in [secret_key(settings), *previous_keys(settings)]])


def encrypt_credentials(settings: Settings, credentials: dict[str, str]) -> str:
    """Encrypted JSON of ``credentials`` for the job row."""
    return _fernet(secret_key(settings)).encrypt(json.dumps(credentials).encode()).decode("ascii")


def decrypt_credentials(settings: Settings, token: str | None) -> dict[str, str]:
    """The credentials of a job; an error if no key known decrypts them."""
    if not token:
        return {}
    try:
        data = json.loads(_keyring(settings).decrypt(token.encode("ascii")))
    except InvalidToken as exc:
        raise ValueError(
            "the job's credentials cannot be decrypted: the secret key changed; enter them "
            "again, or put the old key in INNSYN_PREVIOUS_SECRET_KEYS and run "
            "'innsyn keys rotate'"
        ) from exc
    return {str(k): str(v) for k, v in data.items()}


@dataclass
class Rotation:
    """What ``rotate`` did: jobs whose credentials now use the current key, and jobs whose
    credentials no key known could read (left as they were)."""

    reencrypted: int = 0
    unreadable: list[str] = field(default_factory=list)
    new_key_file: bool = False


class RotationRefused(RuntimeError):
    """A rotation that cannot be done as asked (nothing was changed)."""


def _write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (mode 0600) in one rename, so no reader sees half."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _new_key_file(settings: Settings) -> None:
    """A new random key in the key file, the old one kept in the previous-keys file first
    (so a crash at any point leaves every credential readable)."""
    old = secret_key(settings)
    kept = previous_keys(settings)
    _write_private(settings.data_dir / PREVIOUS_FILE, "\n".join([*kept, old]) + "\n")
    _write_private(settings.data_dir / KEY_FILE, secrets.token_hex(32))


def rotate(settings: Settings, sessions: sessionmaker[Session], *, new_key: bool) -> Rotation:
    """Re-encrypt every job's credentials with the current secret key.

    ``new_key``: first make a new random key file (only where the key comes from the
    data directory; a key set in ``INNSYN_SECRET_KEY`` is changed by its operator, the old
    one given in ``INNSYN_PREVIOUS_SECRET_KEYS``). Credentials no known key reads are left
    untouched and named; the previous-keys file is removed only when none is left.
    """
    from innsyn.auth import CLI_ACTOR, audit
    from innsyn.store.models import Job

    if new_key and settings.secret_key:
        raise RotationRefused(
            "INNSYN_SECRET_KEY is set, so the key is yours to change: set a new one, put "
            "the old one in INNSYN_PREVIOUS_SECRET_KEYS and run 'innsyn keys rotate' "
            "without --new-key"
        )
    if not new_key and not previous_keys(settings):
        raise RotationRefused(
            "no earlier key is known: put the old key in INNSYN_PREVIOUS_SECRET_KEYS, or "
            "use --new-key to replace the key file in the data directory"
        )
    report = Rotation()
    if new_key:
        _new_key_file(settings)
        report.new_key_file = True
    ring = _keyring(settings)
    with sessions.begin() as session:
        for job in session.scalars(select(Job).where(Job.credentials.is_not(None))):
            if not job.credentials:
                continue
            try:
                job.credentials = ring.rotate(job.credentials.encode("ascii")).decode("ascii")
            except InvalidToken:
                report.unreadable.append(f"{job.id} ({job.name})")
                continue
            report.reencrypted += 1
        audit(
            session,
            CLI_ACTOR,
            "keys.rotate",
            "secret key",
            None,
            {"reencrypted": report.reencrypted, "unreadable": len(report.unreadable)},
        )
    previous_file = settings.data_dir / PREVIOUS_FILE
    if not report.unreadable and not settings.secret_key and previous_file.exists():
        previous_file.unlink()
    return report
