"""Innsyn's web layer: the Flask app factory, HTML views and the JSON API."""

from web.app import create_app

__all__ = ["create_app"]
