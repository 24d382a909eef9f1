"""``/healthz``: is each part (database, OpenSearch, Tika) answering?"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from innsyn.health import check_all
from web.resources import resources

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    svc = resources()
    report = check_all(svc.settings, svc.engine, svc.opensearch)
    return jsonify(report), 200 if report["status"] == "ok" else 503
