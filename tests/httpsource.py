"""Real HTTP servers on 127.0.0.1 standing in for an agency's systems.

``SourceServer`` records every request (path, headers) and can be told to answer the
next requests to a path with given statuses (500, 429 with Retry-After...). ``N5wsSite``
serves a Noark 5 web-service API (HAL JSON, ``_links``, paging, ``$filter`` on
``endretDato``) built from the nikita example payloads; ``DocumentSite`` serves an
HTML index, a sitemap, RSS and Atom feeds and documents with ETag/Last-Modified.
"""

from __future__ import annotations

import copy
import datetime as dt
import email.utils
import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

NIKITA = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "nikita"
REL = "https://rel.arkivverket.no/noark5/v5/api/"

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int = 0


class SourceServer:
    """A threaded HTTP server; subclasses implement ``route``."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.faults: dict[str, list[tuple[int, dict[str, str]]]] = {}
        self.delay = 0.0
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer._handle(self)

            def log_message(self, *args: Any) -> None:
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SourceServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, path: str, *statuses: int, headers: dict[str, str] | None = None) -> None:
        """Answer the next requests to ``path`` with ``statuses``, then normally."""
        self.faults.setdefault(path, []).extend((s, headers or {}) for s in statuses)

    def count(self, predicate: Callable[[Seen], bool] | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if predicate is None or predicate(r))

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        import time

        parts = urlsplit(handler.path)
        seen = Seen(
            parts.path, parse_qs(parts.query), {k.lower(): v for k, v in handler.headers.items()}
        )
        with self._lock:
            self.requests.append(seen)
            queued = self.faults.get(parts.path)
            fault = queued.pop(0) if queued else None
        if self.delay:
            time.sleep(self.delay)
        if fault is not None:
            status, headers, body = fault[0], fault[1], b"temporary failure"
        else:
            try:
                status, headers, body = self.route(parts.path, seen.query, seen.headers)
            except KeyError:
                status, headers, body = 404, {}, b"not found"
        seen.status = status
        handler.send_response(status)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def route(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        raise KeyError(path)


def _json(data: Any) -> Reply:
    return 200, {"Content-Type": "application/vnd.noark5+json"}, json.dumps(data).encode()


def _example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (NIKITA / "scripts" / "json-example-data" / name).read_text(encoding="utf-8")
    )
    return data


class N5wsSite(SourceServer):
    """A Noark 5 web-service API with ``cases`` and ``entries`` that tests can change."""

    def __init__(self, entries: int = 6, page_size_cap: int = 4) -> None:
        super().__init__()
        self.page_size_cap = page_size_cap
        self.clock = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
        self.file_bytes = (NIKITA / "scripts" / "nikita_test_doc.odt").read_bytes()
        self.cases: dict[str, dict[str, Any]] = {}
        self.entries: dict[str, dict[str, Any]] = {}
        self.parts: dict[str, list[dict[str, Any]]] = {}
        self.documents: dict[str, dict[str, Any]] = {}
        """Fields to set on an entry's document (by entry system id)."""
        self.objects: dict[str, dict[str, Any]] = {}
        """Fields to set on the file object of an entry's document (by entry system id)."""
        self.add_case("sak-1")
        for n in range(1, entries + 1):
            self.add_entry(f"jp-{n}", "sak-1", f"Søknad om byggetillatelse gnr {n}/{n + 10}")

    def tick(self) -> str:
        self.clock += dt.timedelta(minutes=1)
        return self.clock.isoformat()

    def add_case(self, sid: str) -> None:
        case = _example("case-file-data.json")
        case.update(systemID=sid, endretDato=self.tick())
        self.cases[sid] = case

    def add_entry(self, sid: str, case: str, public_title: str, **extra: Any) -> None:
        entry = _example("registry-entry-data.json")
        entry.update(
            systemID=sid,
            offentligTittel=public_title,
            tittel=f"INTERNAL {public_title} Ola Nordmann",
            journalaar=2026,
            journalsekvensnummer=len(self.entries) + 1,
            journalpostnummer=len(self.entries) + 1,
            journaldato="2026-11-01",
            endretDato=self.tick(),
            case=case,
        )
        entry.update(extra)
        self.entries[sid] = entry
        person = _example("correspondence-part-person-data.json")
        self.parts[sid] = [person]

    def touch(self, sid: str, **changes: Any) -> None:
        self.entries[sid].update(changes, endretDato=self.tick())

    def _self(self, path: str) -> str:
        return f"{self.base}{path}"

    def _page(self, items: list[dict[str, Any]], path: str, query: dict[str, list[str]]) -> Reply:
        since = None
        flt = (query.get("$filter") or [""])[0]
        match = re.fullmatch(r"endretDato gt (\S+)", flt.strip())
        if flt and not match:
            return 400, {}, b"unsupported $filter"
        if match:
            since = dt.datetime.fromisoformat(match.group(1))
        chosen = [
            i for i in items if since is None or dt.datetime.fromisoformat(i["endretDato"]) > since
        ]
        chosen.sort(key=lambda i: i["endretDato"])
        top = min(int((query.get("$top") or ["10"])[0]), self.page_size_cap)
        skip = int((query.get("$skip") or ["0"])[0])
        page = chosen[skip : skip + top]
        links: dict[str, Any] = {"self": {"href": self._self(path)}}
        if skip + top < len(chosen):
            nxt = f"{path}?$top={top}&$skip={skip + top}"
            if flt:
                nxt += f"&$filter={flt.replace(' ', '%20')}"
            links["next"] = {"href": self._self(nxt)}
        return _json({"results": page, "count": len(chosen), "_links": links})

    def _case_view(self, case: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(case)
        href = self._self(f"/api/sakarkiv/saksmappe/{case['systemID']}/")
        out["_links"] = {"self": {"href": href}, f"{REL}sakarkiv/saksmappe/": {"href": href}}
        return out

    def _entry_view(self, entry: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in copy.deepcopy(entry).items() if k != "case"}
        sid = entry["systemID"]
        base = f"/api/sakarkiv/journalpost/{sid}"
        out["_links"] = {
            "self": {"href": self._self(f"{base}/")},
            f"{REL}sakarkiv/journalpost/": {"href": self._self(f"{base}/")},
            f"{REL}sakarkiv/saksmappe/": {
                "href": self._self(f"/api/sakarkiv/saksmappe/{entry['case']}/")
            },
            f"{REL}sakarkiv/korrespondansepart/": {
                "href": self._self(f"{base}/korrespondansepart/")
            },
            f"{REL}arkivstruktur/dokumentbeskrivelse/": {
                "href": self._self(f"{base}/dokumentbeskrivelse/")
            },
        }
        return out

    def route(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        parts = [p for p in path.split("/") if p]
        if parts == ["api"]:
            return _json({"_links": {f"{REL}sakarkiv/": {"href": self._self("/api/sakarkiv/")}}})
        if parts == ["api", "sakarkiv"]:
            tpl = "{?$filter&$orderby&$top&$skip}"
            return _json(
                {
                    "_links": {
                        f"{REL}sakarkiv/journalpost/": {
                            "href": self._self(f"/api/sakarkiv/journalpost{tpl}"),
                            "templated": True,
                        },
                        f"{REL}sakarkiv/ny-journalpost/": {"href": self._self("/x")},
                        f"{REL}sakarkiv/saksmappe/": {
                            "href": self._self(f"/api/sakarkiv/saksmappe{tpl}"),
                            "templated": True,
                        },
                    }
                }
            )
        if parts == ["api", "sakarkiv", "saksmappe"]:
            return self._page([self._case_view(c) for c in self.cases.values()], path, query)
        if parts == ["api", "sakarkiv", "journalpost"]:
            return self._page([self._entry_view(e) for e in self.entries.values()], path, query)
        if parts[:3] == ["api", "sakarkiv", "journalpost"] and len(parts) == 5:
            sid = parts[3]
            if sid not in self.entries:
                raise KeyError(path)
            if parts[4] == "korrespondansepart":
                return _json({"results": self.parts[sid], "count": len(self.parts[sid])})
            if parts[4] == "dokumentbeskrivelse":
                doc = _example("document-description-data.json")
                doc["systemID"] = f"db-{sid}"
                doc.update(self.documents.get(sid, {}))
                doc["_links"] = {
                    f"{REL}arkivstruktur/dokumentobjekt/": {
                        "href": self._self(
                            f"/api/arkivstruktur/dokumentbeskrivelse/{sid}/dokumentobjekt/"
                        )
                    }
                }
                return _json({"results": [doc], "count": 1})
        if parts[:2] == ["api", "arkivstruktur"] and parts[-1] == "dokumentobjekt":
            sid = parts[3]
            obj = _example("document-object-data.json")
            obj["systemID"] = f"do-{sid}"
            obj["sjekksum"] = hashlib.sha256(self.file_bytes).hexdigest()
            obj["filstoerrelse"] = len(self.file_bytes)
            obj.update(self.objects.get(sid, {}))
            obj["_links"] = {
                f"{REL}arkivstruktur/fil/": {
                    "href": self._self(f"/api/arkivstruktur/dokumentobjekt/{sid}/referanseFil")
                }
            }
            return _json({"results": [obj], "count": 1})
        if parts[:2] == ["api", "arkivstruktur"] and parts[-1] == "referanseFil":
            return 200, {"Content-Type": "application/vnd.oasis.opendocument.text"}, self.file_bytes
        raise KeyError(path)


@dataclass
class Doc:
    body: bytes
    content_type: str
    modified: dt.datetime
    title: str

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class DocumentSite(SourceServer):
    """A web site publishing documents, with conditional GET support."""

    docs: dict[str, Doc] = field(default_factory=dict)
    robots: str = "User-agent: *\nDisallow: /private/\n"

    def __post_init__(self) -> None:
        super().__init__()

    def publish(self, name: str, body: bytes, title: str, content_type: str = "text/plain") -> None:
        when = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.docs[name] = Doc(body, content_type, when, title)

    def route(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path in ("/index.html", "/private/index.html"):
            links = "".join(
                f'<li><a href="/docs/{n}">{d.title}</a></li>' for n, d in self.docs.items()
            )
            html = f"<html><head><title>Dokumenter</title></head><body><ul>{links}</ul>"
            html += '<a href="/om-oss">Om oss</a></body></html>'
            return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()
        if path == "/sitemap.xml":
            urls = "".join(
                f"<url><loc>{self.base}/docs/{n}</loc><lastmod>{d.modified.date()}</lastmod></url>"
                for n, d in self.docs.items()
            )
            xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return 200, {"Content-Type": "application/xml"}, xml.encode()
        if path == "/feed.rss":
            items = "".join(
                f"<item><title>{d.title}</title><link>{self.base}/docs/{n}</link>"
                f"<pubDate>{email.utils.format_datetime(d.modified)}</pubDate><guid>{n}</guid></item>"
                for n, d in self.docs.items()
            )
            xml = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
            return 200, {"Content-Type": "application/rss+xml"}, xml.encode()
        if path == "/feed.atom":
            entries = "".join(
                f"<entry><title>{d.title}</title><id>urn:doc:{n}</id>"
                f'<link rel="enclosure" href="{self.base}/docs/{n}"/>'
                f"<updated>{d.modified.isoformat()}</updated></entry>"
                for n, d in self.docs.items()
            )
            xml = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{entries}</feed>'
            return 200, {"Content-Type": "application/atom+xml"}, xml.encode()
        if path.startswith("/docs/"):
            doc = self.docs[path[len("/docs/") :]]
            validators = {
                "ETag": doc.etag,
                "Last-Modified": email.utils.format_datetime(doc.modified, usegmt=True),
            }
            if headers.get("if-none-match") == doc.etag:
                return 304, validators, b""
            return 200, {"Content-Type": doc.content_type, **validators}, doc.body
        raise KeyError(path)
