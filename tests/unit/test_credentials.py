"""Issue 14 item 4: a job's credentials go to the origin of the job's location only:
not across a redirect to another origin, not to a file URL on another host or port,
not with robots.txt; and pointing a job elsewhere drops them."""

from __future__ import annotations

import base64

import pytest

from innsyn.http_client import Credentials, HttpClient, HttpPolicy, origin_of
from tests.httpsource import Reply, SourceServer


class Site(SourceServer):
    """Answers ``/robots.txt``, ``/data`` and ``/go?to=URL`` (a 302 to URL)."""

    def route(self, path, query, headers) -> Reply:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if path == "/go":
            return 302, {"Location": query["to"][0]}, b""
        if path in ("/data", "/landing"):
            return 200, {"Content-Type": "text/plain"}, b"ok"
        raise KeyError(path)


@pytest.fixture
def sites():
    with Site() as own, Site() as other:
        yield own, other


def _auth_seen(site: SourceServer, path: str) -> list[str | None]:
    return [r.headers.get("authorization") for r in site.requests if r.path == path]


@pytest.mark.parametrize(
    "credentials",
    [
        lambda base: Credentials.basic(base + "/api/v1", "harvest", "pw-s3cret"),
        lambda base: Credentials.bearer(base + "/api/v1", "tok-s3cret"),
    ],
)
def test_credentials_go_to_the_jobs_own_origin_only(sites, credentials):
    own, other = sites
    creds = credentials(own.base)
    policy = HttpPolicy(allow_private=True, retries=0, respect_robots=True)
    with HttpClient(policy, credentials=creds) as http:
        http.get(f"{own.base}/data", listing=True)
        http.get(f"{own.base}/go?to={other.base}/landing")
        http.get(f"{other.base}/data")
        http.get(f"{own.base}/go?to={own.base}/landing")
        http.get(f"{own.base}/data", headers={"Authorization": "Basic forged"})
    sent = creds.authorization
    assert _auth_seen(own, "/data") == [sent, sent], "a caller cannot replace them either"
    assert _auth_seen(own, "/go") == [sent, sent]
    assert _auth_seen(own, "/landing") == [sent], "a redirect within the origin keeps them"
    assert _auth_seen(own, "/robots.txt") == [None]
    assert all(r.headers.get("authorization") is None for r in other.requests)
    assert {r.path for r in other.requests} >= {"/landing", "/data"}


def test_origins_compare_scheme_host_and_port():
    assert origin_of("https://Arkiv.Example.no/api") == ("https", "arkiv.example.no", 443)
    assert origin_of("https://arkiv.example.no:443/x") == origin_of("https://arkiv.example.no/y")
    assert origin_of("http://arkiv.example.no/") != origin_of("https://arkiv.example.no/")
    assert origin_of("https://arkiv.example.no.evil.org/") != origin_of("https://arkiv.example.no/")
    creds = Credentials.basic("https://arkiv.example.no/api", "u", "p")
    assert creds.for_url("https://arkiv.example.no:8443/api") == {}
    assert creds.for_url("https://user@arkiv.example.no/other") == {
        "Authorization": "Basic " + base64.b64encode(b"u:p").decode()
    }
    assert "Basic" not in repr(creds), "the secret stays out of logs and tracebacks"
