"""Who is asking: the logged-in admin (session cookie) or an admin API key (Bearer)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, session, url_for

from innsyn.auth import Actor, actor_for_api_key, actor_for_user, session_stamp
from innsyn.store.models import User
from web.errors import api_error
from web.resources import resources

MAX_ROW_ID = 2**31 - 1


def reject_huge_ids(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """404 for a row id in the URL beyond any database integer (not an overflow error)."""
    if values and any(isinstance(v, int) and v > MAX_ROW_ID for v in values.values()):
        abort(404)


def current_actor() -> Actor | None:
    """The actor of this request (cached on ``g``), or None."""
    if "actor" in g:
        actor: Actor | None = g.actor
        return actor
    actor = None
    user_id = session.get("user_id")
    if user_id is not None:
        with resources().sessions() as s:
            user = s.get(User, user_id)
            if (
                user is not None
                and user.active
                and session.get("user_stamp") == session_stamp(user)
            ):
                actor = actor_for_user(user)
                g.username = user.username
    g.actor = actor
    return actor


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_actor() is None:
            return redirect(url_for("admin.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def key_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """An admin API view: needs ``Authorization: Bearer <key>``."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        actor = None
        if scheme.lower() == "bearer" and token:
            with resources().sessions.begin() as s:
                actor = actor_for_api_key(s, token.strip())
        if actor is None:
            resp = api_error(401, "unauthorized", "a valid admin API key is required")
            resp.headers["WWW-Authenticate"] = 'Bearer realm="innsyn-admin"'
            return resp
        g.actor = actor
        return view(*args, **kwargs)

    return wrapper
