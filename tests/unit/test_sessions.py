"""web.app.CookieSessions: Flask's cookie sessions, without building the signing
serializer for requests that carry no session cookie (no services needed)."""

from __future__ import annotations

from flask import session
from flask.sessions import SecureCookieSessionInterface

from web import create_app
from web.app import CookieSessions


def _app(offline_settings):
    app = create_app(offline_settings)

    @app.get("/_t/set/<value>")
    def set_value(value: str) -> str:
        session["v"] = value
        return "ok"

    @app.get("/_t/get")
    def get_value() -> str:
        return f"{session.get('v', '-')}|{session.new}|{len(session)}"

    return app


def test_without_a_cookie_no_serializer_is_built_and_the_session_is_new(
    offline_settings, monkeypatch
):
    app = _app(offline_settings)
    assert isinstance(app.session_interface, CookieSessions)
    built = []
    original = SecureCookieSessionInterface.get_signing_serializer

    def counting(self, flask_app):
        built.append(1)
        return original(self, flask_app)

    monkeypatch.setattr(SecureCookieSessionInterface, "get_signing_serializer", counting)
    client = app.test_client()
    assert client.get("/_t/get").get_data(as_text=True) == "-|False|0"
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
    assert built == []


def test_a_cookie_is_read_and_written_as_by_flask(offline_settings):
    app = _app(offline_settings)
    client = app.test_client()
    assert client.get("/_t/set/hei").status_code == 200
    cookie = client.get_cookie("innsyn_session")
    assert cookie is not None
    assert client.get("/_t/get").get_data(as_text=True) == "hei|False|1"
    # The same cookie read by Flask's own interface gives the same session.
    plain = _app(offline_settings)
    plain.session_interface = SecureCookieSessionInterface()
    other = plain.test_client()
    other.set_cookie("innsyn_session", cookie.value)
    assert other.get("/_t/get").get_data(as_text=True) == "hei|False|1"
    # A tampered cookie is an empty session, as with Flask's.
    client.set_cookie("innsyn_session", cookie.value[:-2] + "xx")
    assert client.get("/_t/get").get_data(as_text=True) == "-|False|0"


def test_without_a_secret_key_it_is_flasks_null_session(offline_settings):
    app = _app(offline_settings)
    app.secret_key = None
    assert app.session_interface.open_session(app, app.test_request_context().request) is None
