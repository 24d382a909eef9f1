"""A lean plain-HTTP/1.1 connection class for opensearch-py, for the search path.

opensearch-py's default connection goes through urllib3 and ``http.client``: per request
that is a pool checkout, a retry object, header dictionaries and validation at three
levels, and response headers parsed by the ``email`` package. Measured on the search
API's requests (a 4-line ``_msearch`` and a ~13 kB answer over loopback) that was about
0.3 ms of CPU a request, against 0.05 ms for writing the request and reading the answer
on a kept-alive socket directly. This class does the latter, behind the same contract as
``Urllib3HttpConnection`` (same arguments from the transport, same ``(status, headers,
text)`` result, the same exceptions: ``ConnectionError``, ``ConnectionTimeout``, and the
HTTP error classes through ``Connection._raise_error``), so the transport's retries, the
client's API and the callers' error handling are unchanged.

What it speaks: HTTP/1.1 without TLS. Answers framed by ``Content-Length``, by chunked
transfer coding, or by the server closing the connection; 1xx interim answers skipped;
no body for HEAD, 204 and 304; ``Content-Encoding`` gzip and deflate undone (it asks for
identity, as urllib3 does). Sockets are kept alive and reused (up to ``pool_maxsize``
idle ones, any number in use), checked for a close by the server before reuse, and a
request that fails on a reused socket before any answer arrived is sent once more on a
new one (the server closed it while idle). For ``https`` nodes, compression or callable
auth it refuses to be built: use the default connection class there.
"""

from __future__ import annotations

import base64
import gzip
import os
import re
import select
import socket
import threading
import time
import zlib
from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlencode

from opensearchpy.connection.base import Connection
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import ConnectionTimeout, ImproperlyConfigured
from opensearchpy.metrics import Metrics, MetricsNone

MAX_LINE = 65536
MAX_HEADERS = 200
DEFAULT_POOL_MAXSIZE = 10
# Characters a request target or header value must not hold (no request smuggling).
_BAD_TARGET = re.compile(r"[\x00-\x20\x7f-\U0010ffff]")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_BAD_VALUE = re.compile(r"[\r\n\x00]")


class ProtocolError(OSError):
    """The server's answer is not HTTP/1.x as this class reads it."""


class ConnectFailed(OSError):
    """No connection could be made (a connect timeout is this, not a read timeout: the
    default class raises ``ConnectionError`` for it too, ``ConnectionTimeout`` only for
    an answer that did not come in time)."""


class _Socket:
    """One kept-alive connection: the socket and a buffered reader over it."""

    __slots__ = ("reader", "sock", "timeout")

    def __init__(self, sock: socket.socket, timeout: float | None) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.timeout = timeout

    def dropped(self) -> bool:
        """True when the server closed it (or sent something unasked) while idle."""
        try:
            if hasattr(select, "poll"):
                poller = select.poll()
                poller.register(self.sock, select.POLLIN)
                return bool(poller.poll(0))
            readable, _, _ = select.select([self.sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(readable)

    def close(self) -> None:
        try:
            self.reader.close()
        finally:
            self.sock.close()


class _Answer:
    __slots__ = ("body", "headers", "reusable", "status", "warnings")

    def __init__(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self.warnings: list[str] = []
        self.body = b""
        self.reusable = False


class PlainHttpConnection(Connection):
    """An opensearch-py ``Connection`` over kept-alive sockets (plain HTTP only)."""

    def __init__(
        self,
        host: str = "localhost",
        port: int | None = None,
        http_auth: Any = None,
        use_ssl: bool = False,
        pool_maxsize: int | None = None,
        headers: Mapping[str, str] | None = None,
        http_compress: bool | None = None,
        opaque_id: str | None = None,
        metrics: Metrics = MetricsNone(),  # noqa: B008 (as opensearch-py's own classes)
        **kwargs: Any,
    ) -> None:
        self.metrics = metrics
        # As urllib3.make_headers(keep_alive=True); set before Connection.__init__ adds
        # content-type and user-agent, like the default class.
        self.headers = {"connection": "keep-alive"}
        kwargs.pop("verify_certs", None)  # meaningless without TLS (urllib3 ignores it too)
        kwargs.pop("ssl_show_warn", None)
        super().__init__(
            host=host,
            port=port,
            use_ssl=use_ssl,
            headers=dict(headers) if headers else None,
            http_compress=http_compress,
            opaque_id=opaque_id,
            **kwargs,
        )
        if self.use_ssl:
            raise ImproperlyConfigured("PlainHttpConnection speaks plain HTTP only, not https")
        if self.http_compress:
            raise ImproperlyConfigured("PlainHttpConnection does not compress requests")
        for key in kwargs:
            if key.startswith(("ssl_", "ca_", "client_")) or key == "scheme":
                if key == "scheme" and kwargs[key] == "http":
                    continue
                raise ImproperlyConfigured(f"PlainHttpConnection does not support {key}")
        self.http_auth = http_auth
        if http_auth is not None:
            if callable(http_auth):
                raise ImproperlyConfigured("PlainHttpConnection does not support callable auth")
            if isinstance(http_auth, tuple | list):
                http_auth = ":".join(http_auth)
            token = base64.b64encode(str(http_auth).encode("latin-1")).decode()
            self.headers["authorization"] = f"Basic {token}"
        self.headers.setdefault("accept-encoding", "identity")
        port_part = "" if self.port == 80 else f":{self.port}"
        name = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        self._host_header = f"{name}{port_part}"
        self._header_block = self._headers_text(self.headers)
        self._maxsize = pool_maxsize if isinstance(pool_maxsize, int) and pool_maxsize > 0 else 0
        self._maxsize = self._maxsize or DEFAULT_POOL_MAXSIZE
        self._idle: list[_Socket] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    # -- the Connection contract ------------------------------------------------------

    def perform_request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None = None,
        body: bytes | None = None,
        timeout: float | None = None,
        ignore: Collection[int] = (),
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        url = self.url_prefix + url
        if params:
            url = f"{url}?{urlencode(params)}"
        full_url = self.host + url
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        wait = timeout or self.timeout
        start = time.time()
        self.metrics.request_start()
        try:
            request = self._request_bytes(method, url, body, headers)
            answer = self._exchange(request, method, wait)
            duration = time.time() - start
            raw_data = answer.body.decode("utf-8", "surrogatepass")
        except TimeoutError as exc:
            self.log_request_fail(method, full_url, url, body, time.time() - start, exception=exc)
            raise ConnectionTimeout("TIMEOUT", str(exc), exc) from exc
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            self.log_request_fail(method, full_url, url, body, time.time() - start, exception=exc)
            raise OpenSearchConnectionError("N/A", str(exc), exc) from exc
        finally:
            self.metrics.request_end()

        self._raise_warnings(answer.warnings)
        status = answer.status
        if not (200 <= status < 300) and status not in ignore:
            self.log_request_fail(method, full_url, url, body, duration, status, raw_data)
            self._raise_error(status, raw_data, answer.headers.get("content-type"))
        self.log_request_success(method, full_url, url, body, status, raw_data, duration)
        return status, answer.headers, raw_data

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    # -- request ---------------------------------------------------------------------

    @staticmethod
    def _headers_text(headers: Mapping[str, str]) -> str:
        lines = []
        for name, value in headers.items():
            text = str(value)
            if not _HEADER_NAME.fullmatch(name) or _BAD_VALUE.search(text):
                raise ValueError(f"cannot send header {name!r}: {text!r}")
            lines.append(f"{name}: {text}\r\n")
        return "".join(lines)

    def _request_bytes(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str] | None
    ) -> bytes:
        if _BAD_TARGET.search(url) or _BAD_TARGET.search(method):
            raise ValueError(f"cannot send {method} {url!r}: control or non-ASCII characters")
        if headers:
            merged = dict(self.headers)
            merged.update((k.lower(), v) for k, v in headers.items())
            block = self._headers_text(merged)
        else:
            block = self._header_block
        if body is not None:
            block += f"content-length: {len(body)}\r\n"
        elif method in ("POST", "PUT", "PATCH"):
            block += "content-length: 0\r\n"
        head = f"{method} {url} HTTP/1.1\r\nhost: {self._host_header}\r\n{block}\r\n"
        data = head.encode("latin-1")
        return data + body if body else data

    # -- sockets ---------------------------------------------------------------------

    def _checkout(self) -> _Socket | None:
        """An idle kept-alive socket still open at the other end, or ``None``."""
        if self._pid != os.getpid():  # forked: these sockets are the parent's
            with self._lock:
                inherited, self._idle, self._pid = self._idle, [], os.getpid()
            for conn in inherited:
                conn.close()  # this process's copy only (no shutdown): the parent's stays
        while True:
            with self._lock:
                if not self._idle:
                    return None
                conn = self._idle.pop()
            if not conn.dropped():
                return conn
            conn.close()

    def _checkin(self, conn: _Socket) -> None:
        with self._lock:
            if len(self._idle) < self._maxsize and self._pid == os.getpid():
                self._idle.append(conn)
                return
        conn.close()

    def _connect(self, timeout: float | None) -> _Socket:
        try:
            sock = socket.create_connection((self.hostname, self.port), timeout=timeout)
        except TimeoutError as exc:
            raise ConnectFailed(f"connecting to {self.host} timed out") from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as urllib3 does
        return _Socket(sock, timeout)

    def _exchange(self, request: bytes, method: str, timeout: float | None) -> _Answer:
        conn = self._checkout()
        if conn is not None:
            try:
                return self._send_and_read(conn, request, method, timeout)
            except _NothingReceived:
                pass  # closed by the server as we sent: once more, on a new socket
        conn = self._connect(timeout)
        try:
            return self._send_and_read(conn, request, method, timeout)
        except _NothingReceived as exc:
            raise ProtocolError("the server closed the connection without answering") from exc

    def _send_and_read(
        self, conn: _Socket, request: bytes, method: str, timeout: float | None
    ) -> _Answer:
        try:
            if conn.timeout != timeout:
                conn.sock.settimeout(timeout)
                conn.timeout = timeout
            try:
                conn.sock.sendall(request)
                line = conn.reader.readline(MAX_LINE + 1)
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as exc:
                raise _NothingReceived from exc
            if not line:
                raise _NothingReceived
            answer = _read_answer(conn.reader, line, method)
        except BaseException:
            conn.close()
            raise
        if answer.reusable:
            self._checkin(conn)
        else:
            conn.close()
        return answer


class _NothingReceived(Exception):
    """The connection ended before the first byte of an answer."""


def _read_answer(reader: Any, line: bytes, method: str) -> _Answer:
    """The answer whose status line is ``line``; the rest is read from ``reader``."""
    answer = _Answer()
    while True:
        version, status = _status_line(line)
        headers, warnings, connection_tokens = _header_lines(reader)
        if 100 <= status < 200 and status != 101:
            line = reader.readline(MAX_LINE + 1)  # an interim answer: the real one follows
            if not line:
                raise ProtocolError("the connection closed after an interim answer")
            continue
        break
    answer.status, answer.headers, answer.warnings = status, headers, warnings
    if version == "HTTP/1.1":
        keep = "close" not in connection_tokens
    else:
        keep = "keep-alive" in connection_tokens
    encoding = headers.get("transfer-encoding")
    length = headers.get("content-length")
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        body = b""
    elif encoding is not None:
        if encoding.strip().lower() != "chunked":
            raise ProtocolError(f"unsupported transfer-encoding {encoding!r}")
        body = _read_chunked(reader)
    elif length is not None:
        size = _content_length(length)
        body = reader.read(size)
        if len(body) != size:
            raise ProtocolError(f"answer cut short: {len(body)} of {size} bytes")
    else:
        body = reader.read()  # framed by the server closing the connection
        keep = False
    coding = headers.get("content-encoding", "identity").strip().lower()
    if coding in ("gzip", "x-gzip"):
        body = gzip.decompress(body)
    elif coding == "deflate":
        try:
            body = zlib.decompress(body)
        except zlib.error:
            body = zlib.decompress(body, -zlib.MAX_WBITS)
    elif coding != "identity":
        raise ProtocolError(f"unsupported content-encoding {coding!r}")
    answer.body = body
    answer.reusable = keep and status != 101
    return answer


def _status_line(line: bytes) -> tuple[str, int]:
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise ProtocolError("status line too long or cut short")
    parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    if len(parts) < 2 or parts[0] not in ("HTTP/1.1", "HTTP/1.0"):
        raise ProtocolError(f"not an HTTP/1.x status line: {line[:80]!r}")
    code = parts[1]
    if len(code) != 3 or not code.isascii() or not code.isdigit():
        raise ProtocolError(f"bad status code in {line[:80]!r}")
    return parts[0], int(code)


def _header_lines(reader: Any) -> tuple[dict[str, str], list[str], set[str]]:
    """Header fields (names lower-cased, repeated ones joined with ", "), the values of
    every Warning field, and the tokens of the Connection field."""
    headers: dict[str, str] = {}
    warnings: list[str] = []
    for _ in range(MAX_HEADERS + 1):
        line = reader.readline(MAX_LINE + 1)
        if line in (b"\r\n", b"\n"):
            break
        if not line or len(line) > MAX_LINE or not line.endswith(b"\n"):
            raise ProtocolError("header line too long or cut short")
        name, sep, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if not sep or not name:
            raise ProtocolError(f"bad header line {line[:80]!r}")
        value = value.strip()
        if name == "warning":
            warnings.append(value)
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    else:
        raise ProtocolError("too many header lines")
    tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
    if "content-length" in headers and "transfer-encoding" in headers:
        # RFC 9112 6.3: chunked wins; the length must not be trusted, nor the connection.
        tokens.add("close")
    return headers, warnings, tokens


def _content_length(text: str) -> int:
    values = {v.strip() for v in text.split(",")}
    if len(values) != 1:
        raise ProtocolError(f"conflicting content-length {text!r}")
    value = values.pop()
    if not value or not value.isascii() or not value.isdigit():
        raise ProtocolError(f"bad content-length {text!r}")
    return int(value)


def _read_chunked(reader: Any) -> bytes:
    parts: list[bytes] = []
    while True:
        line = reader.readline(MAX_LINE + 1)
        if not line.endswith(b"\n") or len(line) > MAX_LINE:
            raise ProtocolError("chunk size line too long or cut short")
        size_text = line.split(b";", 1)[0].strip()
        try:
            if not size_text.isascii():
                raise ValueError(size_text)
            size = int(size_text, 16)
        except ValueError as exc:
            raise ProtocolError(f"bad chunk size {line[:80]!r}") from exc
        if size < 0 or size_text.startswith((b"-", b"+", b"0x", b"0X")) or b"_" in size_text:
            raise ProtocolError(f"bad chunk size {line[:80]!r}")
        if size == 0:
            break
        chunk = reader.read(size)
        if len(chunk) != size or reader.read(2) not in (b"\r\n",):
            raise ProtocolError("chunk cut short")
        parts.append(chunk)
    for _ in range(MAX_HEADERS + 1):  # trailer fields, ignored
        line = reader.readline(MAX_LINE + 1)
        if line in (b"\r\n", b"\n"):
            return b"".join(parts)
        if not line or not line.endswith(b"\n"):
            raise ProtocolError("trailer cut short")
    raise ProtocolError("too many trailer lines")
