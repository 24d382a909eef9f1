"""The shared HTTP client against a real server on 127.0.0.1: retries, Retry-After,
size cap, robots.txt, User-Agent, and the SSRF guard."""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest

from innsyn.http_client import (
    BlockedAddress,
    HttpClient,
    HttpFailure,
    HttpPolicy,
    TooLarge,
    check_address,
    declared_length,
    retry_after_seconds,
)
from tests.httpsource import DocumentSite


@pytest.fixture
def site():
    with DocumentSite() as s:
        s.publish("a.txt", b"hello " * 100, "A")
        yield s


def _client(**kw) -> tuple[HttpClient, list[float]]:
    waits: list[float] = []
    policy = HttpPolicy(allow_private=True, backoff=0.01, **kw)
    return HttpClient(policy, sleep=waits.append), waits


def test_500_then_200_is_retried(site):
    site.fail("/docs/a.txt", 500, 503)
    client, waits = _client()
    fetched = client.get(f"{site.base}/docs/a.txt")
    assert fetched.status == 200 and fetched.content.startswith(b"hello")
    assert site.count(lambda r: r.path == "/docs/a.txt") == 3
    assert waits == [0.01, 0.02]


def test_429_honours_retry_after(site):
    site.fail("/docs/a.txt", 429, headers={"Retry-After": "7"})
    client, waits = _client()
    assert client.get(f"{site.base}/docs/a.txt").status == 200
    assert waits == [7.0]


def test_retry_after_is_capped_and_retries_end(site):
    site.fail("/docs/a.txt", 503, 503, 503, headers={"Retry-After": "9999"})
    client, waits = _client(retries=2, max_retry_after=5)
    with pytest.raises(HttpFailure, match="HTTP 503 after 3 attempts") as err:
        client.get(f"{site.base}/docs/a.txt")
    assert err.value.status == 503
    assert waits == [5, 5]


def test_404_is_not_retried(site):
    client, _ = _client()
    with pytest.raises(HttpFailure, match="HTTP 404"):
        client.get(f"{site.base}/docs/missing")
    assert site.count() == 1


def test_download_cap_leaves_nothing_half_written(site):
    client, _ = _client(max_bytes=100)
    sink = io.BytesIO()
    with pytest.raises(TooLarge):
        client.download(f"{site.base}/docs/a.txt", sink)
    assert sink.getvalue() == b""


def test_user_agent_is_honest(site):
    client, _ = _client()
    client.get(f"{site.base}/docs/a.txt")
    assert "Innsyn" in site.requests[-1].headers["user-agent"]


def test_robots_txt_applies_to_listings(site):
    client, _ = _client()
    client.get(f"{site.base}/index.html", listing=True)
    with pytest.raises(HttpFailure, match=r"robots\.txt"):
        client.get(f"{site.base}/private/index.html", listing=True)
    assert site.count(lambda r: r.path == "/robots.txt") == 1
    assert site.count(lambda r: r.path == "/private/index.html") == 0


def test_loopback_refused_unless_allowed(site):
    client = HttpClient(HttpPolicy(allow_private=False))
    with pytest.raises(BlockedAddress, match="loopback, private or reserved"):
        client.get(f"{site.base}/docs/a.txt")
    assert site.count() == 0


class RebindingResolver:
    """A resolver for ``rebind.test`` that answers a public address first and the
    loopback address of the test server afterwards, as a hostile DNS server would."""

    def __init__(self, real):
        self.real = real
        self.asked = 0

    def __call__(self, host, port, *args, **kwargs):
        if host != "rebind.test":
            return self.real(host, port, *args, **kwargs)
        self.asked += 1
        address = "93.184.215.14" if self.asked == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]


def test_dns_rebinding_is_refused_when_connecting(site, monkeypatch):
    """Issue 14 item 5: the address is checked where the connection is made, not only
    before: a name that turns private between the check and the connect reaches
    nothing, for a first request and for a redirect hop."""
    port = site.base.rsplit(":", 1)[1]
    resolver = RebindingResolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    client = HttpClient(HttpPolicy(allow_private=False, retries=0))
    with pytest.raises(BlockedAddress, match=r"127\.0\.0\.1"):
        client.get(f"http://rebind.test:{port}/docs/a.txt")
    assert resolver.asked >= 2, "resolved again when connecting"
    assert site.count() == 0, "nothing reached the private address"


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/x",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "gopher://example.org/",
    ],
)
def test_private_and_odd_urls_are_blocked(url):
    with pytest.raises(BlockedAddress):
        check_address(url, allow_private=False)


def test_retry_after_parsing():
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize("value", ["²", "١٢", "１２", "1²", "-5", "1.5", "12 s", ""])
def test_retry_after_accepts_ascii_digits_only(value):
    """The value "²" passes str.isdigit() but int()/float() refuse it; "١٢" and "１２" pass too and
    float() reads them as 12: none of them is a delta-seconds value."""
    assert retry_after_seconds(value) is None


def test_retry_after_leading_zeros_and_huge_numbers():
    assert retry_after_seconds(" 0007 ") == 7
    assert retry_after_seconds("9" * 5000) == 1e9  # int() would refuse > 4300 digits


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123", 123),
        (" 0042 ", 42),
        pytest.param("0" * 5000 + "1", 1, id="5000-leading-zeros"),
        pytest.param("9" * 5000, 10**18, id="5000-digits"),
        ("²", None),
        ("١٢", None),
        ("１２", None),
        ("-1", None),
        ("", None),
        (None, None),
    ],
)
def test_content_length_accepts_ascii_digits_only(value, expected):
    assert declared_length(value) == expected


def test_unicode_digit_retry_after_from_a_real_server_falls_back_to_backoff(site):
    """The server really sends the byte 0xB2 ("²" in Latin-1) as Retry-After."""
    site.fail("/docs/a.txt", 503, headers={"Retry-After": "²"})
    client, waits = _client()
    assert client.get(f"{site.base}/docs/a.txt").status == 200
    assert waits == [0.01]
