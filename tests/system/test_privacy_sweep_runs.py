"""Privacy sweep across runs (issue 14): every harvester, each source harvested three
times, records changing between the runs, every public surface and the indices checked
after every run, and another agency's admins and keys tried on every admin route.

One installation (agency Sveipvik, with seven jobs: noark5, two noark5 sources of e-mail
attachments, einnsyn-jsonld, oep, n5ws and documents; n5ws and documents are served by
local HTTP servers) is harvested by the real job runner, Tika and OpenSearch included.
Between the runs, records become screened, redacted (the file replaced by another one),
replaced, withdrawn and embargoed: entries, cases, documents, attachments and
correspondents. Every forbidden value is a unique token ("Zq…") that the inputs write in
altered spellings: case, tabs, no-break and double spaces, punctuation, word order, and
inside file names. Fødselsnummer are valid numbers written with hyphens, dots, spaces,
tabs and no-break spaces.

After every run the sweep asks every public surface for every token: search pages and the
API (a query per token, broad queries with every page), entry, case, agency and document
pages, originals and content downloads, Atom feeds, response headers and attributes
(``Content-Disposition``, ``Location``, ``Link``, ``title``/``alt``), and OpenSearch
itself (a phrase and a query string over all fields of every index of the test's prefix,
and a scan of every stored source). Each token belongs to one case below; each case is
one test.
An embargoed record is not in the index either (the catch-up deletes it until its date);
originals may hold what is in the agency's
own public file (an e-mail naming its attachment), and the fødselsnummer scan leaves them
out likewise (titles and shown text are redacted, the published file is not).

Another agency (Angrepsby, with its own job, runs, user and key) then attacks every route
of the admin UI and admin API in the Flask ``url_map`` (a new route is swept without a
change here), and Sveipvik attacks Angrepsby's the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import socket
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select, update

from innsyn.auth import CLI_ACTOR, create_api_key, create_user
from innsyn.harvest.status import RunStatus
from innsyn.indexing.indexer import catch_up
from innsyn.jobs.manage import create_job
from innsyn.jobs.runner import run_job
from innsyn.search_client import make_client
from innsyn.store.models import (
    ApiKey,
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Enhet,
    HarvestRun,
    Job,
    Journalpost,
    Saksmappe,
    utcnow,
)
from tests.factories import store
from tests.httpsource import DocumentSite, N5wsSite, Reply
from tests.sweepkit import (
    IndexView,
    Surfaces,
    digits_only,
    email_bytes,
    fnr_spellings,
    norm,
    valid_fodselsnummer,
    zip_bytes,
)
from web import create_app

RUNS = 3
PASSWORD = "correct horse battery staple"
NOW = dt.datetime.now(dt.UTC)
RECENT = (NOW - dt.timedelta(days=10)).isoformat()
OLD = (NOW - dt.timedelta(days=800)).isoformat()
LATER = (NOW + dt.timedelta(days=30)).isoformat()
FNR = valid_fodselsnummer("150384", 8)


@dataclass(frozen=True)
class Secret:
    """A token that must be nowhere public from run ``since`` to run ``until``."""

    token: str
    case: str
    since: int = 1
    until: int = RUNS
    in_public_file: bool = False
    """The token is in the bytes of a public file (an e-mail naming its attachment):
    originals and content downloads may hold it."""
    new_in_run: bool = False
    """The token first comes with the run that forbids it (an unredacted variant that
    arrives together with its redacted one is never fetched): it was never public."""


SECRETS = [
    # noark5
    Secret("Zqnintern", "noark5-internal-title"),
    Secret("Zqnkari", "noark5-entry-screened", 2),
    Secret("Zqnkorr", "noark5-correspondent-screened", 2),
    Secret("Zqnlegetekst", "noark5-document-screened", 2),
    Secret("Zqnuredigert", "noark5-document-redacted", 2),
    Secret("Zqnborte", "noark5-entry-withdrawn", 2),
    Secret("Zqnbortetekst", "noark5-entry-withdrawn", 2),
    Secret("Zqnsakborte", "noark5-case-withdrawn", 2),
    Secret("Zqnsakskjult", "noark5-case-screened", 2),
    # an embargo set in the store after run 1 (the next harvest is the authority again)
    Secret("Zqnembsak", "store-embargo", 1, until=1),
    Secret("Zqnembjp", "store-embargo", 1, until=1),
    Secret("Zqnproduksjon", "noark5-redacted-variant", 3, new_in_run=True),
    # attachments (a noark5 source of e-mails)
    Secret("Zqvakari", "attachment-name-repeats-screened-title", in_public_file=True),
    Secret("Zqvaskjermtekst", "attachment-screened", 2),
    Secret("Zqvaskjermnavn", "attachment-screened", 2),
    Secret("Zqvafoer", "attachment-replaced", 2),
    Secret("Zqvaetter", "attachment-withdrawn", 3),
    Secret("Zqvbdropp", "attachment-parent-dropped", 3),
    # einnsyn-jsonld
    Secret("Zqlintern", "jsonld-internal-title"),
    Secret("Zqlskjult", "jsonld-entry-screened", 2),
    Secret("Zqlkorr", "jsonld-correspondent-screened", 2),
    Secret("Zqlborte", "jsonld-entry-withdrawn", 2),
    Secret("Zqlembargo", "jsonld-embargo-field", 2),
    # oep
    Secret("Zqomoe", "oep-entry-screened", 2),
    Secret("Zqokorr", "oep-correspondent-screened", 2),
    Secret("Zqodoktekst", "oep-document-screened", 2),
    Secret("Zqodoktittel", "oep-document-screened", 2),
    Secret("Zqoborte", "oep-entry-withdrawn", 2),
    # n5ws
    Secret("Zqwintern", "n5ws-internal-title"),
    Secret("Zqwbygg", "n5ws-entry-screened", 2),
    Secret("Zqwkorr", "n5ws-correspondent-screened", 2),
    Secret("Zqwuredigert", "n5ws-document-redacted", 2),
    Secret("Zqwdoktekst", "n5ws-document-screened", 2),
    Secret("Zqwsak", "n5ws-case-screened", 2),
    Secret("Zqwborte", "n5ws-entry-withdrawn", 3),
    # documents
    Secret("Zqdreferat", "documents-redacted", 2),
    Secret("Zqdkari", "documents-withdrawn", 2),
    Secret("Zqdziptekst", "documents-attachment-withdrawn", 3),
    Secret("Zqdzipnavn", "documents-attachment-withdrawn", 3),
]
VISIBLE = {
    "Zqnsoknadtekst": 1,
    "Zqnsladdet": 2,
    "Zqwsladdet": 2,
    "Zqdsladdet": 1,
    "Zqvaoffentlig": 1,
    "Zqloffentlig": 1,
    "Zqooffentlig": 1,
    "Zqnoffentlig": 1,
    "Zqwoffentlig": 1,
    "Zqdoffentlig": 1,
    "Zqvboffentlig": 1,
}
"""Public tokens that every run from the given one must show (the sweep is not vacuous)."""


# ---------------------------------------------------------------- sources, by run


def _sk(*meta: str, doc: str = "") -> str:
    return (
        "<skjerming><tilgangsrestriksjon>Unntatt offentlighet</tilgangsrestriksjon>"
        "<skjermingshjemmel>Offl. § 13</skjermingshjemmel>"
        + "".join(f"<skjermingMetadata>{m}</skjermingMetadata>" for m in meta)
        + (f"<skjermingDokument>{doc}</skjermingDokument>" if doc else "")
        + "</skjerming>"
    )


def _n5doc(sid: str, nr: int, title: str, *objects: tuple[str, str], skjerming: str = "") -> str:
    objs = "".join(
        f"<dokumentobjekt><versjonsnummer>1</versjonsnummer><variantformat>{variant}"
        f"</variantformat><referanseDokumentfil>dokumenter/{ref}</referanseDokumentfil>"
        "</dokumentobjekt>"
        for ref, variant in objects
    )
    return (
        f"<dokumentbeskrivelse><systemID>{sid}</systemID><tittel>{title}</tittel>"
        f"<tilknyttetRegistreringSom>{'Hoveddokument' if nr == 1 else 'Vedlegg'}"
        f"</tilknyttetRegistreringSom><dokumentnummer>{nr}</dokumentnummer>{skjerming}"
        f"{objs}</dokumentbeskrivelse>"
    )


def _n5entry(sid: str, seq: int, body: str, parts: str = "") -> str:
    return (
        f'<registrering xsi:type="journalpost"><systemID>{sid}</systemID>{body}{parts}'
        f"<journalaar>2026</journalaar><journalsekvensnummer>{seq}</journalsekvensnummer>"
        f"<journalpostnummer>1</journalpostnummer><journalposttype>Inngående dokument"
        f"</journalposttype><journaldato>2026-03-02</journaldato></registrering>"
    )


def _n5part(name: str) -> str:
    return (
        "<korrespondansepart><korrespondanseparttype>Avsender</korrespondanseparttype>"
        f"<korrespondansepartNavn>{name}</korrespondansepartNavn></korrespondansepart>"
    )


def _n5case(sid: str, seq: int, titles: str, entries: str) -> str:
    return (
        f'<mappe xsi:type="saksmappe"><systemID>{sid}</systemID>{titles}{entries}'
        f"<saksaar>2026</saksaar><sakssekvensnummer>{seq}</sakssekvensnummer>"
        "<saksdato>2026-03-01</saksdato></mappe>"
    )


def _n5write(root: Path, cases: list[str], files: dict[str, bytes | str]) -> None:
    docs = root / "dokumenter"
    docs.mkdir(parents=True, exist_ok=True)
    for old in docs.iterdir():
        old.unlink()
    for name, content in files.items():
        data = content.encode() if isinstance(content, str) else content
        (docs / name).write_bytes(data)
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<systemID>{root.name}-arkiv</systemID><tittel>Sveipvik arkiv</tittel>"
        f"<arkivdel><systemID>{root.name}-del</systemID><tittel>Sakarkiv</tittel>"
        + "".join(cases)
        + "</arkivdel></arkiv>"
    )
    (root / "arkivstruktur.xml").write_text(xml, encoding="utf-8")


KARI_TITLE = "Søknad om barnehageplass - Zqnkari Nordmann"


def noark5_source(root: Path, run: int) -> None:
    """Entries and cases of one archive as they stand at ``run``."""
    files: dict[str, bytes | str] = {
        "Søknad om barnehageplass - Zqnkari Nordmann.txt": "Søknad. Zqnsoknadtekst om plass.",
        "SØKNAD OM BARNEHAGEPLASS – zqnkari  NORDMANN.txt": "Søknad. Zqnsoknadtekst om plass.",
        "legeerklaering.txt": "Legeerklæring. Zqnlegetekst om barnet.",
        "vedtak.txt": "Vedtak om skyss. Zqnuredigert om eleven.",
        "vedtak-sladdet.txt": "Vedtak om skyss. Zqnsladdet.",
        "vedtak-v3.txt": "Vedtak om skyss, ny versjon. Zqnproduksjon om eleven.",
        "vedtak-v3-sladdet.txt": "Vedtak om skyss, ny versjon. Zqnsladdet.",
        "borte.txt": "Melding. Zqnbortetekst.",
        "fnr.txt": f"Klage. Personnummer {fnr_spellings(FNR[0])[1]} og Zqnoffentlig.",
    }
    if run == 1:
        kari = _n5entry(
            "n5-kari",
            1,
            _n5doc("n5-kari-d1", 1, KARI_TITLE, (next(iter(files)), "Produksjonsformat"))
            + _n5doc("n5-kari-d2", 2, "Legeerklæring", ("legeerklaering.txt", "Arkivformat"))
            + f"<tittel>{KARI_TITLE}</tittel>",
            _n5part("Zqnkorr Berg"),
        )
    else:
        # screened: the internal title in another spelling, the document title in another
        # word order, the file named after the title in capitals with an en dash
        kari = _n5entry(
            "n5-kari",
            1,
            _sk("tittel", "korrespondansepartNavn")
            + _n5doc(
                "n5-kari-d1",
                1,
                "Zqnkari Nordmann: søknad om barnehageplass",
                ("SØKNAD OM BARNEHAGEPLASS – zqnkari  NORDMANN.txt", "Produksjonsformat"),
            )
            + _n5doc(
                "n5-kari-d2",
                2,
                "Legeerklæring",
                ("legeerklaering.txt", "Arkivformat"),
                skjerming=_sk(),
            )
            + "<tittel>søknad om  BARNEHAGEPLASS -\tzqnkari\u00a0nordmann</tittel>"
            "<offentligTittel>Søknad om barnehageplass</offentligTittel>",
            _n5part("ZQNKORR  berg"),
        )
    vedtak_files = {
        1: [("vedtak.txt", "Produksjonsformat")],
        2: [("vedtak-sladdet.txt", "Produksjonsformat")],
        3: [("vedtak-v3.txt", "Produksjonsformat"), ("vedtak-v3-sladdet.txt", "Offentlig variant")],
    }[run]
    vedtak = _n5entry(
        "n5-vedtak",
        2,
        _n5doc("n5-vedtak-d1", 1, "Vedtak om skyss", *vedtak_files)
        + "<offentligTittel>Vedtak om skyss</offentligTittel>",
    )
    borte = _n5entry(
        "n5-borte",
        3,
        _n5doc("n5-borte-d1", 1, "Melding", ("borte.txt", "Produksjonsformat"))
        + "<offentligTittel>Melding Zqnborte</offentligTittel>",
    )
    fnr = _n5entry(
        "n5-fnr",
        4,
        _n5doc("n5-fnr-d1", 1, "Klage", ("fnr.txt", "Produksjonsformat"))
        + f"<offentligTittel>Klage fra {fnr_spellings(FNR[1])[run % 6]}</offentligTittel>"
        + f"<tittel>Klage fra Zqnintern {FNR[2]}</tittel>"
        + _sk("tittel"),
    )
    case1 = _n5case(
        "n5-sak1",
        1,
        "<offentligTittel>Barnehagesaker</offentligTittel>",
        kari + vedtak + fnr + (borte if run == 1 else ""),
    )
    case2 = _n5case(
        "n5-sak2",
        2,
        "<offentligTittel>Tomtesak Zqnsakborte</offentligTittel>",
        _n5entry("n5-tomt", 5, "<offentligTittel>Tomtebrev</offentligTittel>"),
    )
    skole_titles = (
        "<tittel>Skolesak Zqnsakskjult Hansen</tittel>"
        if run == 1
        else "<tittel>skolesak, Hansen ZQNSAKSKJULT</tittel>"
        "<offentligTittel>Skolesak</offentligTittel>" + _sk("tittel")
    )
    case3 = _n5case(
        "n5-sak3",
        3,
        skole_titles,
        _n5entry("n5-skole", 6, "<offentligTittel>Brev i skolesak</offentligTittel>"),
    )
    case4 = _n5case(
        "n5-sak4",
        4,
        "<offentligTittel>Tilskudd Zqnembsak</offentligTittel>",
        _n5entry("n5-emb", 7, "<offentligTittel>Zqnembjp tilskudd</offentligTittel>"),
    )
    cases = [case1, case3, case4] + ([case2] if run == 1 else [])
    _n5write(root, cases, files)


VA_TITLE = "Søknad om barnehageplass - Zqvakari Nordmann"


def attachments_source(root: Path, run: int) -> None:
    """E-mails whose attachments become documents of their own at extraction."""
    files: dict[str, bytes | str] = {
        "skjerm.eml": email_bytes(
            "Til barnehagen", "Hei.", "Zqvaskjermnavn.txt", "Vedlegg Zqvaskjermtekst."
        ),
        "bytt1.eml": email_bytes("Skjema", "Hei.", "skjema.txt", "Skjema Zqvafoer."),
        "bytt2.eml": email_bytes("Skjema", "Hei.", "skjema.txt", "Skjema Zqvaetter."),
        "kari.eml": email_bytes(
            "Søknad",
            "Zqvaoffentlig hilsen.",
            "søknad om barnehageplass – ZQVAKARI nordmann.txt",
            "Vedlegg til søknaden.",
        ),
    }
    skjerm = _n5entry(
        "va-skjerm",
        1,
        _n5doc(
            "va-skjerm-d1",
            1,
            "E-post",
            ("skjerm.eml", "Produksjonsformat"),
            skjerming="" if run == 1 else _sk(),
        )
        + "<offentligTittel>E-post til barnehagen</offentligTittel>",
    )
    bytt = _n5entry(
        "va-bytt",
        2,
        _n5doc(
            "va-bytt-d1",
            1,
            "Skjema",
            ("bytt1.eml" if run == 1 else "bytt2.eml", "Produksjonsformat"),
        )
        + "<offentligTittel>Skjema på e-post</offentligTittel>",
    )
    kari = _n5entry(
        "va-kari",
        3,
        _n5doc("va-kari-d1", 1, "E-post", ("kari.eml", "Produksjonsformat"))
        + f"<tittel>{VA_TITLE}</tittel><offentligTittel>Søknad om barnehageplass"
        "</offentligTittel>" + _sk("tittel"),
    )
    entries = skjerm + kari + (bytt if run < 3 else "")
    _n5write(
        root,
        [_n5case("va-sak", 1, "<offentligTittel>E-poster</offentligTittel>", entries)],
        files,
    )


def dropped_parent_source(root: Path, run: int) -> None:
    """An entry whose e-mail (with an attachment) is dropped in run 3; the entry stays."""
    files: dict[str, bytes | str] = {
        "dropp.eml": email_bytes("Melding", "Hei.", "notat.txt", "Notat Zqvbdropp."),
        "brev.txt": "Brev. Zqvboffentlig.",
    }
    docs = _n5doc("vb-d2", 2, "Brev", ("brev.txt", "Produksjonsformat"))
    if run < 3:
        docs = _n5doc("vb-d1", 1, "E-post", ("dropp.eml", "Produksjonsformat")) + docs
    entry = _n5entry("vb-jp", 1, docs + "<offentligTittel>Melding med vedlegg</offentligTittel>")
    _n5write(
        root, [_n5case("vb-sak", 1, "<offentligTittel>Meldinger</offentligTittel>", entry)], files
    )


def _ldjp(sid: str, seq: int, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "@id": sid,
        "@type": "arkiv:Journalpost",
        "arkiv:systemID": sid,
        "arkiv:journalaar": 2026,
        "arkiv:journalsekvensnummer": seq,
        "arkiv:journalpostnummer": 1,
        "arkiv:journaldato": "2026-02-01",
        "arkiv:journalposttype": {"@id": "arkiv:inngåendeDokument"},
        "arkiv:offentligTittel": title,
        "arkiv:publisertDato": RECENT,
        "arkiv:parent": {"@id": "ld-sak"},
        **{f"arkiv:{k}": v for k, v in extra.items()},
    }


LD_CONTEXT = {"arkiv": "http://www.arkivverket.no/standarder/noark5/arkivstruktur/"}


def jsonld_source(root: Path, run: int) -> None:
    """eInnsyn messages: the journal, and from run 2 a withdrawal message."""
    root.mkdir(parents=True, exist_ok=True)
    skjerming = {
        "@id": "ld-skjerming",
        "@type": "arkiv:Skjerming",
        "arkiv:tilgangsrestriksjon": {"@id": "arkiv:unntattOffentlighet"},
        "arkiv:skjermingshjemmel": "Offl. § 13",
    }
    if run == 1:
        skjult = _ldjp("ld-skjult", 2, "Klage fra Zqlskjult Vik")
        part = {
            "@id": "ld-kp",
            "@type": "arkiv:Korrespondansepart",
            "arkiv:korrespondansepartNavn": "Zqlkorr Lie",
            "arkiv:korrespondanseparttype": {"@id": "arkiv:avsender"},
        }
        embargo = _ldjp("ld-embargo", 4, "Budsjett Zqlembargo")
    else:
        skjult = _ldjp(
            "ld-skjult",
            2,
            "Klage",
            tittel="klage fra  ZQLSKJULT vik",
            skjerming={"@id": "ld-skjerming"},
        )
        part = {
            "@id": "ld-kp",
            "@type": "arkiv:Korrespondansepart",
            "arkiv:korrespondansepartNavn": "lie, ZQLKORR",
            "arkiv:korrespondanseparttype": {"@id": "arkiv:avsender"},
        }
        embargo = _ldjp("ld-embargo", 4, "Budsjett Zqlembargo", accessibleAfter=LATER)
    graph = [
        {
            "@id": "ld-sak",
            "@type": "arkiv:Saksmappe",
            "arkiv:systemID": "ld-sak",
            "arkiv:saksaar": 2026,
            "arkiv:sakssekvensnummer": 7,
            "arkiv:offentligTittel": "Parkeringssaker Zqloffentlig",
            "arkiv:publisertDato": RECENT,
        },
        _ldjp(
            "ld-intern",
            1,
            f"Henvendelse fra {fnr_spellings(FNR[3])[run]}",
            tittel="Henvendelse fra Zqlintern Dahl",
            skjerming={"@id": "ld-skjerming"},
        ),
        skjerming,
        skjult,
        _ldjp(
            "ld-korr",
            3,
            "Parkeringstillatelse",
            korrespondansepart={"@id": "ld-kp"},
            **({"skjerming": {"@id": "ld-skjerming-part"}} if run >= 2 else {}),
        ),
        {
            "@id": "ld-skjerming-part",
            "@type": "arkiv:Skjerming",
            "arkiv:tilgangsrestriksjon": {"@id": "arkiv:unntattOffentlighet"},
            "arkiv:skjermingshjemmel": "Offl. § 13",
            "arkiv:skjermingMetadata": ["korrespondansepartNavn"],
        },
        part,
        embargo,
        _ldjp("ld-borte", 5, "Parkering Zqlborte"),
    ]
    (root / "1-journal.jsonld").write_text(
        json.dumps({"@context": LD_CONTEXT, "@graph": graph}), encoding="utf-8"
    )
    if run >= 2:
        withdrawal = {
            "@id": "ld-trekk",
            "@type": "arkiv:TrekkeTilbakeGraf",
            "@graph": [{"@id": "ld-borte", "@type": "arkiv:Journalpost"}],
        }
        (root / "2-trekk.jsonld").write_text(
            json.dumps({"@context": LD_CONTEXT, "@graph": [withdrawal]}), encoding="utf-8"
        )


def oep_source(root: Path, run: int) -> None:
    """An OFFJOURNAL export; from run 2 the entry is marked and an entry is gone."""
    (root / "oepdok").mkdir(parents=True, exist_ok=True)
    (root / "oepdok" / "brev.txt").write_text("Oppsigelsesbrev. Zqooffentlig om arbeidet.")
    (root / "oepdok" / "attest.txt").write_text("Legeattest. Zqodoktekst om helsen.")

    def version(ref: str) -> str:
        return (
            "<DOKVERSJON.OJ><VE.VERSJON>1</VE.VERSJON><VE.VARIANT>P</VE.VARIANT>"
            f"<VE.FILREF>{ref}</VE.FILREF></DOKVERSJON.OJ>"
        )

    marked = run >= 2
    entry = (
        "<JP.INNHOLD>oppsigelse,  ZQOMOE</JP.INNHOLD><JP.OFFINNHOLD>Oppsigelse</JP.OFFINNHOLD>"
        "<JP.TGKODE>P</JP.TGKODE><JP.UOFF>Offl. § 25</JP.UOFF>"
        if marked
        else "<JP.OFFINNHOLD>Oppsigelse Zqomoe</JP.OFFINNHOLD>"
    )
    gone = (
        ""
        if marked
        else "<JOURNPOST.OJ><JP.ID>oep-borte</JP.ID><JP.JAAR>2026</JP.JAAR><JP.SEKNR>12</JP.SEKNR>"
        "<JP.POSTNR>2</JP.POSTNR><JP.JDATO>20260402</JP.JDATO><JP.NDOKTYPE>I</JP.NDOKTYPE>"
        "<JP.OFFINNHOLD>Melding Zqoborte</JP.OFFINNHOLD></JOURNPOST.OJ>"
    )
    gone += (
        "<JOURNPOST.OJ><JP.ID>oep-fnr</JP.ID><JP.JAAR>2026</JP.JAAR><JP.SEKNR>13</JP.SEKNR>"
        "<JP.POSTNR>3</JP.POSTNR><JP.JDATO>20260402</JP.JDATO><JP.NDOKTYPE>I</JP.NDOKTYPE>"
        f"<JP.OFFINNHOLD>Søknad fra {fnr_spellings(FNR[5])[run + 1]}</JP.OFFINNHOLD>"
        "</JOURNPOST.OJ>"
    )
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<OFFJOURNAL VERSJON="2.0"><PRODINFO><PI.ARKSKAPER>Sveipvik kommune</PI.ARKSKAPER>
</PRODINFO><RAPPORT>
<NOARKSAK.OJ><SA.ID>oep-sak</SA.ID><SA.SAAR>2026</SA.SAAR><SA.SEKNR>31</SA.SEKNR>
<SA.OFFTITTEL>Personalsak</SA.OFFTITTEL>
<JOURNPOST.OJ><JP.ID>oep-jp</JP.ID><JP.JAAR>2026</JP.JAAR><JP.SEKNR>11</JP.SEKNR>
<JP.POSTNR>1</JP.POSTNR><JP.JDATO>20260402</JP.JDATO><JP.NDOKTYPE>U</JP.NDOKTYPE>{entry}
<AVSMOT.OJ><AM.NAVN>{"moe ZQOKORR" if marked else "Zqokorr Moe"}</AM.NAVN><AM.IHTYPE>1</AM.IHTYPE>
<AM.U1>{1 if marked else 0}</AM.U1></AVSMOT.OJ>
<DOKLINK.OJ><DL.RNR>1</DL.RNR><DL.TYPE>H</DL.TYPE><DOKBESKRIV.OJ>
<DB.TITTEL>Oppsigelsesbrev</DB.TITTEL>{version("oepdok/brev.txt")}</DOKBESKRIV.OJ></DOKLINK.OJ>
<DOKLINK.OJ><DL.RNR>2</DL.RNR><DL.TYPE>V</DL.TYPE>{"<DL.TGKODE>P</DL.TGKODE>" if marked else ""}
<DOKBESKRIV.OJ><DB.TITTEL>Legeattest Zqodoktittel</DB.TITTEL>{version("oepdok/attest.txt")}
</DOKBESKRIV.OJ></DOKLINK.OJ></JOURNPOST.OJ>{gone}
</NOARKSAK.OJ></RAPPORT></OFFJOURNAL>"""
    (root / "offjournal.xml").write_text(xml, encoding="utf-8")


class SweepN5ws(N5wsSite):
    """An N5WS service whose entries each serve their own file (``files``)."""

    def __init__(self) -> None:
        super().__init__(entries=0)
        self.files: dict[str, bytes] = {}

    def set_file(self, sid: str, data: bytes, **obj: Any) -> None:
        self.files[sid] = data
        self.objects[sid] = {
            "sjekksum": hashlib.sha256(data).hexdigest(),
            "filstoerrelse": len(data),
            "mimeType": "text/plain",
            "format": "TXT",
            **obj,
        }

    def route(self, path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Reply:
        parts = [p for p in path.split("/") if p]
        file = parts[:2] == ["api", "arkivstruktur"] and parts[-1] == "referanseFil"
        if file and parts[3] in self.files:
            return 200, {"Content-Type": "text/plain"}, self.files[parts[3]]
        return super().route(path, query, headers)


SK_JSON = {
    "tilgangsrestriksjon": {"kode": "UO", "kodenavn": "Unntatt offentlighet"},
    "skjermingshjemmel": "Offl. § 13",
    "skjermingMetadata": [{"kode": "tittel"}, {"kode": "korrespondansepartNavn"}],
}


def n5ws_build(site: SweepN5ws) -> None:
    site.add_case("ws-sak1")
    site.cases["ws-sak1"].update(offentligTittel="Byggesaker Zqwoffentlig", tittel=None)
    site.add_case("ws-sak2")
    site.cases["ws-sak2"].update(offentligTittel="Reguleringssak Zqwsak", tittel=None)
    for sid, case, title in (
        ("ws-bygg", "ws-sak1", "Byggesøknad Zqwbygg Olsen"),
        ("ws-redig", "ws-sak1", "Vedtak om byggetillatelse"),
        ("ws-dok", "ws-sak1", "Ferdigattest"),
        ("ws-borte", "ws-sak1", "Nabovarsel Zqwborte"),
        ("ws-regul", "ws-sak2", "Reguleringsplan"),
        ("ws-fnr", "ws-sak1", f"Klage fra {fnr_spellings(FNR[4])[4]}"),
    ):
        site.add_entry(sid, case, title, tittel=f"{title} Zqwintern")
    site.parts["ws-bygg"] = [
        {"navn": "Zqwkorr Strand", "korrespondanseparttype": {"kode": "EA"}, "systemID": "kp1"}
    ]
    site.documents["ws-bygg"] = {"tittel": "Byggesøknad Zqwbygg Olsen"}
    site.set_file("ws-bygg", b"Soknad om bygg. Zqwoffentlig.", filnavn="Zqwbygg Olsen.txt")
    site.set_file("ws-redig", b"Vedtak. Zqwuredigert om naboen.", filnavn="vedtak.txt")
    site.set_file("ws-dok", b"Ferdigattest. Zqwdoktekst om boligen.", filnavn="attest.txt")


def n5ws_change(site: SweepN5ws, run: int) -> None:
    if run == 2:
        site.touch(
            "ws-bygg",
            offentligTittel="Byggesøknad",
            tittel="BYGGESØKNAD,  olsen\tzqwbygg",
            skjerming=SK_JSON,
        )
        site.documents["ws-bygg"] = {"tittel": "olsen ZQWBYGG – byggesøknad"}
        site.set_file(
            "ws-bygg", b"Soknad om bygg. Zqwoffentlig.", filnavn="Byggesøknad - ZQWBYGG olsen.txt"
        )
        site.set_file("ws-redig", b"Vedtak. Zqwsladdet.", filnavn="vedtak-sladdet.txt")
        site.touch("ws-redig")
        site.documents["ws-dok"] = {
            "skjerming": {
                "tilgangsrestriksjon": {"kode": "UO"},
                "skjermingshjemmel": "Offl. § 13",
                "skjermingDokument": {"kode": "H"},
            }
        }
        site.touch("ws-dok")
        site.cases["ws-sak2"].update(
            offentligTittel="Reguleringssak",
            tittel="reguleringssak ZQWSAK",
            skjerming=SK_JSON,
            endretDato=site.tick(),
        )
    if run == 3:
        del site.entries["ws-borte"]


def documents_change(site: DocumentSite, run: int) -> None:
    if run == 1:
        site.publish("klage.txt", b"Klage. Zqdoffentlig.", f"Klage fra {fnr_spellings(FNR[6])[0]}")
        site.publish("referat.txt", b"Referat fra moetet. Zqdreferat sa nei.", "Referat")
        site.publish("soknad-zqdkari-nordmann.txt", b"Soknad. Zqdsladdet.", "Søknad fra ZQDKARI")
        site.publish(
            "vedlegg.zip",
            zip_bytes({"Zqdzipnavn.txt": "Vedlegg. Zqdziptekst."}),
            "Vedlegg",
            "application/zip",
        )
    if run == 2:
        site.publish("referat.txt", b"Referat fra moetet. Zqdsladdet.", "Referat")
        del site.docs["soknad-zqdkari-nordmann.txt"]
    if run == 3:
        del site.docs["vedlegg.zip"]


# ---------------------------------------------------------------- the installation


@dataclass
class Findings:
    """What the sweep saw: leaks by case, the tokens seen public by run, admin findings."""

    leaks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    seen_public: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    fnr: list[str] = field(default_factory=list)
    attachments: dict[int, list[str]] = field(default_factory=dict)
    """The names of the files extracted from other files, by run."""
    fnr_in_files: int = 0
    in_files: set[str] = field(default_factory=set)
    """Tokens seen in originals and content downloads."""
    """Originals holding a number: the check finds the spellings the inputs use."""
    runs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    admin: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    routes: set[str] = field(default_factory=set)
    swept_rules: set[str] = field(default_factory=set)
    public_rules: set[str] = field(default_factory=set)
    responses: int = 0


def _dead_pid() -> int:
    for pid in range(4_000_000, 3_000_000, -7):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            continue
    raise AssertionError("no free pid")


def _sweep_public(client: Any, sessions: Any, run: int, index: IndexView, found: Findings) -> None:
    """Every public surface and the indices, for every token, after ``run``."""
    surfaces = Surfaces(client)
    tokens = [s.token for s in SECRETS] + list(VISIBLE)
    for token in tokens:
        for q in (token, token.lower(), f'"{token}"'):
            surfaces.get("/?" + urlencode({"q": q}))
            surfaces.api_pages(q=q, size=50)
        surfaces.get("/feed.atom?" + urlencode({"q": token}))
    for q in ("Søknad", "Vedtak", "Klage", "E-post", "Referat", "Zq*", "*"):
        surfaces.get("/?" + urlencode({"q": q, "size": 100}))
        surfaces.get("/feed.atom?" + urlencode({"q": q}))
        surfaces.api_pages(q=q, size=7)
    surfaces.api_pages(size=5, sort="date_asc")
    surfaces.crawl(["/", "/?size=100&sort=date_desc", "/feed.atom", "/?lang=en"])
    with sessions() as s:
        jp_ids = sorted(s.scalars(select(Journalpost.id)))
        sak_ids = sorted(s.scalars(select(Saksmappe.id)))
        doc_ids = sorted(s.scalars(select(Dokumentbeskrivelse.id)))
        enhet_ids = sorted(s.scalars(select(Enhet.id)))
        found.attachments[run] = sorted(
            str(n)
            for n in s.scalars(
                select(Dokumentobjekt.filnavn).where(Dokumentobjekt.parent_id.is_not(None))
            )
        )
    urls = [f"{p}/journalpost/{i}" for i in jp_ids for p in ("", "/api/v1")]
    urls += [f"{p}/saksmappe/{i}" for i in sak_ids for p in ("", "/api/v1")]
    urls += [f"{p}/enhet/{i}" for i in enhet_ids for p in ("", "/api/v1")]
    urls += ["/api/v1/enhet?limit=100"]
    for d in doc_ids:
        urls += [
            f"/dokument/{d}",
            f"/dokument/{d}/original",
            f"/api/v1/dokument/{d}",
            f"/api/v1/dokument/{d}/content",
        ]
    for url in urls:
        if url not in surfaces.visited:
            surfaces.get(url)
    found.responses += len(surfaces.seen)
    index.refresh()
    everything = "\n".join(r.hay for r in surfaces.seen)
    for token in tokens:
        if norm(token) in everything:
            found.seen_public[run].add(token)
    for secret in SECRETS:
        if not secret.since <= run <= secret.until:
            continue
        needle = norm(secret.token)
        for r in surfaces.seen:
            if secret.in_public_file and r.url.endswith(("/original", "/content")):
                if needle in r.hay:
                    found.in_files.add(secret.token)
                continue
            if needle in r.hay:
                found.leaks[secret.case].append(f"run {run}: {secret.token} in {r.url}")
        for where in index.finds(secret.token):
            found.leaks[secret.case].append(f"run {run}: {secret.token} in index {where}")
    numbers = [n for n in FNR]
    for r in surfaces.seen:
        flat = digits_only(r.raw)
        if r.url.endswith(("/original", "/content")) and r.status == 200:
            # the agency's own file as published; titles and shown text are redacted
            found.fnr_in_files += any(n in flat for n in numbers)
            continue
        found.fnr += [f"run {run}: {n} in {r.url}" for n in numbers if n in flat]
    index_digits = index.digits()
    found.fnr += [f"run {run}: {n} in the index" for n in numbers if n in index_digits]
    adapter = client.application.url_map.bind("localhost")
    for r in surfaces.seen:
        if r.status == 200:
            endpoint, _ = adapter.match(r.url.split("?")[0])
            found.swept_rules |= {
                rule.rule for rule in client.application.url_map.iter_rules(endpoint)
            }


@dataclass
class Agency:
    id: str
    name: str
    user: str
    key: str = ""
    jobs: list[int] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)
    key_id: int = 0
    secrets: list[str] = field(default_factory=list)


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token in the form"
    return match.group(1)


def _login(client: Any, username: str) -> str:
    page = client.get("/admin/login").get_data(as_text=True)
    resp = client.post(
        "/admin/login",
        data={"username": username, "password": PASSWORD, "csrf_token": _token(page)},
    )
    assert resp.status_code == 302, resp.status_code
    return _token(client.get("/admin/jobs/new").get_data(as_text=True))


ID_ARGS = {"job_id": "jobs", "run_id": "runs", "key_id": "key_id"}


def _attack(app: Any, attacker: Agency, victim: Agency, found: Findings) -> None:
    """``attacker``'s admin (UI) and key (API) on every admin route, aimed at ``victim``."""
    ui = app.test_client()
    csrf = _login(ui, attacker.user)
    bearer = {"Authorization": f"Bearer {attacker.key}"}
    hostile = {
        "name": "Kapret",
        "agency_id": victim.id,
        "location": "http://127.0.0.1:9/kapret",
        "harvester": "documents",
        "schedule": "every 1h",
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/admin", "/api/v1/admin")) or rule.endpoint in (
            "admin.login",
            "admin.logout",
        ):
            continue
        found.routes.add(rule.rule)
        api = rule.rule.startswith("/api/")
        unknown = set(rule.arguments) - set(ID_ARGS)
        if unknown:
            found.admin["unknown-route-arguments"].append(f"{rule.rule}: {sorted(unknown)}")
            continue
        targets: list[dict[str, int]] = [{}]
        for arg in rule.arguments:
            kind = ID_ARGS[arg]
            ids = [victim.key_id] if kind == "key_id" else getattr(victim, kind)
            targets = [{**t, arg: i} for t in targets for i in ids]
        for values in targets:
            path = rule.build(values, append_unknown=False)[1]
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                if api:
                    resp = ui.open(path, method=method, headers=bearer, json=hostile)
                else:
                    form = {**hostile, "csrf_token": csrf, "full": "1", "cred_token": "x"}
                    resp = ui.open(path, method=method, data=form if method == "POST" else None)
                body = (
                    resp.get_data(as_text=True)
                    + "\n"
                    + "\n".join(f"{k}: {v}" for k, v in resp.headers.items())
                )
                where = f"{attacker.id} {method} {path} -> {resp.status_code}"
                if values and resp.status_code not in (403, 404):
                    found.admin["status"].append(where)
                _victim_data(found, victim, body, where, values.values())
    # the attacker's own runs and pages must not name the victim's runs either
    for run_id in attacker.runs:
        for path, headers in (
            (f"/admin/runs/{run_id}", {}),
            (f"/api/v1/admin/runs/{run_id}", bearer),
        ):
            body = ui.get(path, headers=headers).get_data(as_text=True)
            _victim_data(found, victim, body, f"{attacker.id} {path}")


def _victim_data(found: Findings, victim: Agency, body: str, where: str, asked: Any = ()) -> None:
    """Record every piece of ``victim``'s data in ``body``: names, locations, source keys,
    user, key, and its run ids as a run log would write them."""
    text = norm(body)
    for secret in victim.secrets:
        if norm(secret) in text:
            found.admin["data"].append(f"{where}: {secret!r} in the answer")
    for run_id in victim.runs:
        if run_id in asked:
            continue  # "no run 7" answers the request, it tells nothing
        if re.search(rf"(?<![\w/])run {run_id}(?!\d)", text):
            found.admin["run-logs"].append(f"{where}: names run {run_id} of {victim.id}")


def _check_untouched(
    sessions: Any, victim: Agency, before: dict[int, tuple[Any, ...]], found: Findings
) -> None:
    with sessions() as s:
        for job_id, was in before.items():
            job = s.get(Job, job_id)
            now = (
                None
                if job is None
                else (job.name, job.location, job.run_requested, job.credentials)
            )
            if now != was:
                found.admin["changed"].append(f"job {job_id} of {victim.id}: {was} -> {now}")
        key = s.get(ApiKey, victim.key_id)
        if key is None or key.revoked_at is not None:
            found.admin["changed"].append(f"key {victim.key_id} of {victim.id} revoked")
        extra = s.scalar(select(func.count()).select_from(Job).where(Job.name == "Kapret"))
        if extra:
            found.admin["changed"].append(f"{extra} job(s) 'Kapret' created")


@pytest.fixture(scope="module")
def swept(services, tmp_path_factory) -> Iterator[Findings]:
    import httpx

    from tests.conftest import make_settings

    tmp = tmp_path_factory.mktemp("sweep-runs")
    settings = make_settings(
        tmp,
        services,
        rate_limit_search="1000000 per minute",
        rate_limit_login="1000 per minute",
        http_allow_private_addresses=True,
        session_cookie_secure=False,
        ocr_concurrency=0,
    )
    try:
        yield _run_sweep(settings, tmp, services)
    finally:
        with httpx.Client(timeout=30) as client:
            client.delete(f"{services.opensearch}/{settings.index_prefix}-*")


def _run_sweep(settings: Any, tmp: Path, services: Any) -> Findings:
    found = Findings()
    sessions = store(settings)
    sveip = Agency("sveipvik", "Sveipvik kommune", "sveip_admin")
    angrep = Agency("angrepsby", "Angrepsby kommune", "angrep_admin")
    with sessions.begin() as s:
        s.add_all([Enhet(id=a.id, navn=a.name) for a in (sveip, angrep)])
        s.flush()
        for a in (sveip, angrep):
            create_user(s, a.user, PASSWORD, "agency_admin", a.id)
            key, a.key = create_api_key(s, f"nokkel {a.id}", a.id, "test")
            a.key_id = key.id
            a.secrets += [a.user, key.prefix, f"nokkel {a.id}"]
    roots = {name: tmp / name for name in ("noark5", "vedlegg", "dropp", "jsonld", "oep")}
    ws, docs, bsite = SweepN5ws(), DocumentSite(), DocumentSite()
    n5ws_build(ws)
    bsite.publish("Zqbrapport.txt", b"Rapport fra Angrepsby. Zqbtekst.", "Zqbrapport")
    with ws, docs, bsite:
        specs = [
            (sveip, "noark5", str(roots["noark5"]), {"complete": "true"}),
            (sveip, "noark5", str(roots["vedlegg"]), {"complete": "true"}),
            (sveip, "noark5", str(roots["dropp"]), {"complete": "true"}),
            (sveip, "einnsyn-jsonld", str(roots["jsonld"]), {}),
            (sveip, "oep", str(roots["oep"] / "offjournal.xml"), {"complete": "true"}),
            (sveip, "n5ws", f"{ws.base}/api", {"page_size": "3"}),
            (sveip, "documents", f"{docs.base}/feed.atom", {}),
            (angrep, "documents", f"{bsite.base}/feed.atom", {}),
        ]
        with sessions.begin() as s:
            for agency, harvester, location, params in specs:
                name = f"Zq{agency.id} {harvester} {len(agency.jobs)}"
                job = create_job(
                    s,
                    settings,
                    CLI_ACTOR,
                    {
                        "name": name,
                        "agency_id": agency.id,
                        "harvester": harvester,
                        "location": location,
                        "schedule": "every 1h",
                        "params": params,
                        **(
                            {"credentials": {"token": f"zqtoken{agency.id}secret"}}
                            if location.startswith("http")
                            else {}
                        ),
                    },
                )
                s.flush()
                agency.jobs.append(job.id)
                agency.secrets += [name, location, f"zqtoken{agency.id}secret", job.source_key]
        app = create_app(settings)
        client = app.test_client()
        index = IndexView(services.opensearch, settings.index_prefix)
        for run in range(1, RUNS + 1):
            noark5_source(roots["noark5"], run)
            attachments_source(roots["vedlegg"], run)
            dropped_parent_source(roots["dropp"], run)
            jsonld_source(roots["jsonld"], run)
            oep_source(roots["oep"], run)
            n5ws_change(ws, run)
            documents_change(docs, run)
            if run == 2:
                _abandoned_run(sessions, angrep, sveip)
            for agency in (sveip, angrep):
                for job_id in agency.jobs:
                    outcome = run_job(
                        settings,
                        sessions,
                        job_id,
                        worker=f"sweep:{run}",
                        trigger="manual",
                        full=run == RUNS,
                    )
                    if outcome.run_id is not None:
                        agency.runs.append(outcome.run_id)
                    if outcome.status not in (RunStatus.OK, RunStatus.OK_WITH_ERRORS):
                        found.runs[f"job {job_id}"].append(
                            f"run {run}: {outcome.status} {outcome.summary}"
                        )
            if run == 1:
                _embargo(sessions)
                catch_up(settings, make_client(settings), sessions)
            _sweep_public(client, sessions, run, index, found)
        found.public_rules = {
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ())
            and not rule.rule.startswith(("/admin", "/api/v1/admin", "/static"))
        }
        before = {}
        with sessions() as s:
            for a in (sveip, angrep):
                for job_id in a.jobs:
                    job = s.get(Job, job_id)
                    assert job is not None
                    before[job_id] = (job.name, job.location, job.run_requested, job.credentials)
        _attack(app, angrep, sveip, found)
        _attack(app, sveip, angrep, found)
        for victim in (sveip, angrep):
            _check_untouched(sessions, victim, {j: before[j] for j in victim.jobs}, found)
    return found


def _abandoned_run(sessions: Any, owner: Agency, finder: Agency) -> None:
    """A run of ``owner``'s job left ``running`` by a process that died: the next harvest
    (``finder``'s job, the first to run) closes it."""
    with sessions.begin() as s:
        run = HarvestRun(
            source_key="dead",
            harvester="documents",
            location="dead",
            status=RunStatus.RUNNING,
            job_id=owner.jobs[0],
            trigger="manual",
            worker=f"{socket.gethostname()}:{_dead_pid()}:dead",
        )
        s.add(run)
        s.flush()
        owner.runs.append(run.id)


def _embargo(sessions: Any) -> None:
    """Embargo a case and its entry until next month, as the store would hold one."""
    later = utcnow() + dt.timedelta(days=30)
    with sessions.begin() as s:
        for model, sid in ((Journalpost, "n5-emb"), (Saksmappe, "n5-sak4")):
            done = s.execute(
                update(model)
                .where(model.system_id == sid)
                .values(accessible_after=later, updated_at=utcnow())
            )
            assert done.rowcount == 1  # type: ignore[attr-defined]


# ---------------------------------------------------------------- the checks


@pytest.mark.parametrize("case", sorted({s.case for s in SECRETS}))
def test_nothing_screened_shows_after_any_run(swept: Findings, case: str) -> None:
    """The case's tokens are nowhere public (pages, API, feeds, downloads, headers and
    attributes, the indices) from the run where they became forbidden on, and a token
    that became forbidden in a later run was public before it (the change is real)."""
    assert not swept.leaks.get(case), swept.leaks[case][:15]
    for secret in (s for s in SECRETS if s.case == case and s.since > 1 and not s.new_in_run):
        assert secret.token in swept.seen_public[secret.since - 1], (
            f"{secret.token} was never public before run {secret.since}: the sweep is vacuous"
        )


def test_every_run_completed(swept: Findings) -> None:
    assert not swept.runs, dict(swept.runs)
    assert len(swept.attachments[1]) >= 4, swept.attachments
    # the attachment named after the screened title was extracted, under a neutral name,
    # and its name is in the public e-mail's own bytes (so its case is not vacuous)
    assert "dokument-1.txt" in swept.attachments[1], swept.attachments[1]
    assert "Zqvakari" in swept.in_files, swept.in_files


def test_no_fodselsnummer_in_any_spelling(swept: Findings) -> None:
    assert not swept.fnr, swept.fnr[:15]
    assert swept.fnr_in_files >= RUNS, swept.fnr_in_files


def test_public_parts_stay_visible_and_every_route_was_swept(swept: Findings) -> None:
    for run in range(1, RUNS + 1):
        missing = [
            v for v, since in VISIBLE.items() if since <= run and v not in swept.seen_public[run]
        ]
        assert not missing, (run, missing)
    assert swept.responses >= 1500, swept.responses
    assert swept.public_rules <= swept.swept_rules, swept.public_rules - swept.swept_rules


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("status", id="other-agency-ids-answer-404"),
        pytest.param("data", id="no-other-agency-data"),
        pytest.param("changed", id="nothing-of-the-other-agency-changed"),
        pytest.param("unknown-route-arguments", id="every-admin-route-swept"),
        pytest.param("run-logs", id="no-other-agency-runs-in-logs"),
    ],
)
def test_another_agencys_admin_reaches_nothing(swept: Findings, case: str) -> None:
    """Another agency's admin (UI) and key (API) on every admin route of the url_map."""
    assert len(swept.routes) >= 12, sorted(swept.routes)
    assert not swept.admin.get(case), swept.admin[case][:15]
