"""Rate limits across gunicorn workers: with ``memory://`` each worker counts apart, with
a shared Redis (``INNSYN_RATE_LIMIT_STORAGE=redis://...``) the limit holds for the
whole server. A real redis-server and a real gunicorn with two workers."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.gunicorn_server import GunicornServer, settings_env
from tests.redis_server import redis_binary, redis_server

LIMIT = 10
REQUESTS = 40


def _statuses(url: str) -> Counter[int]:
    """REQUESTS searches from four threads, each on a new connection (so both workers
    take some)."""

    def one(_: int) -> int:
        with httpx.Client(timeout=30) as client:
            return client.get(f"{url}/api/v1/search", params={"q": "budsjett"}).status_code

    with ThreadPoolExecutor(4) as pool:
        return Counter(pool.map(one, range(REQUESTS)))


def _serve(settings, tmp_path, storage: str) -> Counter[int]:
    env = settings_env(
        settings,
        INNSYN_RATE_LIMIT_SEARCH=f"{LIMIT} per minute",
        INNSYN_RATE_LIMIT_STORAGE=storage,
    )
    log = tmp_path / f"gunicorn-{storage.split(':')[0]}.log"
    with GunicornServer(env, workers=2, log_path=log) as server:
        return _statuses(server.url)


def test_a_shared_redis_holds_the_limit_across_workers(settings, tmp_path):
    if redis_binary() is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; dev.sh test)")
    import redis

    apart = _serve(settings, tmp_path, "memory://")
    assert set(apart) <= {200, 429} and apart[200] > LIMIT, apart
    with redis_server() as url:
        shared = _serve(settings, tmp_path, url)
        keys = redis.Redis.from_url(url).keys("*")
    assert shared == {200: LIMIT, 429: REQUESTS - LIMIT}, shared
    assert keys, "the counters were not kept in Redis"
