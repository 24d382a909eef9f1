"""The OpenSearch client, built from settings."""

from __future__ import annotations

from opensearchpy import OpenSearch

from innsyn.config import Settings


def make_client(settings: Settings) -> OpenSearch:
    """An OpenSearch client for the configured node(s), with retries on timeouts."""
    auth = None
    if settings.opensearch_user:
        auth = (settings.opensearch_user, settings.opensearch_password)
    return OpenSearch(
        hosts=settings.opensearch_urls,
        http_auth=auth,
        verify_certs=settings.opensearch_verify_certs,
        timeout=settings.opensearch_timeout,
        max_retries=2,
        retry_on_timeout=True,
        http_compress=False,
    )
