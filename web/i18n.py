"""Interface texts in Norwegian bokmål (default) and English."""

from __future__ import annotations

from flask import request

TEXTS: dict[str, dict[str, str]] = {
    "site": {"nb": "Innsyn", "en": "Innsyn"},
    "tagline": {
        "nb": "Søk i offentlige journaler og dokumenter",
        "en": "Search public journals and documents",
    },
    "skip": {"nb": "Hopp til innhold", "en": "Skip to content"},
    "search": {"nb": "Søk", "en": "Search"},
    "query": {"nb": "Søkeord", "en": "Search words"},
    "query_help": {
        "nb": 'Alle ord må finnes. Bruk "frase", ELLER med OR, -utelat, '
        "prefiks*, saksnummer som 2024/123.",
        "en": 'All words must match. Use "phrase", OR, -exclude, prefix*, '
        "case numbers like 2024/123.",
    },
    "filters": {"nb": "Avgrens", "en": "Filter"},
    "agency": {"nb": "Virksomhet", "en": "Agency"},
    "type": {"nb": "Journalposttype", "en": "Entry type"},
    "year": {"nb": "År", "en": "Year"},
    "language": {"nb": "Språk", "en": "Language"},
    "period": {"nb": "Periode", "en": "Period"},
    "any": {"nb": "Alle", "en": "Any"},
    "7d": {"nb": "Siste 7 dager", "en": "Last 7 days"},
    "30d": {"nb": "Siste 30 dager", "en": "Last 30 days"},
    "1y": {"nb": "Siste år", "en": "Last year"},
    "from": {"nb": "Journaldato fra", "en": "Journal date from"},
    "to": {"nb": "Journaldato til", "en": "Journal date to"},
    "has_documents": {"nb": "Bare med dokumenter", "en": "Only with documents"},
    "sort": {"nb": "Sorter", "en": "Sort"},
    "relevance": {"nb": "Relevans", "en": "Relevance"},
    "date_desc": {"nb": "Nyeste først", "en": "Newest first"},
    "date_asc": {"nb": "Eldste først", "en": "Oldest first"},
    "hits": {"nb": "treff", "en": "results"},
    "no_hits": {"nb": "Ingen treff.", "en": "No results."},
    "next": {"nb": "Neste side", "en": "Next page"},
    "feed": {"nb": "Følg søket (Atom)", "en": "Follow this search (Atom)"},
    "title_screened": {"nb": "Tittel skjermet", "en": "Title screened"},
    "case": {"nb": "Sak", "en": "Case"},
    "entry": {"nb": "Journalpost", "en": "Journal entry"},
    "date": {"nb": "Journaldato", "en": "Journal date"},
    "doc_date": {"nb": "Dokumentets dato", "en": "Document date"},
    "correspondents": {"nb": "Avsender/mottaker", "en": "Sender/recipient"},
    "documents": {"nb": "Dokumenter", "en": "Documents"},
    "open_original": {"nb": "Åpne original", "en": "Open original"},
    "read_text": {"nb": "Les tekst", "en": "Read text"},
    "screening": {"nb": "Skjerming", "en": "Screening"},
    "entries_in_case": {"nb": "Journalposter i saken", "en": "Entries in this case"},
    "contact": {"nb": "Kontakt", "en": "Contact"},
    "last_harvested": {"nb": "Sist høstet", "en": "Last harvested"},
    "not_found": {"nb": "Fant ikke siden.", "en": "Page not found."},
    "unavailable": {
        "nb": "Søket er midlertidig utilgjengelig. Prøv igjen om litt.",
        "en": "Search is temporarily unavailable. Try again shortly.",
    },
    "text_being_read": {
        "nb": "Teksten i dette dokumentet blir lest (skannet dokument, OCR). "
        "Den blir søkbar når lesingen er ferdig.",
        "en": "The text of this document is being read (scanned document, OCR). "
        "It becomes searchable when the reading is done.",
    },
    "text_being_read_short": {"nb": "teksten blir lest", "en": "text is being read"},
    "ocr_partial": {
        "nb": "Noen sider kunne ikke leses",
        "en": "Some pages could not be read",
    },
    "extraction_failed": {
        "nb": "Teksten kunne ikke hentes ut",
        "en": "Text could not be extracted",
    },
    "language_switch": {"nb": "English", "en": "Norsk"},
    "api": {"nb": "API", "en": "API"},
    "I": {"nb": "Inngående", "en": "Incoming"},
    "U": {"nb": "Utgående", "en": "Outgoing"},
    "N": {"nb": "Organinternt", "en": "Internal"},
    "X": {"nb": "Organinternt (uten oppfølging)", "en": "Internal (no follow-up)"},
    "S": {"nb": "Saksframlegg", "en": "Case presentation"},
}


def current_language() -> str:
    """``nb`` unless ``?lang=en`` or the browser prefers English."""
    lang = request.args.get("lang")
    if lang in ("nb", "en"):
        return lang
    best = request.accept_languages.best_match(["nb", "no", "nn", "en"], default="nb")
    return "en" if best == "en" else "nb"


def translate(key: str) -> str:
    entry = TEXTS.get(key)
    if entry is None:
        return key
    return entry[current_language()]
