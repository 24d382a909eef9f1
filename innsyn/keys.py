"""The site's secret key and encryption of stored credentials.

``INNSYN_SECRET_KEY`` when set; otherwise a random key kept in ``<data_dir>/secret.key``
(created once, mode 0600), so every gunicorn worker and the scheduler share it. Job
credentials are encrypted with a Fernet key derived from it: readable by the harvest
worker, never shown back in the UI or API, never logged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets

from cryptography.fernet import Fernet, InvalidToken

from innsyn.config import Settings, weak_secret_key


def secret_key(settings: Settings) -> str:
    """The site's secret key (setting, else the key file, created on first use)."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / "secret.key"
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


def _fernet(settings: Settings) -> Fernet:
    digest = hashlib.sha256(b"innsyn-credentials:" + secret_key(settings).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_credentials(settings: Settings, credentials: dict[str, str]) -> str:
    """Encrypted JSON of ``credentials`` for the job row."""
    return _fernet(settings).encrypt(json.dumps(credentials).encode()).decode("ascii")


def decrypt_credentials(settings: Settings, token: str | None) -> dict[str, str]:
    """The credentials of a job; an error if the secret key changed since they were saved."""
    if not token:
        return {}
    try:
        data = json.loads(_fernet(settings).decrypt(token.encode("ascii")))
    except InvalidToken as exc:
        raise ValueError(
            "the job's credentials cannot be decrypted: the secret key changed; enter them again"
        ) from exc
    return {str(k): str(v) for k, v in data.items()}
