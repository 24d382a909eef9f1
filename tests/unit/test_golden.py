"""Every registered harvester against its golden folder (``tests/harvesters/<name>/``).

A harvester without a folder fails here; so does one whose records differ from the
checked-in expected JSON. ``pytest --update-golden`` rewrites the expected files instead
(read the diff before committing it). See ``tests/harvesters/README.md``.
"""

from __future__ import annotations

import pytest

from innsyn.harvest.registry import available
from tests.golden import GOLDEN, cases, diff, run


@pytest.mark.parametrize("name", sorted(available()))
def test_harvester_matches_its_golden_files(name: str, request: pytest.FixtureRequest) -> None:
    folder = GOLDEN / name
    if not folder.is_dir():
        pytest.fail(
            f"harvester {name!r} is registered but has no golden folder {folder}: "
            "add small inputs, a case.json and generate expected.json with --update-golden "
            "(see tests/harvesters/README.md)",
            pytrace=False,
        )
    found = cases(folder)
    assert found, f"{folder} has no case.json (nor any <input>.case.json)"
    update = bool(request.config.getoption("--update-golden"))
    problems = []
    for case in found:
        actual = run(name, case)
        if update:
            case.expected.write_text(actual, encoding="utf-8")
            continue
        if not case.expected.is_file():
            problems.append(f"{case.label}: no {case.expected.name} (run with --update-golden)")
            continue
        expected = case.expected.read_text(encoding="utf-8")
        if actual != expected:
            problems.append(diff(expected, actual, str(case.expected.relative_to(GOLDEN))))
    if problems:
        pytest.fail(
            f"harvester {name!r} no longer yields its golden records "
            "(rerun with --update-golden if the change is intended):\n\n" + "\n\n".join(problems),
            pytrace=False,
        )


def test_every_golden_folder_belongs_to_a_registered_harvester() -> None:
    registered = set(available())
    stray = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and p.name not in registered)
    assert not stray, f"golden folders of no registered harvester (renamed?): {stray}"
