"""Demo data: the agency registries and sample journals from ``../shared/testdata``.

``innsyn demo load`` migrates the database, creates the indices, and harvests each
demo source whose harvester is installed (``innsyn.harvest.pipeline.run_source``), so
a new user sees real public data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from innsyn.config import Settings

Echo = Callable[[str], None]

TESTDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "testdata"
EINNSYN = "felleslosninger-docs/resources/einnsyn/eksempelfiler"
ARKADE = "arkade5/src/Arkivverket.Arkade.Core.Tests/TestData"

DEMO_SOURCES: list[tuple[str, str, str]] = [
    ("noark5", f"{ARKADE}/Noark5/Version5_5", "demo-arkade-n5"),
    ("noark5", f"{ARKADE}/Noark5/Small", "demo-arkade-small"),
    ("noark5", f"{ARKADE}/Noark5/Noark5Archive/offentligJournal.xml", "demo-offentlig-journal"),
    ("noark5", f"{ARKADE}/tar/n5-eksempel/n5-guid.tar", "demo-arkade-tar"),
    ("noark5", f"{EINNSYN}/1_jpost_skjerming_noark5.xml", "demo-einnsyn-skjerming"),
    ("noark5", f"{EINNSYN}/2_jpost_fulltekst_noark5.xml", "demo-einnsyn-fulltekst"),
    ("noark5", f"{EINNSYN}/3_jpost_allefelter_noark5.xml", "demo-einnsyn-allefelter"),
    ("oep", "difi-einnsyn-klient/eksempelfiler", "demo-oep"),
    ("einnsyn-jsonld", EINNSYN, "demo-einnsyn-jsonld"),
]


def load_demo(settings: Settings, echo: Echo, testdata: Path = TESTDATA) -> int:
    """Load the demo data; return the number of sources harvested."""
    from innsyn.indexing.indexer import ensure_indices
    from innsyn.search_client import make_client
    from innsyn.store.db import make_engine, make_sessionmaker, migrate

    if not testdata.is_dir():
        raise FileNotFoundError(f"demo data not found at {testdata}")
    engine = make_engine(settings)
    migrate(engine)
    sessions = make_sessionmaker(engine)
    client = make_client(settings)
    ensure_indices(settings, client)
    try:
        from innsyn.agencies import import_agencies, load_registry_agencies
    except ImportError:
        echo("agency registries: importer not installed yet, skipped")
    else:
        counts = import_agencies(
            settings, sessions, load_registry_agencies(testdata / "registries")
        )
        echo(f"agency registries: {counts}")
    try:
        from innsyn.harvest.pipeline import RunContext, run_source
        from innsyn.harvest.registry import available
    except ImportError:
        echo("no harvester is installed yet: the web UI starts with an empty index")
        return 0
    from innsyn.http_client import HttpClient, HttpPolicy

    installed = available()
    done = 0
    with HttpClient(HttpPolicy.from_settings(settings)) as http:
        for kind, rel, source_key in DEMO_SOURCES:
            location = testdata / rel
            if kind not in installed or not location.exists():
                echo(f"skipped {kind} {rel}: harvester or data not available")
                continue
            echo(f"harvesting {kind} {rel}")
            run = RunContext(settings, sessions, source_key, echo)
            report = run_source(run, kind, str(location), http=http)
            echo(f"  {report.summary()}")
            done += 1
    return done
