"""The lean HTTP connection of the search client (innsyn.opensearch_http).

Against a scripted HTTP server on a real socket: how answers are framed (length,
chunked, close, none), kept-alive sockets reused and stale ones replaced, timeouts,
refused connections, HTTP errors, warnings, header injection; and against the real
OpenSearch: the same answers and exceptions as opensearch-py's default connection.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from opensearchpy import OpenSearch
from opensearchpy.exceptions import (
    ConnectionError as OpenSearchConnectionError,
)
from opensearchpy.exceptions import (
    ConnectionTimeout,
    ImproperlyConfigured,
    NotFoundError,
    OpenSearchWarning,
    RequestError,
    TransportError,
)

from innsyn.opensearch_http import PlainHttpConnection
from innsyn.search_client import OrjsonSerializer, make_client, make_search_client


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    connection: int


# A handler gets the request and answers raw bytes, or None to close without answering.
Handler = Callable[[Request], bytes | None]


def ok(body: bytes = b'{"ok":true}', extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=UTF-8\r\n"
        f"content-length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


@dataclass
class Scripted:
    """An HTTP/1.1 server on 127.0.0.1 answering with ``handler``; records requests."""

    handler: Handler
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    sockets: list[socket.socket] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                number = self.connections
                self.sockets.append(conn)
            threading.Thread(target=self._serve, args=(conn, number), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        reader = conn.makefile("rb")
        try:
            while True:
                line = reader.readline()
                if not line:
                    return
                method, target, _ = line.decode().split(" ", 2)
                headers = {}
                while (h := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = h.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = reader.read(int(headers.get("content-length", "0")))
                req = Request(method, target, headers, body, number)
                with self.lock:
                    self.requests.append(req)
                answer = self.handler(req)
                if answer is None:
                    return
                conn.sendall(answer)
                if b"connection: close" in answer.split(b"\r\n\r\n", 1)[0].lower():
                    return
        except OSError:
            return
        finally:
            reader.close()
            conn.close()

    def close_idle(self) -> None:
        """Close every server-side socket (as an idle timeout would)."""
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def stop(self) -> None:
        self.listener.close()
        self.close_idle()


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], Scripted]]:
    servers: list[Scripted] = []

    def start(handler: Handler) -> Scripted:
        server = Scripted(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def conn_for(server: Scripted, **kw: object) -> PlainHttpConnection:
    return PlainHttpConnection(host="127.0.0.1", port=server.port, timeout=5, **kw)  # type: ignore[arg-type]


def client_for(server: Scripted, **kw: object) -> OpenSearch:
    return OpenSearch(
        hosts=[f"http://127.0.0.1:{server.port}"],
        connection_class=PlainHttpConnection,
        serializer=OrjsonSerializer(),
        max_retries=0,
        timeout=5,
        **kw,
    )


def test_body_by_content_length_and_the_socket_is_kept_alive(serve):
    server = serve(lambda r: ok(b'{"n":"%s"}' % r.target.encode()))
    conn = conn_for(server)
    for i in range(5):
        status, headers, data = conn.perform_request("GET", f"/x{i}", params={"a": "b c"})
        assert (status, data) == (200, f'{{"n":"/x{i}?a=b+c"}}')
        assert headers["content-type"] == "application/json; charset=UTF-8"
    assert server.connections == 1
    first = server.requests[0]
    assert first.headers["connection"] == "keep-alive"
    assert first.headers["accept-encoding"] == "identity"
    assert first.headers["host"] == f"127.0.0.1:{server.port}"
    assert first.headers["user-agent"].startswith("opensearch-py/")
    assert "content-length" not in first.headers  # a GET without a body


def test_post_body_and_request_headers(serve):
    server = serve(lambda r: ok(r.body))
    conn = conn_for(server, http_auth=("elastic", "s3cr:et"), opaque_id="trace-1")
    body = '{"q":"søknad"}'.encode()
    status, _, data = conn.perform_request(
        "POST", "/_msearch", body=body, headers={"Content-Type": "application/x-ndjson"}
    )
    assert (status, data) == (200, '{"q":"søknad"}')
    req = server.requests[0]
    assert req.headers["content-length"] == str(len(body))
    assert req.headers["content-type"] == "application/x-ndjson"
    assert req.headers["authorization"] == "Basic " + base64.b64encode(b"elastic:s3cr:et").decode()
    assert req.headers["x-opaque-id"] == "trace-1"
    conn.perform_request("POST", "/_refresh")
    assert server.requests[1].headers["content-length"] == "0"


def test_chunked_body_with_extensions_and_trailers(serve):
    chunked = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        b"transfer-encoding: chunked\r\n\r\n"
        b'4;ext=1\r\n{"a"\r\n6\r\n:[1,2]\r\n1\r\n}\r\n0\r\nx-trailer: yes\r\n\r\n'
    )
    server = serve(lambda r: chunked)
    conn = conn_for(server)
    assert conn.perform_request("GET", "/")[2] == '{"a":[1,2]}'
    assert conn.perform_request("GET", "/")[2] == '{"a":[1,2]}'
    assert server.connections == 1


def test_body_framed_by_close_and_connection_close(serve):
    answers = iter(
        [
            # no length: the body ends where the server closes the connection
            _close_after(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end"),
            ok(b"1", "connection: close\r\n"),
            b"HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\n2",  # 1.0 without keep-alive
            ok(b"3"),
            ok(b"4"),
        ]
    )
    server = serve(lambda r: next(answers))
    conn = conn_for(server)
    assert [conn.perform_request("GET", "/")[2] for _ in range(5)] == [
        "until the end",
        "1",
        "2",
        "3",
        "4",
    ]
    assert server.connections == 4  # a new socket after each of the first three


def _close_after(answer: bytes) -> bytes:
    """An answer that makes the scripted server close the socket after sending it."""
    head, _, body = answer.partition(b"\r\n\r\n")
    if b"connection:" not in head.lower():
        head += b"\r\nconnection: close"
    return head + b"\r\n\r\n" + body


def test_no_body_for_head_204_304_and_interim_answers_are_skipped(serve):
    answers = {
        "HEAD": b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n",
        "/204": b"HTTP/1.1 204 No Content\r\n\r\n",
        "/100": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: x\r\n\r\n"
        + ok(b"after"),
    }
    server = serve(lambda r: answers.get(r.method) or answers[r.target])
    conn = conn_for(server)
    assert conn.perform_request("HEAD", "/")[:1] == (200,)
    assert conn.perform_request("GET", "/204")[0] == 204
    assert conn.perform_request("GET", "/100")[2] == "after"
    assert server.connections == 1


def test_gzip_answer_is_decoded(serve):
    packed = gzip.compress(b'{"packed":true}')
    answer = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\n"
        b"content-length: %d\r\n\r\n" % len(packed)
    ) + packed
    server = serve(lambda r: answer)
    assert conn_for(server).perform_request("GET", "/")[2] == '{"packed":true}'


def test_a_socket_closed_while_idle_is_replaced_without_an_error(serve):
    server = serve(lambda r: ok())
    conn = conn_for(server)
    assert conn.perform_request("GET", "/")[0] == 200
    server.close_idle()
    for _ in range(3):
        assert conn.perform_request("GET", "/")[0] == 200
    assert server.connections == 2


def test_a_reused_socket_closed_as_the_request_is_sent_is_retried_once(serve):
    """The server takes the request and closes without answering (what an idle timeout
    racing the request looks like): sent again on a new socket, once."""
    seen: list[int] = []

    def handler(r: Request) -> bytes | None:
        seen.append(r.connection)
        return None if len(seen) == 2 else ok()

    server = serve(handler)
    conn = conn_for(server)
    assert conn.perform_request("GET", "/")[0] == 200
    assert conn.perform_request("GET", "/")[0] == 200
    assert seen == [1, 1, 2]


def test_a_new_socket_closed_without_an_answer_is_a_connection_error(serve):
    server = serve(lambda r: None)
    with pytest.raises(OpenSearchConnectionError):
        conn_for(server).perform_request("GET", "/")
    assert len(server.requests) == 1  # not sent again on a fresh socket


def test_read_timeout_and_refused_connection(serve):
    stall = threading.Event()
    server = serve(lambda r: (stall.wait(5), ok())[1])
    conn = PlainHttpConnection(host="127.0.0.1", port=server.port, timeout=0.3)
    with pytest.raises(ConnectionTimeout):
        conn.perform_request("GET", "/")
    stall.set()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(OpenSearchConnectionError) as info:
        PlainHttpConnection(host="127.0.0.1", port=closed_port).perform_request("GET", "/")
    assert not isinstance(info.value, ConnectionTimeout)


def test_http_errors_raise_the_client_exceptions_with_the_error_body(serve):
    def handler(r: Request) -> bytes:
        status = {"/404": "404 Not Found", "/400": "400 Bad Request"}.get(r.target, "500 Oops")
        body = b'{"error":{"type":"some_exception","reason":"why"},"status":0}'
        return (
            f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\n\r\n"
        ).encode() + body

    server = serve(handler)
    conn = conn_for(server)
    with pytest.raises(NotFoundError) as nf:
        conn.perform_request("GET", "/404")
    assert nf.value.status_code == 404 and nf.value.error == "some_exception"
    assert nf.value.info["error"]["reason"] == "why"
    with pytest.raises(RequestError):
        conn.perform_request("GET", "/400")
    with pytest.raises(TransportError) as err:
        conn.perform_request("GET", "/500")
    assert err.value.status_code == 500
    assert conn.perform_request("GET", "/404", ignore=(404,))[0] == 404
    assert server.connections == 1  # error answers keep the socket usable


def test_warning_headers_become_warnings(serve):
    server = serve(lambda r: ok(extra='warning: 299 OpenSearch-2 "old setting"\r\n'))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        conn_for(server).perform_request("GET", "/")
    assert [str(w.message) for w in caught if w.category is OpenSearchWarning] == ["old setting"]


@pytest.mark.parametrize(
    "answer",
    [
        b"SPDY/3 200 OK\r\n\r\n",
        b"HTTP/1.1 2000 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 5, 6\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\ncontent-length: \xd9\xa1\r\n\r\nh",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-encoding: br\r\ncontent-length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: close\r\n\r\nshort",
    ],
)
def test_answers_that_are_not_http_are_connection_errors(serve, answer):
    server = serve(lambda r: _close_after(answer))
    with pytest.raises(OpenSearchConnectionError):
        conn_for(server).perform_request("GET", "/")


def test_line_breaks_in_targets_and_headers_are_refused(serve):
    server = serve(lambda r: ok())
    conn = conn_for(server)
    with pytest.raises(OpenSearchConnectionError):
        conn.perform_request("GET", "/a b")
    with pytest.raises(OpenSearchConnectionError):
        conn.perform_request("GET", "/x\r\nhost: evil")
    # As the default class (http.client refuses, urllib3's caller says ConnectionError).
    with pytest.raises(OpenSearchConnectionError):
        conn.perform_request("GET", "/", headers={"x-a": "1\r\nx-b: 2"})
    with pytest.raises(OpenSearchConnectionError):
        conn.perform_request("GET", "/", headers={"x a": "1"})
    assert server.requests == []


def test_refuses_what_it_does_not_speak():
    with pytest.raises(ImproperlyConfigured):
        PlainHttpConnection(host="h", use_ssl=True)
    with pytest.raises(ImproperlyConfigured):
        PlainHttpConnection(host="h", http_compress=True)
    with pytest.raises(ImproperlyConfigured):
        PlainHttpConnection(host="h", http_auth=lambda *a: {})
    with pytest.raises(ImproperlyConfigured):
        PlainHttpConnection(host="h", ca_certs="/etc/ssl/x.pem")


def test_concurrent_requests_share_a_bounded_pool(serve):
    server = serve(lambda r: ok(r.target.encode()))
    conn = conn_for(server, pool_maxsize=2)
    results: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(20):
            data = conn.perform_request("GET", f"/{n}-{i}")[2]
            with lock:
                results.append(data)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == sorted(f"/{n}-{i}" for n in range(6) for i in range(20))
    assert len(conn._idle) <= 2
    conn.close()
    assert conn._idle == []


def test_the_client_retries_through_the_transport_and_reads_json(serve):
    server = serve(lambda r: ok('{"hits":{"total":{"value":3}},"é":"ø"}'.encode()))
    client = client_for(server)
    assert client.search(index="x", body={"query": {"match_all": {}}}) == {
        "hits": {"total": {"value": 3}},
        "é": "ø",
    }
    assert server.requests[0].target == "/x/_search"
    assert server.requests[0].body == b'{"query":{"match_all":{}}}'


def test_a_dead_node_is_skipped_by_the_transport_as_with_the_default_class(serve):
    """A refused connection is a ConnectionError: the transport marks the node dead and
    sends the request to the next one (as in test_cluster, with a node killed)."""
    server = serve(lambda r: ok())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    client = OpenSearch(
        hosts=[f"http://127.0.0.1:{dead}", f"http://127.0.0.1:{server.port}"],
        connection_class=PlainHttpConnection,
        serializer=OrjsonSerializer(),
        max_retries=2,
        timeout=5,
    )
    for _ in range(4):
        assert client.search(index="x", body={}) == {"ok": True}
    assert len(server.requests) == 4


def test_search_client_picks_the_connection_class_by_scheme(offline_settings):
    plain = make_search_client(offline_settings)
    assert isinstance(plain.transport.get_connection(), PlainHttpConnection)
    tls = make_search_client(
        offline_settings.model_copy(update={"opensearch_urls": ["https://127.0.0.1:9"]})
    )
    assert not isinstance(tls.transport.get_connection(), PlainHttpConnection)
    assert isinstance(tls.transport.serializer, OrjsonSerializer)
    assert not isinstance(make_client(offline_settings).transport.serializer, OrjsonSerializer)


# -- against the real OpenSearch -------------------------------------------------------


def test_real_opensearch_answers_alike_with_both_connection_classes(settings):
    fast, default = make_search_client(settings), make_client(settings)
    index = f"{settings.index_prefix}-conn"
    default.indices.create(index=index, body={"settings": {"number_of_replicas": 0}})
    docs = [{"id": f"d{i}", "tittel": f"Søknad nr {i} – “sitat” 😀", "n": i} for i in range(30)]
    for d in docs:
        default.index(index=index, id=d["id"], body=d)
    default.indices.refresh(index=index)
    body = {"query": {"match": {"tittel": "søknad"}}, "size": 20, "sort": [{"n": "asc"}]}

    def strip(answer: dict) -> dict:
        return {k: v for k, v in answer.items() if k != "took"}

    assert strip(fast.search(index=index, body=body)) == strip(
        default.search(index=index, body=body)
    )
    total = {"size": 0, "aggs": {"n": {"sum": {"field": "n"}}}}
    lines = [{"index": index}, body, {"index": index}, total]
    a, b = fast.msearch(body=lines), default.msearch(body=lines)
    assert [strip(r) for r in a["responses"]] == [strip(r) for r in b["responses"]]
    assert fast.indices.exists(index=index) is True
    assert fast.indices.exists(index=index + "-missing") is False
    assert fast.cluster.health()["status"] in ("green", "yellow")
    with pytest.raises(NotFoundError):
        fast.search(index=index + "-missing", body=body)
    with pytest.raises(RequestError) as bad:
        fast.search(index=index, body={"query": {"no_such_query": {}}})
    with pytest.raises(RequestError) as bad_default:
        default.search(index=index, body={"query": {"no_such_query": {}}})
    assert bad.value.info == bad_default.value.info
    # A text answer (the _cat API) comes back as text, as with the default class.
    assert fast.cat.indices(index=index, h="index") == default.cat.indices(index=index, h="index")


def test_a_forked_child_does_not_use_the_parents_sockets(serve):
    import os

    server = serve(lambda r: ok())
    conn = conn_for(server)
    conn.perform_request("GET", "/")
    pid = os.fork()
    if pid == 0:  # the child: its own socket, the parent's left open
        try:
            conn.perform_request("GET", "/")
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    conn.perform_request("GET", "/")  # the parent's socket still works
    assert [r.connection for r in server.requests] == [1, 2, 1]
