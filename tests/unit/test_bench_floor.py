"""``bench.search.floor_app``, the search benchmark's floor: it passes each request as it
is to OpenSearch and answers with OpenSearch's answer, nothing more."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bench import search


class _Upstream(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, bytes, str]] = []  # noqa: RUF012 (one test's record)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(("POST", self.path, body, self.headers["Content-Type"]))
        answer = b'{"responses": []}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("INNSYN_OPENSEARCH_URLS", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setattr(search, "_UPSTREAM", search._Upstream())
    yield server
    server.shutdown()


def test_floor_passes_the_request_through(upstream: ThreadingHTTPServer) -> None:
    body = b'{"index": "x"}\n{"query": {"match_all": {}}}\n'
    started: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/_msearch",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-ndjson",
        "wsgi.input": io.BytesIO(body),
    }
    answer = search.floor_app(environ, lambda status, headers: started.append(status))
    assert answer == [b'{"responses": []}']
    assert started == ["200 OK"]
    assert _Upstream.seen == [("POST", "/_msearch", body, "application/x-ndjson")]
