"""``template``: a small, complete harvester to copy when adding a new source type.

It reads a made-up JSON journal (one file, local or at an http(s) URL)::

    {"agency": {"id": "974760673", "name": "Testkommune"},
     "cases": [{"id": "S1", "year": "2024", "number": "12", "date": "2024-01-02",
                "public_title": "Byggesak gnr 1/2", "title": "Byggesak gnr 1/2, Kari Nordmann",
                "screened": "ja",
                "entries": [{"id": "J1", "type": "I", "date": "2024-01-03",
                             "public_title": "Søknad", "title": "Søknad fra Kari Nordmann",
                             "documents": [{"id": "D1", "title": "Søknad", "file": "1.pdf"}]}]}]}

Adding a harvester takes three steps, and nothing else:

1. Copy this file to ``harvesters/<name>.py``, rename the class, set ``name`` and
   ``description``, and replace the reading of the made-up format with your source's.
   Keep to the contract (``innsyn.harvest.contract.Harvester``): yield records
   (``innsyn.harvest.records``), read typed fields through a ``FieldReader``
   (``innsyn.harvest.fields``: a bad value is left empty with a warning) and choose
   titles with ``publishable_titles`` (``innsyn.harvest.titles``: never publish an
   internal or screened title).
2. Add a golden folder ``tests/harvesters/<name>/``: a few small real inputs and a case
   file saying where the harvester reads (``case.json``: ``{"location": "..."}``; a
   source read over HTTP also needs ``site.json``). Write the expected records once with
   ``pytest tests/unit/test_golden.py --update-golden``, read ``expected.json`` through,
   and check the folder in; from then on the test fails when the harvester's output
   changes, and it fails for a registered harvester without a folder
   (``tests/golden.py`` describes the layout).
3. Register it as an entry point in ``pyproject.toml``::

       [project.entry-points."innsyn.harvesters"]
       <name> = "harvesters.<name>:<YourClass>Harvester"

   and reinstall (``pip install -e .``); ``innsyn harvesters list`` then shows it.

This template itself is not registered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from harvesters.http_files import url_opener
from innsyn.harvest.contract import Harvester, HarvestError, is_url
from innsyn.harvest.fields import FieldReader
from innsyn.harvest.records import (
    DokumentRecord,
    EnhetRecord,
    FileRecord,
    HarvestWarning,
    JournalpostRecord,
    Record,
    SaksmappeRecord,
    SkjermingRecord,
)
from innsyn.harvest.titles import Titles, document_title, publishable_titles


class TemplateHarvester(Harvester):
    """A made-up JSON journal: one agency, its cases, their entries and documents."""

    # The entry-point name and the line ``innsyn harvesters list`` shows.
    name = "template"
    description = "Example harvester to copy (made-up JSON journal; not registered)"
    # True when a run from scratch sees every record, so records missing from a later
    # full run were deleted at the source. A file that is the whole journal: True.
    complete_by_default = True

    def records(self) -> Iterator[Record]:
        # local_path() is the location as a path; a URL is downloaded (through the shared,
        # polite self.http) to a temporary file that lives until the with-block ends.
        with self.local_path() as path:
            journal = self._read(path)
            # A document's file is opened by the pipeline while records() runs, so files
            # next to a downloaded journal stay readable: yield inside the with-block.
            yield from self._journal(journal, path.parent)

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        # HarvestError: the source cannot be read at all. The message says why; the run
        # fails with it and the previous state is kept.
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise HarvestError(f"{path.name}: not a readable JSON journal: {exc}") from exc
        if not isinstance(data, dict):
            raise HarvestError(f"{path.name}: expected a JSON object")
        return data

    def _journal(self, journal: dict[str, Any], folder: Path) -> Iterator[Record]:
        agency = journal.get("agency") or {}
        agency_id = _text(agency.get("id"))
        # An agency comes before the records it owns.
        if agency_id:
            yield EnhetRecord(
                system_id=agency_id,
                navn=_text(agency.get("name")) or agency_id,
                orgnummer=agency_id if len(agency_id) == 9 and agency_id.isascii() else None,
            )
        for case in journal.get("cases") or []:
            yield from self._case(case, agency_id, folder)

    def _case(self, case: dict[str, Any], agency_id: str | None, folder: Path) -> Iterator[Record]:
        case_id = _text(case.get("id"))
        if not case_id:
            # Something skipped is said, never silent.
            yield HarvestWarning("case without id skipped")
            return
        # One reader per record: a bad value is left empty and a warning names the record,
        # the field and the value. Readers made with about() share the warnings.
        fields = FieldReader(case_id)
        skjerming = _skjerming(case, fields)
        titles = publishable_titles(
            _text(case.get("public_title")), _text(case.get("title")), skjerming
        )
        # A case comes before its entries.
        yield SaksmappeRecord(
            system_id=case_id,
            offentlig_tittel=titles.public,  # never titles.withheld
            saksaar=fields.integer("year", case.get("year"), signed=False),
            sakssekvensnummer=fields.integer("number", case.get("number"), signed=False),
            saksdato=fields.date("date", case.get("date")),
            skjerming=skjerming,
            enhet_system_id=agency_id,
        )
        for entry in case.get("entries") or []:
            yield from self._entry(entry, case_id, agency_id, titles, fields, folder)
        yield from fields.drain()

    def _entry(
        self,
        entry: dict[str, Any],
        case_id: str,
        agency_id: str | None,
        case_titles: Titles,
        case_fields: FieldReader,
        folder: Path,
    ) -> Iterator[Record]:
        entry_id = _text(entry.get("id"))
        if not entry_id:
            case_fields.warn(f"entry without id in case {case_id} skipped")
            return
        fields = case_fields.about(entry_id)
        skjerming = _skjerming(entry, fields)
        titles = publishable_titles(
            _text(entry.get("public_title")), _text(entry.get("title")), skjerming
        )
        yield JournalpostRecord(
            system_id=entry_id,
            saksmappe_system_id=case_id,
            offentlig_tittel=titles.public,
            journalposttype=_text(entry.get("type")),
            journaldato=fields.date("date", entry.get("date")),
            skjerming=skjerming,
            dokumenter=[
                self._document(doc, fields, folder, titles, case_titles)
                for doc in entry.get("documents") or []
            ],
            enhet_system_id=agency_id,
        )

    def _document(
        self,
        doc: dict[str, Any],
        fields: FieldReader,
        folder: Path,
        *parents: Titles,
    ) -> DokumentRecord:
        skjerming = _skjerming(doc, fields)
        titles = publishable_titles(None, _text(doc.get("title")), skjerming)
        files = []
        ref = _text(doc.get("file"))
        opener = self._opener(ref, folder, fields) if ref else None
        if ref:
            files.append(
                FileRecord(
                    system_id=ref,
                    filnavn=ref.rstrip("/").rsplit("/", 1)[-1],
                    # None: described, but not fetched (unsafe path, screened document)
                    open=None if skjerming is not None else opener,
                    source_uri=ref if is_url(ref) else str(folder / ref),
                    declared_size=fields.integer("size", doc.get("size"), signed=False),
                )
            )
        return DokumentRecord(
            system_id=_text(doc.get("id")),
            # a document named like its entry's or case's withheld title is withheld too
            tittel=document_title(titles, *parents),
            skjerming=skjerming,
            files=files,
        )

    def _opener(self, ref: str, folder: Path, fields: FieldReader) -> Callable[[], BinaryIO] | None:
        if is_url(ref):
            return url_opener(self.http, ref)
        target = (folder / ref).resolve()
        if not target.is_relative_to(folder.resolve()):
            fields.warn(f"file outside the journal's folder refused: {ref!r}")
            return None
        return lambda: target.open("rb")


def _text(value: Any) -> str | None:
    """A JSON value as stripped text; ``None`` for nothing or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _skjerming(node: dict[str, Any], fields: FieldReader) -> SkjermingRecord | None:
    # "screened" is yes/no: a bad value is left empty with a warning and, when in doubt,
    # the record counts as screened (a missing title is a small loss, a leak is not).
    screened = fields.boolean("screened", node.get("screened"))
    if screened is False or (screened is None and node.get("screened") is None):
        return None
    return SkjermingRecord(skjermingshjemmel=_text(node.get("legal_basis")))
