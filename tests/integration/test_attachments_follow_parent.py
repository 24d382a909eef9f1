"""Attachments found inside an e-mail or a zip follow it in every later harvest.

A Noark 5 extraction holds an entry whose document is a real e-mail with two attached
text files (Apache Tika's ``testRFC822_multipart_attachments.eml``), or a real zip of
two; harvesting it with the real Tika makes each attachment a document of the entry.
The source is then harvested again with the e-mail screened, replaced by a redacted
file (that may also be missing), dropped from the entry, or the entry withdrawn:
afterwards no page, API answer, download or index document may show an attachment,
and that run and the one after it succeed. A store written before attachments
followed their e-mail is repaired by its migration."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from harvesters.noark5 import Noark5Harvester
from innsyn.harvest.pipeline import RunContext, harvest
from innsyn.search_client import make_client
from innsyn.store.db import alembic_config, make_engine, make_sessionmaker
from innsyn.store.ids import stable_id
from innsyn.store.models import (
    Base,
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Extraction,
    Journalpost,
    Skjerming,
    utcnow,
)
from tests.factories import store
from tests.pg import postgres_server
from web import create_app

pytestmark = pytest.mark.services


@dataclass(frozen=True)
class Container:
    """A real file holding attachments: ``title`` is part of an attachment's name,
    ``word`` is found in that attachment's text only."""

    sample: str
    name: str
    format: str
    title: str
    word: str


EMAIL = Container(
    "tika/mail/testRFC822_multipart_attachments.eml", "epost.eml", "eml", "TxtA", "TXTA"
)
"""An e-mail with ``Test TxtA.txt`` (``This is Test TXTA File for parser``) attached."""
ZIP = Container(
    "tika/misc/testZipEntryNameCharsetShiftSJIS.zip", "vedlegg.zip", "zip", "文章1", "あいうえお"
)
"""A zip of ``文章1.txt`` (``あいうえお かきくけこ``) and ``文章2.txt``, names in Shift JIS."""
REDACTED = b"Sladdet utgave av e-posten. Innholdet er unntatt offentlighet.\n"

SCREENING = """
      <skjerming>
       <tilgangsrestriksjon>UO</tilgangsrestriksjon>
       <skjermingshjemmel>Offl. 13, jf. fvl. 13</skjermingshjemmel>
       <skjermingDokument>Hele dokumentet</skjermingDokument>
      </skjerming>"""


def _document(
    root: Path, sid: str, number: int, title: str, ref: str, fmt: str, screened: bool
) -> str:
    checksum = hashlib.sha256((root / "dokumenter" / ref).read_bytes()).hexdigest()
    role = "Hoveddokument" if number == 1 else "Vedlegg"
    return f"""
     <dokumentbeskrivelse>
      <systemID>{sid}</systemID>
      <tilknyttetRegistreringSom>{role}</tilknyttetRegistreringSom>
      <dokumentnummer>{number}</dokumentnummer>
      <tittel>{title}</tittel>{SCREENING if screened else ""}
      <dokumentobjekt>
       <versjonsnummer>1</versjonsnummer>
       <variantformat>Arkivformat</variantformat>
       <format>{fmt}</format>
       <referanseDokumentfil>dokumenter/{ref}</referanseDokumentfil>
       <sjekksum>{checksum}</sjekksum>
       <sjekksumAlgoritme>SHA256</sjekksumAlgoritme>
      </dokumentobjekt>
     </dokumentbeskrivelse>"""


def _entry(sid: str, n: int, title: str, documents: str) -> str:
    return f"""
    <registrering xsi:type="journalpost">
     <systemID>{sid}</systemID>
     <offentligTittel>{title}</offentligTittel>
     <journalaar>2026</journalaar>
     <journalsekvensnummer>{n}</journalsekvensnummer>
     <journalpostnummer>{n}</journalpostnummer>
     <journalposttype>Inngående dokument</journalposttype>
     <journaldato>2026-03-0{n}</journaldato>{documents}
    </registrering>"""


def _extraction(root: Path, entries: str) -> Path:
    (root / "arkivstruktur.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <systemID>arkiv-1</systemID>
 <tittel>Postjournal</tittel>
 <arkivskaper>
  <arkivskaperID>974760673</arkivskaperID>
  <arkivskaperNavn>Fjordvik kommune</arkivskaperNavn>
 </arkivskaper>
 <arkivdel>
  <systemID>arkivdel-1</systemID>
  <tittel>Post 2026</tittel>
  <mappe xsi:type="saksmappe">
   <systemID>sak-1</systemID>
   <offentligTittel>Klage på byggesak i Fjordbyen</offentligTittel>
   <saksaar>2026</saksaar>
   <sakssekvensnummer>17</sakssekvensnummer>{entries}
  </mappe>
 </arkivdel>
</arkiv>
""",
        encoding="utf-8",
    )
    return root


def _source(root: Path, scenario: str, container: Container) -> Path:
    """The extraction as first harvested (``scenario`` "first") or as changed."""
    if scenario == "replaced_in_place":
        (root / "dokumenter" / container.name).write_bytes(REDACTED)
    letter = _document(root, "dok-brev", 1, "Brev fra klager", "brev.txt", "txt", False)
    ref, fmt = (container.name, container.format)
    if scenario == "replaced_by_new_file":
        ref, fmt = ("epost-sladdet.txt", "txt")
    elif scenario == "replaced_unreadable":
        (root / "dokumenter" / ref).write_bytes(REDACTED)
    mail = _document(root, "dok-epost", 2, "E-post fra klager", ref, fmt, scenario == "screened")
    if scenario == "replaced_unreadable":
        (root / "dokumenter" / ref).unlink()  # its new checksum declared, the file missing
    if scenario == "dropped":
        mail = ""
    entries = _entry("jp-svar", 2, "Svar på klage", "")
    if scenario != "withdrawn":
        entries = (
            _entry("jp-klage", 1, "Klage på vedtak om byggetillatelse", letter + mail) + entries
        )
    return _extraction(root, entries)


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_settings(request, settings):
    """The test's settings on SQLite, or on a PostgreSQL database emptied for it."""
    if request.param == "sqlite":
        return settings
    pg = settings.model_copy(update={"database_url": request.getfixturevalue("postgres_url")})
    engine = make_engine(pg)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    return pg


@pytest.fixture
def source(testdata, tmp_path):
    root = tmp_path / "uttrekk"
    (root / "dokumenter").mkdir(parents=True)
    for container in (EMAIL, ZIP):
        shutil.copy(testdata / container.sample, root / "dokumenter" / container.name)
    (root / "dokumenter/brev.txt").write_text("Klagen gjelder garasjen på Fjordbyen.\n")
    (root / "dokumenter/epost-sladdet.txt").write_bytes(REDACTED)
    return root


def _run(settings, sessions, root: Path):
    harvester = Noark5Harvester(str(root), {"complete": "true"})
    return harvest(harvester, RunContext(settings, sessions, "klager"))


def _index_dump(settings, container: Container) -> tuple[str, int, int]:
    """Every index document of this test as JSON, and the hits of a search for the
    attachment's word and for its title."""
    client = make_client(settings)
    pattern = f"{settings.index_prefix}-*"
    client.indices.refresh(index=pattern)
    docs = client.search(index=pattern, body={"size": 1000})["hits"]["hits"]

    def hits(text: str) -> int:
        body = {"query": {"query_string": {"query": text, "lenient": True}}, "size": 100}
        return len(client.search(index=pattern, body=body)["hits"]["hits"])

    dump = json.dumps([d["_source"] for d in docs], ensure_ascii=False)
    return dump, hits(container.word), hits(container.title)


def _attachments(sessions) -> dict[str, str]:
    """The ids of the attachment documents, by their title."""
    with sessions() as s:
        rows = s.execute(
            select(Dokumentbeskrivelse.id, Dokumentbeskrivelse.tittel)
            .join(Dokumentobjekt)
            .where(Dokumentobjekt.parent_id.is_not(None))
        ).all()
    return {str(title): str(did) for did, title in rows}


def _document_id(sessions, system_id: str) -> str | None:
    with sessions() as s:
        return s.scalar(
            select(Dokumentbeskrivelse.id).where(Dokumentbeskrivelse.system_id == system_id)
        )


def _entry_id(sessions) -> str:
    with sessions() as s:
        return str(
            s.scalar(
                select(Dokumentbeskrivelse.journalpost_id).where(
                    Dokumentbeskrivelse.system_id == "dok-brev"
                )
            )
        )


def _shows_attachment(body: bytes, container: Container) -> bool:
    text = json.loads(body) if body.startswith(b"{") else body.decode("utf-8", "replace")
    text = str(text).lower()
    return container.title.lower() in text or container.word.lower() in text


SCENARIOS = [
    "screened",
    "replaced_in_place",
    "replaced_by_new_file",
    "replaced_unreadable",
    "dropped",
    "withdrawn",
]


@pytest.mark.parametrize(
    ("container", "scenario"),
    [(EMAIL, s) for s in SCENARIOS] + [(ZIP, s) for s in ("screened", "replaced_in_place")],
    ids=[f"eml-{s}" for s in SCENARIOS] + ["zip-screened", "zip-replaced_in_place"],
)
def test_attachments_follow_their_parent(db_settings, source, container, scenario):
    settings = db_settings
    sessions = store(settings)
    first = _run(settings, sessions, _source(source, "first", container))
    assert first.status == "ok", first.errors
    attachments = _attachments(sessions)
    attachment = next(did for title, did in attachments.items() if container.title in title)
    jid = _entry_id(sessions)
    mail = _document_id(sessions, "dok-epost")
    client = create_app(settings).test_client()
    assert _shows_attachment(client.get(f"/journalpost/{jid}").data, container)
    assert _shows_attachment(client.get(f"/api/v1/dokument/{attachment}").data, container)
    dump, word_hits, title_hits = _index_dump(settings, container)
    assert container.word in dump and word_hits and title_hits

    second = _run(settings, sessions, _source(source, scenario, container))
    if scenario == "replaced_unreadable":
        assert second.status == "ok_with_errors"
        assert any("epost.eml" in e and "could not be read" in e for e in second.errors)
    else:
        assert second.status == "ok", second.errors
    third = _run(settings, sessions, source)
    assert third.status == "ok", third.errors

    entry_page = client.get(f"/journalpost/{jid}")
    entry_api = client.get(f"/api/v1/journalpost/{jid}")
    for response in (entry_page, entry_api):
        assert response.status_code == (404 if scenario == "withdrawn" else 200)
        assert not _shows_attachment(response.data, container)
    for did in attachments.values():
        for url in (
            f"/dokument/{did}",
            f"/dokument/{did}/original",
            f"/api/v1/dokument/{did}",
            f"/api/v1/dokument/{did}/content",
        ):
            assert client.get(url).status_code == 404, url
    if scenario in ("screened", "dropped", "withdrawn", "replaced_unreadable"):
        for url in (f"/dokument/{mail}/original", f"/api/v1/dokument/{mail}/content"):
            assert client.get(url).status_code == 404, url
    if scenario in ("replaced_in_place", "replaced_by_new_file"):
        current = _document_id(sessions, "dok-epost")
        assert client.get(f"/api/v1/dokument/{current}/content").data == REDACTED
        assert f"/dokument/{current}" in entry_page.data.decode()
    dump, word_hits, title_hits = _index_dump(settings, container)
    assert "Svar på klage" in dump
    assert container.word.lower() not in dump.lower()
    assert container.title.lower() not in dump.lower()
    assert (word_hits, title_hits) == (0, 0)
    with sessions() as s:
        derived = s.scalars(
            select(Dokumentbeskrivelse)
            .join(Dokumentobjekt)
            .where(Dokumentobjekt.parent_id.is_not(None))
        ).all()
        if scenario == "screened":
            assert derived and all(d.skjerming and d.skjerming.tilgangsrestriksjon for d in derived)
        elif scenario != "withdrawn":
            assert derived == []


def _migrate(engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _mail_with_attachment(
    s, name: str, content: str, screening: Skjerming | None, indexed: dt.datetime
) -> tuple[str, str]:
    """An entry whose e-mail (of content ``content``) holds an unscreened attachment,
    as extraction made it before attachments followed their e-mail; the ids of the
    entry and the attachment."""
    jp = Journalpost(
        id=f"jp_{name}",
        source_key="gammel",
        system_id=name,
        offentlig_tittel=f"Klage {name}",
        updated_at=indexed,
        last_indexed_at=indexed,
    )
    mail = Dokumentbeskrivelse(id=f"db_{name}", tittel="E-post", skjerming=screening)
    mail.dokumentobjekter.append(Dokumentobjekt(id=f"do_{name}", sha256=content))
    attachment = stable_id("db", f"do_{name}", "embedded", "0")
    child = Dokumentbeskrivelse(id=attachment, tittel="Test TxtA.txt")
    child.dokumentobjekter.append(
        Dokumentobjekt(
            id=stable_id("do", attachment),
            parent_id=f"do_{name}",
            filnavn="Test TxtA.txt",
            text_sha256="7" * 64,
            extraction_status="done",
        )
    )
    jp.dokumentbeskrivelser = [mail, child]
    s.add(jp)
    return jp.id, attachment


def test_a_store_written_before_is_repaired_by_its_migration(db_settings):
    """Revision 0010: an attachment under an e-mail screened since takes its screening,
    one the e-mail's current content does not hold is deleted, a current one is kept;
    the entries changed are due for indexing again."""
    engine = make_engine(db_settings)
    _migrate(engine, "0009")
    sessions = make_sessionmaker(engine)
    indexed = utcnow() - dt.timedelta(days=1)
    original, redacted = "a" * 64, "b" * 64
    with sessions.begin() as s:
        held = {"name": "Test TxtA.txt", "media_type": "text/plain", "text_sha256": "7" * 64}
        s.add(Extraction(sha256=original, status="done", meta={"embedded": [held]}))
        s.add(Extraction(sha256=redacted, status="done", meta={"embedded": []}))
        uo = Skjerming(tilgangsrestriksjon="UO", skjermingshjemmel="Offl. § 13")
        screened = _mail_with_attachment(s, "skjermet", original, uo, indexed)
        replaced = _mail_with_attachment(s, "sladdet", redacted, None, indexed)
        current = _mail_with_attachment(s, "uendret", original, None, indexed)
    _migrate(engine, "head")
    with sessions() as s:
        attachment = s.get_one(Dokumentbeskrivelse, screened[1])
        assert attachment.skjerming_id is not None
        assert attachment.skjerming_id == s.get_one(Dokumentbeskrivelse, "db_skjermet").skjerming_id
        assert s.get(Dokumentbeskrivelse, replaced[1]) is None
        assert (
            s.scalars(
                select(Dokumentobjekt.id).where(Dokumentobjekt.parent_id == "do_sladdet")
            ).all()
            == []
        )
        kept = s.get_one(Dokumentbeskrivelse, current[1])
        assert kept.skjerming_id is None and kept.dokumentobjekter
        due = {
            jp.id
            for jp in s.scalars(select(Journalpost))
            if jp.last_indexed_at is None or jp.updated_at > jp.last_indexed_at
        }
        assert due == {screened[0], replaced[0]}
