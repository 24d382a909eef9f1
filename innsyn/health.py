"""Health of the parts Innsyn depends on: database, OpenSearch and Tika."""

from __future__ import annotations

from typing import Any

import httpx
from opensearchpy import OpenSearch
from opensearchpy.exceptions import OpenSearchException
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from innsyn.config import Settings
from innsyn.store.db import check_database


def check_all(settings: Settings, engine: Engine, client: OpenSearch) -> dict[str, Any]:
    """``{"status": "ok"|"degraded", "checks": {part: {"ok": bool, ...}}}``."""
    checks: dict[str, dict[str, Any]] = {}
    try:
        check_database(engine)
        checks["database"] = {"ok": True}
    except SQLAlchemyError as exc:
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        health = client.cluster.health(request_timeout=3)
        checks["opensearch"] = {
            "ok": health.get("status") in ("green", "yellow"),
            "cluster_status": health.get("status"),
        }
    except (OpenSearchException, OSError) as exc:
        checks["opensearch"] = {"ok": False, "error": type(exc).__name__}
    try:
        resp = httpx.get(f"{settings.tika_url.rstrip('/')}/version", timeout=3.0)
        checks["tika"] = {"ok": resp.status_code == 200, "version": resp.text.strip()[:80]}
    except httpx.HTTPError as exc:
        checks["tika"] = {"ok": False, "error": type(exc).__name__}
    ok = all(c["ok"] for c in checks.values())
    return {"status": "ok" if ok else "degraded", "checks": checks}
