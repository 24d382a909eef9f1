"""``innsyn keys …``: rotate the site's secret key, re-encrypting job credentials."""

from __future__ import annotations

import click

from innsyn.cli_errors import fail, one_line_errors
from innsyn.config import Settings


@click.group()
def keys() -> None:
    """The site's secret key (admin sessions, job credentials)."""


@keys.command("rotate")
@click.option(
    "--new-key",
    is_flag=True,
    help="Replace the key file in the data directory with a new random key first (when "
    "INNSYN_SECRET_KEY is empty).",
)
def rotate_cmd(new_key: bool) -> None:
    """Re-encrypt every job's credentials with the current secret key.

    With INNSYN_SECRET_KEY set: set the new key, put the old one in
    INNSYN_PREVIOUS_SECRET_KEYS, run this, then remove INNSYN_PREVIOUS_SECRET_KEYS. With
    the key kept in the data directory: run it with --new-key. Either way, restart the
    web app and the scheduler afterwards: admin sessions end.
    """
    from innsyn.keys import RotationRefused, rotate
    from innsyn.store.db import open_store

    settings = Settings()
    with one_line_errors("keys rotate"):
        sessions = open_store(settings)
        try:
            report = rotate(settings, sessions, new_key=new_key)
        except RotationRefused as exc:
            fail(f"keys rotate: {exc}")
    if report.new_key_file:
        click.echo(f"a new secret key is in {settings.data_dir / 'secret.key'}")
    click.echo(f"credentials of {report.reencrypted} job(s) re-encrypted with the current key")
    click.echo("restart the web app and the scheduler: admin sessions signed with the old key end")
    if report.unreadable:
        fail(
            f"keys rotate: no known key reads the credentials of {len(report.unreadable)} "
            f"job(s), left as they were: {', '.join(report.unreadable)}; give the key they "
            "were saved with in INNSYN_PREVIOUS_SECRET_KEYS and run again, or enter them anew"
        )
