"""An agency admin in headless Chromium: log in, configure a documents job against a
local web site, run it now (the scheduler picks it up), watch the run, change the site,
run again; the admin pages pass axe-core."""

from __future__ import annotations

import os
import threading
import time

import pytest
from sqlalchemy import select

from innsyn.auth import create_user
from innsyn.jobs.scheduler import JobScheduler
from innsyn.store.models import Enhet, HarvestRun, Job
from tests.conftest import make_settings
from tests.factories import store
from tests.httpsource import DocumentSite
from tests.live import CHROMIUM, CHROMIUM_ARGS, live_server
from web import create_app

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium not installed")
PASSWORD = "agency admin password"


def _serious(results) -> list[str]:
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_agency_admin_configures_and_runs_a_job(tmp_path, services):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    settings = make_settings(
        tmp_path,
        services,
        session_cookie_secure=False,
        http_allow_private_addresses=True,
        http_host_delay=0.0,
        scheduler_poll_seconds=0.3,
    )
    sessions = store(settings)
    with sessions.begin() as s:
        s.add_all([Enhet(id="oslo", navn="Oslo kommune"), Enhet(id="bergen", navn="Bergen")])
        s.flush()
        create_user(s, "olga", PASSWORD, "agency_admin", "oslo")
    sched = JobScheduler(settings, sessions, echo=lambda m: None)
    thread = threading.Thread(target=sched.serve, daemon=True)
    thread.start()
    axe = Axe()
    problems: dict[str, list[str]] = {}
    with (
        DocumentSite() as site,
        live_server(create_app(settings)) as base,
        sync_playwright() as p,
    ):
        site.publish("vedtak.txt", b"Vedtak om tilskudd til kulturhus.", "Vedtak kulturhus")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        try:
            page.goto(f"{base}/admin/")
            problems["login"] = _serious(axe.run(page))
            page.fill("#username", "olga")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.click("text=New job")
            problems["form"] = _serious(axe.run(page))
            assert page.locator("#agency_id option").all_inner_texts() == ["Oslo kommune"]
            page.fill("#name", "Oslo dokumenter")
            page.select_option("#harvester", "documents")
            page.fill("#location", f"{site.base}/feed.rss")
            page.fill("#schedule", "0 3 1 1 *")  # not due: only Run now starts it
            page.click("text=Save")
            assert page.locator("h1").inner_text() == "Oslo dokumenter"
            page.click("text=Run now")
            assert "Run requested" in page.locator(".flash").inner_text()

            def settled() -> int:
                """Finished runs once nothing is running or requested, else -1."""
                with sessions() as s:
                    job = s.scalar(select(Job))
                    runs = list(s.scalars(select(HarvestRun.finished_at)))
                    busy = job.run_requested or job.lease_owner or not all(runs)
                    return -1 if busy or not runs else len(runs)

            _wait(lambda: settled() >= 1)
            before = settled()
            page.reload()
            row = page.locator("table.admin tbody tr").first.locator("td").all_inner_texts()
            with sessions() as s:
                errors = [r.errors for r in s.scalars(select(HarvestRun))]
            assert row[2] == "ok" and row[3] in ("1", "0"), errors
            problems["job"] = _serious(axe.run(page))
            site.publish("budsjett.txt", b"Budsjett 2027.", "Budsjett 2027")
            page.click("text=Run now")
            _wait(lambda: settled() == before + 1)
            page.reload()
            row = page.locator("table.admin tbody tr").first.locator("td").all_inner_texts()
            assert row[2] == "ok" and row[3] == "1" and row[5] == "1"  # 1 new, 1 unchanged
            page.locator("table.admin tbody tr").first.locator("a").click()
            assert "harvest of job:" in page.locator("pre.log").inner_text()
            problems["run"] = _serious(axe.run(page))
            page.goto(f"{base}/?q=budsjett")
            assert page.locator("article.hit").count() == 1
        finally:
            browser.close()
            sched.stop()
            thread.join(30)
    assert {k: v for k, v in problems.items() if v} == {}


def _wait(cond, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.5)
    raise AssertionError("condition not reached in time")
