"""The redacted document variant (issue 12, item 2): every spelling the real code lists
and source formats use is recognised, and only that variant of a document is shown."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from harvesters.einnsyn_jsonld import _str, _unwrap
from harvesters.n5ws import _code
from innsyn.privacy import is_redacted_variant, public_variants
from innsyn.public.shapes import public_document, shown_files

NIKITA = "nikita-core/src/main/resources/metadata/variant_format.json"
FIKS = (
    "fiks-arkiv/Schema/V1/kodelister/no.ks.fiks.arkiv.v1.kodelister.variantformat/"
    "no.ks.fiks.arkiv.v1.kodelister.variantformat.json"
)
XSD = "arkade5/src/Arkivverket.Arkade.Core/ExternalModels/Noark5/v4_0/metadatakatalog.xsd"
ONTOLOGY = "difi-einnsyn-klient/datamodell/ontology.ttl"


def test_every_spelling_of_the_code_lists(testdata):
    """Noark 5 code and name (Nikita's and KS Fiks' code lists, Arkivverket's XSD), as the
    harvesters read them: a Noark 5 XML text, an N5WS code object, a JSON-LD IRI."""
    nikita = json.loads((testdata / NIKITA).read_text(encoding="utf-8"))["VariantFormat"]
    fiks = json.loads((testdata / FIKS).read_text(encoding="utf-8"))["kodeliste"]
    xsd = (testdata / XSD).read_text(encoding="utf-8")
    xsd_names = re.findall(r'<xs:enumeration value="([^"]+)"', xsd.split('name="variantformat"')[1])
    xsd_names = xsd_names[:3]
    ttl = (testdata / ONTOLOGY).read_text(encoding="utf-8")
    iri = "http://www.arkivverket.no/standarder/noark5/arkivstruktur/"
    assert f"{iri}dokumentHvorDelerAvInnholdetErSkjermet" in ttl

    redacted = {
        "O",
        "Dokument hvor deler av innholdet er skjermet",
        _code({"kode": "O", "kodenavn": "Dokument hvor deler av innholdet er skjermet"}),
        _code({"kodenavn": "Dokument hvor deler av innholdet er skjermet"}),
        _str(_unwrap({"@id": "arkiv:dokumentHvorDelerAvInnholdetErSkjermet"})),
        _str(_unwrap({"@id": f"{iri}dokumentHvorDelerAvInnholdetErSkjermet"})),
        "Skjermet",
        " dokument hvor deler av innholdet er SKJERMET ",
    }
    others = {
        "P",
        "A",
        "S",
        "Produksjonsformat",
        "Arkivformat",
        "Digitalt signert dokument",
        _str(_unwrap({"@id": "arkiv:arkivformat"})),
        _code({"kode": "P", "kodenavn": "Produksjonsformat"}),
        None,
        "",
    }
    for item in nikita:
        (redacted if item["code"] == "O" else others).update({item["code"], item["codename"]})
    for item in fiks:
        target = redacted if item["kodeverdi"] == "O" else others
        target.update({item["kodeverdi"], item["kodebeskrivelse"]})
    assert xsd_names[2] in redacted and set(xsd_names[:2]) <= others
    assert all(is_redacted_variant(v) for v in redacted), redacted
    assert not any(is_redacted_variant(v) for v in others), others


@dataclass
class _File:
    id: str
    variantformat: str | None
    parent_id: str | None = None
    filnavn: str | None = None
    sha256: str | None = "x"


@dataclass
class _Doc:
    dokumentobjekter: list[_File]
    tittel: str | None = "Vedtak"


def test_only_the_redacted_variant_and_what_was_extracted_from_it_are_shown():
    """Files stored before the rule (a harvest that kept every variant) are withheld on
    the read side too, with the files extracted from them."""
    files = [
        _File("p", "Produksjonsformat", filnavn="original.docx"),
        _File("a", "Arkivformat", filnavn="original.pdf"),
        _File("p1", None, parent_id="p"),
        _File("o", "Dokument hvor deler av innholdet er skjermet", filnavn="sladdet.pdf"),
        _File("o1", None, parent_id="o"),
        _File("o2", None, parent_id="o1"),
    ]
    doc = _Doc(files)
    assert [f.id for f in shown_files(doc)] == ["o", "o1", "o2"]  # type: ignore[arg-type]
    assert public_document(doc).file.filnavn == "sladdet.pdf"  # type: ignore[arg-type,union-attr]
    plain = _Doc(files[:3])
    assert [f.id for f in shown_files(plain)] == ["p", "a", "p1"]  # type: ignore[arg-type]


@pytest.mark.parametrize("variant", ["O", "Dokument hvor deler av innholdet er skjermet"])
def test_public_variants_keeps_order_and_every_redacted_file(variant):
    files = [_File("p", "P"), _File("o", variant), _File("o2", "O")]
    assert [f.id for f in public_variants(files)] == ["o", "o2"]
