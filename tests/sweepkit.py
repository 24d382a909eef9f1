"""What the multi-run privacy sweep (tests/system/test_privacy_sweep_runs.py) looks with:
a client that keeps every public response (body, headers and attributes, with only the
request's own query taken out), OpenSearch queried directly, forbidden strings in many
spellings, valid fødselsnummer in many spellings, and the admin routes of the Flask
``url_map`` tried by another agency's admins and keys.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from urllib.parse import parse_qs, quote, quote_plus, unquote, unquote_plus, urlencode, urlsplit

import httpx
from stdnum.no import fodselsnummer

SEPARATORS = re.compile(r"[\s.\-\u00a0\u2009\u202f/]+")


def valid_fodselsnummer(birth: str, count: int) -> list[str]:
    """``count`` valid fødselsnummer for the birth date ``ddmmyy`` (python-stdnum rules)."""
    out: list[str] = []
    for individual in range(100, 500):
        base = f"{birth}{individual}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if k1 == "10":
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if k2 != "10" and fodselsnummer.is_valid(base + k1 + k2):
            out.append(base + k1 + k2)
        if len(out) == count:
            return out
    raise AssertionError("not enough numbers")


def fnr_spellings(number: str) -> list[str]:
    """``number`` as people write it: hyphen, dots in the date, spaces, a tab, a no-break
    space between the date and the personal number."""
    d, p = number[:6], number[6:]
    return [
        f"{d}-{p}",
        f"{d[:2]}.{d[2:4]}.{d[4:]} {p}",
        f"{d}  {p}",
        f"{d}\t{p}",
        f"{d}\u00a0{p}",
        f"{d[:2]} {d[2:4]} {d[4:]} {p[:3]} {p[3:]}",
    ]


def digits_only(text: str) -> str:
    """``text`` with every separator a fødselsnummer may be written with taken out."""
    return SEPARATORS.sub("", text)


def norm(text: str) -> str:
    """Case folded, every run of whitespace (tabs, no-break spaces) one space."""
    return " ".join(text.split()).casefold()


def json_text(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from json_text(v)
    elif isinstance(value, list):
        for item in value:
            yield from json_text(item)
    elif value is not None:
        yield str(value)


def zip_bytes(files: dict[str, str]) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _filename_param(name: str) -> str:
    """A MIME file name parameter; RFC 2231 for names that are not ASCII."""
    if name.isascii():
        return f'filename="{name}"'
    return f"filename*=UTF-8''{quote(name)}"


def email_bytes(subject: str, body: str, attachment_name: str, attachment_text: str) -> bytes:
    """An e-mail with one text attachment (Tika makes the attachment a document)."""
    return (
        "From: forelder@example.org\nTo: post@sveipvik.example\n"
        f"Subject: {subject}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="grense"\n\n'
        "--grense\nContent-Type: text/plain; charset=utf-8\n\n"
        f"{body}\n"
        "--grense\nContent-Type: text/plain; charset=utf-8\n"
        f"Content-Disposition: attachment; {_filename_param(attachment_name)}\n\n"
        f"{attachment_text}\n--grense--\n"
    ).encode()


@dataclass
class Seen:
    """One response as the sweep checks it: ``hay`` holds the body, the unescaped and
    URL-decoded body, its tags' attributes and every header, normalised."""

    url: str
    status: int
    hay: str
    raw: str
    headers: dict[str, str]


def _echoes(url: str) -> list[str]:
    """The request's own query values, in every encoding a response may repeat them."""
    out: set[str] = set()
    for values in parse_qs(urlsplit(url).query).values():
        for v in values:
            if len(v) >= 3:
                out |= {v, quote(v), quote_plus(v), html.escape(v), quote(v, safe="")}
    return sorted(out, key=len, reverse=True)


class Surfaces:
    """Public requests through the Flask test client; every response kept for checks."""

    HREF = re.compile(r'href="([^"]+)"')
    NEXT = re.compile(r'<a rel="next[^"]*" href="([^"]+)"')

    def __init__(self, client: Any) -> None:
        self.client = client
        self.seen: list[Seen] = []
        self.visited: set[str] = set()

    def get(self, url: str) -> Any:
        resp = self.client.get(url)
        body = resp.get_data().decode("utf-8", "replace")
        if resp.is_json:
            body = "\n".join(json_text(resp.get_json(silent=True)))
        text = html.unescape(body)
        headers = {k: v for k, v in resp.headers.items()}
        head = "\n".join(f"{k}: {v}" for k, v in headers.items())
        parts = [text, unquote_plus(text), unquote(head), head, re.sub(r"<[^>]*>", " ", text)]
        hay = "\n".join(parts)
        for echo in _echoes(url):
            hay = hay.replace(echo, " ")
        hay = norm(hay)
        for echo in _echoes(url):
            hay = hay.replace(norm(echo), " ")
        self.seen.append(Seen(url, resp.status_code, hay, text + "\n" + head, headers))
        self.visited.add(url)
        return resp

    def api_pages(self, **args: Any) -> list[dict[str, Any]]:
        """Every page of an API search; the items of all pages."""
        items: list[dict[str, Any]] = []
        cursor = None
        for _ in range(100):
            query = {**args, **({"cursor": cursor} if cursor else {})}
            resp = self.get("/api/v1/search?" + urlencode(query))
            assert resp.status_code == 200, (query, resp.get_json())
            body = resp.get_json()
            items += body["items"]
            cursor = body["next_cursor"]
            if not cursor:
                return items
        raise AssertionError("paging did not end")

    def crawl(self, seeds: Iterable[str], limit: int = 1500) -> None:
        """Follow every public link from ``seeds`` (facet, language and feed links of the
        seed pages only), with every next page."""
        queue = deque((url, True) for url in seeds)
        while queue and len(self.visited) < limit:
            url, seed = queue.popleft()
            if url in self.visited:
                continue
            resp = self.get(url)
            if resp.status_code != 200 or "text/html" not in resp.content_type:
                continue
            page = resp.get_data(as_text=True)
            nexts = {html.unescape(m) for m in self.NEXT.findall(page)}
            for link in (html.unescape(m) for m in self.HREF.findall(page)):
                parts = urlsplit(link)
                if not link.startswith("/") or link.startswith(("//", "/static", "/admin")):
                    continue
                if "lang=" in parts.query and not seed:
                    continue
                if parts.path in ("/", "/feed.atom") and not (seed or link in nexts):
                    continue
                queue.append((link, link in nexts and seed))


@dataclass
class IndexView:
    """Every index of one test's prefix, asked directly (not through the app)."""

    url: str
    prefix: str
    sources: list[str] = field(default_factory=list)

    def refresh(self) -> None:
        with httpx.Client(timeout=60) as c:
            c.post(f"{self.url}/{self.prefix}-*/_refresh").raise_for_status()
            r = c.post(
                f"{self.url}/{self.prefix}-*/_search",
                json={"size": 5000, "query": {"match_all": {}}},
            )
            r.raise_for_status()
            hits = r.json()["hits"]
            assert hits["total"]["value"] < 5000
            self.sources = [
                norm(json.dumps(h["_source"], ensure_ascii=False)) + " " + h["_index"]
                for h in hits["hits"]
            ]

    def finds(self, token: str) -> list[str]:
        """Where ``token`` is in the indices: a phrase over all fields, a query string over
        all fields, and a scan of every stored source."""
        found: list[str] = []
        queries = {
            "multi_match": {
                "multi_match": {"query": token, "type": "phrase", "fields": ["*"], "lenient": True}
            },
            "query_string": {
                "query_string": {"query": f'"{token}"', "fields": ["*"], "lenient": True}
            },
        }
        with httpx.Client(timeout=60) as c:
            for name, query in queries.items():
                r = c.post(
                    f"{self.url}/{self.prefix}-*/_search",
                    json={"size": 3, "query": query, "_source": False},
                )
                r.raise_for_status()
                for h in r.json()["hits"]["hits"]:
                    found.append(f"{name}:{h['_index']}/{h['_id']}")
        needle = norm(token)
        found += [f"_source:{s[:80]}" for s in self.sources if needle in s]
        return found

    def digits(self) -> str:
        return "\n".join(digits_only(s) for s in self.sources)
