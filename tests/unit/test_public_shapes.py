"""The public shapes (``innsyn.public.shapes``): every privacy rule holds on all three
surfaces of an entry taken from one table: the index document, the search hit (the API
search item, built from what OpenSearch returns of the index document) and the page
(HTML and API view)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from stdnum.no import fodselsnummer

from innsyn import jsontypes as t
from innsyn.config import Settings
from innsyn.indexing.documents import DocumentTexts, journalpost_document
from innsyn.privacy import REDACTED
from innsyn.public.shapes import (
    ENTRY,
    HIT,
    INDEX,
    PAGE,
    Field,
    Moment,
    Shape,
    case_page,
    document_page,
    entry_page,
)
from innsyn.search.query_builder import HIDDEN_SOURCE, RESULT_FIELDS
from innsyn.store.blobs import BlobStore
from innsyn.store.models import (
    Dokumentbeskrivelse,
    Dokumentobjekt,
    Enhet,
    Journalpost,
    Korrespondansepart,
    Saksmappe,
    Skjerming,
)

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def _fnr() -> str:
    for i in range(100, 999):
        base = f"010190{i}"
        first = fodselsnummer.calc_check_digit1(base)
        number = base + first + fodselsnummer.calc_check_digit2(base + first)
        if fodselsnummer.is_valid(number):
            return number
    raise AssertionError("no valid number")


FNR = _fnr()


def _entry(**fields: Any) -> Journalpost:
    case_fields = {
        "id": "sm_1",
        "source_key": "t",
        "system_id": "S1",
        "saksaar": 2026,
        "sakssekvensnummer": 12,
        "offentlig_tittel": "Byggesak Storgata 1",
        **fields.pop("case", {}),
    }
    sak = Saksmappe(**case_fields)
    values: dict[str, Any] = {
        "id": "jp_1",
        "source_key": "t",
        "system_id": "J1",
        "journalpostnummer": 3,
        "journaldato": dt.date(2026, 11, 20),
        "offentlig_tittel": "Søknad om dispensasjon",
        "publisert_dato": NOW - dt.timedelta(days=10),
        "updated_at": NOW,
        "saksmappe": sak,
        "enhet": Enhet(id="en_1", navn="Fjordvik kommune"),
        **fields,
    }
    return Journalpost(**values)


def _surfaces(settings: Settings, jp: Journalpost, at: dt.datetime = NOW) -> dict[str, Any]:
    """The entry's index document, its search hit and its page at ``at``."""
    index = journalpost_document(DocumentTexts(settings), jp)
    returned = {k: v for k, v in index.items() if k in RESULT_FIELDS and k not in HIDDEN_SOURCE}
    hit = ENTRY.hit({"_source": returned, "highlight": {}})
    page = entry_page(jp, Moment.of(at, settings))
    return {"index": index, "hit": hit, "page": page}


def test_a_screened_correspondent_is_on_no_surface(offline_settings):
    jp = _entry(
        korrespondanseparter=[
            Korrespondansepart(navn="Statens vegvesen", korrespondanseparttype="mottaker"),
            Korrespondansepart(navn=None, navn_sensitiv="Per Hemmelig", skjermet=True),
            Korrespondansepart(navn="Kari Skjult", navn_sensitiv="Kari Skjult", skjermet=True),
        ]
    )
    surfaces = _surfaces(offline_settings, jp)
    for name, view in surfaces.items():
        assert "Hemmelig" not in repr(view) and "Skjult" not in repr(view), name
        assert view["korrespondansepart"] == [
            {"navn": "Statens vegvesen", "korrespondanseparttype": "mottaker"}
        ], name
    assert surfaces["index"]["korrespondansepart_sensitiv"] is None


def test_a_screened_document_is_on_no_surface(offline_settings):
    blobs = BlobStore(offline_settings.resolved_blob_dir)
    shown = blobs.put_text("Vedtaket gjelder Fjordbyen")
    hidden = blobs.put_text("Helseopplysninger om Per")
    public = Dokumentbeskrivelse(id="db_pub", tittel="Vedtak", dokumentnummer=1)
    public.dokumentobjekter = [
        Dokumentobjekt(id="do_pub", extraction_status="done", text_sha256=shown.sha256)
    ]
    secret = Dokumentbeskrivelse(
        id="db_sec",
        tittel="Legeerklæring",
        dokumentnummer=2,
        skjerming=Skjerming(tilgangsrestriksjon="UO", skjermingshjemmel="Offl. § 13"),
    )
    secret.dokumentobjekter = [
        Dokumentobjekt(id="do_sec", extraction_status="done", text_sha256=hidden.sha256)
    ]
    jp = _entry(dokumentbeskrivelser=[public, secret])
    surfaces = _surfaces(offline_settings, jp)
    for name, view in surfaces.items():
        flat = repr(view)
        assert "Legeerklæring" not in flat and "db_sec" not in flat and "Helse" not in flat, name
    assert [d["id"] for d in surfaces["index"]["dokumenter"]] == ["db_pub"]
    assert surfaces["index"]["dokument_tekst"] == "Vedtaket gjelder Fjordbyen"
    assert surfaces["hit"]["dokument_count"] == 1
    assert [d["id"] for d in surfaces["page"]["dokumenter"]] == ["db_pub"]
    moment = Moment.of(NOW, offline_settings)
    assert document_page(secret, jp, moment) is None
    assert document_page(public, jp, moment) is not None

    jp.skjerming = Skjerming(skjermingshjemmel="Offl. § 13", skjerming_dokument="alle")
    covered = _surfaces(offline_settings, jp)
    assert covered["index"]["dokumenter"] == [] and covered["index"]["dokument_tekst"] is None
    assert covered["hit"]["dokument_count"] == 0 and covered["page"]["dokumenter"] == []
    assert document_page(public, jp, moment) is None


def test_a_fodselsnummer_in_a_title_is_on_no_surface(offline_settings):
    jp = _entry(
        offentlig_tittel=f"Søknad fra {FNR[:6]} {FNR[6:]} om bostøtte",
        offentlig_tittel_sensitiv=f"Søknad fra Ola {FNR}",
        case={"offentlig_tittel": f"Sak om {FNR}"},
        dokumentbeskrivelser=[Dokumentbeskrivelse(id="db_1", tittel=f"Vedlegg {FNR}")],
    )
    surfaces = _surfaces(offline_settings, jp)
    for name, view in surfaces.items():
        assert FNR[6:] not in repr(view), name
        assert view["saksmappe"]["offentlig_tittel"] == f"Sak om {REDACTED}", name
        assert view["tittel_screened"] is False, name
    assert surfaces["index"]["offentlig_tittel"] == f"Søknad fra {REDACTED} om bostøtte"
    assert surfaces["hit"]["offentlig_tittel"] == f"Søknad fra {REDACTED} om bostøtte"
    assert surfaces["page"]["offentlig_tittel"] == f"Søknad fra Ola {REDACTED}", "in the window"
    assert surfaces["index"]["offentlig_tittel_sensitiv"] == f"Søknad fra Ola {REDACTED}"
    assert surfaces["index"]["dokumenter"][0]["tittel"] == f"Vedlegg {REDACTED}"
    assert surfaces["page"]["dokumenter"][0]["tittel"] == f"Vedlegg {REDACTED}"


def test_the_sensitive_variant_only_on_the_page_and_only_within_the_window(offline_settings):
    jp = _entry(
        offentlig_tittel=None,
        offentlig_tittel_sensitiv="Søknad om dispensasjon - Ola Fersk",
        korrespondanseparter=[
            Korrespondansepart(navn=None, navn_sensitiv="Ola Fersk", korrespondanseparttype="A"),
            Korrespondansepart(navn="Fjordvik AS", navn_sensitiv="Fjordvik AS v/Kari Fersk"),
        ],
        case={"offentlig_tittel_sensitiv": "Sak om Ola Fersk", "publisert_dato": NOW},
    )
    within = _surfaces(offline_settings, jp)
    assert within["page"]["offentlig_tittel"] == "Søknad om dispensasjon - Ola Fersk"
    assert within["page"]["tittel_screened"] is False
    assert [k["navn"] for k in within["page"]["korrespondansepart"]] == [
        "Ola Fersk",
        "Fjordvik AS v/Kari Fersk",
    ]
    assert within["page"]["saksmappe"]["offentlig_tittel"] == "Sak om Ola Fersk"
    # The index holds the sensitive variants to search them; a hit never shows them.
    assert within["index"]["offentlig_tittel_sensitiv"] == "Søknad om dispensasjon - Ola Fersk"
    assert within["index"]["korrespondansepart_sensitiv"] == "Ola Fersk Fjordvik AS v/Kari Fersk"
    assert within["index"]["tittel_screened"] is True
    for name in ("hit", "index"):
        view = {k: v for k, v in within[name].items() if not k.endswith("_sensitiv")}
        assert "Fersk" not in repr(view), name
        assert view["offentlig_tittel"] is None and view["tittel_screened"] is True, name

    later = _surfaces(offline_settings, jp, at=NOW + dt.timedelta(days=400))
    assert "Fersk" not in repr(later["page"])
    assert later["page"]["offentlig_tittel"] is None and later["page"]["tittel_screened"] is True
    assert later["page"]["korrespondansepart"] == [
        {"navn": "Fjordvik AS", "korrespondanseparttype": None}
    ], "a correspondent with no public name is left out, not shown nameless"
    assert later["page"]["saksmappe"]["offentlig_tittel"] == "Byggesak Storgata 1"


def test_embargo_and_deletion_hide_the_page(offline_settings):
    moment = Moment.of(NOW, offline_settings)
    embargoed = _entry(accessible_after=NOW + dt.timedelta(days=1))
    assert entry_page(embargoed, moment) is None
    assert entry_page(embargoed, Moment.of(NOW + dt.timedelta(days=2), offline_settings))
    deleted = _entry(deleted_at=NOW)
    assert entry_page(deleted, moment) is None
    hidden_case = _entry(case={"accessible_after": NOW + dt.timedelta(days=1)})
    page = entry_page(hidden_case, moment)
    assert page is not None and page["saksmappe"] is None
    assert page["journalpost_nummer"] is None, "the case's number is the case's too"
    after = entry_page(hidden_case, Moment.of(NOW + dt.timedelta(days=2), offline_settings))
    assert after is not None and after["saksmappe"] is not None
    assert after["journalpost_nummer"]
    assert hidden_case.saksmappe is not None
    assert case_page(hidden_case.saksmappe, [hidden_case], moment) is None
    shown = _entry()
    assert shown.saksmappe is not None
    case = case_page(shown.saksmappe, [shown, embargoed], moment)
    assert case is not None and [e["id"] for e in case["journalposter"]] == ["jp_1"]


def test_a_hit_reads_only_index_fields_and_surfaces_take_table_order(offline_settings):
    index = journalpost_document(DocumentTexts(offline_settings), _entry())
    assert set(RESULT_FIELDS) <= set(index)
    assert not set(RESULT_FIELDS) & set(HIDDEN_SOURCE)
    page = entry_page(_entry(), Moment.of(NOW, offline_settings))
    assert page is not None
    assert list(page)[:3] == ["id", "offentlig_tittel", "tittel_screened"]
    hit = ENTRY.hit({"_source": {"id": "x"}})
    assert hit["korrespondansepart"] == [] and hit["dokument_count"] == 0
    assert hit["tittel_screened"] is False and hit["snippets"] == []


def test_tables_that_cannot_be_built_are_refused():
    with pytest.raises(ValueError, match="twice"):
        Shape("x", Field("a", PAGE, lambda r: 1), Field("a", PAGE, lambda r: 2))
    with pytest.raises(ValueError, match="lacks it"):
        Shape("x", Field("a", HIT | PAGE, lambda r: 1))
    with pytest.raises(ValueError, match="index field needs a value of the record"):
        Shape("x", Field("a", INDEX | PAGE, at=lambda r, m: 1))
    with pytest.raises(ValueError, match="needs a schema"):
        Shape("x", Field("a", INDEX, lambda r: 1), Field("b", PAGE, lambda r: 1))
    timed: Shape[Any] = Shape("x", Field("a", PAGE, at=lambda r, m: 1, schema=t.integer()))
    with pytest.raises(TypeError, match="moment"):
        timed.fields[0].of(object(), None)
