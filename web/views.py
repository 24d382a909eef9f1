"""HTML pages: search, entry, case, agency, document text and original, Atom feed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    g,
    has_request_context,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup, escape

from innsyn.search.params import (
    PERIODS,
    ParamError,
    SearchParams,
    parse_params,
)
from innsyn.search.query_parser import parse_query, terms
from innsyn.search.searcher import SearchResult, search
from web.i18n import DATE_FILTERS, current_language, param_error_text, translate
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

PAGE_SIZE = 50
"""Entries on one page of an agency."""

UNLOCALISED = frozenset({"ui.dokument_original"})
"""Pages of the interface that are not in a language (the original file)."""


@bp.app_url_defaults
def add_language(endpoint: str, values: dict[str, Any]) -> None:
    """Every link to a page of the interface (and to the API's page) carries the
    request's language, so the address alone keeps the language chosen."""
    if not has_request_context() or endpoint in UNLOCALISED:
        return
    if endpoint.startswith("ui.") or endpoint == "api.api_docs":
        values.setdefault("lang", current_language())


@bp.after_request
def _vary_by_language(resp: Response) -> Response:
    if "lang" not in request.args:
        resp.vary.add("Accept-Language")
    return resp


def _query_string(keep_cursor: bool = False, **changes: Any) -> str:
    """The request's parameters with ``changes`` (``None`` removes one), the cursor
    dropped unless ``keep_cursor``, a refused parameter dropped (a query holding a
    fødselsnummer is not repeated in the page's links), and the language always."""
    changes.setdefault("lang", current_language())
    refused = g.get("refused_params", ())
    args = [
        (k, v)
        for k, v in request.args.items(multi=True)
        if k not in changes and k not in refused and (keep_cursor or k != "cursor")
    ]
    for key, value in changes.items():
        if value is not None:
            args.append((key, value))
    return urlencode(args)


@bp.app_template_global()
def link_with(**changes: Any) -> str:
    """The current page's URL with some parameters changed (back to its first page)."""
    return f"{request.path}?{_query_string(**changes)}"


@bp.app_template_global()
def in_language(lang: str) -> str:
    """The current page, this very page of it, in ``lang``."""
    return f"{request.path}?{_query_string(keep_cursor=True, lang=lang)}"


@bp.get("/")
def search_page() -> ResponseReturnValue:
    """The search; a bad parameter shows the form again with what is wrong (400)."""
    svc = resources()
    error: ParamError | None = None
    try:
        params = parse_params(request.args, svc.settings.max_query_length)
    except ParamError as exc:
        error = exc
        g.refused_params = {exc.param}
        params = _params_without(exc.param, svc.settings.max_query_length)
    page = {
        "feed_url": url_for("ui.feed", lang=None) + "?" + _query_string(),
        "periods": list(PERIODS),
        "date_filters": DATE_FILTERS,
    }
    if error is not None:
        message = param_error_text(error)
        return render_template(
            "search.html",
            params=params,
            result=None,
            error=message,
            error_param=error.param,
            **page,
        ), error.status
    result = search(
        svc.settings,
        svc.opensearch,
        params,
        agency_names=svc.agency_names,
        cursors=svc.cursors,
    )
    return render_template(
        "search.html", params=params, result=result, error=None, error_param=None, **page
    )


def _params_without(bad: str, max_query_length: int) -> SearchParams:
    """The request's search without its bad parameter, to fill the form in again."""
    args = request.args.copy()
    args.poplist(bad)
    try:
        return parse_params(args, max_query_length)
    except ParamError:
        return SearchParams()


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
        cursor = request.args.get("cursor") or None
        params = SearchParams(enhet=[enhet_id], sort="date_desc", size=PAGE_SIZE, cursor=cursor)
        result = search(svc.settings, svc.opensearch, params, facets=False, cursors=svc.cursors)
        return render_template(
            "enhet.html",
            enhet=enhet,
            result=result,
            paged=bool(cursor),
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


def _atom(result: SearchResult, self_url: str, title: str, lang: str) -> str:
    screened = f"({translate('title_screened').lower()})"
    updated = dt.datetime.now(dt.UTC).isoformat()
    entries = []
    for item in result.items:
        link = url_for("ui.journalpost_page", jp_id=item["id"], _external=True)
        name = item["offentlig_tittel"] or screened
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
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">'
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
    title = f"Innsyn: {params.q}" if params.q else f"Innsyn: {translate('feed_new')}"
    return Response(
        _atom(result, request.url, title, current_language()),
        mimetype="application/atom+xml; charset=utf-8",
    )
