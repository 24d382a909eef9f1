"""The interface in bokmål, nynorsk and English, the agency page past 50 entries, and the
search's date filters in the UI (issue 15 item 5), through the Flask test client on a
real store and index: real public journals (Digdir's Noark 5 and OEP examples) harvested,
and an agency with 55 entries."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import select

from harvesters.noark5 import Noark5Harvester
from harvesters.oep import OepHarvester
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.indexing.indexer import catch_up
from innsyn.search_client import make_client
from innsyn.store.models import Enhet, Journalpost, Saksmappe, utcnow
from tests.conftest import make_settings
from tests.factories import add_entry, store
from web import create_app
from web.i18n import TEXTS

EINNSYN = "felleslosninger-docs/resources/einnsyn/eksempelfiler"
SOURCES = [
    (Noark5Harvester, f"{EINNSYN}/1_jpost_skjerming_noark5.xml"),
    (Noark5Harvester, f"{EINNSYN}/3_jpost_allefelter_noark5.xml"),
    (OepHarvester, "difi-einnsyn-klient/eksempelfiler/einnsyn difi fulltekst -minimal.xml"),
]
ENTRIES = 55
"""Entries of the agency Fjellbygd kommune: more than one page (50) of its page."""


@pytest.fixture(scope="module")
def site(services, testdata, tmp_path_factory):
    """One installation for the module (its harvest and index take some 20 s); the tests
    only read it."""
    busy = make_settings(
        tmp_path_factory.mktemp("ui"), services, rate_limit_search="100000 per minute"
    )
    sessions = store(busy)
    for i, (harvester, path) in enumerate(SOURCES):
        harvest(harvester(str(testdata / path)), RunContext(busy, sessions, f"s{i}", extract=False))
    with sessions.begin() as s:
        agency = Enhet(id="en_f", navn="Fjellbygd kommune")
        sak = Saksmappe(
            id="sm_f", source_key="f", system_id="SF", saksaar=2025, sakssekvensnummer=7,
            offentlig_tittel="Byggesaker Fjellbygd", enhet=agency,
        )  # fmt: skip
        for i in range(ENTRIES):
            add_entry(
                s,
                f"Byggeløyve gnr {i}",
                enhet=agency,
                sak=sak,
                journaldato=dt.date(2025, 1, 1) + dt.timedelta(days=i),
                dokumentets_dato=dt.date(2024, 12, 1) + dt.timedelta(days=i),
                publisert_dato=dt.datetime(2025, 2, 1, tzinfo=dt.UTC) + dt.timedelta(days=i),
            )
    catch_up(busy, make_client(busy), sessions)
    client = create_app(busy).test_client()
    client.sessions = sessions  # type: ignore[attr-defined]
    yield client
    with httpx.Client(timeout=30) as http:
        http.delete(f"{services.opensearch}/{busy.index_prefix}-*")


class Page(HTMLParser):
    """The links, the ``<html lang>``, the forms and the language they send, and the
    visible text (with the labels read out:
    ``aria-label``, ``title``, ``alt``) of one page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, dict[str, str | None]]] = []
        self.lang: str | None = None
        self.forms = 0
        self.form_languages: list[str | None] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("script", "style", "code"):
            self._skip += 1
        if a.get("href"):
            self.links.append((str(a["href"]), a))
        if tag == "form":
            self.forms += 1
        if tag == "input" and a.get("name") == "lang":
            self.form_languages.append(a.get("value"))
        self.text.extend(str(a[k]) for k in ("aria-label", "title", "alt") if a.get(k))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def _internal(href: str) -> bool:
    return href.startswith("/") and not href.startswith("//")


def _in(url: str, lang: str) -> str:
    parts = urlsplit(url)
    args = [(k, v) for k, v in parse_qs(parts.query).items() if k != "lang"]
    flat = [(k, x) for k, vs in args for x in vs] + [("lang", lang)]
    return f"{parts.path}?{urlencode(flat)}"


def _occurrences(text: str, phrase: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(phrase)}(?!\w)", text))


BOKMAL_ONLY = {
    key: v["nb"] for key, v in TEXTS.items() if v["nb"] != v.get("nn") and "{" not in v["nb"]
}
"""The bokmål texts that nynorsk says otherwise (those without a value filled in)."""


def test_every_page_in_nynorsk_links_in_nynorsk_and_holds_no_bokmal(site):
    """A crawl of every page reachable from the front page in nynorsk: each is
    ``<html lang="nn">``, every internal link to a page carries ``lang=nn`` (the address
    is the language's source of truth; the language switch alone links elsewhere, with
    ``hreflang``), and no bokmål text of the catalogue that nynorsk words differently is
    on it more often than on the same page in English (where it can only be data, such
    as a title)."""
    seen: dict[str, str] = {}
    queue = deque(["/?lang=nn", "/?q=byggeløyve&lang=nn"])
    links: list[tuple[str, str]] = []
    pages = 0
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        resp = site.get(url)
        seen[url] = resp.mimetype
        assert resp.status_code == 200, url
        if resp.mimetype != "text/html":
            continue
        pages += 1
        page = Page(resp.get_data(as_text=True))
        assert page.lang == "nn", url
        assert page.form_languages == ["nn"] * page.forms, url
        english = Page(site.get(_in(url, "en")).get_data(as_text=True))
        for key, bokmal in BOKMAL_ONLY.items():
            assert _occurrences(page.words, bokmal) <= _occurrences(english.words, bokmal), (
                url,
                key,
                bokmal,
            )
        for href, attrs in page.links:
            if not _internal(href) or href.startswith(("/static/", "/admin")):
                continue
            if attrs.get("hreflang"):
                assert parse_qs(urlsplit(href).query)["lang"] == [attrs["hreflang"]]
                continue
            links.append((url, href))
            queue.append(href.split("#")[0])
    assert pages > ENTRIES + 10, "every entry of the agency and the real journals were seen"
    to_pages = [(src, href) for src, href in links if seen.get(href.split("#")[0]) == "text/html"]
    assert len(to_pages) > 100
    for src, href in to_pages:
        assert parse_qs(urlsplit(href).query).get("lang") == ["nn"], (src, href)
    feeds = [href for href in seen if href.startswith("/feed.atom")]
    assert feeds, "the search page links its feed"
    feed = site.get(feeds[0]).get_data(as_text=True)
    assert 'xml:lang="nn"' in feed and "lang=nn" in feed


def test_nynorsk_is_chosen_in_the_header_and_by_the_browser(site):
    front = site.get("/?q=byggeløyve").get_data(as_text=True)
    switch = re.search(r'<a href="([^"]+)" lang="nn" hreflang="nn">Nynorsk</a>', front)
    assert switch, "the header offers nynorsk"
    nn = site.get(switch.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert '<html lang="nn">' in nn and "Verksemd" in nn and "Søkjeord" in nn
    assert "byggeløyve" in nn.lower(), "the search is kept"
    browser = site.get("/", headers={"Accept-Language": "nn-NO,nn;q=0.9,en;q=0.5"})
    assert '<html lang="nn">' in browser.get_data(as_text=True)
    assert "Accept-Language" in browser.headers["Vary"]
    english = site.get("/?lang=en", headers={"Accept-Language": "nn"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Agency" in english


def test_the_agency_page_pages_past_fifty_entries(site):
    """55 entries: the first page shows 50 and links the next; that page shows the other
    5 and no next link; no entry twice; the language is kept."""
    first = site.get("/enhet/en_f?lang=nn")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    shown = set(re.findall(r"Byggeløyve gnr (\d+)", html))
    assert len(shown) == 50
    nxt = re.search(r'<a rel="next[^"]*" href="([^"]+)"', html)
    assert nxt, "a link to the next page"
    href = nxt.group(1).replace("&amp;", "&")
    assert "lang=nn" in href and "cursor=" in href
    second = site.get(href).get_data(as_text=True)
    rest = set(re.findall(r"Byggeløyve gnr (\d+)", second))
    assert len(rest) == ENTRIES - 50 and not rest & shown
    assert 'rel="next' not in second and "Første side" in second
    assert site.get(href).get_data(as_text=True) == second, "the cursor is stable"
    bad = site.get("/enhet/en_f?cursor=!!&lang=nn")
    assert bad.status_code == 400 and "Lenkja til neste side" in bad.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "value", "count"),
    [
        ("journaldato", ("2025-01-01", "2025-01-10"), 10),
        ("dokumentetsdato", ("2024-12-01", "2024-12-05"), 5),
        ("publisertdato", ("2025-02-01", "2025-02-03"), 3),
    ],
)
def test_date_filters_in_the_form_and_kept_in_links(site, name, value, count):
    args = {"q": "byggeløyve", f"{name}_from": value[0], f"{name}_to": value[1], "lang": "nn"}
    html = site.get("/", query_string=args).get_data(as_text=True)
    assert f"{count} treff" in html
    for end, day in zip(("from", "to"), value, strict=True):
        assert re.search(rf'name="{name}_{end}" type="date" value="{day}"', html)
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/\?[^"]+)"', html)]
    facet_links = [h for h in links if "journalposttype=" in h]
    assert facet_links and all(f"{name}_from={value[0]}" in h for h in facet_links)
    if name != "journaldato":
        assert re.search(r"<details class=\"more-dates\" open>", html)


def test_paging_keeps_the_date_filter(site):
    args = {
        "q": "byggeløyve",
        "journaldato_from": "2025-01-03",
        "sort": "date_asc",
        "size": "20",
        "lang": "nn",
    }
    html = site.get("/", query_string=args).get_data(as_text=True)
    assert {int(n) for n in re.findall(r"gnr (\d+)", html)} == set(range(2, 22))
    nxt = re.search(r'<a rel="next[^"]*" href="([^"]+)"', html)
    assert nxt and "journaldato_from=2025-01-03" in nxt.group(1)
    rest = site.get(nxt.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert {int(n) for n in re.findall(r"gnr (\d+)", rest)} == set(range(22, 42))


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nn", "«Journaldato frå» må vere ein dato som 2024-05-31."),
        ("nb", "«Journaldato fra» må være en dato som 2024-05-31."),
        ("en", "“Journal date from” must be a date like 2024-05-31."),
    ],
)
def test_a_bad_date_is_a_clear_message_in_the_form(site, lang, message):
    args = {"journaldato_from": "31.05.2024", "q": "x", "journalposttype": "U", "lang": lang}
    resp = site.get("/", query_string=args)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert message in html
    assert re.search(r'name="journaldato_from" type="date" value="31.05.2024" aria-invalid', html)
    assert 'value="x"' in html and '<option value="U" selected>' in html, "the rest is kept"


def test_a_refused_query_is_not_shown_back(site):
    """A query holding a fødselsnummer is refused in the page's language, and the number
    is not put back in the search box."""
    from stdnum.no import fodselsnummer

    valid = next(n for i in range(10000) if fodselsnummer.is_valid(n := f"0101901{i:04d}"))
    resp = site.get("/", query_string={"q": f"søknad {valid}", "lang": "nn"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Søket inneheld eit fødselsnummer" in html and valid not in html
    feed = site.get("/feed.atom", query_string={"q": valid, "lang": "nn"})
    assert feed.status_code == 400 and valid not in feed.get_data(as_text=True)


def test_reversed_dates_name_both_fields(site):
    args = {"publisertdato_from": "2025-03-01", "publisertdato_to": "2025-02-01", "lang": "nn"}
    resp = site.get("/", query_string=args)
    assert resp.status_code == 400
    assert "«Publisert frå» er etter «Publisert til»." in resp.get_data(as_text=True)


def test_records_of_sources_without_publication_date_have_one(site):
    """Noark 5 XML and OEP state no publisertDato: each record got the harvest time."""
    with site.sessions() as s:
        rows = s.execute(
            select(Journalpost.source_key, Journalpost.publisert_dato).where(
                Journalpost.source_key != "test"
            )
        ).all()
        cases = s.scalars(select(Saksmappe.publisert_dato).where(Saksmappe.source_key != "f"))
        dates = [when for _, when in rows] + list(cases)
    assert {key for key, _ in rows} == {"s0", "s1", "s2"}
    assert all(when is not None and when <= utcnow() for when in dates)
