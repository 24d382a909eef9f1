"""Flask app factory. Nothing is created at import time; ``create_app(settings)`` builds it all.

Run with gunicorn: ``gunicorn 'web.wsgi:app'`` (``web/wsgi.py`` reads settings from the
environment).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, current_app, g, render_template
from flask.json.provider import DefaultJSONProvider
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask.wrappers import Request
from werkzeug.exceptions import HTTPException

from innsyn.config import Settings
from innsyn.keys import secret_key
from innsyn.search.params import ParamError
from innsyn.search.searcher import SearchUnavailable
from web.ratelimit import storage_uri
from web.resources import Resources

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, not building the signing serializer (a fresh
    itsdangerous object each time, some 5% of the CPU Flask spends around the
    view) for a request without a session cookie, such as every API call: the session
    is then new and empty, as Flask's own ``open_session`` makes it after building the
    serializer. With a cookie, or without a secret key, it is Flask's code unchanged."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web application for ``settings`` (default: from the environment)."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="innsyn_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        RATELIMIT_STORAGE_URI=storage_uri(settings.rate_limit_storage),
        RATELIMIT_HEADERS_ENABLED=True,
        # a shared store (Redis) out of reach: each worker counts for itself until it is
        # back, rather than every limited page failing
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
    )
    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.session_interface = CookieSessions()
    json_provider = DefaultJSONProvider(app)
    json_provider.sort_keys = False
    app.json = json_provider
    app.extensions["innsyn"] = Resources(settings)

    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address
    from flask_wtf.csrf import CSRFProtect

    from web import admin, admin_api, api, health, views
    from web.i18n import LANGUAGE_NAMES, TEXTS, current_language, translate

    csrf = CSRFProtect(app)
    limiter = Limiter(get_remote_address, app=app)
    limiter.limit(settings.rate_limit_search)(api.bp)
    limiter.limit(settings.rate_limit_search)(views.bp)
    csrf.exempt(api.bp)
    csrf.exempt(admin_api.bp)

    app.register_blueprint(health.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin_api.bp)
    app.register_blueprint(admin.bp)
    limited: Any = limiter.limit(settings.rate_limit_login, methods=["POST"])
    app.view_functions["admin.login"] = limited(app.view_functions["admin.login"])

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        return {
            "t": translate,
            "lang": current_language(),
            "languages": LANGUAGE_NAMES,
            "texts": TEXTS,
        }

    @app.after_request
    def _security_headers(resp: Any) -> Any:
        for key, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(key, value)
        return resp

    app.register_error_handler(Exception, _handle_error)
    return app


def _handle_error(exc: Exception) -> ResponseReturnValue:
    from web.errors import api_error, from_exception, is_api
    from web.i18n import param_error_text, translate

    if is_api():
        resp = from_exception(exc)
        if resp is None:
            current_app.logger.exception("unhandled error in the API", exc_info=exc)
            return api_error(500, "internal_error", "an unexpected error occurred")
        return resp
    if isinstance(exc, ParamError):
        g.refused_params = {exc.param}  # not repeated in the page's links
        return (
            render_template("error.html", status=exc.status, message=param_error_text(exc)),
            exc.status,
        )
    if isinstance(exc, SearchUnavailable):
        return render_template("error.html", status=503, message=translate("unavailable")), 503
    if isinstance(exc, HTTPException):
        message = translate("not_found") if exc.code == 404 else exc.description
        return render_template("error.html", status=exc.code, message=message), exc.code or 500
    raise exc
