"""``innsyn harvest run`` and ``innsyn harvesters list``."""

from __future__ import annotations

import sys

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
    from harvesters.base import HarvestError
    from innsyn.harvest.pipeline import harvest as run_harvest
    from innsyn.harvest.registry import get_harvester
    from innsyn.http_client import HttpClient, HttpPolicy
    from innsyn.store.db import make_engine, make_sessionmaker, migrate

    settings = Settings()
    http = HttpClient(HttpPolicy.from_settings(settings))
    try:
        instance = get_harvester(
            harvester, location, {"complete": "true" if complete else ""}, http=http
        )
    except KeyError as exc:
        click.secho(f"Error: {exc.args[0]}", fg="red", err=True)
        sys.exit(2)
    engine = make_engine(settings)
    migrate(engine)
    try:
        report = run_harvest(
            settings,
            make_sessionmaker(engine),
            instance,
            source_key or f"{harvester}:{location}",
            click.echo,
            extract=not no_extract,
            index=not no_index,
        )
    except HarvestError as exc:
        click.secho(f"Error: {exc}", fg="red", err=True)
        sys.exit(1)
    finally:
        http.close()
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
