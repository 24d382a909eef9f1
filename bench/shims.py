"""Each performance shim in ``web/`` against the library's own way, side by side in one run.

    .venv/bin/python -m bench.shims [--rounds N]

A shim that reaches into another library's private internals stays only if it pays for
itself; this measures what it saves per API request, in microseconds of one process, next
to the in-process cost of a search request (about 1.3 ms, README "Benchmarks").

Rate limiting (``web.ratelimit``): a request through flask-limiter on a Flask test client,
with the ``limits`` library's stock ``memory://`` storage against our sweeping storage, and
with no limiter for reference; back to back (``timeit``, best of several repetitions) and
spaced 12 ms apart (median), as requests reach a worker thread under moderate traffic. The
variants take turns in every round, so a load that drifts on a shared machine weighs on
all alike.

Removed after measuring here: ``web/jsonprovider.py``, Flask's JSON responses written by
orjson (through Flask's private ``_prepare_response_obj``) and escaped to the bytes of
``json.dumps(ensure_ascii=True)``. Per response on ``/api/v1/search`` answers with
Norwegian titles, highlighted snippets and the four facets (Flask 3.1.3, orjson 3.13.0,
2 cores, best of 5 rounds): 20 hits (the default page, 28 kB) 132 µs with Flask's default
provider, 62 µs with ours (70 µs saved, 5.4% of a request); 100 hits (the largest page,
132 kB) 538 against 592 µs (ours 54 µs slower: the escaping pass). Flask's default
provider writes the same bytes, so nothing else changed.
"""

from __future__ import annotations

import argparse
import statistics
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from flask import Blueprint, Flask

REQUEST_US = 1300.0
LIBRARIES = ("flask", "flask-limiter", "limits")
SPACING_SECONDS = 0.012


@dataclass
class Row:
    """One case: the library's way against the shim, in microseconds."""

    shim: str
    case: str
    library_us: float
    shim_us: float

    @property
    def saved_us(self) -> float:
        return self.library_us - self.shim_us

    @property
    def saved_share(self) -> float:
        return self.saved_us / REQUEST_US


def best_of(fn: Callable[[], object], number: int, repeat: int) -> float:
    """Microseconds of one call of ``fn``: the best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def limited_client(storage_uri: str | None) -> Any:
    """A test client of an app limited as ``web.app`` limits its API (no limiter: None)."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    app = Flask(__name__)
    app.config.update(RATELIMIT_STORAGE_URI=storage_uri, RATELIMIT_HEADERS_ENABLED=True)
    bp = Blueprint("api", __name__)
    bp.add_url_rule("/search", "search", lambda: {"total": 0})
    if storage_uri is not None:
        limiter = Limiter(get_remote_address, app=app)
        limiter.limit("1000000 per minute")(bp)
    app.register_blueprint(bp)
    return app.test_client()


def bench_ratelimit(rounds: int) -> list[Row]:
    """flask-limiter on ``memory://`` against our storage, per request."""
    from web.ratelimit import storage_uri

    variants = {
        "none": limited_client(None),
        "library": limited_client("memory://"),
        "shim": limited_client(storage_uri("memory://")),
    }
    for client in variants.values():
        for _ in range(50):
            assert client.get("/search").status_code == 200
    back_to_back: dict[str, list[float]] = {name: [] for name in variants}
    spaced: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, client in variants.items():
            back_to_back[name].append(best_of(lambda c=client: c.get("/search"), 200, 3))
        for _ in range(40):
            for name, client in variants.items():
                time.sleep(SPACING_SECONDS)
                start = time.perf_counter()
                client.get("/search")
                spaced[name].append((time.perf_counter() - start) * 1e6)
    b2b = {name: min(v) for name, v in back_to_back.items()}
    apart = {name: statistics.median(v) for name, v in spaced.items()}
    return [
        Row("web.ratelimit", "request, back to back", b2b["library"], b2b["shim"]),
        Row("web.ratelimit", "request, 12 ms apart", apart["library"], apart["shim"]),
        Row("(reference)", "request without a limiter, back to back", b2b["none"], b2b["none"]),
        Row("(reference)", "request without a limiter, 12 ms apart", apart["none"], apart["none"]),
    ]


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| shim | case | library's way µs | shim µs | saved µs | saved, share of 1.3 ms |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.shim} | {r.case} | {r.library_us:.0f} | {r.shim_us:.0f} | "
            f"{r.saved_us:.0f} | {r.saved_share:.1%} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.shims", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per variant (5)")
    args = parser.parse_args(argv)
    print(", ".join(f"{name} {version(name)}" for name in LIBRARIES))
    rows = bench_ratelimit(args.rounds)
    print(table(rows))


if __name__ == "__main__":
    main()
