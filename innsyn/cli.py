"""The ``innsyn`` command line: services, database, index, settings.

Every subcommand builds its objects from one ``Settings``; nothing happens at import.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from innsyn.cli_errors import Main, fail
from innsyn.config import Settings, describe_settings


class Context:
    """Lazily built settings shared by the subcommands."""

    def __init__(self) -> None:
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings()
        return self._settings


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group(cls=Main)
@click.version_option(package_name="innsyn")
def main() -> None:
    """Innsyn: harvest, extract, index and search public government records.

    A command that fails prints one 'Error: ...' line and exits non-zero; set
    INNSYN_TRACEBACK=1 to see the Python traceback of an unexpected error.
    """


@main.command("settings")
def settings_cmd() -> None:
    """List every setting with its INNSYN_* variable, default and help."""
    for var, default, help_text in describe_settings():
        click.echo(f"{var}\n    default: {default}\n    {help_text}")


@main.group()
def services() -> None:
    """Local OpenSearch and Tika (downloaded from Maven Central, no Docker)."""


@services.command("up")
@click.option(
    "--ocr",
    is_flag=True,
    help="Also install the OCR tools from Debian (poppler, tesseract with its languages).",
)
@pass_ctx
def services_up(ctx: Context, ocr: bool) -> None:
    """Download (once), start and health-check OpenSearch and Tika on 127.0.0.1."""
    from innsyn.backends import manager
    from innsyn.backends.java import ServiceError

    try:
        if ocr:
            manager.install_ocr(click.echo, ctx.settings)
        manager.up(ctx.settings, click.echo)
    except ServiceError as exc:
        fail(str(exc), one_line=False)


@services.command("down")
@pass_ctx
def services_down(ctx: Context) -> None:
    """Stop the services that 'services up' started (and nothing else)."""
    from innsyn.backends import manager

    manager.down(ctx.settings, click.echo)


@services.command("status")
@pass_ctx
def services_status(ctx: Context) -> None:
    """Versions, URLs, pids and heap of the local services."""
    from innsyn.backends import manager

    any_down = False
    for st in manager.status(ctx.settings):
        state = "running" if st.running else "stopped"
        any_down = any_down or not st.running
        click.echo(
            f"{st.name:<11} {state:<8} {st.url}  version={st.version or '-'} "
            f"pid={st.pid or '-'} heap={st.heap or '-'}  {st.detail}"
        )
    if any_down:
        sys.exit(3)


@main.group()
def db() -> None:
    """The store's database."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(ctx: Context) -> None:
    """Apply every pending migration."""
    from innsyn.store.db import make_engine, migrate

    migrate(make_engine(ctx.settings))
    click.echo("database is at the newest migration")


from innsyn.cli_index import index as _index_group  # noqa: E402

main.add_command(_index_group)


@main.group()
def demo() -> None:
    """Demo data from ../shared/testdata."""


@demo.command("load")
@click.option(
    "--testdata",
    type=click.Path(file_okay=False, path_type=Path),
    help="The source repository's shared/testdata folder (default: ../shared/testdata "
    "beside the checkout innsyn runs from; an installed wheel has none).",
)
@pass_ctx
def demo_load(ctx: Context, testdata: Path | None) -> None:
    """Import agencies and harvest the sample journals (needs the services running)."""
    from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError

    from innsyn.demo import TESTDATA, load_demo

    folder = testdata or TESTDATA
    if not folder.is_dir():
        fail(
            "demo data not found: 'innsyn demo load' harvests the sample files of the source "
            f"repository's shared/testdata, and there is none at {folder} (an installed wheel "
            "does not include it); pass --testdata <path to shared/testdata>"
        )
    try:
        count = load_demo(ctx.settings, click.echo, folder)
    except FileNotFoundError as exc:
        fail(str(exc))
    except OpenSearchConnectionError:
        fail("OpenSearch is not reachable: run 'innsyn services up' first")
    click.echo(f"demo data loaded from {count} source(s)")


from innsyn.cli_harvest import harvest as _harvest_group  # noqa: E402
from innsyn.cli_harvest import harvesters as _harvesters_group  # noqa: E402

main.add_command(_harvest_group)
main.add_command(_harvesters_group)

from innsyn.cli_agencies import agencies as _agencies_group  # noqa: E402

main.add_command(_agencies_group)

from innsyn.cli_jobs import apikeys as _apikeys_group  # noqa: E402
from innsyn.cli_jobs import jobs as _jobs_group  # noqa: E402
from innsyn.cli_jobs import runs as _runs_cmd  # noqa: E402
from innsyn.cli_jobs import scheduler as _scheduler_cmd  # noqa: E402
from innsyn.cli_jobs import users as _users_group  # noqa: E402

main.add_command(_jobs_group)
main.add_command(_runs_cmd)
main.add_command(_scheduler_cmd)
main.add_command(_users_group)
main.add_command(_apikeys_group)

from innsyn.cli_ocr import ocr as _ocr_group  # noqa: E402

main.add_command(_ocr_group)

from innsyn.cli_keys import keys as _keys_group  # noqa: E402

main.add_command(_keys_group)


if __name__ == "__main__":
    main()
