"""The built wheel works: installed in a fresh virtual environment, run from outside the
repository, it starts its services, migrates, harvests a real sample and finds it.

The wheel is built from a copy of the work tree (so setuptools writes its ``build/``
directory there, not into the repository, and no stale file of an earlier build can slip
in), installed with its dependencies into a new venv, and every step runs the installed
``innsyn`` executable or the venv's python with a working directory outside the
repository. Nothing imports from the repository: the test asserts the installed copy is
the one that ran.

``innsyn services up`` refuses a port another process holds (it only reuses services it
started itself, recorded under its data directory), so it cannot adopt the test
session's OpenSearch and Tika; it starts its own on free loopback ports with small heaps
from the cached artifacts (about 20 s), and ``innsyn services down`` stops them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.faultkit import SMALL, free_port

pytestmark = pytest.mark.slow

# The runner takes OpenSearch HTTP ports up to 9299 only; test_faults uses 9282-9289 and
# test_cluster 9290-9299, so these ranges stay clear of both.
OPENSEARCH_PORTS = range(9270, 9280)
TIKA_PORTS = range(9370, 9380)
HEAP = "256m"
SMALL_TITLE = "Eating the cake1 - Application to eat cake1"
# environment a service start may need from the caller: where Java and the artifacts are
PASSED_THROUGH = ("INNSYN_CACHE_DIR", "INNSYN_JAVA_HOME", "INNSYN_MAVEN_REPOSITORY")

SEARCH_SCRIPT = """
import json, sys
import innsyn, web
from web import create_app

client = create_app().test_client()
api = client.get("/api/v1/search", query_string={"q": sys.argv[1]})
page = client.get("/", query_string={"q": sys.argv[1]})
css = client.get("/static/style.css")
print(json.dumps({
    "innsyn": innsyn.__file__,
    "web": web.__file__,
    "api_status": api.status_code,
    "items": {item["offentlig_tittel"]: item["id"] for item in api.get_json()["items"]},
    "page_status": page.status_code,
    "page": page.get_data(as_text=True),
    "css_status": css.status_code,
}))
"""


def _ignore(directory: str, names: list[str]) -> set[str]:
    at_root = Path(directory) == ROOT
    return {
        name
        for name in names
        if name.startswith(".")
        or name == "__pycache__"
        or name.endswith(".egg-info")
        or (at_root and name in {"build", "dist", "data", "var", "tests", "bench"})
    }


@dataclass
class Installed:
    """A venv holding the wheel, and where its commands run."""

    venv: Path
    workdir: Path
    env: dict[str, str]

    def run(self, *argv: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv,
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def innsyn(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "innsyn"), *args, timeout=timeout)


def _ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"{proc.args}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    shutil.copytree(ROOT, source, ignore=_ignore)
    dist = base / "dist"
    pip = [sys.executable, "-m", "pip"]
    _ok(
        subprocess.run(
            [*pip, "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    )
    (wheel,) = dist.glob("innsyn-*.whl")
    venv = base / "venv"
    _ok(subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True))
    _ok(
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    )
    opensearch_port = free_port(OPENSEARCH_PORTS)
    tika_port = free_port(TIKA_PORTS)
    env = {
        k: v
        for k, v in os.environ.items()
        if (not k.startswith("INNSYN_") or k in PASSED_THROUGH)
        and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        INNSYN_DATA_DIR=str(base / "data"),
        INNSYN_OPENSEARCH_PORT=str(opensearch_port),
        INNSYN_TIKA_PORT=str(tika_port),
        INNSYN_OPENSEARCH_HEAP=HEAP,
        INNSYN_TIKA_HEAP=HEAP,
        INNSYN_OPENSEARCH_URLS=f"http://127.0.0.1:{opensearch_port}",
        INNSYN_TIKA_URL=f"http://127.0.0.1:{tika_port}",
    )
    workdir = base / "work"
    workdir.mkdir()
    return Installed(venv, workdir, env)


@pytest.fixture(scope="module")
def services_up(installed: Installed) -> Iterator[str]:
    """``innsyn services up`` of the installed package; its output. Stopped afterwards."""
    try:
        yield _ok(installed.innsyn("services", "up", timeout=240))
    finally:
        installed.innsyn("services", "down", timeout=120)


def test_wheel_installs_starts_services_harvests_and_finds(installed, services_up, testdata):
    assert "OpenSearch is up" in services_up and "Tika is up" in services_up
    assert "database is at the newest migration" in _ok(installed.innsyn("db", "upgrade"))

    harvested = _ok(
        installed.innsyn("harvest", "run", "noark5", str(testdata / SMALL), "--source-key", "s")
    )
    assert "error:" not in harvested, harvested

    found = json.loads(
        _ok(installed.run(str(installed.venv / "bin" / "python"), "-c", SEARCH_SCRIPT, "cake1"))
    )
    site_packages = str(installed.venv / "lib")
    assert found["innsyn"].startswith(site_packages), found["innsyn"]
    assert found["web"].startswith(site_packages), found["web"]
    assert found["api_status"] == 200
    assert SMALL_TITLE in found["items"], found["items"]
    assert found["page_status"] == 200
    assert f'href="/journalpost/{found["items"][SMALL_TITLE]}?lang=' in found["page"]
    assert found["css_status"] == 200


def test_demo_without_the_repository_says_what_is_missing(installed):
    proc = installed.innsyn("demo", "load")
    assert proc.returncode != 0
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "shared/testdata" in proc.stderr and "--testdata" in proc.stderr, proc.stderr

    proc = installed.innsyn("agencies", "import")
    assert proc.returncode != 0
    assert "--registries" in proc.stderr and "shared/testdata" in proc.stderr, proc.stderr
