"""Issue 14 item 10: a fødselsnummer is found in every spelling a person or a system
writes it in (separators between the date and the personal number, dots in the date,
tabs, no-break and thin spaces, digits of other scripts), refused in queries, and
redacted in titles and in the document text that snippets and pages show."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.no import fodselsnummer
from werkzeug.datastructures import MultiDict

from innsyn.indexing.documents import DocumentTexts, journalpost_document
from innsyn.privacy import REDACTED, find_fodselsnummer, redact_fodselsnummer
from innsyn.search.params import ParamError, parse_params
from innsyn.store.blobs import BlobStore
from innsyn.store.models import Dokumentbeskrivelse, Dokumentobjekt, Journalpost


def _valid(date: str) -> str:
    for i in range(100, 1000):
        base = f"{date}{i}"
        first = fodselsnummer.calc_check_digit1(base)
        if len(first) != 1:
            continue
        second = fodselsnummer.calc_check_digit2(base + first)
        if len(second) == 1 and fodselsnummer.is_valid(base + first + second):
            return base + first + second
    raise AssertionError("no valid number for " + date)


FNR = _valid("010190")
D_NUMBER = _valid("410190")  # a D-number: the day plus 40


def _spellings(n: str) -> list[str]:
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in n)
    return [
        n,
        f"{n[:6]} {n[6:]}",
        f"{n[:6]}-{n[6:]}",
        f"{n[:6]}\u2013{n[6:]}",
        f"{n[:6]}   {n[6:]}",
        f"{n[:6]}\t{n[6:]}",
        f"{n[:6]}\u00a0{n[6:]}",
        f"{n[:6]}\u202f{n[6:]}",
        f"{n[:2]}.{n[2:4]}.{n[4:6]} {n[6:]}",
        f"{n[:2]}.{n[2:4]}.{n[4:6]} {n[6:9]} {n[9:]}",
        f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:]}",
        fullwidth,
    ]


@pytest.mark.parametrize("spelling", _spellings(FNR) + _spellings(D_NUMBER))
def test_every_spelling_is_found_refused_and_redacted(spelling):
    digits = FNR if spelling in _spellings(FNR) else D_NUMBER
    assert find_fodselsnummer(f"Søknad fra {spelling} om bostøtte") == [digits]
    assert redact_fodselsnummer(f"Søknad fra {spelling} om bostøtte") == (
        f"Søknad fra {REDACTED} om bostøtte"
    )
    with pytest.raises(ParamError) as info:
        parse_params(MultiDict({"q": f"bostøtte {spelling}"}), 500)
    assert info.value.code == "fodselsnummer_in_query"


@pytest.mark.parametrize(
    "text",
    [
        "Saksnummer 2024/12345 og 2023/67890",
        "Telefon 22 33 44 55, postnummer 0150",
        "Gnr. 12 bnr. 345, 010190 og 12345",
        FNR + "1",  # twelve digits: not a fødselsnummer
        "9" + FNR,
        "01019000000",  # the right shape, wrong check digits
    ],
)
def test_other_numbers_are_left_alone(text):
    assert find_fodselsnummer(text) == []
    assert redact_fodselsnummer(text) == text


def test_document_text_in_the_index_is_redacted(offline_settings):
    blobs = BlobStore(offline_settings.resolved_blob_dir)
    spelled = f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]}\u00a0{FNR[6:9]} {FNR[9:]}"
    text = blobs.put_text(f"Vedtak om bostøtte til søker med fødselsnummer {spelled}.")
    doc = Dokumentbeskrivelse(id="d1", tittel=f"Vedtak {FNR[:6]}-{FNR[6:]}")
    doc.dokumentobjekter = [
        Dokumentobjekt(id="o1", extraction_status="done", text_sha256=text.sha256)
    ]
    jp = Journalpost(
        id="jp_t",
        source_key="t",
        system_id="t",
        offentlig_tittel="Vedtak om bostøtte",
        updated_at=dt.datetime.now(dt.UTC),
    )
    jp.dokumentbeskrivelser = [doc]
    indexed = journalpost_document(DocumentTexts(offline_settings, blobs), jp)
    assert "bostøtte" in indexed["dokument_tekst"]
    assert REDACTED in indexed["dokument_tekst"]
    shown = indexed["dokument_tekst"] + repr(indexed["dokumenter"])
    digits = "".join(c for c in shown if c.isdigit())
    assert FNR not in digits and FNR[6:] not in digits, "neither the number nor its last five"
