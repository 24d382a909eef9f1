"""The admin UI and admin API through Flask's test client on the real database:
login, cookies, CSRF, agency scoping (UI and API), API keys, audit, rate limits."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from innsyn.auth import Actor, create_api_key, create_user
from innsyn.jobs.manage import create_job
from innsyn.store.models import AuditEntry, Enhet, Job
from tests.conftest import make_settings
from tests.factories import store
from web.app import create_app

PASSWORD = "correct horse battery"
SITE = Actor("test", "site_admin", None)


@pytest.fixture
def env(tmp_path):
    settings = make_settings(
        tmp_path,
        opensearch_urls=["http://127.0.0.1:9"],
        tika_url="http://127.0.0.1:9",
        session_cookie_secure=False,
        rate_limit_login="5 per minute",
        rate_limit_search="1000 per minute",
    )
    sessions = store(settings)
    with sessions.begin() as s:
        s.add_all(
            [Enhet(id="oslo", navn="Oslo kommune"), Enhet(id="bergen", navn="Bergen kommune")]
        )
        s.flush()
        create_user(s, "olga", PASSWORD, "agency_admin", "oslo")
        create_user(s, "berit", PASSWORD, "agency_admin", "bergen")
        create_user(s, "sigurd", PASSWORD, "site_admin", None)
        oslo_job = create_job(
            s,
            settings,
            SITE,
            _job(
                "oslo",
                "Oslo postliste",
                "https://oslo.example.org/api",
                credentials={"token": "oslo-secret-token-123"},
            ),
        ).id
        bergen_job = create_job(
            s, settings, SITE, _job("bergen", "Bergen postliste", "https://bergen.example.org/api")
        ).id
        _, oslo_key = create_api_key(s, "ci", "oslo", "test")
    app = create_app(settings)
    return {
        "settings": settings,
        "sessions": sessions,
        "app": app,
        "oslo_job": oslo_job,
        "bergen_job": bergen_job,
        "oslo_key": oslo_key,
    }


def _job(agency, name, url, **extra):
    return {
        "name": name,
        "agency_id": agency,
        "harvester": "n5ws",
        "location": url,
        "schedule": "every 1h",
        **extra,
    }


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def _login(client, username):
    page = client.get("/admin/login")
    resp = client.post(
        "/admin/login",
        data={"username": username, "password": PASSWORD, "csrf_token": _token(page.text)},
    )
    assert resp.status_code == 302, resp.text
    return client


def test_login_wrong_password_and_cookie_flags(tmp_path):
    settings = make_settings(tmp_path, opensearch_urls=["http://127.0.0.1:9"])
    sessions = store(settings)
    with sessions.begin() as s:
        create_user(s, "sigurd", PASSWORD, "site_admin", None)
    client = create_app(settings).test_client()
    page = client.get("/admin/login")
    bad = client.post(
        "/admin/login",
        data={"username": "sigurd", "password": "nope-nope-nope", "csrf_token": _token(page.text)},
    )
    assert bad.status_code == 401 and "Wrong user name or password" in bad.text
    good = client.post(
        "/admin/login",
        data={"username": "sigurd", "password": PASSWORD, "csrf_token": _token(page.text)},
    )
    cookie = next(v for k, v in good.headers.items() if k == "Set-Cookie" and "innsyn_session" in v)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with sessions() as s:
        from innsyn.store.models import User

        hashed = s.scalar(select(User.password_hash))
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed


def test_admin_pages_need_login(env):
    client = env["app"].test_client()
    resp = client.get("/admin/")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
    assert client.get(f"/admin/jobs/{env['oslo_job']}").status_code == 302


def test_forms_without_csrf_token_are_refused(env):
    client = _login(env["app"].test_client(), "olga")
    resp = client.post(f"/admin/jobs/{env['oslo_job']}/edit", data=_form("Hijacked", "oslo"))
    assert resp.status_code == 400
    with env["sessions"]() as s:
        assert s.get(Job, env["oslo_job"]).name == "Oslo postliste"


def _form(name, agency, **extra):
    data = {
        "name": name,
        "agency_id": agency,
        "harvester": "documents",
        "location": "https://www.oslo.kommune.no/postliste.rss",
        "schedule": "every 2h",
        "enabled": "on",
        "params": "pattern=\\.pdf$",
        "delay": "1",
        "max_parallel": "2",
    }
    data.update(extra)
    return data


def test_agency_admin_ui_scoping(env):
    client = _login(env["app"].test_client(), "olga")
    listing = client.get("/admin/")
    assert "Oslo postliste" in listing.text and "Bergen postliste" not in listing.text
    bergen = env["bergen_job"]
    assert client.get(f"/admin/jobs/{bergen}").status_code == 404
    assert client.get(f"/admin/jobs/{bergen}/edit").status_code == 404
    token = _token(client.get("/admin/jobs/new").text)
    for path, data in [
        (f"/admin/jobs/{bergen}/edit", _form("Mine now", "oslo")),
        (f"/admin/jobs/{bergen}/run", {}),
        (f"/admin/jobs/{bergen}/delete", {}),
    ]:
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 404
    sneaky = client.post("/admin/jobs/new", data={**_form("Sneaky", "bergen"), "csrf_token": token})
    assert sneaky.status_code == 422 and "your own agency" in sneaky.text
    with env["sessions"]() as s:
        job = s.get(Job, bergen)
        assert job.name == "Bergen postliste" and job.run_requested is None
        assert s.scalar(select(Job).where(Job.name == "Sneaky")) is None
        changes = [e for e in s.scalars(select(AuditEntry)) if not e.action.startswith("login")]
        assert not any(e.actor == "user:olga" for e in changes)


def test_agency_admin_creates_edits_and_runs_own_job(env):
    client = _login(env["app"].test_client(), "olga")
    token = _token(client.get("/admin/jobs/new").text)
    created = client.post(
        "/admin/jobs/new",
        data={
            **_form("Oslo dokumenter", "oslo"),
            "cred_username": "harvester",
            "cred_password": "pw-for-source-1",
            "csrf_token": token,
        },
    )
    assert created.status_code == 302
    with env["sessions"]() as s:
        job = s.scalar(select(Job).where(Job.name == "Oslo dokumenter"))
        assert job.params == {"pattern": "\\.pdf$"} and job.politeness == {
            "delay": 1.0,
            "max_parallel": 2,
        }
        job_id = job.id
    detail = client.get(f"/admin/jobs/{job_id}")
    assert "Oslo dokumenter" in detail.text and "pw-for-source-1" not in detail.text
    edit_page = client.get(f"/admin/jobs/{job_id}/edit")
    assert (
        "pw-for-source-1" not in edit_page.text
        and "harvester" not in edit_page.text.split("Credentials")[1][:300]
    )
    bad = client.post(
        f"/admin/jobs/{job_id}/edit",
        data={**_form("Oslo dokumenter", "oslo", schedule="sometimes"), "csrf_token": token},
    )
    assert bad.status_code == 422 and "invalid schedule" in bad.text
    ok = client.post(f"/admin/jobs/{job_id}/run", data={"csrf_token": token, "full": "1"})
    assert ok.status_code == 302
    with env["sessions"]() as s:
        assert s.get(Job, job_id).run_requested == "full"
    audit = client.get("/admin/audit").text
    assert "job.create" in audit and "job.run_full" in audit and "user:olga" in audit
    assert "pw-for-source-1" not in audit


def test_site_admin_sees_every_agency(env):
    client = _login(env["app"].test_client(), "sigurd")
    listing = client.get("/admin/").text
    assert "Oslo postliste" in listing and "Bergen postliste" in listing
    assert client.get(f"/admin/jobs/{env['bergen_job']}").status_code == 200


def test_api_key_scoping_and_error_shape(env):
    client = env["app"].test_client()
    auth = {"Authorization": f"Bearer {env['oslo_key']}"}
    none = client.get("/api/v1/admin/jobs")
    assert none.status_code == 401 and none.json["error"]["code"] == "unauthorized"
    assert "Bearer" in none.headers["WWW-Authenticate"]
    wrong = client.get("/api/v1/admin/jobs", headers={"Authorization": "Bearer innsyn_dead_beef"})
    assert wrong.status_code == 401
    jobs = client.get("/api/v1/admin/jobs", headers=auth).json["jobs"]
    assert [j["name"] for j in jobs] == ["Oslo postliste"]
    assert jobs[0]["credentials_set"] is True and "oslo-secret" not in str(jobs)
    bergen = env["bergen_job"]
    for method, path in [
        ("get", f"/jobs/{bergen}"),
        ("patch", f"/jobs/{bergen}"),
        ("delete", f"/jobs/{bergen}"),
        ("post", f"/jobs/{bergen}/run"),
        ("get", f"/jobs/{bergen}/runs"),
    ]:
        resp = getattr(client, method)(
            f"/api/v1/admin{path}", headers=auth, json={"enabled": False}
        )
        assert resp.status_code == 404, (method, path)
        assert set(resp.json["error"]) >= {"code", "message"}
    created = client.post(
        "/api/v1/admin/jobs", headers=auth, json=_job("bergen", "Sneaky", "https://x.example.org/")
    )
    assert created.status_code == 422 and created.json["error"]["parameter"] == "agency_id"
    own = client.post(
        "/api/v1/admin/jobs",
        headers=auth,
        json={
            "name": "Via API",
            "harvester": "documents",
            "location": "https://oslo.example.org/sitemap.xml",
            "schedule": "0 5 * * *",
        },
    )
    assert own.status_code == 201 and own.json["agency_id"] == "oslo"
    patched = client.patch(
        f"/api/v1/admin/jobs/{own.json['id']}", headers=auth, json={"enabled": False}
    )
    assert patched.json["enabled"] is False
    run = client.post(f"/api/v1/admin/jobs/{env['oslo_job']}/run", headers=auth)
    assert run.status_code == 202 and run.json["run_requested"] == "incremental"
    with env["sessions"]() as s:
        job = s.get(Job, bergen)
        assert job.enabled is True and job.run_requested is None
    assert client.delete(f"/api/v1/admin/jobs/{own.json['id']}", headers=auth).status_code == 204


def test_revoked_key_is_refused(env):
    client = _login(env["app"].test_client(), "olga")
    page = client.get("/admin/keys")
    made = client.post("/admin/keys", data={"name": "deploy", "csrf_token": _token(page.text)})
    plain = re.search(r'<code class="secret">([^<]+)</code>', made.text).group(1)
    assert client.get("/admin/keys").text.count(plain) == 0
    api = env["app"].test_client()
    assert (
        api.get("/api/v1/admin/jobs", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 200
    )
    from innsyn.store.models import ApiKey

    with env["sessions"]() as s:
        key = s.scalar(select(ApiKey).where(ApiKey.name == "deploy"))
        assert plain not in key.key_hash and key.agency_id == "oslo"
    client.post(f"/admin/keys/{key.id}/revoke", data={"csrf_token": _token(page.text)})
    assert (
        api.get("/api/v1/admin/jobs", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 401
    )


def test_login_is_rate_limited(env):
    client = env["app"].test_client()
    token = _token(client.get("/admin/login").text)
    codes = [
        client.post(
            "/admin/login",
            data={"username": "olga", "password": "wrong-wrong-wrong", "csrf_token": token},
        ).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    last = client.post(
        "/admin/login", data={"username": "olga", "password": PASSWORD, "csrf_token": token}
    )
    assert last.status_code == 429 and int(last.headers["Retry-After"]) > 0


def test_search_api_is_rate_limited_with_error_shape(tmp_path):
    settings = make_settings(
        tmp_path, opensearch_urls=["http://127.0.0.1:9"], rate_limit_search="2 per minute"
    )
    client = create_app(settings).test_client()
    codes = [client.get("/api/v1/search?q=budsjett").status_code for _ in range(3)]
    assert codes[2] == 429 and 429 not in codes[:2]
    resp = client.get("/api/v1/search?q=budsjett")
    assert resp.json["error"]["code"] == "too_many_requests"
    assert int(resp.headers["Retry-After"]) > 0


def test_admin_jobs_page_shows_the_ocr_backlog_and_only_site_admins_see_failures(env):
    from innsyn.ocr.status import OcrStatus, PageStatus
    from innsyn.store.models import OcrPage, OcrTask

    with env["sessions"].begin() as s:
        s.add(
            OcrTask(
                sha256="a" * 64,
                kind="pdf",
                page_count=5,
                pages=[1, 2, 3, 4, 5],
                status=OcrStatus.QUEUED,
                claims=0,
            )
        )
        s.add(
            OcrTask(
                sha256="b" * 64,
                kind="pdf",
                page_count=2,
                pages=[1, 2],
                status=OcrStatus.PARTIAL,
                claims=1,
                error="OCR read 1 of 2 pages; page 2: timed out after 180 s",
            )
        )
        s.flush()
        s.add(OcrPage(sha256="a" * 64, page=1, status=PageStatus.DONE, text="x", seconds=4.0))
        s.add(
            OcrPage(
                sha256="b" * 64,
                page=2,
                status=PageStatus.FAILED,
                seconds=180.0,
                error="timed out after 180 s",
            )
        )

    site = _login(env["app"].test_client(), "sigurd").get("/admin/").text
    assert re.search(r'data-ocr="pages_waiting">4 \(ETA \d+ s\)', site), site
    assert 'data-ocr="documents_waiting">1<' in site
    assert 'data-ocr="documents_partial">1 / 0 (1 pages failed)' in site
    assert "page 2: timed out after 180 s" in site

    agency = _login(env["app"].test_client(), "olga").get("/admin/").text
    assert 'data-ocr="pages_waiting">4' in agency
    assert "timed out" not in agency and "b" * 12 not in agency


def _post_login(client, username, password, address):
    token = _token(client.get("/admin/login").text)
    return client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_logins_failed_logins_and_logouts_are_audited_per_agency(env):
    wrong = "wrong-password-olga-77"
    client = env["app"].test_client()
    assert _post_login(client, "olga", wrong, "198.51.100.7").status_code == 401
    assert _post_login(client, "mallory", wrong, "198.51.100.8").status_code == 401
    assert _post_login(client, "olga", PASSWORD, "198.51.100.9").status_code == 302
    token = _token(client.get("/admin/keys").text)
    logout = client.post(
        "/admin/logout", data={"csrf_token": token}, environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert logout.status_code == 302
    berit = env["app"].test_client()
    assert _post_login(berit, "berit", PASSWORD, "192.0.2.44").status_code == 302

    with env["sessions"]() as s:
        rows = [
            (e.action, e.target, e.agency_id, (e.details or {}).get("address"), e.details)
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action.startswith(("login", "logout"))
        ]
    assert [r[:4] for r in rows] == [
        ("login.failed", "user:olga", "oslo", "198.51.100.7"),
        ("login.failed", "user:mallory", None, "198.51.100.8"),
        ("login.ok", "user:olga", "oslo", "198.51.100.9"),
        ("logout", "user:olga", "oslo", "198.51.100.9"),
        ("login.ok", "user:berit", "bergen", "192.0.2.44"),
    ]
    assert [r[4]["outcome"] for r in rows[:3]] == ["wrong password", "unknown user", "ok"]
    assert wrong not in str(rows) and PASSWORD not in str(rows)

    site = _login(env["app"].test_client(), "sigurd").get("/admin/audit").text
    for shown in ("user:mallory", "198.51.100.7", "192.0.2.44", "login.failed", "logout"):
        assert shown in site
    assert wrong not in site and PASSWORD not in site
    oslo = _login(env["app"].test_client(), "olga").get("/admin/audit").text
    assert "198.51.100.7" in oslo and "login.failed" in oslo
    assert "user:berit" not in oslo and "192.0.2.44" not in oslo and "mallory" not in oslo


def test_the_audited_address_is_the_client_behind_a_trusted_proxy(env):
    settings = env["settings"].model_copy(update={"trusted_proxies": 1})
    client = create_app(settings).test_client()
    token = _token(client.get("/admin/login").text)
    client.post(
        "/admin/login",
        data={"username": "olga", "password": "nope-nope-nope", "csrf_token": token},
        headers={"X-Forwarded-For": "203.0.113.1, 198.51.100.23"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    with env["sessions"]() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "login.failed"))
    assert entry.details["address"] == "198.51.100.23"


def _cli(settings, *args):
    from click.testing import CliRunner

    from innsyn.cli import main

    env = {
        "INNSYN_DATA_DIR": str(settings.data_dir),
        "INNSYN_DATABASE_URL": "",
        "INNSYN_SECRET_KEY": settings.secret_key,
        "INNSYN_USER_PASSWORD": PASSWORD,
    }
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _new_key(client):
    page = client.get("/admin/keys")
    made = client.post("/admin/keys", data={"name": "deploy", "csrf_token": _token(page.text)})
    return re.search(r'<code class="secret">([^<]+)</code>', made.text).group(1)


def test_api_keys_and_sessions_end_with_their_user(env):
    from innsyn.store.models import User

    settings = env["settings"]
    _cli(settings, "users", "add", "otto", "--agency", "oslo")
    api = env["app"].test_client()

    def status(key):
        return api.get("/api/v1/admin/jobs", headers={"Authorization": f"Bearer {key}"}).status_code

    browser = _login(env["app"].test_client(), "otto")
    first = _new_key(browser)
    assert status(first) == 200 and status(env["oslo_key"]) == 200
    assert "1 API key(s) revoked" in _cli(settings, "users", "disable", "otto")
    assert status(first) == 401
    assert browser.get("/admin/").status_code == 302
    _cli(settings, "users", "enable", "otto")
    assert status(first) == 401

    browser = _login(env["app"].test_client(), "otto")
    second = _new_key(browser)
    assert status(second) == 200
    with env["sessions"]() as s:
        old_id = s.scalar(select(User.id).where(User.username == "otto"))
    assert "1 API key(s) revoked" in _cli(settings, "users", "delete", "otto")
    assert status(second) == 401 and browser.get("/admin/").status_code == 302

    _cli(settings, "users", "add", "otto", "--agency", "oslo")
    with env["sessions"]() as s:
        assert s.scalar(select(User.id).where(User.username == "otto")) == old_id  # id reused
    assert status(first) == 401 and status(second) == 401
    assert browser.get("/admin/").status_code == 302
    assert status(env["oslo_key"]) == 200  # a key made on the command line has no user
    fresh = _login(env["app"].test_client(), "otto")
    assert fresh.get("/admin/").status_code == 200
