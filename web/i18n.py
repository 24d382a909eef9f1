"""Interface texts in Norwegian bokmål (default), Norwegian nynorsk and English, and
the language of a request.

The language is the page address's ``?lang=`` (``nb``, ``nn`` or ``en``): every internal
link of a page carries it (``views.add_language``), so the address alone says which
language a page is in, and a shared or bookmarked link keeps it. An address without one
takes the browser's preference (``Accept-Language``), else bokmål.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, request

from innsyn.search.params import DATE_FIELDS, ParamError

LANGUAGES = ("nb", "nn", "en")
DEFAULT_LANGUAGE = "nb"
LANGUAGE_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
"""Each language's name in itself, for the language switch (the same on every page)."""

TEXTS: dict[str, dict[str, str]] = {
    "site": {"nb": "Innsyn", "nn": "Innsyn", "en": "Innsyn"},
    "tagline": {
        "nb": "Søk i offentlige journaler og dokumenter",
        "nn": "Søk i offentlege journalar og dokument",
        "en": "Search public journals and documents",
    },
    "skip": {"nb": "Hopp til innhold", "nn": "Hopp til innhaldet", "en": "Skip to content"},
    "choose_language": {"nb": "Språk", "nn": "Språk", "en": "Language"},
    "search": {"nb": "Søk", "nn": "Søk", "en": "Search"},
    "query": {"nb": "Søkeord", "nn": "Søkjeord", "en": "Search words"},
    "query_help": {
        "nb": 'Alle ord må finnes. Bruk "frase", ELLER med OR, -utelat, '
        "prefiks*, saksnummer som 2024/123.",
        "nn": 'Alle orda må finnast. Bruk "frase", ELLER med OR, -utelat, '
        "prefiks*, saksnummer som 2024/123.",
        "en": 'All words must match. Use "phrase", OR, -exclude, prefix*, '
        "case numbers like 2024/123.",
    },
    "filters": {"nb": "Avgrens", "nn": "Avgrens", "en": "Filter"},
    "agency": {"nb": "Virksomhet", "nn": "Verksemd", "en": "Agency"},
    "sub_units": {"nb": "Underenheter", "nn": "Undereiningar", "en": "Sub-units"},
    "orgnr": {"nb": "Org.nr.", "nn": "Org.nr.", "en": "Org. no."},
    "type": {"nb": "Journalposttype", "nn": "Journalposttype", "en": "Entry type"},
    "year": {"nb": "År", "nn": "År", "en": "Year"},
    "language": {"nb": "Språk", "nn": "Språk", "en": "Language"},
    "period": {"nb": "Periode", "nn": "Periode", "en": "Period"},
    "any": {"nb": "Alle", "nn": "Alle", "en": "Any"},
    "7d": {"nb": "Siste 7 dager", "nn": "Siste 7 dagar", "en": "Last 7 days"},
    "30d": {"nb": "Siste 30 dager", "nn": "Siste 30 dagar", "en": "Last 30 days"},
    "1y": {"nb": "Siste år", "nn": "Siste året", "en": "Last year"},
    "journaldato_from": {
        "nb": "Journaldato fra",
        "nn": "Journaldato frå",
        "en": "Journal date from",
    },
    "journaldato_to": {"nb": "Journaldato til", "nn": "Journaldato til", "en": "Journal date to"},
    "more_dates": {"nb": "Flere datoer", "nn": "Fleire datoar", "en": "More dates"},
    "dokumentetsdato_from": {
        "nb": "Dokumentets dato fra",
        "nn": "Dokumentdato frå",
        "en": "Document date from",
    },
    "dokumentetsdato_to": {
        "nb": "Dokumentets dato til",
        "nn": "Dokumentdato til",
        "en": "Document date to",
    },
    "publisertdato_from": {"nb": "Publisert fra", "nn": "Publisert frå", "en": "Published from"},
    "publisertdato_to": {"nb": "Publisert til", "nn": "Publisert til", "en": "Published to"},
    "has_documents": {
        "nb": "Bare med dokumenter",
        "nn": "Berre med dokument",
        "en": "Only with documents",
    },
    "sort": {"nb": "Sorter", "nn": "Sorter", "en": "Sort"},
    "relevance": {"nb": "Relevans", "nn": "Relevans", "en": "Relevance"},
    "date_desc": {"nb": "Nyeste først", "nn": "Nyaste først", "en": "Newest first"},
    "date_asc": {"nb": "Eldste først", "nn": "Eldste først", "en": "Oldest first"},
    "hits": {"nb": "treff", "nn": "treff", "en": "results"},
    "no_hits": {"nb": "Ingen treff.", "nn": "Ingen treff.", "en": "No results."},
    "next": {"nb": "Neste side", "nn": "Neste side", "en": "Next page"},
    "first_page": {"nb": "Første side", "nn": "Første side", "en": "First page"},
    "feed": {
        "nb": "Følg søket (Atom)",
        "nn": "Følg søket (Atom)",
        "en": "Follow this search (Atom)",
    },
    "feed_new": {
        "nb": "nye journalposter",
        "nn": "nye journalpostar",
        "en": "new journal entries",
    },
    "title_screened": {"nb": "Tittel skjermet", "nn": "Tittel skjerma", "en": "Title screened"},
    "case": {"nb": "Sak", "nn": "Sak", "en": "Case"},
    "entry": {"nb": "Journalpost", "nn": "Journalpost", "en": "Journal entry"},
    "date": {"nb": "Journaldato", "nn": "Journaldato", "en": "Journal date"},
    "doc_date": {"nb": "Dokumentets dato", "nn": "Dokumentdato", "en": "Document date"},
    "correspondents": {
        "nb": "Avsender/mottaker",
        "nn": "Avsendar/mottakar",
        "en": "Sender/recipient",
    },
    "documents": {"nb": "Dokumenter", "nn": "Dokument", "en": "Documents"},
    "open_original": {"nb": "Åpne original", "nn": "Opne originalen", "en": "Open original"},
    "read_text": {"nb": "Les tekst", "nn": "Les teksten", "en": "Read text"},
    "screening": {"nb": "Skjerming", "nn": "Skjerming", "en": "Screening"},
    "entries_in_case": {
        "nb": "Journalposter i saken",
        "nn": "Journalpostar i saka",
        "en": "Entries in this case",
    },
    "contact": {"nb": "Kontakt", "nn": "Kontakt", "en": "Contact"},
    "last_harvested": {"nb": "Sist høstet", "nn": "Sist hausta", "en": "Last harvested"},
    "not_found": {"nb": "Fant ikke siden.", "nn": "Fann ikkje sida.", "en": "Page not found."},
    "unavailable": {
        "nb": "Søket er midlertidig utilgjengelig. Prøv igjen om litt.",
        "nn": "Søket er mellombels utilgjengeleg. Prøv igjen om litt.",
        "en": "Search is temporarily unavailable. Try again shortly.",
    },
    "text_being_read": {
        "nb": "Teksten i dette dokumentet blir lest (skannet dokument, OCR). "
        "Den blir søkbar når lesingen er ferdig.",
        "nn": "Teksten i dette dokumentet blir lesen (skanna dokument, OCR). "
        "Han blir søkbar når lesinga er ferdig.",
        "en": "The text of this document is being read (scanned document, OCR). "
        "It becomes searchable when the reading is done.",
    },
    "text_being_read_short": {
        "nb": "teksten blir lest",
        "nn": "teksten blir lesen",
        "en": "text is being read",
    },
    "ocr_partial": {
        "nb": "Noen sider kunne ikke leses",
        "nn": "Nokre sider kunne ikkje lesast",
        "en": "Some pages could not be read",
    },
    "extraction_failed": {
        "nb": "Teksten kunne ikke hentes ut",
        "nn": "Teksten kunne ikkje hentast ut",
        "en": "Text could not be extracted",
    },
    "api": {"nb": "API", "nn": "API", "en": "API"},
    "status": {"nb": "Status", "nn": "Status", "en": "Status"},
    "api_parameter": {"nb": "Parameter", "nn": "Parameter", "en": "Parameter"},
    "api_in": {"nb": "Hvor", "nn": "Kvar", "en": "In"},
    "api_description": {"nb": "Beskrivelse", "nn": "Skildring", "en": "Description"},
    "api_errors": {"nb": "Feil", "nn": "Feil", "en": "Errors"},
    "api_error_shape": {
        "nb": "Alle feil har formen",
        "nn": "Alle feil har forma",
        "en": "Every error has the shape",
    },
    "api_error_status": {
        "nb": "med status 400, 404, 413, 429 eller 503",
        "nn": "med status 400, 404, 413, 429 eller 503",
        "en": "with status 400, 404, 413, 429 or 503",
    },
    "lang_nb": {"nb": "Bokmål", "nn": "Bokmål", "en": "Norwegian Bokmål"},
    "lang_nn": {"nb": "Nynorsk", "nn": "Nynorsk", "en": "Norwegian Nynorsk"},
    "lang_se": {"nb": "Samisk", "nn": "Samisk", "en": "Sámi"},
    "lang_en": {"nb": "Engelsk", "nn": "Engelsk", "en": "English"},
    "lang_und": {"nb": "Ukjent", "nn": "Ukjend", "en": "Unknown"},
    "I": {"nb": "Inngående", "nn": "Inngåande", "en": "Incoming"},
    "U": {"nb": "Utgående", "nn": "Utgåande", "en": "Outgoing"},
    "N": {"nb": "Organinternt", "nn": "Organinternt", "en": "Internal"},
    "X": {
        "nb": "Organinternt (uten oppfølging)",
        "nn": "Organinternt (utan oppfølging)",
        "en": "Internal (no follow-up)",
    },
    "S": {"nb": "Saksframlegg", "nn": "Saksframlegg", "en": "Case presentation"},
    "error_date": {
        "nb": "«{field}» må være en dato som 2024-05-31.",
        "nn": "«{field}» må vere ein dato som 2024-05-31.",
        "en": "“{field}” must be a date like 2024-05-31.",
    },
    "error_date_order": {
        "nb": "«{field}» er etter «{other}».",
        "nn": "«{field}» er etter «{other}».",
        "en": "“{field}” is after “{other}”.",
    },
    "error_query_too_long": {
        "nb": "Søket er for langt.",
        "nn": "Søket er for langt.",
        "en": "The query is too long.",
    },
    "error_fodselsnummer": {
        "nb": "Søket inneholder et fødselsnummer. Det er ikke lov å søke etter personer "
        "på fødselsnummer.",
        "nn": "Søket inneheld eit fødselsnummer. Det er ikkje lov å søkje etter personar "
        "på fødselsnummer.",
        "en": "The query contains a Norwegian national identity number (fødselsnummer); "
        "searching for people by identity number is not allowed.",
    },
    "error_cursor": {
        "nb": "Lenken til neste side er ikke gyldig lenger. Start fra første side.",
        "nn": "Lenkja til neste side er ikkje gyldig lenger. Start frå første side.",
        "en": "The next-page link is no longer valid. Start from the first page.",
    },
    "error_value": {
        "nb": "Ugyldig verdi for «{field}».",
        "nn": "Ugyldig verdi for «{field}».",
        "en": "Invalid value for “{field}”.",
    },
}

DATE_FILTERS = tuple(f"{name}_{end}" for name in DATE_FIELDS for end in ("from", "to"))
"""The search's date parameters; each is also the key of its form label."""


def _is_date(text: str | None) -> bool:
    try:
        dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return False
    return True


def current_language() -> str:
    """The request's language: ``?lang=`` when one of ``LANGUAGES``, else the browser's
    preference among them (``no`` counts as bokmål), else ``nb``."""
    cached: str | None = g.get("innsyn_language")
    if cached is not None:
        return cached
    lang = request.args.get("lang")
    if lang not in LANGUAGES:
        best = request.accept_languages.best_match(["nb", "nn", "no", "en"], default="nb")
        lang = best if best in LANGUAGES else DEFAULT_LANGUAGE
    g.innsyn_language = lang
    return lang


def translate(key: str, **values: Any) -> str:
    """The text ``key`` in the request's language, ``values`` filled in; the key itself
    for a key not in the catalogue (a value such as an unknown entry type)."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry[current_language()]
    return text.format(**values) if values else text


def param_error_text(exc: ParamError) -> str:
    """A bad search parameter explained in the request's language, naming the field as
    the form labels it."""
    if exc.param in DATE_FILTERS:
        if _is_date(request.args.get(exc.param)):  # both dates good: from after to
            other = exc.param.removesuffix("_from") + "_to"
            return translate("error_date_order", field=translate(exc.param), other=translate(other))
        return translate("error_date", field=translate(exc.param))
    if exc.code == "query_too_long":
        return translate("error_query_too_long")
    if exc.code == "fodselsnummer_in_query":
        return translate("error_fodselsnummer")
    if exc.param == "cursor":
        return translate("error_cursor")
    label = {"journalposttype": "type", "sort": "sort", "period": "period"}.get(exc.param)
    return translate("error_value", field=translate(label) if label else exc.param)
