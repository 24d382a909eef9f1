"""``einnsyn-jsonld``: eInnsyn JSON-LD messages, compact or expanded.

The graph is flattened into nodes by ``@id``; property names lose their namespace
(``arkiv:offentligTittel`` and ``http://…/arkivstruktur/offentligTittel`` are both
``offentligTittel``) and ``@value`` wrappers are unwrapped, so both forms map the same
way. Journal registrations become records; a withdrawal graph (``TrekkeTilbakeGraf``,
the slettemelding) becomes deletions; meeting registrations are reported as not yet
supported. Titles follow ``innsyn.harvest.titles``: ``offentligTittel`` is public, the
``*_SENSITIV`` values go only to the sensitive fields, and a screened document has no
title at all. Bad numbers, dates and times are left empty with a warning
(``innsyn.harvest.fields``).
``accessibleAfter`` (eInnsyn's embargo, as in its API) on a case or an entry becomes
its ``accessible_after``: it is kept out of every public surface and the index until then.
Location: a file, a directory of ``.jsonld`` files, or an http(s) URL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harvesters.http_files import url_opener
from innsyn.harvest.contract import Harvester, HarvestError, is_url
from innsyn.harvest.fields import FieldReader, parse_datetime
from innsyn.harvest.records import (
    DeleteRecord,
    DokumentRecord,
    EnhetRecord,
    FileRecord,
    HarvestWarning,
    JournalpostRecord,
    KorrespondansepartRecord,
    Record,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.harvest.titles import Titles, document_title, file_name, publishable_titles
from innsyn.http_client import HttpClient, HttpFailure
from innsyn.privacy import correspondents_named

JOURNALPOSTTYPE = {
    "inngåendedokument": "I",
    "utgåendedokument": "U",
    "organinterntdokumentforoppfølging": "N",
    "organinterntdokumentutenoppfølging": "X",
    "saksframlegg": "S",
    "sakskart": "Y",
    "møteprotokoll": "Z",
    "organinterntnotatmedoppfølging": "N",
    "organinterntnotatutenoppfølging": "X",
}
HIDDEN_UNTIL = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
"""The embargo of a record whose ``accessibleAfter`` cannot be read."""
MEETING_TYPES = (
    "møtemappe",
    "moetemappe",
    "møtesaksregistrering",
    "moetesaksregistrering",
    "møtedokumentregistrering",
    "moetedokumentregistrering",
)


def local_name(iri: str) -> str:
    """``arkiv:offentligTittel`` / full IRIs -> ``offentligTittel``."""
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[-1]
    return iri.rsplit(":", 1)[-1] if ":" in iri and not iri.startswith("_:") else iri


def _unwrap(value: Any) -> Any:
    if isinstance(value, list):
        items = [_unwrap(v) for v in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        if "@value" in value:
            return value["@value"]
        if "@list" in value:
            return [_unwrap(v) for v in value["@list"]]
        if set(value) == {"@id"}:
            return {"@ref": value["@id"]}
    return value


def flatten(doc: Any) -> dict[str, dict[str, Any]]:
    """Every node with an ``@id`` in the document, keyed by id, with local property names."""
    nodes: dict[str, dict[str, Any]] = {}

    def visit(obj: Any) -> None:
        if isinstance(obj, list):
            for item in obj:
                visit(item)
            return
        if not isinstance(obj, dict):
            return
        if "@graph" in obj:
            visit(obj["@graph"])
        if "@id" in obj and len(obj) > 1:
            node = nodes.setdefault(str(obj["@id"]), {"@id": str(obj["@id"])})
            for key, value in obj.items():
                if key == "@type":
                    types = value if isinstance(value, list) else [value]
                    node["@type"] = [local_name(str(t)).lower() for t in types]
                elif key == "@graph":
                    node["@graph"] = [str(g.get("@id")) for g in value if isinstance(g, dict)]
                elif not key.startswith("@"):
                    node[local_name(key)] = _unwrap(value)
                    for nested in value if isinstance(value, list) else [value]:
                        if isinstance(nested, dict) and len(nested) > 1 and "@id" in nested:
                            visit(nested)

    visit(doc)
    return nodes


def _refs(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [
        i["@ref"] if isinstance(i, dict) and "@ref" in i else str(i) for i in items if i is not None
    ]


def _str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict) and "@ref" in value:
        return local_name(value["@ref"])
    if isinstance(value, list):
        return _str(value[0]) if value else None
    text = str(value).strip()
    return text or None


def _embargo(node: dict[str, Any], fields: FieldReader) -> dt.datetime | None:
    """eInnsyn's ``accessibleAfter``: the record is not public before this time (ISO 8601;
    a date alone is its midnight, UTC when no offset is given). A value that cannot be
    read is an embargo of unknown end: the record is kept hidden (``HIDDEN_UNTIL``) with
    a warning, never published early."""
    raw = _str(node.get("accessibleAfter"))
    if raw is None:
        return None
    found = parse_datetime(raw)
    if found is None:
        fields.warn(f"unreadable accessibleAfter {raw[:40]!r}: the record stays hidden")
        return HIDDEN_UNTIL
    return found


def _is(node: dict[str, Any], *types: str) -> bool:
    return any(t in types for t in node.get("@type", []))


class EinnsynJsonldHarvester(Harvester):
    """eInnsyn JSON-LD journal messages (compact or expanded), including slettemeldinger."""

    name = "einnsyn-jsonld"
    description = "eInnsyn JSON-LD messages (file, directory of .jsonld, or URL)"

    def _documents(self) -> Iterator[tuple[str, Any]]:
        loc = self.location
        if is_url(loc):
            try:
                yield loc, self.http.get(loc).json()
            except (HttpFailure, ValueError) as exc:
                raise HarvestError(f"{loc}: could not be read as JSON-LD: {exc}") from exc
            return
        path = Path(loc)
        if not path.exists():
            raise HarvestError(f"{path} does not exist")
        files = sorted(path.rglob("*.jsonld")) if path.is_dir() else [path]
        for file in files:
            try:
                yield file.name, json.loads(file.read_text(encoding="utf-8-sig"))
            except (ValueError, UnicodeDecodeError) as exc:
                if len(files) == 1:
                    raise HarvestError(f"{file.name}: malformed JSON: {exc}") from exc
                yield file.name, None

    def records(self) -> Iterator[Record]:
        for name, doc in self._documents():
            if doc is None:
                yield HarvestWarning(f"{name}: malformed JSON, skipped")
                continue
            yield from _Message(name, flatten(doc), self.http).records()


class _Message:
    def __init__(self, name: str, nodes: dict[str, dict[str, Any]], http: HttpClient) -> None:
        self.name = name
        self.http = http
        self.nodes = nodes
        self.fields = FieldReader()

    def _node(self, ref: str) -> dict[str, Any] | None:
        return self.nodes.get(ref)

    def _children(self, parent_id: str, key: str, *types: str) -> list[dict[str, Any]]:
        parent = self.nodes.get(parent_id, {})
        found = [self.nodes[r] for r in _refs(parent.get(key)) if r in self.nodes]
        found += [
            n
            for n in self.nodes.values()
            if _is(n, *types) and parent_id in _refs(n.get("parent")) and n not in found
        ]
        return found

    def records(self) -> Iterator[Record]:
        withdrawals = [n for n in self.nodes.values() if _is(n, "trekketilbakegraf")]
        if withdrawals:
            yield from self._deletions()
            return
        for node in self.nodes.values():
            if _is(node, *MEETING_TYPES):
                yield HarvestWarning(
                    f"{self.name}: meeting records are not supported yet "
                    f"({node['@type'][0]} {node['@id']})"
                )
        for node in self.nodes.values():
            if _is(node, "arkivskaper", "virksomhet", "enhet"):
                yield self._enhet(node)
        for node in self.nodes.values():
            if _is(node, "saksmappe"):
                yield self._saksmappe(node)
        for node in self.nodes.values():
            if _is(node, "journalpost"):
                yield self._journalpost(node)
        yield from self.fields.drain()

    def _deletions(self) -> Iterator[Record]:
        targets: list[str] = []
        for node in self.nodes.values():
            if "@graph" in node and _is(node, "trekketilbakegraf"):
                targets.extend(node["@graph"])
        for ref in targets:
            node = self.nodes.get(ref, {})
            if _is(node, "journalpost"):
                yield DeleteRecord("journalpost", ref)
            elif _is(node, "saksmappe"):
                yield DeleteRecord("saksmappe", ref)
            elif _is(node, *MEETING_TYPES):
                yield HarvestWarning(f"{self.name}: deletion of meeting record {ref} ignored")

    def _enhet(self, node: dict[str, Any]) -> EnhetRecord:
        orgnr = _str(node.get("organisasjonsnummer") or node.get("orgnummer"))
        return EnhetRecord(
            system_id=node["@id"],
            navn=_str(node.get("navn") or node.get("arkivskaperNavn")) or node["@id"],
            orgnummer=orgnr,
        )

    def _skjerming(self, node: dict[str, Any]) -> SkjermingRecord | None:
        refs = _refs(node.get("skjerming")) if node.get("skjerming") else []
        sk = self._node(refs[0]) if refs else None
        if sk is None:
            return None
        meta = sk.get("skjermingMetadata")
        return SkjermingRecord(
            tilgangsrestriksjon=_str(sk.get("tilgangsrestriksjon")),
            skjermingshjemmel=_str(sk.get("skjermingshjemmel")),
            skjerming_metadata=[
                _str(m) or "" for m in (meta if isinstance(meta, list) else [meta] if meta else [])
            ],
        )

    @staticmethod
    def _titles(node: dict[str, Any], skjerming: SkjermingRecord | None) -> Titles:
        return publishable_titles(
            _str(node.get("offentligTittel")),
            _str(node.get("tittel")),
            skjerming,
            sensitive=_str(node.get("offentligTittel_SENSITIV")),
        )

    def _saksmappe(self, node: dict[str, Any]) -> SaksmappeRecord:
        system_id = _str(node.get("systemID")) or node["@id"]
        fields = self.fields.about(system_id)
        skjerming = self._skjerming(node)
        titles = self._titles(node, skjerming)
        return SaksmappeRecord(
            system_id=system_id,
            offentlig_tittel=titles.public,
            offentlig_tittel_sensitiv=titles.sensitive,
            saksaar=fields.integer("saksaar", _str(node.get("saksaar"))),
            sakssekvensnummer=fields.integer(
                "sakssekvensnummer", _str(node.get("sakssekvensnummer"))
            ),
            saksdato=fields.date("saksdato", _str(node.get("saksdato"))),
            administrativ_enhet=_str(node.get("administrativEnhet")),
            saksstatus=_str(node.get("saksstatus")),
            skjerming=skjerming,
            publisert_dato=fields.datetime("publisertDato", _str(node.get("publisertDato"))),
            accessible_after=_embargo(node, fields),
        )

    def _journalpost(self, node: dict[str, Any]) -> JournalpostRecord:
        system_id = _str(node.get("systemID")) or node["@id"]
        fields = self.fields.about(system_id)
        skjerming = self._skjerming(node)
        titles = self._titles(node, skjerming)
        parent_refs = _refs(node.get("parent")) if node.get("parent") else []
        parent = self._node(parent_refs[0]) if parent_refs else None
        sak_id = (
            (_str(parent.get("systemID")) or parent["@id"])
            if parent
            else (parent_refs[0] if parent_refs else None)
        )
        hide_parts = correspondents_named(skjerming)
        parts = [
            KorrespondansepartRecord(
                navn=None if hide_parts else _str(p.get("korrespondansepartNavn")),
                navn_sensitiv=(
                    None if hide_parts else _str(p.get("korrespondansepartNavn_SENSITIV"))
                ),
                korrespondanseparttype=_str(p.get("korrespondanseparttype")),
                administrativ_enhet=None if hide_parts else _str(p.get("administrativEnhet")),
                skjermet=hide_parts,
            )
            for p in self._children(node["@id"], "korrespondansepart", "korrespondansepart")
        ]
        jtype = _str(node.get("journalposttype"))
        parent_titles = None if parent is None else self._titles(parent, self._skjerming(parent))
        return JournalpostRecord(
            system_id=system_id,
            saksmappe_system_id=sak_id,
            offentlig_tittel=titles.public,
            offentlig_tittel_sensitiv=titles.sensitive,
            journalaar=fields.integer("journalaar", _str(node.get("journalaar"))),
            journalsekvensnummer=fields.integer(
                "journalsekvensnummer", _str(node.get("journalsekvensnummer"))
            ),
            journalpostnummer=fields.integer(
                "journalpostnummer", _str(node.get("journalpostnummer"))
            ),
            journalposttype=JOURNALPOSTTYPE.get((jtype or "").lower(), jtype),
            journalstatus=_str(node.get("journalstatus")),
            journaldato=fields.date("journaldato", _str(node.get("journaldato"))),
            dokumentets_dato=fields.date("dokumentetsDato", _str(node.get("dokumentetsDato"))),
            administrativ_enhet=_str(node.get("administrativEnhet")),
            skjerming=skjerming,
            korrespondanseparter=parts,
            dokumenter=[
                self._dokument(d, fields, (titles, parent_titles))
                for d in self._children(node["@id"], "dokumentbeskrivelse", "dokumentbeskrivelse")
            ],
            publisert_dato=fields.datetime("publisertDato", _str(node.get("publisertDato"))),
            accessible_after=_embargo(node, fields),
        )

    def _dokument(
        self, node: dict[str, Any], fields: FieldReader, parents: tuple[Titles | None, ...]
    ) -> DokumentRecord:
        """A document of the entry whose fields ``fields`` reads (warnings name the entry)."""
        skjerming = self._skjerming(node)
        files: list[FileRecord] = []
        for obj in self._children(node["@id"], "dokumentobjekt", "dokumentobjekt"):
            ref = _str(obj.get("referanseDokumentfil"))
            if not ref or not ref.startswith(("http://", "https://")):
                continue
            files.append(
                FileRecord(
                    system_id=obj["@id"],
                    filnavn=file_name(
                        ref.rsplit("/", 1)[-1] or None,
                        len(files) + 1,
                        self._titles(node, skjerming),
                        *parents,
                    ),
                    open=url_opener(self.http, ref),
                    source_uri=ref,
                    format=_str(obj.get("format")),
                    versjonsnummer=fields.integer(
                        "versjonsnummer", _str(obj.get("versjonsnummer"))
                    ),
                    variantformat=_str(obj.get("variantformat")),
                    declared_checksum=_str(obj.get("sjekksum")),
                    declared_checksum_algorithm=_str(obj.get("sjekksumAlgoritme")),
                )
            )
        return DokumentRecord(
            system_id=_str(node.get("systemID")) or node["@id"],
            # eInnsyn: a screened document's title is withheld even when it is public
            tittel=None if skjerming else document_title(self._titles(node, None), *parents),
            dokumentnummer=fields.integer("dokumentnummer", _str(node.get("dokumentnummer"))),
            dokumenttype=_str(node.get("dokumenttype")),
            tilknyttet_registrering_som=_str(node.get("tilknyttetRegistreringSom")),
            skjerming=skjerming,
            files=files,
        )
