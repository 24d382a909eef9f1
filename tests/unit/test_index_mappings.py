"""The ``index_mappings`` package: what it ships and how a mapping is loaded."""

from __future__ import annotations

import pytest

import index_mappings
from innsyn.indexing.names import KINDS, MAPPING_VERSION


def test_every_index_kind_ships_the_current_mapping_version():
    assert index_mappings.kinds() == sorted(KINDS)
    for kind in KINDS:
        assert MAPPING_VERSION in index_mappings.versions(kind)


def test_load_gives_a_fresh_body_without_the_comment():
    body = index_mappings.load("journalpost", MAPPING_VERSION)
    assert set(body) == {"settings", "mappings"}
    body["settings"]["index"]["number_of_shards"] = 99
    again = index_mappings.load("journalpost", MAPPING_VERSION)
    assert "number_of_shards" not in again["settings"]["index"]


def test_unknown_mapping_names_what_is_shipped():
    assert index_mappings.versions("meeting") == []
    with pytest.raises(LookupError, match=r"no index mapping journalpost\.v999\.json") as err:
        index_mappings.load("journalpost", 999)
    assert f"versions of journalpost: {index_mappings.versions('journalpost')}" in str(err.value)
