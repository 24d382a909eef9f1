"""Public documents published on a web site: an HTML index page, a ``sitemap.xml`` or an
RSS/Atom feed. Every linked document becomes one entry with one document and its file.

The listing is read on every run (it is the complete list, so documents that left it
are deleted). Each document is fetched with a conditional GET (``If-None-Match``,
``If-Modified-Since`` from what the previous run saw, kept in ``state``): an unchanged
document costs one 304 and is neither downloaded nor extracted again.

Parameters: ``pattern`` (a regular expression a link must match; default: common
document extensions, or every link of a sitemap/feed; screened and run with a time limit
by ``innsyn.harvest.patterns``), ``title_prefix``.

A listed date that cannot be read (``lastmod``, ``pubDate``, ``published``/``updated``)
is left empty with a warning (``innsyn.harvest.fields``). The title is the one the site
publishes (link text or feed title): a web site has no internal titles to withhold.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, BinaryIO
from urllib.parse import urldefrag, urljoin, urlsplit

from harvesters.http_files import spool as new_spool
from harvesters.xmlsafe import parse_xml
from innsyn.harvest.caps import caps
from innsyn.harvest.contract import Harvester, HarvestError
from innsyn.harvest.fields import FieldReader
from innsyn.harvest.patterns import PatternError, PatternTimeout, compile_pattern, search
from innsyn.harvest.records import (
    DokumentRecord,
    FileRecord,
    HarvestWarning,
    JournalpostRecord,
    Record,
)
from innsyn.http_client import HttpFailure

DOCUMENT_LINK = re.compile(
    r"\.(pdf|docx?|odt|rtf|txt|xlsx?|ods|pptx?|odp|csv|html?)$", re.IGNORECASE
)
MAX_SITEMAPS = 50


@dataclass
class Listed:
    """A document link found in a listing; ``date`` is the text of its ``date_field``."""

    url: str
    title: str | None = None
    date: str | None = None
    ident: str | None = None
    date_field: str = "date"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)
        if self._in_title:
            self.title = (self.title or "") + data


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(elem: Any, name: str) -> str | None:
    for child in elem:
        if _local(child.tag) == name and child.text and child.text.strip():
            return str(child.text.strip())
    return None


def _filename(url: str) -> str | None:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or None


class DocumentsHarvester(Harvester):
    """Documents linked from an HTML page, a sitemap or an RSS/Atom feed, fetched
    with conditional GETs."""

    name = "documents"
    description = "Public documents listed on a web page, a sitemap.xml or an RSS/Atom feed"

    @property
    def complete(self) -> bool:
        return self.params.get("complete", "true").lower() in ("1", "true", "yes")

    def records(self) -> Iterator[Record]:
        try:
            listed = self._listing()
        except HttpFailure as exc:
            raise HarvestError(f"listing unavailable: {exc}") from exc
        known: dict[str, dict[str, Any]] = dict(self.state.get("documents") or {})
        fresh: dict[str, dict[str, Any]] = {}
        self.state["documents"] = fresh
        spool: BinaryIO | None = None
        try:
            for item in listed:
                if spool is not None:
                    spool.close()
                    spool = None
                try:
                    file, spool, meta = self._fetch(item.url, known.get(item.url))
                except HttpFailure as exc:
                    yield HarvestWarning(f"{item.url}: {exc}", item.url)
                    if item.url in known:
                        fresh[item.url] = known[item.url]
                    continue
                fresh[item.url] = meta
                title = item.title or _filename(item.url)
                prefix = self.params.get("title_prefix")
                if prefix and title:
                    title = f"{prefix}{title}"
                fields = FieldReader(item.ident or item.url)
                date = fields.feed_date(item.date_field, item.date)
                yield JournalpostRecord(
                    system_id=item.ident or item.url,
                    offentlig_tittel=title,
                    journaldato=date,
                    dokumentets_dato=date,
                    dokumenter=[
                        DokumentRecord(
                            system_id=item.url,
                            tittel=title,
                            dokumentnummer=1,
                            tilknyttet_registrering_som="H",
                            files=[file],
                        )
                    ],
                )
                yield from fields.drain()
        finally:
            if spool is not None:
                spool.close()

    def _fetch(
        self, url: str, previous: dict[str, Any] | None
    ) -> tuple[FileRecord, BinaryIO | None, dict[str, Any]]:
        headers: dict[str, str] = {}
        if previous and previous.get("sha256"):
            if previous.get("etag"):
                headers["If-None-Match"] = previous["etag"]
            if previous.get("last_modified"):
                headers["If-Modified-Since"] = previous["last_modified"]
        spool = new_spool()
        try:
            fetched = self.http.download(url, spool, headers)
        except BaseException:
            spool.close()
            raise
        if fetched.not_modified and previous:
            spool.close()
            return self._file(url, previous["sha256"], None, fetched.headers), None, previous
        spool.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: spool.read(1 << 20), b""):
            digest.update(chunk)
        sha256 = digest.hexdigest()
        meta = {
            "etag": fetched.headers.get("etag"),
            "last_modified": fetched.headers.get("last-modified"),
            "sha256": sha256,
        }
        return self._file(url, sha256, spool, fetched.headers), spool, meta

    def _file(
        self, url: str, sha256: str, spool: BinaryIO | None, headers: dict[str, str]
    ) -> FileRecord:
        def _open() -> BinaryIO:
            if spool is not None and not spool.closed:
                spool.seek(0)
                return spool
            fresh = new_spool()
            self.http.download(url, fresh)
            fresh.seek(0)
            return fresh

        media = headers.get("content-type", "").split(";")[0].strip() or None
        return FileRecord(
            system_id=url,
            filnavn=_filename(url),
            open=_open,
            source_uri=url,
            media_type=media,
            declared_checksum=sha256,
            declared_checksum_algorithm="sha256",
        )

    def _listing(self) -> list[Listed]:
        fetched = self.http.get(self.location, listing=True)
        body = fetched.content
        kind = fetched.headers.get("content-type", "").lower()
        head = body[:512].lstrip().lower()
        xmlish = "xml" in kind or head.startswith((b"<?xml", b"<rss", b"<feed"))
        if xmlish and b"<html" not in head:
            return self._xml_listing(body, self.location, 0)
        return self._html_listing(body.decode(_charset(kind), "replace"), fetched.url)

    def _xml_listing(self, body: bytes, base: str, depth: int) -> list[Listed]:
        root = parse_xml(body, base)
        tag = _local(root.tag)
        items: list[Listed] = []
        if tag == "urlset":
            for url in root:
                loc = _child_text(url, "loc")
                if loc:
                    items.append(Listed(loc, None, _child_text(url, "lastmod"), None, "lastmod"))
        elif tag == "sitemapindex":
            if depth >= 2:
                raise HarvestError(f"{base}: sitemap indexes nested too deep")
            for sm in list(root)[:MAX_SITEMAPS]:
                loc = _child_text(sm, "loc")
                if loc:
                    items.extend(
                        self._xml_listing(self.http.get(loc, listing=True).content, loc, depth + 1)
                    )
        elif tag == "rss":
            for item in root.iter():
                if _local(item.tag) != "item":
                    continue
                link = next(
                    (c.get("url") for c in item if _local(c.tag) == "enclosure" and c.get("url")),
                    None,
                ) or _child_text(item, "link")
                if link:
                    items.append(
                        Listed(
                            urljoin(base, link),
                            _child_text(item, "title"),
                            _child_text(item, "pubDate"),
                            _child_text(item, "guid"),
                            "pubDate",
                        )
                    )
        elif tag == "feed":
            for entry in root:
                if _local(entry.tag) != "entry":
                    continue
                links = [c for c in entry if _local(c.tag) == "link" and c.get("href")]
                chosen = next((c for c in links if c.get("rel") == "enclosure"), None)
                if chosen is None:  # an Element without children is falsy: compare to None
                    chosen = next((c for c in links if c.get("rel") in (None, "alternate")), None)
                if chosen is not None:
                    items.append(
                        Listed(
                            urljoin(base, chosen.get("href")),
                            _child_text(entry, "title"),
                            _child_text(entry, "published") or _child_text(entry, "updated"),
                            _child_text(entry, "id"),
                            "published" if _child_text(entry, "published") else "updated",
                        )
                    )
        else:
            raise HarvestError(f"{base}: neither a sitemap, an RSS nor an Atom feed ({tag})")
        return self._filter(items, default_all=True)

    def _html_listing(self, text: str, base: str) -> list[Listed]:
        parser = _Links()
        parser.feed(text)
        items = [
            Listed(urldefrag(urljoin(base, href))[0], label or None)
            for href, label in parser.links
            if not href.startswith(("mailto:", "javascript:", "#"))
        ]
        return self._filter(items, default_all=False)

    def _filter(self, items: list[Listed], default_all: bool) -> list[Listed]:
        pattern = self.params.get("pattern")
        timeout = caps(self.params).pattern_timeout
        try:
            regex = compile_pattern(pattern) if pattern else None
        except PatternError as exc:
            raise HarvestError(f"parameter 'pattern' refused: {exc}") from exc
        out: dict[str, Listed] = {}
        for item in items:
            if not item.url.startswith(("http://", "https://")):
                continue
            if regex is not None:
                try:
                    if not search(regex, item.url, timeout):
                        continue
                except PatternTimeout as exc:
                    raise HarvestError(f"parameter 'pattern': {exc}") from exc
            elif not default_all and not DOCUMENT_LINK.search(urlsplit(item.url).path):
                continue
            out.setdefault(item.url, item)
        return list(out.values())


def _charset(content_type: str) -> str:
    import codecs

    match = re.search(r"charset=([\w-]+)", content_type)
    if match:
        try:
            return codecs.lookup(match.group(1)).name
        except LookupError:
            pass
    return "utf-8"
