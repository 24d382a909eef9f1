"""Flask app factory. Nothing is created at import time; ``create_app(settings)`` builds it all.

Run with gunicorn: ``gunicorn 'web.wsgi:app'`` (``web/wsgi.py`` reads settings from the
environment).
"""

from __future__ import annotations

import secrets

from flask import Flask

from innsyn.config import Settings
from web.services import Services


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web application for ``settings`` (default: from the environment)."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["SECRET_KEY"] = settings.secret_key or secrets.token_hex(32)
    app.config["JSON_SORT_KEYS"] = False
    app.extensions["innsyn"] = Services(settings)

    from web.health import bp as health_bp

    app.register_blueprint(health_bp)
    return app
