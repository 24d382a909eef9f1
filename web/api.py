"""The JSON API under ``/api/v1``: search, entries, cases, documents, agencies, OpenAPI."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from innsyn.public.shapes import AGENCY
from innsyn.search.params import ParamError, bounded_int, parse_params
from innsyn.search.searcher import search
from innsyn.store.models import Enhet
from web.loaders import (
    document_or_404,
    document_text,
    enhet_or_404,
    journalpost_or_404,
    moment,
    saksmappe_or_404,
    send_original,
)
from web.openapi import MAX_OFFSET, openapi_document
from web.resources import resources

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def cors(resp: Any) -> Any:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    return resp


@bp.get("/search")
def api_search() -> ResponseReturnValue:
    svc = resources()
    params = parse_params(request.args, svc.settings.max_query_length)
    result = search(
        svc.settings,
        svc.opensearch,
        params,
        agency_names=svc.agency_names,
        cursors=svc.cursors,
    )
    return jsonify(
        {
            "total": result.total,
            "items": result.items,
            "facets": {
                k: [{"key": f.key, "label": f.label, "count": f.count} for f in v]
                for k, v in result.facets.items()
            },
            "next_cursor": result.next_cursor,
        }
    )


@bp.get("/journalpost/<jp_id>")
def api_journalpost(jp_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        return jsonify(journalpost_or_404(session, jp_id))


@bp.get("/saksmappe/<sak_id>")
def api_saksmappe(sak_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        return jsonify(saksmappe_or_404(session, sak_id))


@bp.get("/dokument/<doc_id>")
def api_dokument(doc_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        doc, body = document_or_404(session, doc_id)
        body["journalpost_id"] = doc.journalpost_id
        body["text"] = document_text(doc)
        return jsonify(body)


@bp.get("/dokument/<doc_id>/content")
def api_dokument_content(doc_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        return send_original(document_or_404(session, doc_id)[0])


@bp.get("/enhet")
def api_enhet_list() -> ResponseReturnValue:
    limit = bounded_int(request.args.get("limit", "100"), 1, 1000)
    offset = bounded_int(request.args.get("offset", "0"), 0, MAX_OFFSET)
    if limit is None:
        raise ParamError("limit", "limit must be a number from 1 to 1000")
    if offset is None:
        raise ParamError("offset", f"offset must be a number from 0 to {MAX_OFFSET}")
    with resources().sessions() as session:
        query = select(Enhet).order_by(Enhet.navn, Enhet.id)
        parent = request.args.get("parent")
        if parent:
            query = query.where(Enhet.parent_id == parent)
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.scalars(query.limit(limit).offset(offset)).all()
        now = moment()
        return jsonify({"total": total, "items": [AGENCY.page(e, now) for e in rows]})


@bp.get("/enhet/<enhet_id>")
def api_enhet(enhet_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        enhet, body = enhet_or_404(session, enhet_id)
        body["children"] = [{"id": c.id, "navn": c.navn} for c in enhet.children]
        return jsonify(body)


@bp.get("/openapi.json")
def api_openapi() -> ResponseReturnValue:
    return jsonify(openapi_document())


@bp.get("/docs")
def api_docs() -> ResponseReturnValue:
    return render_template("api_docs.html", spec=openapi_document())
