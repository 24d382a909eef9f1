"""Each performance shim in ``web/`` against the library's own way, side by side in one run.

    .venv/bin/python -m bench.shims [--rounds N]

A shim that reaches into another library's private internals stays only if it pays for
itself; this measures what it saves per API request, in microseconds of one process, next
to the in-process cost of a search request (about 1.3 ms, README "Benchmarks"):

- JSON responses: Flask's ``DefaultJSONProvider`` (what ``jsonify`` uses out of the box)
  against ``web.jsonprovider.OrjsonProvider``, per response, on search answers of the
  shape ``/api/v1/search`` gives (20 hits, the default page, and 100, the largest), with
  Norwegian titles, highlighted snippets and the four facets.
- Rate limiting: a request through flask-limiter on a Flask test client, with the
  ``limits`` library's stock ``memory://`` storage against ``web.ratelimit``'s sweeping
  storage, and with no limiter for reference; back to back (``timeit``, best of several
  repetitions) and spaced 12 ms apart (median), as requests arrive under moderate traffic.
  The variants take turns in every round, so a load that drifts on a shared machine
  weighs on all alike.
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
from flask.json.provider import DefaultJSONProvider

REQUEST_US = 1300.0
LIBRARIES = ("flask", "flask-limiter", "limits", "orjson")
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


def search_answer(hits: int) -> dict[str, Any]:
    """A ``/api/v1/search`` answer with ``hits`` items, as ``web.api.api_search`` builds it."""
    items = []
    for i in range(hits):
        case = f"2025/{1000 + i}"
        items.append(
            {
                "id": f"jp-{i:06d}-9f3c2a41",
                "offentlig_tittel": f"Søknad om dispensasjon fra reguleringsplan - gnr. {i} "
                f"bnr. 7 - Løkkeåsveien {i}, Bærum",
                "tittel_screened": False,
                "title_highlight": f"<mark>Søknad</mark> om dispensasjon fra reguleringsplan - "
                f"gnr. {i} bnr. 7 - Løkkeåsveien {i}, Bærum",
                "snippets": [
                    "... vedtak om <mark>søknad</mark> om tillatelse til tiltak etter plan- og "
                    "bygningsloven § 20-1, gjelder oppføring av tilbygg på eiendommen. Kommunen "
                    "har mottatt merknader fra naboer ...",
                    "... Det søkes om dispensasjon fra byggegrensen mot vei. Tiltaket vurderes "
                    "ikke å gi ulemper for trafikksikkerheten, jf. <mark>søknaden</mark> ...",
                    "... Fylkesmannen i Oslo og Viken har ingen merknader til saken. Vedtaket "
                    "kan påklages innen tre uker ...",
                ],
                "saksnummer": case,
                "journalpost_nummer": f"{case}-3",
                "journalposttype": "I",
                "journaldato": "2025-03-14",
                "publisert_dato": "2025-03-18",
                "enhet_id": "974760673",
                "enhet_navn": "Plan- og bygningsetaten, Oslo kommune",
                "saksmappe": {
                    "id": f"sak-{i:06d}-77b1",
                    "offentlig_tittel": f"Løkkeåsveien {i} - tilbygg",
                    "saksnummer": case,
                },
                "korrespondansepart": [
                    {"navn": "Arkitektkontoret Ødegård AS", "korrespondanseparttype": "avsender"}
                ],
                "dokument_count": 2,
                "skjerming": None,
                "language": "nb",
            }
        )
    facets = {
        "enhet": [
            {"key": str(974760673 + k), "label": f"Etat for byutvikling {k}", "count": 900 - k}
            for k in range(20)
        ],
        "journalposttype": [{"key": t, "label": t, "count": 50 + n} for n, t in enumerate("IUNX")],
        "year": [
            {"key": str(y), "label": str(y), "count": y - 1900} for y in range(2025, 2014, -1)
        ],
        "language": [
            {"key": "nb", "label": "nb", "count": 1100},
            {"key": "nn", "label": "nn", "count": 120},
        ],
    }
    return {"total": 1234, "items": items, "facets": facets, "next_cursor": "WzEuNSwxNzBd"}


def best_of(fn: Callable[[], object], number: int, repeat: int) -> float:
    """Microseconds of one call of ``fn``: the best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def bench_json(rounds: int) -> list[Row]:
    """Flask's default provider against ``OrjsonProvider``, per response."""
    from web.jsonprovider import OrjsonProvider

    app = Flask(__name__)
    library, shim = DefaultJSONProvider(app), OrjsonProvider(app)
    for provider in (library, shim):
        provider.sort_keys = False  # as web.app sets it
    rows = []
    with app.app_context():
        for hits in (20, 100):
            answer = search_answer(hits)
            same = library.response(answer).get_data() == shim.response(answer).get_data()
            assert same, "the providers wrote different bytes"
            number = max(20, 4000 // hits)
            providers = {"library": library, "shim": shim}
            times: dict[str, list[float]] = {name: [] for name in providers}
            for _ in range(rounds):
                for name, p in providers.items():
                    times[name].append(best_of(lambda p=p, a=answer: p.response(a), number, 3))
            size = len(library.response(answer).get_data())
            rows.append(
                Row(
                    "web.jsonprovider",
                    f"search answer, {hits} hits ({size // 1000} kB)",
                    min(times["library"]),
                    min(times["shim"]),
                )
            )
    return rows


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
    rows = bench_json(args.rounds) + bench_ratelimit(args.rounds)
    print(table(rows))


if __name__ == "__main__":
    main()
