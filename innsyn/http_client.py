"""The one HTTP client every harvester uses to reach an agency's server.

It is polite and defensive: timeouts on every request, retries with exponential backoff
on connection errors, 5xx and 429 (honouring ``Retry-After``), a delay and a cap on
parallel requests per host, a maximum download size, an honest ``User-Agent``,
``robots.txt`` for listing pages, and no server-side request forgery: URLs whose host
resolves to a loopback, private, link-local or otherwise reserved address are refused
(also at every redirect hop) unless the site allows them.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from innsyn.config import USER_AGENT, Settings
from innsyn.digits import ascii_int, is_ascii_digits

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5


class HttpFailure(OSError):
    """A request that did not succeed after the allowed retries; the message says why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class BlockedAddress(HttpFailure):
    """The URL points at an address the site does not allow harvesting from."""


class TooLarge(HttpFailure):
    """The response body is larger than the allowed download size."""


@dataclass
class HttpPolicy:
    """How the client treats one source; built from settings and a job's politeness."""

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 0.5
    max_retry_after: float = 60.0
    max_bytes: int = 100 * 1024 * 1024
    user_agent: str = USER_AGENT
    host_delay: float = 0.0
    max_parallel: int = 2
    allow_private: bool = False
    respect_robots: bool = True

    @classmethod
    def from_settings(
        cls, settings: Settings, politeness: dict[str, Any] | None = None
    ) -> HttpPolicy:
        """The site's settings, with a job's politeness (delay, max_parallel) on top."""
        pol = politeness or {}
        return cls(
            timeout=settings.http_timeout,
            retries=settings.http_retries,
            backoff=settings.http_backoff,
            max_retry_after=settings.http_max_retry_after,
            max_bytes=settings.max_file_size,
            user_agent=settings.http_user_agent,
            host_delay=float(pol.get("delay", settings.http_host_delay)),
            max_parallel=int(pol.get("max_parallel", settings.http_max_parallel)),
            allow_private=settings.http_allow_private_addresses,
        )


@dataclass
class Fetched:
    """A finished response: final URL, status, headers and (unless streamed away) the body."""

    url: str
    status: int
    headers: dict[str, str]
    content: bytes = b""
    size: int = 0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def json(self) -> object:
        import json

        return json.loads(self.content)


@dataclass
class _Host:
    slots: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    last: float = 0.0
    robots: RobotFileParser | None = None


def check_address(url: str, allow_private: bool) -> None:
    """Raise ``BlockedAddress`` unless ``url`` is http(s) to an allowed host (a first,
    early check with a clear message; the address actually connected to is checked
    again when connecting, ``GuardedBackend``)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise BlockedAddress(f"{url}: not a valid URL ({exc})") from exc
    if parts.scheme not in ("http", "https"):
        raise BlockedAddress(f"{url}: only http and https URLs can be harvested")
    if not host:
        raise BlockedAddress(f"{url}: no host in URL")
    if allow_private:
        return
    public_address(host, port or 0, url)


def public_address(host: str, port: int, what: str) -> str:
    """One address of ``host`` to connect to, when every address it resolves to is a
    global one; ``BlockedAddress`` otherwise (``what`` names the request in messages)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise HttpFailure(f"{what}: host {host} cannot be resolved ({exc})") from exc
    if not infos:
        raise HttpFailure(f"{what}: host {host} has no address")
    for info in infos:
        addr = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not addr.is_global or addr.is_multicast:
            raise BlockedAddress(
                f"{what}: {host} resolves to {addr}, a loopback, private or reserved address "
                "(allowed only with INNSYN_HTTP_ALLOW_PRIVATE_ADDRESSES)"
            )
    return str(infos[0][4][0]).split("%")[0]


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend connecting only to addresses checked at that moment.

    The name is resolved once, here; every address it gives must be global, and the
    connection goes to one of those very addresses. A name that resolved to a public
    address for ``check_address`` and to a private one a moment later (DNS rebinding)
    is refused, for the first request and for every redirect hop. TLS still checks the
    certificate against the name in the URL (httpcore passes it as ``server_hostname``).
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if not self.allow_private:
            host = public_address(host, port, f"{host}:{port}")
        return super().connect_tcp(host, port, timeout, local_address, socket_options)


def guarded_transport(allow_private: bool) -> httpx.HTTPTransport:
    """httpx's own transport (pooling, TLS, HTTP/1.1) whose connections go through
    ``GuardedBackend``. httpx does not take a network backend as a parameter, so the
    pool is given one before it has made any connection."""
    transport = httpx.HTTPTransport()
    pool = transport._pool
    if not isinstance(pool, httpcore.ConnectionPool):
        raise RuntimeError("httpx's transport has no connection pool to guard")
    pool._network_backend = GuardedBackend(allow_private)
    return transport


def declared_length(value: str | None) -> int | None:
    """The byte count of a ``Content-Length`` header: ASCII digits only (``"²"`` or
    ``"١٢"`` are not a length), ``None`` when absent or not a number. A number longer
    than 18 digits (more than any limit) counts as 10**18."""
    value = (value or "").strip()
    if not is_ascii_digits(value):
        return None
    length = ascii_int(value)
    return length if length is not None else 10**18


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if is_ascii_digits(value):
        # delta-seconds; past 9 digits (~31 years) it is simply long: the caller caps waits
        seconds = ascii_int(value, max_digits=9)
        return float(seconds) if seconds is not None else 1e9
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


Origin = tuple[str, str, int]


def origin_of(url: str) -> Origin:
    """The (scheme, host, port) of ``url``, the port filled in for http and https."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme, 0)
    return scheme, (parts.hostname or "").lower().rstrip("."), port


@dataclass(frozen=True)
class Credentials:
    """A job's credentials, bound to the origin of the job's location: they go with a
    request to that origin only, never to another host, port or scheme (a redirect, a
    file URL named in harvested data), and never with robots.txt."""

    origin: Origin
    authorization: str = field(repr=False)

    @classmethod
    def bearer(cls, location: str, token: str) -> Credentials:
        return cls(origin_of(location), f"Bearer {token}")

    @classmethod
    def basic(cls, location: str, username: str, password: str) -> Credentials:
        pair = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        return cls(origin_of(location), f"Basic {pair}")

    def for_url(self, url: str) -> dict[str, str]:
        """The header to add to a request for ``url``: none unless it is our origin."""
        return {"Authorization": self.authorization} if origin_of(url) == self.origin else {}


class HttpClient:
    """A thread-safe polite client; one per harvest run, shared by all its requests."""

    def __init__(
        self,
        policy: HttpPolicy | None = None,
        *,
        credentials: Credentials | None = None,
        headers: dict[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or HttpPolicy()
        self._credentials = credentials
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self.requests_made = 0
        self.retries_made = 0
        base_headers = {"User-Agent": self.policy.user_agent}
        base_headers.update(headers or {})
        self._client = httpx.Client(
            timeout=self.policy.timeout,
            follow_redirects=False,
            headers=base_headers,
            transport=guarded_transport(self.policy.allow_private),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self, url: str, headers: dict[str, str] | None = None, *, listing: bool = False
    ) -> Fetched:
        """GET ``url`` and read the body (capped). ``listing`` checks robots.txt first."""
        if listing:
            self._check_robots(url)
        return self._request(url, headers or {}, None)

    def download(self, url: str, sink: BinaryIO, headers: dict[str, str] | None = None) -> Fetched:
        """GET ``url`` and write the body into ``sink`` (capped); a 304 writes nothing."""
        return self._request(url, headers or {}, sink)

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self._hosts_lock:
            host = self._hosts.get(key)
            if host is None:
                host = _Host(threading.BoundedSemaphore(max(1, self.policy.max_parallel)))
                self._hosts[key] = host
            return host

    def _check_robots(self, url: str) -> None:
        if not self.policy.respect_robots:
            return
        host = self._host(url)
        if host.robots is None:
            parser = RobotFileParser()
            robots_url = urljoin(url, "/robots.txt")
            try:
                fetched = self._request(robots_url, {}, None, retries=0, anonymous=True)
                lines = fetched.content.decode("utf-8", "replace").splitlines()
                parser.parse(lines if fetched.status == 200 else [])
            except HttpFailure:
                parser.parse([])
            host.robots = parser
        if not host.robots.can_fetch(self.policy.user_agent, url):
            raise HttpFailure(f"{url}: disallowed by the site's robots.txt", status=None)

    def _request(
        self,
        url: str,
        headers: dict[str, str],
        sink: BinaryIO | None,
        retries: int | None = None,
        anonymous: bool = False,
    ) -> Fetched:
        allowed = self.policy.retries if retries is None else retries
        attempt = 0
        start = sink.tell() if sink is not None else 0
        while True:
            if sink is not None:
                sink.seek(start)
                sink.truncate()
            try:
                fetched = self._follow(url, headers, sink, anonymous)
            except (httpx.TransportError, HttpFailure) as exc:
                if isinstance(exc, BlockedAddress | TooLarge) or attempt >= allowed:
                    if isinstance(exc, HttpFailure):
                        raise
                    raise HttpFailure(f"{url}: {type(exc).__name__}: {exc}") from exc
                wait = self.policy.backoff * (2**attempt)
            else:
                if fetched.status not in RETRY_STATUSES:
                    if fetched.status >= 400:
                        raise HttpFailure(f"{url}: HTTP {fetched.status}", status=fetched.status)
                    return fetched
                if attempt >= allowed:
                    raise HttpFailure(
                        f"{url}: HTTP {fetched.status} after {attempt + 1} attempts",
                        status=fetched.status,
                    )
                hinted = retry_after_seconds(fetched.headers.get("retry-after"))
                wait = self.policy.backoff * (2**attempt) if hinted is None else hinted
            attempt += 1
            self.retries_made += 1
            self._sleep(min(wait, self.policy.max_retry_after))

    def _follow(
        self, url: str, headers: dict[str, str], sink: BinaryIO | None, anonymous: bool
    ) -> Fetched:
        for _hop in range(MAX_REDIRECTS + 1):
            check_address(url, self.policy.allow_private)
            hop_headers = dict(headers)
            hop_headers.pop("Authorization", None)
            hop_headers.pop("authorization", None)
            if self._credentials is not None and not anonymous:
                hop_headers.update(self._credentials.for_url(url))
            fetched, location = self._once(url, hop_headers, sink)
            if location is None:
                return fetched
            url = urljoin(url, location)
        raise HttpFailure(f"{url}: more than {MAX_REDIRECTS} redirects")

    def _once(
        self, url: str, headers: dict[str, str], sink: BinaryIO | None
    ) -> tuple[Fetched, str | None]:
        host = self._host(url)
        with host.slots:
            with host.lock:
                wait = host.last + self.policy.host_delay - time.monotonic()
                if wait > 0:
                    self._sleep(wait)
                host.last = time.monotonic()
            self.requests_made += 1
            with self._client.stream("GET", url, headers=headers) as resp:
                hdrs = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status_code in (301, 302, 303, 307, 308) and "location" in hdrs:
                    return Fetched(url, resp.status_code, hdrs), hdrs["location"]
                if resp.status_code >= 300:
                    return Fetched(url, resp.status_code, hdrs), None
                declared = declared_length(hdrs.get("content-length"))
                if declared is not None and declared > self.policy.max_bytes:
                    raise TooLarge(
                        f"{url}: {declared} bytes is more than the limit of "
                        f"{self.policy.max_bytes} bytes"
                    )
                body = bytearray()
                size = 0
                for chunk in resp.iter_bytes(1 << 16):
                    size += len(chunk)
                    if size > self.policy.max_bytes:
                        raise TooLarge(
                            f"{url}: more than the limit of {self.policy.max_bytes} bytes"
                        )
                    if sink is None:
                        body.extend(chunk)
                    else:
                        sink.write(chunk)
                return Fetched(str(resp.url), resp.status_code, hdrs, bytes(body), size), None
