"""/healthz with OpenSearch and Tika unreachable."""

from __future__ import annotations

from web import create_app


def test_healthz_503_names_the_part_that_is_down(offline_settings):
    client = create_app(offline_settings).test_client()
    resp = client.get("/healthz")
    body = resp.get_json()
    assert resp.status_code == 503
    assert body["checks"]["opensearch"]["ok"] is False
    assert body["checks"]["tika"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
