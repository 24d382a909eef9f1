"""Issue 14 item 1: a known, short or empty-looking secret key is refused everywhere
(settings, the key file, every command), and no shipped configuration carries one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from innsyn.config import Settings
from innsyn.keys import WeakSecretKey, secret_key

ROOT = Path(__file__).resolve().parents[2]
STRONG = "9d2e7b41c05f8a36e1b94c7d20a5f6e83b17c49d05e2a6f8c3b1d7e9a4f0c2b5"


@pytest.mark.parametrize(
    "key",
    [
        "change-me",
        "CHANGE-ME",
        "changeme",
        "secret",
        "test-secret",
        "x" * 40,
        "short-but-random-9f",
    ],
)
def test_weak_keys_are_refused(key, tmp_path):
    with pytest.raises(ValidationError, match="INNSYN_SECRET_KEY"):
        Settings(data_dir=tmp_path, secret_key=key)
    allowed = Settings(data_dir=tmp_path, secret_key=key, allow_weak_secret_key=True)
    assert secret_key(allowed) == key, "an explicit development setting accepts it"


def test_a_strong_key_or_none_at_all_is_accepted(tmp_path):
    assert secret_key(Settings(data_dir=tmp_path, secret_key=STRONG)) == STRONG
    made = secret_key(Settings(data_dir=tmp_path / "fresh"))
    assert len(made) == 64 and made == secret_key(Settings(data_dir=tmp_path / "fresh"))
    assert (tmp_path / "fresh" / "secret.key").stat().st_mode & 0o077 == 0


def test_a_placeholder_written_into_the_key_file_is_refused(tmp_path):
    (tmp_path / "secret.key").write_text("change-me\n", encoding="ascii")
    with pytest.raises(WeakSecretKey, match="delete the file"):
        secret_key(Settings(data_dir=tmp_path))


def test_every_command_stops_with_a_clear_line(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "INNSYN_DATA_DIR": str(tmp_path),
        "INNSYN_SECRET_KEY": "change-me",
    }
    done = subprocess.run(
        [sys.executable, "-m", "innsyn.cli", "index", "status"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode != 0
    assert "configuration: INNSYN_SECRET_KEY is a well-known placeholder" in done.stderr
    assert "Traceback" not in done.stderr and "change-me" not in done.stderr


def test_no_shipped_configuration_has_a_known_key():
    for name in ("compose.yaml", "Dockerfile", "dev.sh", "README.md"):
        text = (ROOT / name).read_text(encoding="utf-8").lower()
        assert "secret_key:-change" not in text and "secret_key=change" not in text, name
    assert "INNSYN_SECRET_KEY: ${INNSYN_SECRET_KEY:-}" in (ROOT / "compose.yaml").read_text()
