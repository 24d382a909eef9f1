"""``bench.ingest.parse_child``, the ingest benchmark's floor: the harvester alone reads
the whole extraction in a child process."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import ingest
from bench.datagen import write_noark5
from innsyn.config import Settings


def test_parse_only_reads_the_extraction(tmp_path: Path, offline_settings: Settings) -> None:
    source = tmp_path / "src"
    write_noark5(source, 30, seed=3)
    assert ingest.parse_child(offline_settings, source) > 0


def test_parse_only_fails_loudly_on_a_broken_extraction(
    tmp_path: Path, offline_settings: Settings
) -> None:
    source = tmp_path / "broken"
    source.mkdir()
    (source / "arkivstruktur.xml").write_text("<arkiv><not closed", encoding="utf-8")
    with pytest.raises(RuntimeError, match="parse failed"):
        ingest.parse_child(offline_settings, source)
