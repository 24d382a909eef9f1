"""/healthz against the real services."""

from __future__ import annotations

from innsyn.store.db import make_engine, migrate
from web import create_app


def test_healthz_ok_with_real_services(settings):
    migrate(make_engine(settings))
    client = create_app(settings).test_client()
    resp = client.get("/healthz")
    body = resp.get_json()
    assert resp.status_code == 200, body
    assert body["checks"]["opensearch"]["ok"] is True
    assert "Tika" in body["checks"]["tika"]["version"]
