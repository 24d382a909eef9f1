"""Whose address a rate limit counts: the connecting one, or with
``INNSYN_TRUSTED_PROXIES=N`` the N-th from the right of X-Forwarded-For, through the
whole WSGI stack of the app (Flask's test client)."""

from __future__ import annotations

from tests.conftest import make_settings
from web.app import create_app

SEARCH = "/api/v1/search?q=budsjett"


def _client(tmp_path, proxies):
    settings = make_settings(
        tmp_path,
        opensearch_urls=["http://127.0.0.1:9"],
        rate_limit_search="2 per minute",
        trusted_proxies=proxies,
    )
    return create_app(settings).test_client()


def _status(client, remote, forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.get(SEARCH, headers=headers, environ_base={"REMOTE_ADDR": remote}).status_code


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit(tmp_path):
    client = _client(tmp_path, 0)
    codes = [_status(client, "203.0.113.7", f"198.51.100.{i}") for i in range(1, 4)]
    assert 429 not in codes[:2] and codes[2] == 429
    assert _status(client, "203.0.113.7", "198.51.100.99") == 429
    assert _status(client, "203.0.113.8") != 429


def test_behind_one_proxy_forwarded_clients_are_limited_apart(tmp_path):
    client = _client(tmp_path, 1)
    proxy = "10.0.0.1"
    first = [_status(client, proxy, "198.51.100.1") for _ in range(3)]
    assert 429 not in first[:2] and first[2] == 429
    assert _status(client, proxy, "198.51.100.2") != 429
    # the proxy appends the real client last: a forged left-most value changes nothing
    assert _status(client, proxy, "198.51.100.2, 198.51.100.1") == 429
    assert _status(client, proxy, "198.51.100.1, 198.51.100.2") != 429
    assert _status(client, proxy, "198.51.100.1, 198.51.100.2") == 429


def test_an_unreachable_shared_store_falls_back_to_counting_in_the_worker(tmp_path):
    settings = make_settings(
        tmp_path,
        opensearch_urls=["http://127.0.0.1:9"],
        rate_limit_search="2 per minute",
        rate_limit_storage="redis://127.0.0.1:9/0",
    )
    client = create_app(settings).test_client()
    codes = [_status(client, "203.0.113.7") for _ in range(3)]
    assert codes[:2] == [503, 503] and codes[2] == 429
