"""Admin identities: password hashing (argon2id), API keys, and who may touch what.

An ``Actor`` is whoever makes a change: a logged-in user, an API key, or the command
line. Site admins reach every agency; agency admins and agency API keys reach only
their own agency's jobs and runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from innsyn.store.models import ROLES, ApiKey, AuditEntry, Enhet, User, utcnow

_hasher = PasswordHasher()
KEY_PREFIX = "innsyn"
MIN_PASSWORD = 10


class AuthError(ValueError):
    """Bad credentials or an invalid account change; the message is safe to show."""


@dataclass(frozen=True)
class Actor:
    """Who acts: ``name`` for the audit log, ``agency_id`` None means the whole site."""

    name: str
    role: str
    agency_id: str | None
    user_id: int | None = None

    @property
    def site_admin(self) -> bool:
        return self.role == "site_admin"

    def may_reach(self, agency_id: str | None) -> bool:
        return self.site_admin or (agency_id is not None and agency_id == self.agency_id)


CLI_ACTOR = Actor("cli", "site_admin", None)


def scoped(query: Select[Any], column: Any, actor: Actor) -> Select[Any]:
    """``query`` limited to the actor's agency (no limit for site admins)."""
    if actor.site_admin:
        return query
    return query.where(column == actor.agency_id) if actor.agency_id else query.where(false())


def audit(
    session: Session,
    actor: Actor,
    action: str,
    target: str,
    agency_id: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Record who did what to which target; never pass credential values in ``details``."""
    session.add(
        AuditEntry(
            actor=actor.name, action=action, target=target, agency_id=agency_id, details=details
        )
    )


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: list[str] = []


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (timing kept similar)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        if not _DUMMY_HASH:
            _DUMMY_HASH.append(_hasher.hash(secrets.token_hex(8)))
        verify_password(_DUMMY_HASH[0], password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    return user


def login_attempt(
    session: Session, username: str, password: str, address: str | None
) -> User | None:
    """``authenticate``, with the attempt written to the audit log: when, the user name
    tried, the client's address and the outcome (never the password). The entry belongs
    to the user's agency, so its agency admins see it; a name that is no user is seen by
    site admins only."""
    user = authenticate(session, username, password)
    known = user or session.scalar(select(User).where(User.username == username))
    if user is not None:
        outcome = "ok"
    elif known is None:
        outcome = "unknown user"
    elif not known.active:
        outcome = "user disabled"
    else:
        outcome = "wrong password"
    audit(
        session,
        Actor(_user_name(username), "anonymous", None),
        "login.ok" if user is not None else "login.failed",
        _user_name(username),
        known.agency_id if known is not None else None,
        {"address": address or "", "outcome": outcome},
    )
    return user


def logout(session: Session, user_id: int, address: str | None) -> None:
    """Write a logout of user ``user_id`` (if it still exists) to the audit log."""
    user = session.get(User, user_id)
    if user is not None:
        name = _user_name(user.username)
        actor = actor_for_user(user)
        audit(session, actor, "logout", name, user.agency_id, {"address": address or ""})


def _user_name(username: str) -> str:
    return f"user:{username}"[:100]


def session_stamp(user: User) -> str:
    """What a login session holds besides the user's id, so that it ends with the user:
    a later user given the same id (or name) is not logged in by an old cookie."""
    return f"{user.id}:{user.username}:{user.created_at.isoformat()}"


def actor_for_user(user: User) -> Actor:
    return Actor(f"user:{user.username}", user.role, user.agency_id, user.id)


def resolve_agency(session: Session, ref: str) -> Enhet:
    """An agency by id, organisation number or exact name."""
    enhet = session.get(Enhet, ref)
    if enhet is None:
        enhet = session.scalar(select(Enhet).where(Enhet.orgnummer == ref).limit(1))
    if enhet is None:
        enhet = session.scalar(select(Enhet).where(Enhet.navn == ref).limit(1))
    if enhet is None:
        raise AuthError(f"no agency {ref!r} (id, organisation number or name)")
    return enhet


def create_user(
    session: Session, username: str, password: str, role: str, agency_id: str | None
) -> User:
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if role == "agency_admin" and not agency_id:
        raise AuthError("an agency admin needs an agency")
    if not username or len(username) > 100:
        raise AuthError("a username of 1 to 100 characters is required")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AuthError(f"user {username!r} exists")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        agency_id=agency_id if role == "agency_admin" else None,
    )
    session.add(user)
    session.flush()
    return user


def _key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    session: Session,
    name: str,
    agency_id: str | None,
    created_by: str,
    user_id: int | None = None,
) -> tuple[ApiKey, str]:
    """A new key (of user ``user_id``, if given); the plain key is returned once and
    never stored."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    plain = f"{KEY_PREFIX}_{prefix}_{secret}"
    key = ApiKey(
        prefix=prefix,
        key_hash=_key_hash(plain),
        name=name,
        agency_id=agency_id,
        created_by=created_by,
        user_id=user_id,
    )
    session.add(key)
    session.flush()
    return key, plain


def actor_for_api_key(session: Session, plain: str) -> Actor | None:
    """The actor of a presented key, or None when unknown, malformed or revoked."""
    parts = plain.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.key_hash, _key_hash(plain)):
        return None
    if key.user_id is not None:
        owner = session.get(User, key.user_id)
        if owner is None or not owner.active:
            return None
    key.last_used_at = utcnow()
    role = "agency_admin" if key.agency_id else "site_admin"
    return Actor(f"apikey:{key.prefix}", role, key.agency_id)


def issue_api_key(
    session: Session, actor: Actor, name: str, agency_id: str | None
) -> tuple[ApiKey, str]:
    """A key for ``agency_id`` (agency admins: always their own agency), audited."""
    if not name.strip():
        raise AuthError("give the key a name")
    if not actor.site_admin:
        agency_id = actor.agency_id
    key, plain = create_api_key(
        session, name.strip()[:200], agency_id or None, actor.name, actor.user_id
    )
    audit(session, actor, "apikey.create", f"apikey:{key.prefix}", key.agency_id, {"name": name})
    return key, plain


def list_api_keys(session: Session, actor: Actor) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id.desc())
    return list(session.scalars(scoped(query, ApiKey.agency_id, actor)))


def revoke_api_key(session: Session, actor: Actor, key_id: int) -> None:
    """Revoke a key within the actor's reach; ``LookupError`` otherwise."""
    key = session.get(ApiKey, key_id)
    if key is None or not actor.may_reach(key.agency_id):
        raise LookupError(f"no API key {key_id}")
    key.revoked_at = utcnow()
    audit(session, actor, "apikey.revoke", f"apikey:{key.prefix}", key.agency_id)


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AuthError(f"no user {username!r}")
    return user


def _revoke_keys_of(session: Session, actor: Actor, user: User) -> int:
    """Revoke every live key ``user`` made; return how many."""
    keys = list(
        session.scalars(
            select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
        )
    )
    for key in keys:
        key.revoked_at = utcnow()
        audit(session, actor, "apikey.revoke", f"apikey:{key.prefix}", key.agency_id)
    return len(keys)


def set_user_active(session: Session, actor: Actor, username: str, active: bool) -> int:
    """Enable or disable ``username``; disabling ends its sessions and revokes its API
    keys for good (enabling again does not bring them back). Returns the keys revoked."""
    user = _user(session, username)
    user.active = active
    revoked = 0 if active else _revoke_keys_of(session, actor, user)
    action = "user.enable" if active else "user.disable"
    audit(session, actor, action, _user_name(username), user.agency_id, {"keys_revoked": revoked})
    return revoked


def delete_user(session: Session, actor: Actor, username: str) -> int:
    """Delete ``username``: its sessions end and its API keys are revoked (kept, without
    an owner, so a later user of the same name inherits none). Returns the keys revoked."""
    user = _user(session, username)
    revoked = _revoke_keys_of(session, actor, user)
    for key in session.scalars(select(ApiKey).where(ApiKey.user_id == user.id)):
        key.user_id = None
    audit(session, actor, "user.delete", _user_name(username), user.agency_id)
    session.flush()
    session.delete(user)
    return revoked
