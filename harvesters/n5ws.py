"""Noark 5 web-service interface (N5WS): the REST API of a live archive system.

The harvester starts at the service's root URL and finds everything through HAL
``_links`` relation keys (``https://rel.arkivverket.no/noark5/v5/api/...``), never by
building paths: root → ``sakarkiv/`` → the ``saksmappe/`` and ``journalpost/`` lists,
then per entry its ``korrespondansepart``, ``dokumentbeskrivelse`` → ``dokumentobjekt``
→ ``fil`` links. Lists are paged with ``$top`` and followed by their ``next`` link.

Incremental: ``state["since"]`` holds the newest ``endretDato`` seen; the next run asks
only for ``$filter=endretDato gt <since>``. A run with no state (first run, full
resync) sees the whole archive and therefore knows about deletions.

Privacy follows the Noark 5 rules (``innsyn.harvest.titles``): ``offentligTittel`` is the
public title; the internal ``tittel`` is used only when there is neither an
``offentligTittel`` nor a ``skjerming``; correspondents named in ``skjermingMetadata`` are
withheld; identity numbers (``foedselsnummer``, ``dnummer``) are never read; screened
documents are not downloaded. Bad numbers and dates are left empty with a warning
(``innsyn.harvest.fields``).

Embargo: the Noark 5 web-service interface has no field that holds a whole record back
until a date (eInnsyn's ``accessibleAfter`` has no counterpart), so these records get no
``accessible_after``; ``skjermingOpphoererDato`` (when a screening may end) is not one
either (see ``harvesters.noark5``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

from harvesters.http_files import url_opener
from innsyn.harvest.contract import Harvester, HarvestError
from innsyn.harvest.fields import FieldReader, parse_datetime, parse_int
from innsyn.harvest.records import (
    DokumentRecord,
    FileRecord,
    HarvestWarning,
    JournalpostRecord,
    KorrespondansepartRecord,
    Record,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.harvest.titles import Titles, document_title, file_name, publishable_titles
from innsyn.http_client import HttpFailure
from innsyn.privacy import correspondents_screened

MAX_PAGES = 100_000


def _code(value: Any) -> str | None:
    """A code-list value: ``{"kode": "I", "kodenavn": ...}`` or a plain string."""
    if isinstance(value, dict):
        value = value.get("kode") or value.get("kodenavn")
    return str(value) if value not in (None, "") else None


def _string(value: Any) -> str | None:
    """A JSON string value; anything else (a number, an object) counts as absent."""
    return value if isinstance(value, str) else None


def _links(node: dict[str, Any]) -> dict[str, str]:
    """rel → href, with URI templates (``{?$filter...}``) cut off."""
    out: dict[str, str] = {}
    for rel, link in (node.get("_links") or {}).items():
        if isinstance(link, list):
            link = link[0] if link else {}
        href = link.get("href") if isinstance(link, dict) else None
        if isinstance(href, str):
            out[rel] = href.split("{", 1)[0]
    return out


def _find(links: dict[str, str], suffix: str) -> str | None:
    """The href of the relation whose key ends with ``suffix`` (any API version)."""
    for rel, href in links.items():
        if rel.rstrip("/").endswith(suffix):
            return href
    return None


def _skjerming(node: dict[str, Any], fields: FieldReader) -> SkjermingRecord | None:
    sk = node.get("skjerming")
    if not isinstance(sk, dict):
        return None
    meta = sk.get("skjermingMetadata") or []
    if not isinstance(meta, list):
        meta = [meta]
    return SkjermingRecord(
        tilgangsrestriksjon=_code(sk.get("tilgangsrestriksjon")),
        skjermingshjemmel=sk.get("skjermingshjemmel"),
        skjermingsvarighet=fields.integer("skjermingsvarighet", sk.get("skjermingsvarighet")),
        skjerming_metadata=[str(_code(m)) for m in meta if _code(m)],
        skjerming_dokument=_code(sk.get("skjermingDokument")),
    )


def _titles(node: dict[str, Any], skjerming: SkjermingRecord | None) -> Titles:
    return publishable_titles(
        _string(node.get("offentligTittel")), _string(node.get("tittel")), skjerming
    )


def _last_segment(href: str) -> str:
    return [p for p in urlsplit(href).path.split("/") if p][-1]


class N5wsHarvester(Harvester):
    """Journals from the Noark 5 web-service API (HAL JSON) of a live archive system."""

    name = "n5ws"
    description = "Noark 5 web-service (N5WS) API of a live archive system (root URL)"
    complete_by_default = True

    _withheld_cases: dict[str, Titles]
    """The titles of the cases read so far that withhold their internal title: a
    document or file of one of their entries must not repeat it."""

    @property
    def page_size(self) -> int:
        return max(1, min(1000, parse_int(self.params.get("page_size")) or 100))

    def records(self) -> Iterator[Record]:
        self._withheld_cases = {}
        since = self.state.get("since")
        newest = parse_datetime(since)
        try:
            sakarkiv = self._sakarkiv()
            cases = _find(sakarkiv, "sakarkiv/saksmappe")
            entries = _find(sakarkiv, "sakarkiv/journalpost")
            if entries is None:
                raise HarvestError(f"{self.location}: the service lists no sakarkiv/journalpost")
            for kind, url in (("saksmappe", cases), ("journalpost", entries)):
                if url is None:
                    continue
                for node in self._list(url, since):
                    changed = parse_datetime(node.get("endretDato") or node.get("opprettetDato"))
                    if changed is not None and (newest is None or changed > newest):
                        newest = changed
                    if kind == "saksmappe":
                        yield from self._case(node)
                    else:
                        yield from self._entry(node)
        except HttpFailure as exc:
            raise HarvestError(f"N5WS service unavailable: {exc}") from exc
        if newest is not None:
            self.state["since"] = newest.isoformat()

    def _get(self, url: str) -> dict[str, Any]:
        fetched = self.http.get(url, {"Accept": "application/vnd.noark5+json, application/json"})
        try:
            data = fetched.json()
        except ValueError as exc:
            raise HarvestError(f"{url}: not JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise HarvestError(f"{url}: expected a JSON object")
        return data

    def _sakarkiv(self) -> dict[str, str]:
        root = _links(self._get(self.location))
        if _find(root, "sakarkiv/journalpost"):
            return root
        href = _find(root, "api/sakarkiv")
        if href is None:
            raise HarvestError(f"{self.location}: no sakarkiv relation in _links (not N5WS?)")
        return _links(self._get(href))

    def _list(self, url: str, since: str | None) -> Iterator[dict[str, Any]]:
        query = {"$top": str(self.page_size), "$orderby": "endretDato"}
        if since:
            query["$filter"] = f"endretDato gt {since}"
        next_url: str | None = f"{url}{'&' if '?' in url else '?'}{urlencode(query)}"
        seen: set[str] = set()
        while next_url and len(seen) < MAX_PAGES:
            if next_url in seen:
                raise HarvestError(f"{next_url}: the 'next' links loop")
            seen.add(next_url)
            page = self._get(next_url)
            results = page.get("results") or []
            if not isinstance(results, list):
                raise HarvestError(f"{next_url}: 'results' is not a list")
            yield from (r for r in results if isinstance(r, dict))
            next_url = _links(page).get("next")

    def _children(self, node: dict[str, Any], suffix: str) -> list[dict[str, Any]]:
        href = _find(_links(node), suffix)
        if href is None:
            return []
        out: list[dict[str, Any]] = []
        next_url: str | None = href
        pages = 0
        while next_url and pages < MAX_PAGES:
            page = self._get(next_url)
            pages += 1
            if isinstance(page.get("results"), list):
                out.extend(r for r in page["results"] if isinstance(r, dict))
            elif page.get("systemID"):
                out.append(page)
            next_url = _links(page).get("next")
        return out

    def _case(self, node: dict[str, Any]) -> Iterator[Record]:
        sid = node.get("systemID")
        if not sid:
            yield HarvestWarning("saksmappe without systemID skipped")
            return
        fields = FieldReader(str(sid))
        skjerming = _skjerming(node, fields)
        titles = _titles(node, skjerming)
        if titles.withheld:
            self._withheld_cases[str(sid)] = titles
        yield SaksmappeRecord(
            system_id=str(sid),
            offentlig_tittel=titles.public,
            saksaar=fields.integer("saksaar", node.get("saksaar")),
            sakssekvensnummer=fields.integer("sakssekvensnummer", node.get("sakssekvensnummer")),
            saksdato=fields.date("saksdato", node.get("saksdato")),
            administrativ_enhet=node.get("administrativEnhet"),
            saksstatus=_code(node.get("saksstatus")),
            skjerming=skjerming,
        )
        yield from fields.drain()

    def _entry(self, node: dict[str, Any]) -> Iterator[Record]:
        sid = node.get("systemID")
        if not sid:
            yield HarvestWarning("journalpost without systemID skipped")
            return
        fields = FieldReader(str(sid))
        links = _links(node)
        parent = _find(links, "sakarkiv/saksmappe") or _find(links, "arkivstruktur/mappe")
        skjerming = _skjerming(node, fields)
        titles = _titles(node, skjerming)
        case_sid = _last_segment(parent) if parent else None
        parents = (titles, self._withheld_cases.get(case_sid or ""))
        hide_parts = correspondents_screened(skjerming)
        parts = [
            KorrespondansepartRecord(
                navn=None if hide_parts else p.get("navn") or p.get("korrespondansepartNavn"),
                korrespondanseparttype=_code(p.get("korrespondanseparttype")),
                administrativ_enhet=None if hide_parts else p.get("administrativEnhet"),
                skjermet=hide_parts,
            )
            for p in self._children(node, "korrespondansepart")
        ]
        yield JournalpostRecord(
            system_id=str(sid),
            saksmappe_system_id=case_sid,
            offentlig_tittel=titles.public,
            journalaar=fields.integer("journalaar", node.get("journalaar")),
            journalsekvensnummer=fields.integer(
                "journalsekvensnummer", node.get("journalsekvensnummer")
            ),
            journalpostnummer=fields.integer("journalpostnummer", node.get("journalpostnummer")),
            journalposttype=_code(node.get("journalposttype")),
            journalstatus=_code(node.get("journalstatus")),
            journaldato=fields.date("journaldato", node.get("journaldato")),
            dokumentets_dato=fields.date("dokumentetsDato", node.get("dokumentetsDato")),
            administrativ_enhet=node.get("administrativEnhet"),
            skjerming=skjerming,
            korrespondanseparter=parts,
            dokumenter=[
                self._document(d, fields, parents)
                for d in self._children(node, "arkivstruktur/dokumentbeskrivelse")
            ],
        )
        yield from fields.drain()

    def _document(
        self, node: dict[str, Any], fields: FieldReader, parents: tuple[Titles | None, ...]
    ) -> DokumentRecord:
        """A document of the entry whose fields ``fields`` reads (warnings name the entry);
        its title and file names are withheld when they repeat a withheld title of the
        document, its entry (``parents[0]``) or its case (``parents[1]``)."""
        skjerming = _skjerming(node, fields)
        titles = _titles(node, skjerming)
        screened = skjerming is not None and bool(
            skjerming.skjerming_dokument or skjerming.tilgangsrestriksjon
        )
        files: list[FileRecord] = []
        for obj in self._children(node, "arkivstruktur/dokumentobjekt"):
            href = _find(_links(obj), "arkivstruktur/fil") or obj.get("referanseDokumentfil")
            size = fields.integer("filstoerrelse", obj.get("filstoerrelse"))
            files.append(
                FileRecord(
                    system_id=obj.get("systemID"),
                    filnavn=file_name(
                        _string(obj.get("filnavn")), len(files) + 1, titles, *parents
                    ),
                    open=url_opener(self.http, href) if href and not screened else None,
                    source_uri=href,
                    format=_code(obj.get("format")),
                    media_type=obj.get("mimeType"),
                    versjonsnummer=fields.integer("versjonsnummer", obj.get("versjonsnummer")),
                    variantformat=_code(obj.get("variantformat")),
                    declared_checksum=obj.get("sjekksum"),
                    declared_checksum_algorithm=obj.get("sjekksumAlgoritme") or "SHA-256",
                    declared_size=size,
                )
            )
        return DokumentRecord(
            system_id=node.get("systemID"),
            tittel=document_title(titles, *parents),
            dokumentnummer=fields.integer("dokumentnummer", node.get("dokumentnummer")),
            dokumenttype=_code(node.get("dokumenttype")),
            tilknyttet_registrering_som=_code(node.get("tilknyttetRegistreringSom")),
            skjerming=skjerming,
            files=files,
        )
