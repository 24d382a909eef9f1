"""The interface's text catalogue: every text in every language, nynorsk its own."""

from __future__ import annotations

import string

from web.i18n import LANGUAGES, TEXTS


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_is_in_every_language_with_the_same_fields():
    assert LANGUAGES == ("nb", "nn", "en")
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(t.strip() for t in texts.values()), key
        assert _fields(texts["nb"]) == _fields(texts["nn"]) == _fields(texts["en"]), key


def test_nynorsk_words_its_own_where_bokmal_differs():
    """Spot checks of real nynorsk: the words the two written standards spell apart."""
    nn = {key: texts["nn"] for key, texts in TEXTS.items()}
    assert nn["agency"] == "Verksemd"
    assert nn["correspondents"] == "Avsendar/mottakar"
    assert nn["documents"] == "Dokument"
    assert nn["title_screened"] == "Tittel skjerma"
    assert nn["not_found"] == "Fann ikkje sida."
    assert "ikkje" in nn["extraction_failed"] and "ikke" not in nn["extraction_failed"]
    bokmal_words = {"ikke", "hva", "hvor", "noen", "dager", "fra", "uten", "dokumenter"}
    for key, text in nn.items():
        words = {w.strip(".,()«»").lower() for w in text.split()}
        assert not words & bokmal_words, (key, words & bokmal_words)
