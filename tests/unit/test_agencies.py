"""Agencies from the public registries, into the real store."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import func, select

from innsyn.agencies import import_agencies, load_registry_agencies
from innsyn.cli import main
from innsyn.harvest.records import EnhetRecord
from innsyn.store.models import Enhet
from tests.factories import store


def test_import_builds_the_tree_and_is_idempotent(offline_settings, testdata):
    sessions = store(offline_settings)
    first = import_agencies(
        offline_settings, sessions, load_registry_agencies(testdata / "registries")
    )
    assert first["new"] > 600 and first.get("updated", 0) == 0
    second = import_agencies(
        offline_settings, sessions, load_registry_agencies(testdata / "registries")
    )
    assert second["unchanged"] == first["new"] and second.get("new", 0) == 0
    with sessions() as s:
        counties = s.scalars(select(Enhet).where(Enhet.enhetstype == "fylkeskommune")).all()
        assert len(counties) == 15
        bergen = s.scalars(select(Enhet).where(Enhet.kommunenummer == "4601")).one()
        assert bergen.parent is not None and bergen.parent.navn.startswith("Vestland")
        assert bergen.orgnummer and len(bergen.orgnummer) == 9
        evenes = s.scalars(select(Enhet).where(Enhet.kommunenummer == "1853")).one()
        assert evenes.navn_sami == "Evenášši"
        assert (
            s.scalar(
                select(func.count()).select_from(Enhet).where(Enhet.kontaktpunkt_epost.is_not(None))
            )
            >= 400
        )


def test_invalid_org_number_is_kept_without_it(tmp_path, testdata):
    import json
    import shutil

    root = tmp_path / "registries"
    shutil.copytree(testdata / "registries", root)
    entities = json.loads((root / "offpost-entities.json").read_text())
    entities["bad-body"] = {
        "entity_id": "bad-body",
        "name": "Feil direktorat",
        "type": "directorate",
        "org_num": "123456789",
    }
    (root / "offpost-entities.json").write_text(json.dumps(entities))
    records = list(load_registry_agencies(root))
    bad = next(r for r in records if isinstance(r, EnhetRecord) and r.system_id == "bad-body")
    assert bad.orgnummer is None
    assert any("invalid org number '123456789'" in getattr(r, "message", "") for r in records)


def test_cli_import(tmp_path, testdata, monkeypatch):
    monkeypatch.setenv("INNSYN_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(
        main, ["agencies", "import", "--registries", str(testdata / "registries")]
    )
    assert result.exit_code == 0, result.output
    assert "new 634" in result.output
