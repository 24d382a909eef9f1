"""Language detection on sentences of known language: accuracy and cost per call.

    .venv/bin/python -m bench.language

Bokmål, nynorsk and North Sami sentences come from the UD treebanks in
``../shared/testdata/ud``; Danish and Swedish ones (which must not come out Norwegian)
from Europarl lines in ``../shared/testdata/tika/language-tests``, cut at sentence ends.
Only sentences of at least 20 characters count. Each sentence falls by a hash of its id
into the tuning half (the half the weights in ``innsyn.language`` were chosen on) or the
held-out half; both are reported, and the targets are judged on the held-out half.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from bench.common import TESTDATA, BenchOptions, BenchResult, Target
from innsyn import language

UD_FILES = {
    "nb": "no_bokmaal-ud-dev.conllu",
    "nn": "no_nynorsk-ud-dev.conllu",
    "se": "sme_giella-ud-train.conllu",
}
NEGATIVES = {"da": "da.test", "sv": "sv.test"}
MIN_CHARS = 20
BANDS = ((20, 60), (60, 120), (120, 100_000))
TARGET = 0.9
ROUNDS = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of known language and the half it falls into (``tune`` or ``held``)."""

    code: str
    half: str
    text: str


def _half(code: str, ident: str) -> str:
    digest = hashlib.sha256(f"{code}:{ident}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "held"


def ud_sentences(code: str, testdata: Path = TESTDATA) -> list[Sentence]:
    """The ``# text`` sentences of the UD file of ``code`` (at least 20 characters),
    each in the half its ``# sent_id`` hashes to."""
    out: list[Sentence] = []
    ident = ""
    for line in (testdata / "ud" / UD_FILES[code]).read_text(encoding="utf-8").splitlines():
        if line.startswith("# sent_id = "):
            ident = line[len("# sent_id = ") :]
        elif line.startswith("# text = "):
            text = line[len("# text = ") :]
            if len(text) >= MIN_CHARS:
                out.append(Sentence(code, _half(code, ident), text))
    return out


def negative_sentences(code: str, testdata: Path = TESTDATA) -> list[Sentence]:
    """Danish or Swedish sentences (Europarl lines cut at sentence ends)."""
    path = testdata / "tika" / "language-tests" / NEGATIVES[code]
    out: list[Sentence] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        for m, text in enumerate(_SENTENCE_END.split(line.strip())):
            if len(text) >= MIN_CHARS:
                out.append(Sentence(code, _half(code, f"{n}.{m}"), text))
    return out


def accuracy(detect: Callable[[str], str], sentences: list[Sentence]) -> tuple[float, Counter[str]]:
    """Share of ``sentences`` detected as their language, and every answer's count."""
    answers = Counter(detect(s.text) for s in sentences)
    code = sentences[0].code
    return answers[code] / len(sentences), answers


def _microseconds(detect: Callable[[str], str], texts: list[str]) -> float:
    """CPU microseconds per call (CPU time: the machine is shared, wall time is not
    comparable between runs)."""
    started = time.process_time()
    for text in texts:
        detect(text)
    return (time.process_time() - started) / len(texts) * 1e6


def _title_not_remembered(text: str) -> str:
    return language._classify_title.__wrapped__(text)  # type: ignore[attr-defined,no-any-return]


def _detectors() -> dict[str, Callable[[str], str]]:
    return {"title": language.detect_title_language, "document": language.detect_language}


def run(opts: BenchOptions | None = None) -> BenchResult:
    """Accuracy per language, detector, half and length band; Danish/Swedish taken for
    Norwegian; microseconds per call."""
    res = BenchResult("language")
    language.preload()
    norwegian = {code: ud_sentences(code) for code in UD_FILES}
    negative = {code: negative_sentences(code) for code in NEGATIVES}
    for name, detect in _detectors().items():
        for code, sentences in norwegian.items():
            for half in ("tune", "held"):
                chosen = [s for s in sentences if s.half == half]
                share, answers = accuracy(detect, chosen)
                row: dict[str, object] = {
                    "detector": name,
                    "language": code,
                    "half": half,
                    "sentences": len(chosen),
                    "accuracy": round(share, 3),
                }
                for low, high in BANDS:
                    band = [s for s in chosen if low <= len(s.text) < high]
                    row[f"{low}-{high - 1 if high < 100_000 else ''}"] = round(
                        accuracy(detect, band)[0], 3
                    )
                row["wrong"] = ", ".join(f"{k} {v}" for k, v in answers.most_common() if k != code)
                res.rows.append(row)
                if half == "held":
                    res.targets.append(
                        Target(
                            f"{name} detector, held-out {code} sentences",
                            f">= {TARGET}",
                            f"{share:.3f} of {len(chosen)}",
                            share >= TARGET,
                        )
                    )
        for code, sentences in negative.items():
            taken = sum(detect(s.text) in ("nb", "nn") for s in sentences) / len(sentences)
            res.figures[f"{name}: {code} sentences taken for Norwegian"] = round(taken, 3)
    texts = [s.text for sentences in norwegian.values() for s in sentences]
    title: list[float] = []
    document: list[float] = []
    for _round in range(ROUNDS):
        title.append(_microseconds(_title_not_remembered, texts))
        document.append(_microseconds(language.detect_language, texts))
    res.figures["title CPU µs/call (not remembered), best of 3"] = round(min(title), 1)
    res.figures["document CPU µs/call (one sentence), best of 3"] = round(min(document), 1)
    res.notes.extend(f"{key}: {value}" for key, value in res.figures.items())
    res.notes.append(
        "Danish/Swedish: Europarl sentences (parliament speech), both halves "
        "(the Danish ones were looked at while choosing the Danish weights)."
    )
    return res


@click.command()
def main() -> None:
    """Accuracy of the title and document language detectors on UD sentences."""
    res = run()
    cols = list(res.rows[0].keys())
    print(" | ".join(cols))
    for r in res.rows:
        print(" | ".join(str(r[c]) for c in cols))
    for note in res.notes:
        print(f"- {note}")
    for t in res.targets:
        print(f"{t.name}: wanted {t.wanted}; measured {t.measured}; met: {t.met}")


if __name__ == "__main__":
    main()
