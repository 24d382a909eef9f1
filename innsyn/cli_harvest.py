"""``innsyn harvest run`` (``innsyn.harvest.pipeline.run_source`` for one source) and
``innsyn harvesters list``."""

from __future__ import annotations

import click

from innsyn.config import Settings


@click.group()
def harvest() -> None:
    """Harvest a source into the store, extract its documents and index it."""


@harvest.command("run")
@click.argument("harvester")
@click.argument("location")
@click.option("--source-key", help="Stable name of this source (default: type + location).")
@click.option(
    "--complete", is_flag=True, help="The source lists every record: missing ones become deletions."
)
@click.option("--no-extract", is_flag=True, help="Skip text extraction.")
@click.option("--no-index", is_flag=True, help="Skip indexing (catch up later).")
def run_cmd(
    harvester: str,
    location: str,
    source_key: str | None,
    complete: bool,
    no_extract: bool,
    no_index: bool,
) -> None:
    """Harvest LOCATION with HARVESTER (see 'innsyn harvesters list')."""
    from innsyn.cli_errors import fail, one_line_errors
    from innsyn.harvest.contract import HarvestError
    from innsyn.harvest.pipeline import RunContext, run_source
    from innsyn.harvest.registry import available
    from innsyn.harvest.runs import what_became_of_the_run, worker_name
    from innsyn.http_client import HttpClient, HttpPolicy
    from innsyn.store.db import make_engine, make_sessionmaker, migrate

    installed = available()
    if harvester not in installed:
        names = ", ".join(sorted(installed)) or "none"
        fail(f"no harvester named {harvester!r} (installed: {names})", 2)
    settings = Settings()
    key = source_key or f"{harvester}:{location}"
    engine = make_engine(settings)
    run = RunContext(
        settings,
        make_sessionmaker(engine),
        key,
        click.echo,
        extract=not no_extract,
        index=not no_index,
        worker=worker_name(),
    )

    def after() -> str:
        return what_became_of_the_run(run.sessions, run.worker or "")

    params = {"complete": "true" if complete else ""}
    # a HarvestError is the source's fault: said in full
    with (
        HttpClient(HttpPolicy.from_settings(settings)) as http,
        one_line_errors(f"harvest of {key}", after, expected=(HarvestError,)),
    ):
        migrate(engine)
        report = run_source(run, harvester, location, params, http=http)
    click.echo(report.summary())
    for message in report.errors[:10]:
        click.echo(f"  error: {message}")
    for message in report.warnings[:10]:
        click.echo(f"  warning: {message}")


@click.group()
def harvesters() -> None:
    """Installed harvester plugins."""


@harvesters.command("list")
def list_cmd() -> None:
    """Name and description of every installed harvester."""
    from innsyn.harvest.registry import available

    for name, cls in sorted(available().items()):
        click.echo(f"{name:<16} {cls.description}")
