"""Golden files for harvesters: run one on the inputs of its folder, write its records as JSON.

Every registered harvester has a folder ``tests/harvesters/<name>/`` holding small real
inputs and one or more cases. A case is ``case.json`` (expected output in
``expected.json``) or ``<input>.case.json`` (expected in ``<input>.expected.json``)::

    {"location": "extraction", "params": {"complete": "true"}}

``location`` is relative to the folder; for a harvester that reads over HTTP it starts
with ``{base}`` and the folder's ``site.json`` says what the local server on 127.0.0.1
serves (``N5wsSite`` or ``DocumentSite`` from ``tests.httpsource``, fed from the folder).

The expected file is every record the harvester yields, in order, as JSON: the record's
type, then its fields; dates in ISO form; a file described by its metadata and the sha256
and size of the bytes its ``open()`` gives (or the error opening it raised); the server's
address written as ``{base}`` and the folder's path as ``{folder}``, so the file reads the
same on every machine. Nothing here leaves 127.0.0.1: a harvester that asks for any other
host gets an ``HttpFailure``, recorded like any other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from unittest import mock
from urllib.parse import urlsplit

from innsyn.harvest.records import FileRecord
from innsyn.harvest.registry import get_harvester
from innsyn.http_client import Fetched, HttpClient, HttpFailure, HttpPolicy
from tests import httpsource

GOLDEN = Path(__file__).resolve().parent / "harvesters"
BASE = "{base}"
FOLDER = "{folder}"
MAX_DIFF_LINES = 400


class LocalOnlyHttp(HttpClient):
    """The shared HTTP client, allowed to reach 127.0.0.1 only."""

    def __init__(self) -> None:
        super().__init__(HttpPolicy(allow_private=True, retries=0, backoff=0.0))

    def get(
        self, url: str, headers: dict[str, str] | None = None, *, listing: bool = False
    ) -> Fetched:
        _local_only(url)
        return super().get(url, headers, listing=listing)

    def download(self, url: str, sink: BinaryIO, headers: dict[str, str] | None = None) -> Fetched:
        _local_only(url)
        return super().download(url, sink, headers)


def _local_only(url: str) -> None:
    if urlsplit(url).hostname != "127.0.0.1":
        raise HttpFailure(f"{url}: not fetched (golden tests stay on 127.0.0.1)")


@dataclass(frozen=True)
class Case:
    """One run of a harvester on an input of its golden folder."""

    folder: Path
    file: Path
    location: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def expected(self) -> Path:
        """Where the expected records of this case are kept."""
        return self.file.with_name(self.file.name.replace("case.json", "expected.json"))

    @property
    def label(self) -> str:
        return str(self.file.relative_to(GOLDEN))


def cases(folder: Path) -> list[Case]:
    """The cases of a golden folder (``case.json`` and ``*.case.json``), sorted by name."""
    found = []
    for file in sorted(folder.glob("*case.json")):
        if file.name != "case.json" and not file.name.endswith(".case.json"):
            continue
        data = json.loads(file.read_text(encoding="utf-8"))
        found.append(Case(folder, file, str(data["location"]), {**data.get("params", {})}))
    return found


def run(name: str, case: Case) -> str:
    """The records harvester ``name`` yields for ``case``, as the golden JSON text."""
    with ExitStack() as stack:
        base = stack.enter_context(_site(case.folder))
        http = stack.enter_context(LocalOnlyHttp())
        if case.location.startswith(BASE):
            if base is None:
                raise AssertionError(
                    f"{case.label}: location uses {BASE} but there is no site.json"
                )
            location = base + case.location[len(BASE) :]
        else:
            location = str(case.folder / case.location)
        harvester = get_harvester(name, location, case.params, http=http)
        places = {str(case.folder.resolve()): FOLDER, str(case.folder): FOLDER}
        if base is not None:
            places[base] = BASE
        out = [
            {"record": type(record).__name__, **_fields(record, places)}
            for record in harvester.records()
        ]
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"


def _fields(obj: Any, places: dict[str, str]) -> dict[str, Any]:
    values = {}
    for f in dataclasses.fields(obj):
        if isinstance(obj, FileRecord) and f.name == "open":
            values["open"] = _content(obj, places)
        else:
            values[f.name] = _value(getattr(obj, f.name), places)
    return values


def _content(file: FileRecord, places: dict[str, str]) -> dict[str, Any] | None:
    """What ``open()`` gives: the bytes' sha256 and size, or the error it raised."""
    if file.open is None:
        return None
    try:
        with file.open() as stream:
            digest = hashlib.sha256()
            size = 0
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        return {"error": _value(f"{type(exc).__name__}: {exc}", places)}
    return {"sha256": digest.hexdigest(), "size": size}


def _value(value: Any, places: dict[str, str]) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields(value, places)
    if isinstance(value, list | tuple):
        return [_value(v, places) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v, places) for k, v in value.items()}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        for real, placeholder in sorted(places.items(), key=lambda p: -len(p[0])):
            value = value.replace(real, placeholder)
        return value
    if value is None or isinstance(value, bool | int | float):
        return value
    raise TypeError(f"no golden form for {type(value).__name__}: {value!r}")


@contextmanager
def _site(folder: Path) -> Iterator[str | None]:
    """The folder's ``site.json`` served on 127.0.0.1 (its base URL), or None."""
    spec_file = folder / "site.json"
    if not spec_file.is_file():
        yield None
        return
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    kind = spec.get("kind")
    if kind == "n5ws":
        with _n5ws_site(folder, spec) as base:
            yield base
    elif kind == "documents":
        with _document_site(folder, spec) as base:
            yield base
    else:
        raise AssertionError(f"{spec_file}: unknown site kind {kind!r}")


@contextmanager
def _n5ws_site(folder: Path, spec: dict[str, Any]) -> Iterator[str]:
    """``N5wsSite`` with its nikita payloads read from the folder's ``nikita/``."""
    with mock.patch.object(httpsource, "NIKITA", folder / "nikita"):
        site = httpsource.N5wsSite(entries=0, page_size_cap=int(spec.get("page_size_cap", 4)))
        for case_id in spec.get("cases", []):
            site.add_case(case_id)
        for entry in spec.get("entries", []):
            extra = {k: v for k, v in entry.items() if k not in ("systemID", "case", "title")}
            site.add_entry(entry["systemID"], entry["case"], entry["title"], **extra)
        with site:
            yield site.base


@contextmanager
def _document_site(folder: Path, spec: dict[str, Any]) -> Iterator[str]:
    """``DocumentSite`` publishing the folder's documents with fixed modification times."""
    site = httpsource.DocumentSite()
    for doc in spec.get("documents", []):
        body = (folder / doc["file"]).read_bytes() if doc.get("file") else b""
        site.docs[doc["name"]] = httpsource.Doc(
            body,
            doc.get("content_type", "application/octet-stream"),
            dt.datetime.fromisoformat(doc["modified"]),
            doc["title"],
        )
    for path, statuses in spec.get("faults", {}).items():
        site.fail(path, *statuses)
    with site:
        yield site.base


def diff(expected: str, actual: str, label: str) -> str:
    """A unified diff of the expected and the actual golden text (cut when very long)."""
    lines = list(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            f"{label} (expected)",
            f"{label} (actual)",
            lineterm="",
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        cut = len(lines) - MAX_DIFF_LINES
        lines = [*lines[:MAX_DIFF_LINES], f"... {cut} more lines"]
    return "\n".join(lines)
