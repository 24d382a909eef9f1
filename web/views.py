"""HTML pages: search, entry, case, agency, document text and original, Atom feed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from innsyn.search.params import PERIODS, SearchParams, parse_params
from innsyn.search.query_parser import parse_query, terms
from innsyn.search.searcher import SearchResult, search
from web.loaders import (
    document_or_404,
    document_text,
    enhet_or_404,
    journalpost_or_404,
    saksmappe_or_404,
    send_original,
)
from web.resources import resources

bp = Blueprint("ui", __name__)


def _query_string(**changes: Any) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes and k != "cursor"]
    for key, value in changes.items():
        if value is not None:
            args.append((key, value))
    return urlencode(args)


@bp.app_template_global()
def link_with(**changes: Any) -> str:
    """The current search URL with some parameters changed."""
    return f"{request.path}?{_query_string(**changes)}"


@bp.get("/")
def search_page() -> ResponseReturnValue:
    svc = resources()
    params = parse_params(request.args, svc.settings.max_query_length)
    result = search(
        svc.settings,
        svc.opensearch,
        params,
        agency_names=svc.agency_names,
        cursors=svc.cursors,
    )
    feed = url_for("ui.feed") + "?" + _query_string()
    return render_template(
        "search.html", params=params, result=result, feed_url=feed, periods=list(PERIODS)
    )


@bp.get("/journalpost/<jp_id>")
def journalpost_page(jp_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        return render_template("journalpost.html", jp=journalpost_or_404(session, jp_id))


@bp.get("/saksmappe/<sak_id>")
def saksmappe_page(sak_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        return render_template("saksmappe.html", sak=saksmappe_or_404(session, sak_id))


@bp.get("/enhet/<enhet_id>")
def enhet_page(enhet_id: str) -> ResponseReturnValue:
    svc = resources()
    with svc.sessions() as session:
        enhet, _ = enhet_or_404(session, enhet_id)
        params = SearchParams(enhet=[enhet_id], sort="date_desc", size=50)
        result = search(svc.settings, svc.opensearch, params, facets=False, cursors=svc.cursors)
        return render_template(
            "enhet.html",
            enhet=enhet,
            result=result,
            children=sorted(enhet.children, key=lambda c: c.navn),
        )


def highlight_text(text: str, words: list[str]) -> Markup:
    """``text`` escaped, with the query's words marked."""
    escaped = str(escape(text))
    cleaned = [str(escape(w)) for w in words if len(w) >= 2]
    if not cleaned:
        return Markup(escaped)  # noqa: S704 - escaped above
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(cleaned, key=len, reverse=True)), re.IGNORECASE
    )
    return Markup(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S704


@bp.get("/dokument/<doc_id>")
def dokument_page(doc_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        doc, view = document_or_404(session, doc_id)
        text = document_text(doc)
        words = terms(parse_query(request.args.get("q", "")))
        return render_template(
            "dokument.html",
            doc=view,
            jp_id=doc.journalpost_id,
            text=highlight_text(text, words) if text else None,
        )


@bp.get("/dokument/<doc_id>/original")
def dokument_original(doc_id: str) -> ResponseReturnValue:
    with resources().sessions() as session:
        return send_original(document_or_404(session, doc_id)[0])


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_escape(text: str) -> str:
    """``text`` escaped for XML text and attributes, without the characters XML 1.0 cannot
    hold (e.g. NUL)."""
    from xml.sax.saxutils import escape

    return escape(_NOT_XML.sub("", text), {'"': "&quot;"})


def _atom(result: SearchResult, self_url: str, title: str) -> str:
    updated = dt.datetime.now(dt.UTC).isoformat()
    entries = []
    for item in result.items:
        link = url_for("ui.journalpost_page", jp_id=item["id"], _external=True)
        name = item["offentlig_tittel"] or "(tittel skjermet)"
        summary = " · ".join(
            str(x)
            for x in (
                item.get("journalpost_nummer"),
                item.get("enhet_navn"),
                item.get("journaldato"),
            )
            if x
        )
        entries.append(
            f"<entry><id>{xml_escape(link)}</id><title>{xml_escape(name)}</title>"
            f'<link href="{xml_escape(link)}"/><updated>'
            f"{xml_escape(item.get('publisert_dato') or item.get('journaldato') or updated)}"
            f"</updated><summary>{xml_escape(summary)}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{xml_escape(self_url)}</id><title>{xml_escape(title)}</title>"
        f'<updated>{updated}</updated><link rel="self" href="{xml_escape(self_url)}"/>'
        + "".join(entries)
        + "</feed>"
    )


@bp.get("/feed.atom")
def feed() -> ResponseReturnValue:
    svc = resources()
    params = parse_params(request.args, svc.settings.max_query_length)
    params.sort = "date_desc"
    params.size = 50
    params.cursor = None
    result = search(svc.settings, svc.opensearch, params, facets=False, cursors=svc.cursors)
    title = f"Innsyn: {params.q}" if params.q else "Innsyn: nye journalposter"
    return Response(
        _atom(result, request.url, title), mimetype="application/atom+xml; charset=utf-8"
    )
