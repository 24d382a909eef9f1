"""The web UI in headless Chromium: accessibility (axe-core), no JavaScript, phone width."""

from __future__ import annotations

import os

import pytest

from innsyn.demo import load_demo
from tests.live import CHROMIUM, CHROMIUM_ARGS, live_server
from web import create_app

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed")


@pytest.fixture
def base_url(settings, testdata):
    load_demo(settings, lambda _line: None, testdata)
    with live_server(create_app(settings)) as url:
        yield url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _serious(results) -> list[str]:
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_pages_pass_axe(browser, base_url):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page()
    page.goto(f"{base_url}/?q=søknad")
    entry = page.locator("article.hit h3 a").first.get_attribute("href")
    problems = {}
    for path in ["/", "/?q=søknad", "/?q=søknad&lang=en", entry, "/api/v1/docs"]:
        page.goto(f"{base_url}{path}")
        found = _serious(axe.run(page))
        if found:
            problems[path] = found
    assert problems == {}


def test_search_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url)
    page.fill("#q", "parykk")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=parykk**")
    assert page.locator("article.hit").count() >= 1
    page.locator("article.hit h3 a").first.click()
    assert "parykk" in page.locator("h1").inner_text().lower()
    context.close()


def test_usable_on_a_phone(browser, base_url):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(f"{base_url}/?q=søknad")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
