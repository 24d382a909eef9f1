"""``innsyn agencies import``: agencies and their hierarchy from the public registries."""

from __future__ import annotations

from pathlib import Path

import click

from innsyn.config import Settings


@click.group()
def agencies() -> None:
    """Agencies (Enhet) and their hierarchy."""


@agencies.command("import")
@click.option(
    "--registries",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/testdata/registries"),
    show_default=True,
    help="Directory with the registry files.",
)
def import_cmd(registries: Path) -> None:
    """Import counties, municipalities and public bodies; print counts."""
    from innsyn.agencies import import_agencies, load_registry_agencies
    from innsyn.store.db import make_engine, make_sessionmaker, migrate

    settings = Settings()
    engine = make_engine(settings)
    migrate(engine)
    counts = import_agencies(
        settings, make_sessionmaker(engine), load_registry_agencies(registries)
    )
    click.echo(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
