"""Test fixtures: the real OpenSearch and Tika, started once per test session.

By default the session starts its own OpenSearch and Tika (on ports 9280 and 9281,
bound to 127.0.0.1, data under a temporary directory) and stops them at the end.
With ``INNSYN_TEST_SERVICES=external`` the tests use already running services at
``INNSYN_OPENSEARCH_URLS`` / ``INNSYN_TIKA_URL`` (defaults 9200/9998) instead; every
test gets its own index prefix either way, and its indices are deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from innsyn.config import Settings

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = ROOT.parent / "shared" / "testdata"


@dataclass(frozen=True)
class Endpoints:
    opensearch: str
    tika: str
    started: Settings | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the harvesters' golden files (tests/harvesters/) instead of comparing",
    )


@pytest.fixture(scope="session")
def testdata() -> Path:
    if not TESTDATA.is_dir():
        pytest.fail(f"shared test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoints]:
    """Real OpenSearch and Tika for the whole test session."""
    if os.environ.get("INNSYN_TEST_SERVICES") == "external":
        base = Settings()
        yield Endpoints(base.opensearch_urls[0], base.tika_url)
        return
    from innsyn.backends import manager

    svc = Settings(
        data_dir=tmp_path_factory.mktemp("services"),
        opensearch_port=int(os.environ.get("INNSYN_TEST_OPENSEARCH_PORT", "9280")),
        tika_port=int(os.environ.get("INNSYN_TEST_TIKA_PORT", "9281")),
        opensearch_heap="512m",
        tika_heap="512m",
    )
    try:
        manager.up(svc, print)
        yield Endpoints(manager.opensearch_url(svc), manager.tika_url(svc), svc)
    finally:
        manager.down(svc, print)


def make_settings(data_dir: Path, endpoints: Endpoints | None = None, **extra: object) -> Settings:
    """Settings for one test: its own data directory and index prefix."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": "",
        "index_prefix": f"t{uuid.uuid4().hex[:10]}",
        "secret_key": "3f9a1c7e5b2d4068a9e1f3c5b7d90a2e4c6f8b1d3e5a7c9f0b2d4e6a8c1e3f57",
    }
    if endpoints is not None:
        values["opensearch_urls"] = [endpoints.opensearch]
        values["tika_url"] = endpoints.tika
    values.update(extra)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def offline_settings(tmp_path: Path) -> Settings:
    """Settings for tests that need no services (points at closed ports)."""
    return make_settings(
        tmp_path, opensearch_urls=["http://127.0.0.1:9"], tika_url="http://127.0.0.1:9"
    )


@pytest.fixture
def settings(tmp_path: Path, services: Endpoints) -> Iterator[Settings]:
    """Settings wired to the real services, with a fresh database and index prefix."""
    s = make_settings(tmp_path, services)
    yield s
    with httpx.Client(timeout=30) as client:
        client.delete(f"{services.opensearch}/{s.index_prefix}-*")


@pytest.fixture(autouse=True)
def _api_responses_conform(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``/api/`` response of a Flask test client is checked against the served
    OpenAPI document (``tests/apicontract.py``): a drift fails the test that saw it."""
    from flask.testing import FlaskClient

    from tests.apicontract import conform

    opened = FlaskClient.open

    def open_and_conform(self: FlaskClient, *args: Any, **kwargs: Any) -> Any:
        response = opened(self, *args, **kwargs)
        conform(response)
        return response

    monkeypatch.setattr(FlaskClient, "open", open_and_conform)
