"""The public shape of each record kind: one table of fields per kind, from which the
index document, the search hit and the record's page (HTML and API) are all taken.

A record goes through two steps:

1. ``public_entry``, ``public_case``, ``public_document`` apply the rules that hold
   whatever the time: screened correspondents and screened documents are left out,
   fødselsnummer is redacted from every title, a missing public title is flagged
   ``tittel_screened``. The fields read titles, correspondents and documents from
   these, never from the stored record.
2. A ``Shape`` (``ENTRY``, ``CASE``, ``DOCUMENT``, ``AGENCY``) lists the fields of its kind
   once, each with the surfaces it appears on and how its value is taken: ``index``
   builds the index document; ``hit`` a search hit from the index document OpenSearch
   returns; ``page`` the record's page at a ``Moment``, where the rules that depend on
   the time apply (embargo, the retention window of the sensitive variants); ``ref``
   the short form of a record named inside another one.

A field whose value differs between surfaces (the page shows the sensitive title
within the window, the index the public one) is two rows of the same name. Each
surface takes its rows in table order, which is the key order of its JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Flag, auto
from operator import attrgetter
from typing import Any, Generic, TypeVar

from innsyn import jsontypes as t
from innsyn.casenumber import variants
from innsyn.config import Settings
from innsyn.privacy import is_screened, public_variants, redact_fodselsnummer
from innsyn.public.stored import (
    StoredAgency,
    StoredCase,
    StoredCorrespondent,
    StoredDocument,
    StoredEntry,
    StoredFile,
    StoredRecord,
)

S = TypeVar("S")
Hit = dict[str, Any]


class Surface(Flag):
    """Where a field appears."""

    INDEX = auto()
    """The index document (searched, never shown as a whole)."""
    HIT = auto()
    """A search hit (API search items, the result list, the feed), from the index
    document; a HIT field without its own ``hit`` function must also be an INDEX one."""
    PAGE = auto()
    """The record's page and its API view."""
    REF = auto()
    """The short form of the record inside another record's index document or page."""


INDEX, HIT, PAGE, REF = Surface.INDEX, Surface.HIT, Surface.PAGE, Surface.REF
SHOWN = HIT | PAGE | REF
"""The surfaces the API returns: their fields carry a schema."""


@dataclass(frozen=True)
class Moment:
    """The time a page is shown at: embargoes and the retention window of the sensitive
    variants are judged against ``now``."""

    now: dt.datetime
    retention: dt.timedelta

    @classmethod
    def of(cls, now: dt.datetime, settings: Settings) -> Moment:
        return cls(now, dt.timedelta(days=settings.sensitive_retention_days))

    def visible(self, record: StoredRecord) -> bool:
        """True when ``record`` is not deleted and its embargo has passed."""
        return _shown_at(record, self.now)

    def in_retention(self, published: dt.datetime | None) -> bool:
        """True when names in sensitive variants published at ``published`` may be shown."""
        return published is not None and self.now - published <= self.retention

    def title(
        self, title: str | None, sensitive: str | None, published: dt.datetime | None
    ) -> str | None:
        """The sensitive title within the retention window, the public one otherwise."""
        return sensitive if sensitive and self.in_retention(published) else title


@dataclass(frozen=True)
class Field(Generic[S]):
    """One field of a kind's public shape.

    ``value`` takes it from the public record; ``at`` instead when it depends on the
    moment (PAGE and REF rows only); ``hit`` from a search hit (default: the index
    document's value of the same name, ``missing`` when absent). ``schema`` is the
    OpenAPI type of its value, required on every surface the API returns (HIT, PAGE,
    REF): the API document is built from it (``Shape.schema``)."""

    name: str
    on: Surface
    value: Callable[[S], Any] | None = None
    at: Callable[[S, Moment], Any] | None = None
    hit: Callable[[Hit], Any] | None = None
    missing: Any = None
    schema: t.Schema | None = None

    def of(self, record: S, moment: Moment | None) -> Any:
        if self.at is not None:
            if moment is None:
                raise TypeError(f"{self.name} depends on the moment it is shown at")
            return self.at(record, moment)
        if self.value is None:
            raise TypeError(f"{self.name} is only read from search hits")
        return self.value(record)

    def from_hit(self, hit: Hit) -> Any:
        if self.hit is not None:
            return self.hit(hit)
        return hit["_source"].get(self.name, self.missing)


class Shape(Generic[S]):
    """The fields of one kind, in order; each surface is the rows flagged for it."""

    def __init__(self, kind: str, *fields: Field[S]) -> None:
        self.kind = kind
        self.fields = fields
        self._index = self._on(INDEX)
        self._page = self._on(PAGE)
        self._hit = self._on(HIT)
        self._index_ref = self._on(INDEX | REF)
        self._page_ref = self._on(PAGE | REF)
        self._index_values = tuple((f.name, self._timeless(f)) for f in self._index)
        for f in self._hit:
            if f.hit is None and INDEX not in f.on:
                raise ValueError(f"{kind}.{f.name}: a hit reads it from the index, which lacks it")
        for f in fields:
            if f.on & SHOWN and f.schema is None:
                raise ValueError(f"{kind}.{f.name}: a field the API returns needs a schema")

    def _on(self, surface: Surface) -> tuple[Field[S], ...]:
        rows = tuple(f for f in self.fields if surface in f.on)
        names = [f.name for f in rows]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"{self.kind}: {surface} has {sorted(duplicates)} twice")
        return rows

    def _timeless(self, f: Field[S]) -> Callable[[S], Any]:
        """How an index field takes its value: from the record alone (an index document
        does not depend on the moment)."""
        if f.at is not None or f.value is None:
            raise ValueError(f"{self.kind}.{f.name}: an index field needs a value of the record")
        return f.value

    @property
    def hit_source(self) -> list[str]:
        """The index document fields a search hit reads (all it fetches)."""
        return [f.name for f in self._hit if INDEX in f.on]

    def index(self, record: S) -> dict[str, Any]:
        """The index document."""
        return {name: value(record) for name, value in self._index_values}

    def hit(self, hit: Hit) -> dict[str, Any]:
        """A search hit from OpenSearch's answer (its ``_source`` and ``highlight``)."""
        return {f.name: f.from_hit(hit) for f in self._hit}

    def page(self, record: S, moment: Moment) -> dict[str, Any]:
        """The record's page at ``moment``."""
        return {f.name: f.of(record, moment) for f in self._page}

    def schema(self, surface: Surface, nullable: bool = False) -> t.Schema:
        """The OpenAPI schema of the object ``surface`` produces (``PAGE``, ``HIT``,
        ``PAGE | REF`` for ``ref`` with a moment, ``INDEX | REF`` without): exactly the
        fields flagged for it, in order, each always present."""
        rows = self._on(surface)
        if not rows or surface not in (PAGE, HIT, PAGE | REF, INDEX | REF):
            raise ValueError(f"{self.kind}: the API returns no {surface}")
        return t.closed({f.name: f.schema or {} for f in rows}, nullable)

    def component_name(self, surface: Surface) -> str:
        """The name of ``schema(surface)`` among the API document's components."""
        return self.kind.capitalize() + ("Hit" if surface == HIT else "")

    def component(self, surface: Surface) -> t.Schema:
        """A reference to ``schema(surface)`` in the API document's components."""
        return t.component(self.component_name(surface))

    def ref(self, record: S, moment: Moment | None = None) -> dict[str, Any]:
        """The record named inside another one: in its index document (``moment`` None)
        or on its page."""
        rows = self._index_ref if moment is None else self._page_ref
        return {f.name: f.of(record, moment) for f in rows}


_TEXT = t.string(nullable=True)
_COUNT = t.integer(nullable=True)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _stored(name: str) -> Callable[[Any], Any]:
    """The stored record's attribute ``name`` as it is."""
    return attrgetter(f"stored.{name}")


def _stored_iso(name: str) -> Callable[[Any], Any]:
    """The stored record's date or time ``name`` as ISO 8601."""
    get = attrgetter(f"stored.{name}")
    return lambda record: _iso(get(record))


def _highlights(hit: Hit, name: str) -> list[str]:
    """The highlighted fragments of ``name``: of its exact (unstemmed) field if any."""
    highlight = hit.get("highlight", {})
    return list(highlight.get(f"{name}.exact") or highlight.get(name) or [])


def _title_highlight(hit: Hit) -> str | None:
    found = _highlights(hit, "offentlig_tittel")
    return found[0] if found else None


def _snippets(hit: Hit) -> list[str]:
    return _highlights(hit, "dokument_tekst")[:3]


# Agencies ---------------------------------------------------------------------------


def agency_path(enhet: StoredAgency | None) -> list[str]:
    """Ids of ``enhet`` and every ancestor (cycle-safe)."""
    path: list[str] = []
    node = enhet
    while node is not None and node.id not in path:
        path.append(node.id)
        node = node.parent
    return path


AGENCY: Shape[StoredAgency] = Shape(
    "enhet",
    Field("id", PAGE | REF, attrgetter("id"), schema=t.string()),
    Field("navn", PAGE | REF, attrgetter("navn"), schema=t.string()),
    Field("navn_nynorsk", PAGE, attrgetter("navn_nynorsk"), schema=_TEXT),
    Field("navn_engelsk", PAGE, attrgetter("navn_engelsk"), schema=_TEXT),
    Field("navn_sami", PAGE, attrgetter("navn_sami"), schema=_TEXT),
    Field("orgnummer", PAGE | REF, attrgetter("orgnummer"), schema=_TEXT),
    Field("enhetstype", PAGE, attrgetter("enhetstype"), schema=_TEXT),
    Field("parent_id", PAGE, attrgetter("parent_id"), schema=_TEXT),
    Field("kommunenummer", PAGE, attrgetter("kommunenummer"), schema=_TEXT),
    Field("kontaktpunkt_epost", PAGE, attrgetter("kontaktpunkt_epost"), schema=_TEXT),
    Field("last_harvested_at", PAGE, lambda e: _iso(e.last_harvested_at), schema=t.datetime()),
)
"""An agency (``Enhet``): its API view, and its short form inside an entry or case page
(index documents name the owner by ``enhet_id``, ``enhet_path``, ``enhet_navn``)."""


_OWNER = AGENCY.schema(PAGE | REF, nullable=True)


def agency_ref(enhet: StoredAgency | None, moment: Moment) -> dict[str, Any] | None:
    """The owner of a record as its page names it."""
    return AGENCY.ref(enhet, moment) if enhet is not None else None


def _owner_id(record: Any) -> str | None:
    enhet = record.stored.enhet
    return enhet.id if enhet else None


def _owner_name(record: Any) -> str | None:
    enhet = record.stored.enhet
    return enhet.navn if enhet else None


# Documents --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicDocument:
    """A document that may be shown, with its main file (the first that is not embedded
    in another one) and its redacted title."""

    stored: StoredDocument
    file: StoredFile | None
    title: str | None


def shown_files(doc: StoredDocument) -> list[StoredFile]:
    """The files of ``doc`` that may be indexed and served: its source files of a public
    variant (``privacy.public_variants``: only the redacted one when there is one) and
    the files extracted from them. The file of a document found inside another one's
    file (an attachment) is its own: whether that may be shown is ``shown_documents``'
    question."""
    objs = doc.dokumentobjekter
    own = {o.id for o in objs}
    roots = [o for o in objs if o.parent_id is None or o.parent_id not in own]
    shown = {o.id for o in public_variants([o for o in roots if o.parent_id is None])}
    shown |= {o.id for o in roots if o.parent_id is not None}
    grown = True
    while grown:
        more = {o.id for o in objs if o.parent_id in shown and o.id not in shown}
        shown |= more
        grown = bool(more)
    return [o for o in objs if o.id in shown]


def public_document(doc: StoredDocument) -> PublicDocument:
    """``doc`` with its title redacted and only its shown files (``shown_files``).
    Whether it may be shown at all is the entry's question (``shown_documents``)."""
    files = shown_files(doc)
    main = next((o for o in files if o.parent_id is None), None) or (files[0] if files else None)
    return PublicDocument(doc, main, redact_fodselsnummer(doc.tittel))


def _file(name: str) -> Callable[[PublicDocument], Any]:
    return lambda d: getattr(d.file, name) if d.file else None


DOCUMENT: Shape[PublicDocument] = Shape(
    "dokumentbeskrivelse",
    Field("id", INDEX | PAGE, _stored("id"), schema=t.string()),
    Field("tittel", INDEX | PAGE, attrgetter("title"), schema=_TEXT),
    Field("dokumentnummer", INDEX | PAGE, _stored("dokumentnummer"), schema=_COUNT),
    Field(
        "tilknyttet_registrering_som",
        INDEX | PAGE,
        _stored("tilknyttet_registrering_som"),
        schema=_TEXT,
    ),
    Field("filnavn", INDEX | PAGE, _file("filnavn"), schema=_TEXT),
    Field("media_type", INDEX | PAGE, _file("media_type"), schema=_TEXT),
    Field("size", INDEX | PAGE, _file("size"), schema=_COUNT),
    Field("extraction_status", INDEX | PAGE, _file("extraction_status"), schema=_TEXT),
    Field("ocr_status", PAGE, _file("ocr_status"), schema=_TEXT),
    Field("ocr_error", PAGE, _file("ocr_error"), schema=_TEXT),
    Field("language", INDEX | PAGE, _file("language"), schema=_TEXT),
    Field("downloadable", PAGE, lambda d: bool(d.file and d.file.sha256), schema=t.boolean()),
    Field("has_text", PAGE, lambda d: bool(d.file and d.file.text_sha256), schema=t.boolean()),
)
"""A document (``Dokumentbeskrivelse``) in its entry's index document and on pages."""


def shown_documents(jp: StoredEntry) -> list[StoredDocument]:
    """The documents of an entry that may be shown: none that carry a screening, none
    found inside a file (an attachment of an e-mail or archive) unless the document
    holding that file is shown, and none at all when the entry's own screening covers
    its documents (``skjermingDokument``)."""
    if jp.skjerming is not None and jp.skjerming.skjerming_dokument:
        return []
    shown = [d for d in jp.dokumentbeskrivelser if not is_screened(d.skjerming)]
    files = {o.id for d in shown for o in d.dokumentobjekter if o.parent_id is None}
    return [
        d
        for d in shown
        if all(o.parent_id is None or o.parent_id in files for o in d.dokumentobjekter)
    ]


def document_page(doc: StoredDocument, entry: StoredEntry, moment: Moment) -> dict[str, Any] | None:
    """The page of a document, or ``None`` when it (or its entry) may not be shown."""
    if not moment.visible(entry) or not any(d is doc for d in shown_documents(entry)):
        return None
    return DOCUMENT.page(public_document(doc), moment)


# Cases ------------------------------------------------------------------------------


def case_number(case: StoredCase | None) -> str | None:
    """``saksaar/sakssekvensnummer``, e.g. ``2024/123``."""
    if case is None or case.saksaar is None or case.sakssekvensnummer is None:
        return None
    return f"{case.saksaar}/{case.sakssekvensnummer}"


@dataclass(frozen=True, slots=True)
class PublicCase:
    """A case with its titles redacted; ``journalpost_count`` (entries not deleted) for
    its index document, ``entries`` for its page."""

    stored: StoredCase
    title: str | None
    title_sensitive: str | None
    journalpost_count: int = 0
    entries: Sequence[StoredEntry] = ()


def public_case(
    sak: StoredCase, journalpost_count: int = 0, entries: Sequence[StoredEntry] = ()
) -> PublicCase:
    return PublicCase(
        sak,
        redact_fodselsnummer(sak.offentlig_tittel),
        redact_fodselsnummer(sak.offentlig_tittel_sensitiv),
        journalpost_count,
        entries,
    )


def _case_title_at(c: PublicCase, m: Moment) -> str | None:
    return m.title(c.title, c.title_sensitive, c.stored.publisert_dato)


CASE: Shape[PublicCase] = Shape(
    "saksmappe",
    Field("id", INDEX | PAGE | REF, _stored("id"), schema=t.string()),
    Field("offentlig_tittel", INDEX | REF, attrgetter("title"), schema=_TEXT),
    Field("saksnummer", INDEX | PAGE | REF, lambda c: case_number(c.stored), schema=_TEXT),
    Field("offentlig_tittel", PAGE | REF, at=_case_title_at, schema=_TEXT),
    Field("offentlig_tittel_sensitiv", INDEX, attrgetter("title_sensitive")),
    Field("tittel_screened", INDEX, lambda c: not c.title),
    Field(
        "tittel_screened",
        PAGE,
        at=lambda c, m: not _case_title_at(c, m),
        schema=t.boolean(),
    ),
    Field("saksaar", INDEX, _stored("saksaar")),
    Field("sakssekvensnummer", INDEX, _stored("sakssekvensnummer")),
    Field(
        "saksnummer_search",
        INDEX,
        lambda c: variants(c.stored.saksaar, c.stored.sakssekvensnummer),
    ),
    Field("saksdato", INDEX | PAGE, _stored_iso("saksdato"), schema=t.date()),
    Field("publisert_dato", INDEX, _stored_iso("publisert_dato")),
    Field("accessible_after", INDEX, _stored_iso("accessible_after")),
    Field("enhet_id", INDEX, _owner_id),
    Field("enhet_path", INDEX, lambda c: agency_path(c.stored.enhet)),
    Field("enhet_navn", INDEX, _owner_name),
    Field("administrativ_enhet", INDEX | PAGE, _stored("administrativ_enhet"), schema=_TEXT),
    Field("enhet", PAGE, at=lambda c, m: agency_ref(c.stored.enhet, m), schema=_OWNER),
    Field("journalpost_count", INDEX, attrgetter("journalpost_count")),
    Field(
        "journalposter",
        PAGE,
        at=lambda c, m: [p for e in c.entries if (p := entry_page(e, m)) is not None],
        schema=t.array(t.component("Journalpost")),
    ),
    Field("language", INDEX, _stored("tittel_language")),
    Field("updated_at", INDEX, _stored_iso("updated_at")),
)
"""A case (``Saksmappe``): its index document, its page with its visible entries, and
its short form inside an entry."""


def case_page(
    sak: StoredCase, entries: Sequence[StoredEntry], moment: Moment
) -> dict[str, Any] | None:
    """The page of a case with its visible ``entries`` in order, or ``None``."""
    if not moment.visible(sak):
        return None
    return CASE.page(public_case(sak, entries=entries), moment)


# Entries ----------------------------------------------------------------------------


DocumentText = Callable[[Sequence[PublicDocument]], str | None]


@dataclass(frozen=True, slots=True)
class PublicEntry:
    """An entry with the rules that hold at any time applied: only its correspondents
    that are not screened, only the documents that may be shown, titles redacted;
    ``text`` is the shown documents' text when it was read (index documents only)."""

    stored: StoredEntry
    title: str | None
    title_sensitive: str | None
    case: PublicCase | None
    parts: list[StoredCorrespondent]
    documents: list[PublicDocument]
    text: str | None = None


def public_entry(
    jp: StoredEntry, read_text: DocumentText | None = None, now: dt.datetime | None = None
) -> PublicEntry:
    """``jp`` as the public may know it at ``now`` (default: this moment); ``read_text``
    gives its documents' text.

    Its case goes with it only while the case itself may be shown: a withdrawn case, or
    one under embargo, lends the entry none of its fields (title, number). An index
    document built during a case's embargo is built again when the embargo ends
    (``indexing.rows.stale_journalposts``)."""
    documents = [public_document(d) for d in shown_documents(jp)]
    case = jp.saksmappe
    if case is not None and not _shown_at(case, now or dt.datetime.now(dt.UTC)):
        case = None
    return PublicEntry(
        jp,
        redact_fodselsnummer(jp.offentlig_tittel),
        redact_fodselsnummer(jp.offentlig_tittel_sensitiv),
        public_case(case) if case is not None else None,
        [k for k in jp.korrespondanseparter if not k.skjermet],
        documents,
        read_text(documents) if read_text is not None else None,
    )


def _shown_at(record: StoredRecord, now: dt.datetime) -> bool:
    """True when ``record`` is not deleted and not under embargo at ``now``."""
    if record.deleted_at is not None:
        return False
    return record.accessible_after is None or record.accessible_after <= now


def _case_number(e: PublicEntry) -> str | None:
    return case_number(e.case.stored) if e.case is not None else None


def _entry_number(e: PublicEntry) -> str | None:
    case = _case_number(e)
    if case is None or e.stored.journalpostnummer is None:
        return None
    return f"{case}-{e.stored.journalpostnummer}"


def _number_variants(e: PublicEntry) -> list[str]:
    """The entry's number in every spelling a search may use."""
    case = e.case.stored if e.case is not None else None
    return variants(
        case.saksaar if case else None,
        case.sakssekvensnummer if case else None,
        e.stored.journalpostnummer,
    )


def _entry_title_at(e: PublicEntry, m: Moment) -> str | None:
    return m.title(e.title, e.title_sensitive, e.stored.publisert_dato)


def _parts_at(e: PublicEntry, m: Moment) -> list[dict[str, Any]]:
    """Correspondents by their sensitive names within the window, public ones after;
    one with no name to show is left out."""
    retained = m.in_retention(e.stored.publisert_dato)
    parts = []
    for k in e.parts:
        navn = k.navn_sensitiv if k.navn_sensitiv and retained else k.navn
        if navn:
            parts.append({"navn": navn, "korrespondanseparttype": k.korrespondanseparttype})
    return parts


def _case_at(e: PublicEntry, m: Moment) -> dict[str, Any] | None:
    if e.case is None or not m.visible(e.case.stored):
        return None
    return CASE.ref(e.case, m)


def _languages(e: PublicEntry) -> list[str]:
    found = {e.stored.tittel_language} if e.stored.tittel_language else set()
    found.update(d.file.language for d in e.documents if d.file and d.file.language)
    return sorted(found)


_PARTS = t.array(t.closed({"navn": t.string(), "korrespondanseparttype": _TEXT}))
_SCREENING = t.closed({"tilgangsrestriksjon": _TEXT, "skjermingshjemmel": _TEXT}, nullable=True)


def _screening(e: PublicEntry) -> dict[str, Any] | None:
    s = e.stored.skjerming
    if s is None:
        return None
    return {"tilgangsrestriksjon": s.tilgangsrestriksjon, "skjermingshjemmel": s.skjermingshjemmel}


ENTRY: Shape[PublicEntry] = Shape(
    "journalpost",
    Field("id", INDEX | HIT | PAGE, _stored("id"), schema=t.string()),
    Field("offentlig_tittel", INDEX | HIT, attrgetter("title"), schema=_TEXT),
    Field("offentlig_tittel", PAGE, at=_entry_title_at, schema=_TEXT),
    Field("offentlig_tittel_sensitiv", INDEX, attrgetter("title_sensitive")),
    Field(
        "tittel_screened",
        INDEX | HIT,
        lambda e: not e.title,
        hit=lambda h: bool(h["_source"].get("tittel_screened")),
        schema=t.boolean(),
    ),
    Field(
        "tittel_screened",
        PAGE,
        at=lambda e, m: not _entry_title_at(e, m),
        schema=t.boolean(),
    ),
    Field("title_highlight", HIT, hit=_title_highlight, schema=_TEXT),
    Field("snippets", HIT, hit=_snippets, schema=t.array(t.string())),
    Field("journalaar", INDEX | PAGE, _stored("journalaar"), schema=_COUNT),
    Field("journalsekvensnummer", INDEX | PAGE, _stored("journalsekvensnummer"), schema=_COUNT),
    Field("journalpostnummer", INDEX | PAGE, _stored("journalpostnummer"), schema=_COUNT),
    Field("saksnummer", INDEX | HIT, _case_number, schema=_TEXT),
    Field("journalpost_nummer", INDEX | HIT | PAGE, _entry_number, schema=_TEXT),
    Field("journalposttype", INDEX | HIT | PAGE, _stored("journalposttype"), schema=_TEXT),
    Field("journalstatus", INDEX | PAGE, _stored("journalstatus"), schema=_TEXT),
    Field("journaldato", INDEX | HIT | PAGE, _stored_iso("journaldato"), schema=t.date()),
    Field("dokumentets_dato", INDEX | PAGE, _stored_iso("dokumentets_dato"), schema=t.date()),
    Field("publisert_dato", INDEX | HIT | PAGE, _stored_iso("publisert_dato"), schema=t.datetime()),
    Field("accessible_after", INDEX, _stored_iso("accessible_after")),
    Field("saksnummer_search", INDEX, _number_variants),
    Field("enhet_id", INDEX | HIT, _owner_id, schema=_TEXT),
    Field("enhet_path", INDEX, lambda e: agency_path(e.stored.enhet)),
    Field("enhet_navn", INDEX | HIT, _owner_name, schema=_TEXT),
    Field(
        "saksmappe",
        INDEX | HIT,
        lambda e: CASE.ref(e.case) if e.case else None,
        schema=CASE.schema(INDEX | REF, nullable=True),
    ),
    Field(
        "korrespondansepart",
        INDEX | HIT,
        lambda e: [
            {"navn": k.navn, "korrespondanseparttype": k.korrespondanseparttype}
            for k in e.parts
            if k.navn
        ],
        hit=lambda h: h["_source"].get("korrespondansepart") or [],
        schema=_PARTS,
    ),
    Field(
        "korrespondansepart_sensitiv",
        INDEX,
        lambda e: " ".join(k.navn_sensitiv for k in e.parts if k.navn_sensitiv) or None,
    ),
    Field(
        "dokument_count",
        INDEX | HIT,
        lambda e: len(e.documents),
        missing=0,
        schema=t.integer(minimum=0),
    ),
    Field("administrativ_enhet", INDEX | PAGE, _stored("administrativ_enhet"), schema=_TEXT),
    Field("skjerming", INDEX | HIT | PAGE, _screening, schema=_SCREENING),
    Field("language", INDEX | HIT, _stored("tittel_language"), schema=_TEXT),
    Field("korrespondansepart", PAGE, at=_parts_at, schema=_PARTS),
    Field("saksmappe", PAGE, at=_case_at, schema=CASE.schema(PAGE | REF, nullable=True)),
    Field("enhet", PAGE, at=lambda e, m: agency_ref(e.stored.enhet, m), schema=_OWNER),
    Field("dokumenter", INDEX, lambda e: [DOCUMENT.index(d) for d in e.documents]),
    Field(
        "dokumenter",
        PAGE,
        at=lambda e, m: [DOCUMENT.page(d, m) for d in e.documents],
        schema=t.array(DOCUMENT.component(PAGE)),
    ),
    Field("dokument_tekst", INDEX, attrgetter("text")),
    Field("has_documents", INDEX, lambda e: bool(e.documents)),
    Field("languages", INDEX, _languages),
    Field("updated_at", INDEX, _stored_iso("updated_at")),
)
"""A journal entry (``Journalpost``): its index document, its search hit and its page.
The index holds the sensitive variants (searchable within the window, never returned);
a hit shows the public title and names; the page the sensitive ones within the window."""


def entry_page(jp: StoredEntry, moment: Moment) -> dict[str, Any] | None:
    """The page of an entry, or ``None`` when it may not be shown at all."""
    if not moment.visible(jp):
        return None
    return ENTRY.page(public_entry(jp, now=moment.now), moment)
