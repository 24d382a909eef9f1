"""The stream of synthetic cases and entries behind ``bench.datagen``.

One agency (a municipality from ``../shared/testdata/registries``) per seed. Cases come
one at a time from :func:`cases` (an endless generator, so memory stays flat), each with
1-8 entries (skewed towards few). Numbers are handed out in generation order: the case
number ``saksaar/sakssekvensnummer`` counts per year, ``journalsekvensnummer`` per
journal year. The first cases are therefore the same whatever the total size, which lets
:func:`bench.datagen.sample_queries` name case numbers that exist in any generated set.

Dates are spread over ``START``-``END``; entries of a case follow its case date. Each
title exists as the internal/sensitive variant (``full``, with a private person's name
where the case has one) and the public one (``public``, the name masked as ``*****``;
``None`` when the title itself is withheld).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bench import datagen_vocab as V

TESTDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "testdata"
REGISTRIES = TESTDATA / "registries"
START = dt.date(2017, 1, 2)
END = dt.date(2026, 10, 30)
ENTRIES_PER_CASE = (26, 22, 17, 12, 9, 7, 4, 3)

JOURNALPOSTTYPE_NOARK = {
    "I": "Inngående dokument",
    "U": "Utgående dokument",
    "N": "Organinternt dokument for oppfølging",
    "X": "Organinternt dokument uten oppfølging",
    "S": "Saksframlegg",
}
_DAYS = (END - START).days + 1
_ISO = tuple((START + dt.timedelta(days=i)).isoformat() for i in range(_DAYS + 60))


def iso(day: int) -> str:
    """ISO date of day number ``day`` (0 is ``START``)."""
    return _ISO[day]


def compact(day: int) -> str:
    """``yyyymmdd`` of day number ``day`` (the OEP date format)."""
    return _ISO[day].replace("-", "")


def norwegian(day: int) -> str:
    """``dd.mm.yyyy`` of day number ``day``."""
    y, m, d = _ISO[day].split("-")
    return f"{d}.{m}.{y}"


@dataclass(frozen=True)
class Agency:
    """The journal's owner (arkivskaper): a municipality with its org number."""

    name: str
    orgnr: str
    kommunenummer: str
    email: str


@dataclass
class Party:
    """A correspondent: ``person`` names are private and only ever shown screened."""

    name: str
    person: bool = False
    unit: str | None = None


@dataclass
class Screening:
    key: str
    tilgangsrestriksjon: str
    hjemmel: str
    metadata: tuple[str, ...]
    whole_document: bool


@dataclass
class Entry:
    """One journal entry (journalpost) of a case."""

    number: int  # journalpostnummer within the case
    jtype: str
    full: str
    public: str | None
    person: str | None
    journalaar: int
    journalsekvensnummer: int
    journaldag: int
    dokumentdag: int
    parties: list[Party]
    screening: Screening | None
    dokumenttype: str
    system_id: str


@dataclass
class Case:
    """One case file (saksmappe) with its entries."""

    domain: str
    klasse: tuple[str, str]
    saksaar: int
    sakssekvensnummer: int
    saksdag: int
    full: str
    public: str | None
    person: str | None
    unit: str
    initials: str
    screening: Screening | None
    system_id: str
    ctx: dict[str, str]
    entries: list[Entry] = field(default_factory=list)

    @property
    def saksnummer(self) -> str:
        return f"{self.saksaar}/{self.sakssekvensnummer}"

    @property
    def lastdag(self) -> int:
        return max((e.journaldag for e in self.entries), default=self.saksdag)


@lru_cache(maxsize=1)
def _registry() -> tuple[list[Agency], list[str], list[str]]:
    """Municipalities (with org numbers), other public bodies, and municipality names."""
    first = {n.lower() for n in V.FIRST_NAMES}

    def clean(name: str) -> bool:
        return not any(tok.strip(",.()-").lower() in first for tok in name.split())

    municipalities: list[Agency] = []
    bodies: list[str] = []
    places: list[str] = []
    entities_path = REGISTRIES / "offpost-entities.json"
    if entities_path.is_file():
        entities = json.loads(entities_path.read_text(encoding="utf-8"))
        for ent in entities.values():
            name, orgnr = ent.get("name", ""), ent.get("org_num") or ""
            if not name or not clean(name):
                continue
            kind = ent.get("type")
            if kind == "municipality" and len(orgnr) == 9 and orgnr.isdigit():
                knr = (ent.get("entity_id_norske_postlister") or "")[:4]
                municipalities.append(
                    Agency(name, orgnr, knr if knr.isdigit() else "", ent.get("email") or "")
                )
            elif kind in ("agency", "directorate", "minitry", "county", "health"):
                bodies.append(name)
    counties_path = REGISTRIES / "fylker-kommuner-2024.json"
    if counties_path.is_file():
        counties = json.loads(counties_path.read_text(encoding="utf-8"))
        for county in counties.get("ALLE_FYLKER_OG_KOMMUMER", []):
            for k in county.get("kommuner", []):
                name = k["navn"].split(" (")[0]
                if clean(name):
                    places.append(name)
    if not municipalities:
        municipalities = [
            Agency("Oslo kommune", "958935420", "0301", "postmottak@oslo.kommune.no"),
            Agency("Nord-Odal kommune", "964950768", "0418", "postmottak@nord-odal.kommune.no"),
        ]
    municipalities.sort(key=lambda a: a.orgnr)
    bodies = sorted(set(bodies)) or ["Statens vegvesen", "Statsforvalteren i Innlandet"]
    places = sorted(set(places)) or list(V.PLACE_NAMES)
    return municipalities, bodies, places


def agency_for(seed: int) -> Agency:
    """The agency of the journal generated with ``seed``."""
    municipalities, _bodies, _places = _registry()
    return municipalities[random.Random(f"agency:{seed}").randrange(len(municipalities))]


class _Pools:
    """Names drawn per seed: firms, associations, restaurants, streets, people."""

    def __init__(self, rng: random.Random, agency: Agency) -> None:
        _m, bodies, places = _registry()
        self.bodies = bodies
        self.statsforvaltere = [b for b in bodies if b.startswith("Statsforvalter")] or bodies
        self.counties = [b for b in bodies if b.endswith("fylkeskommune")] or bodies
        self.places = places
        home = agency.name.replace(" kommune", "").replace(" herad", "")
        self.home = home
        self.police = rng.choice(V.POLICE_DISTRICTS)
        towns = [*rng.sample(places, min(25, len(places))), home, home, home]
        self.streets = [f"{s}{e}" for s in V.STREET_STEMS for e in V.STREET_ENDINGS]
        self.sites = [*V.PLACE_NAMES, *(f"{p} {n}" for p in V.PLACE_STEMS for n in towns[:6])]
        self.firms = sorted(
            {
                f"{rng.choice(towns)} {rng.choice(V.FIRM_STEMS)} {rng.choice(V.FIRM_FORMS)}"
                for _ in range(160)
            }
            | {f"{stem} {home} AS" for stem in V.FIRM_STEMS[:8]}
            | set(V.CONSULTANCIES)
            | {"Berg & Strand Eiendom AS", "Bygg & Bolig Prosjekt AS"}
        )
        self.associations = sorted(
            {f"{rng.choice(towns)} {kind}" for kind in V.ASSOCIATION_KINDS for _ in range(3)}
        )
        self.restaurants = sorted(
            {f"{r} {rng.choice(towns)}" for r in V.RESTAURANT_STEMS}
            | {f"{r} AS" for r in V.RESTAURANT_STEMS}
        )
        self.shops = sorted({f"{s} {rng.choice(towns)}" for s in V.SHOPS for _ in range(2)})
        self.units = sorted(set(V.UNITS.values()))
        self.enheter = [
            f"{rng.choice(self.sites)} {kind}"
            for kind in ("skole", "barnehage", "sykehjem", "omsorgssenter", "ungdomsskole")
            for _ in range(3)
        ] + self.units


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _weekday(day: int) -> int:
    weekday = (START.weekday() + day) % 7
    return day + (7 - weekday if weekday >= 5 else 0)


class _Template:
    """A title template, prepared for a case with and without a person."""

    __slots__ = ("with_person", "without")

    def __init__(self, text: str) -> None:
        self.with_person = text
        self.without = text.replace(" - {person}", "").replace("{person}", "").strip(" -")


_TEMPLATES: dict[str, _Template] = {}


def _template(text: str) -> _Template:
    t = _TEMPLATES.get(text)
    if t is None:
        t = _TEMPLATES[text] = _Template(text)
    return t


def _render(text: str, ctx: dict[str, str], person: str | None) -> tuple[str, str]:
    """(full, masked) renderings of a template."""
    t = _template(text)
    if person is None or "{person}" not in text:
        value = t.without.format_map(ctx)
        value = value[0].upper() + value[1:]
        return value, value
    ctx["person"] = person
    full = t.with_person.format_map(ctx)
    ctx["person"] = V.MASK
    masked = t.with_person.format_map(ctx)
    return full[0].upper() + full[1:], masked[0].upper() + masked[1:]


def _screening(key: str) -> Screening:
    code, basis, meta, whole = V.SCREENINGS[key]
    return Screening(key, code, basis, meta, whole)


class Generator:
    """Endless, deterministic stream of cases for one seed (see the module docstring)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.agency = agency_for(seed)
        self.rng = random.Random(f"journal:{seed}")
        self.ids = random.Random(f"ids:{seed}")
        self.pools = _Pools(random.Random(f"pools:{seed}"), self.agency)
        self.domains = V.DOMAINS
        self.domain_weights = [d.weight for d in V.DOMAINS]
        self.case_seq: dict[int, int] = {}
        self.journal_seq: dict[int, int] = {}
        self.recent: deque[str] = deque(maxlen=400)
        self.run_left = 0
        self.run_domain = V.DOMAINS[0]

    def person(self) -> str:
        r = self.rng
        return f"{r.choice(V.FIRST_NAMES)} {r.choice(V.SURNAMES)}"

    def initials(self) -> str:
        r = self.rng
        return "".join(r.choice(V.INITIALS_LETTERS) for _ in range(3))

    def _eiendom(self) -> tuple[str, str]:
        r = self.rng
        g, b = r.randint(1, 250), min(int(r.expovariate(1 / 60)) + 1, 900)
        style = r.random()
        if style < 0.5:
            text = f"gnr {g} bnr {b}"
        elif style < 0.7:
            text = f"gnr. {g}, bnr. {b}"
        else:
            text = f"gnr/bnr {g}/{b}"
        return text, text[0].upper() + text[1:]

    def _ctx(self, saksnummer: str, aar: int) -> dict[str, str]:
        r, p = self.rng, self.pools
        eiendom, eiendom_cap = self._eiendom()
        street = r.choice(p.streets)
        sted = r.choice(p.sites)
        planformaal = r.choice(V.PLAN_PURPOSES)
        return {
            "eiendom": eiendom,
            "Eiendom": eiendom_cap,
            "eiendom2": self._eiendom()[0],
            "adr": f"{street} {r.randint(1, 120)}{r.choice(('', '', '', 'A', 'B'))}",
            "vei": street,
            "tiltak": r.choice(V.TILTAK),
            "sted": sted,
            "planformaal": planformaal,
            "planid": f"{self.agency.kommunenummer or '0000'}{aar}{r.randint(1, 40):03d}",
            "restaurant": r.choice(p.restaurants),
            "forening": r.choice(p.associations),
            "butikk": r.choice(p.shops),
            "formaal": r.choice(V.GRANT_PURPOSES),
            "aar": str(aar),
            "firma": r.choice(p.firms),
            "firma2": r.choice(p.firms),
            "elv": r.choice(V.RIVERS),
            "tjeneste": r.choice(V.SERVICES),
            "tema": r.choice(V.TOPICS),
            "horing": r.choice(V.HEARINGS),
            "stilling": r.choice(V.JOBS),
            "enhet": r.choice(p.enheter),
            "arrangement": r.choice(V.ARRANGEMENTS),
            "lokale": r.choice(V.LOKALER),
            "saksnr": saksnummer,
            "ref": r.choice(self.recent) if self.recent else saksnummer,
            "person": "",
        }

    def _party(self, kind: str, case: Case, domain: V.Domain) -> Party:
        r, p = self.rng, self.pools
        if kind == "case":
            kind = domain.party if case.person is None else "person"
        if kind == "citizen":
            x = r.random()
            if x < 0.4:
                return Party(r.choice(V.MEDIA))
            if x < 0.65:
                return Party(r.choice(p.associations))
            kind = "person"
        if kind in ("person", "applicant"):
            if case.person is not None and r.random() < 0.9:
                return Party(case.person, person=True)
            return Party(self.person(), person=True)
        if kind == "agency":
            x = r.random()
            if x < 0.3:
                return Party(f"{r.choice(p.places)} kommune")
            if x < 0.5:
                return Party(r.choice(p.statsforvaltere))
            return Party(r.choice(p.bodies))
        if kind.startswith("="):
            return Party(kind[1:])
        if kind == "police":
            return Party(p.police)
        if kind == "nav":
            return Party(f"NAV {p.home}")
        if kind == "statsforvalter":
            return Party(r.choice(p.statsforvaltere))
        if kind == "fylkeskommune":
            return Party(r.choice(p.counties))
        if kind == "internal":
            return Party(case.unit, unit=case.unit)
        if kind == "politics":
            return Party(r.choice(V.POLITICAL_BODIES), unit=V.UNITS["politikk"])
        if kind == "restaurant":
            return Party(case.ctx["restaurant"])
        if kind == "association":
            return Party(case.ctx["forening"])
        if kind == "consultancy":
            return Party(r.choice(V.CONSULTANCIES))
        if kind == "firm2":
            return Party(case.ctx["firma2"])
        return Party(case.ctx["firma"])

    def _steps(self, domain: V.Domain, k: int) -> list[V.Step]:
        r = self.rng
        steps = domain.steps
        if k <= len(steps):
            picked = sorted(r.sample(range(1, len(steps)), k - 1)) if k > 1 else []
            return [steps[0], *(steps[i] for i in picked)]
        chosen = list(steps)
        while len(chosen) < k:
            chosen.insert(r.randint(1, len(chosen)), r.choice(V.GENERIC_STEPS))
        return chosen

    def _domain(self) -> V.Domain:
        if self.run_left <= 0:
            self.run_domain = self.rng.choices(self.domains, self.domain_weights)[0]
            self.run_left = self.rng.randint(1, 8)
        self.run_left -= 1
        return self.run_domain

    def __iter__(self) -> Iterator[Case]:
        while True:
            yield self.case()

    def case(self) -> Case:
        """The next case with its entries."""
        r = self.rng
        domain = self._domain()
        saksdag = _weekday(r.randrange(_DAYS - 10))
        saksaar = int(iso(saksdag)[:4])
        seq = self.case_seq[saksaar] = self.case_seq.get(saksaar, 0) + 1
        saksnummer = f"{saksaar}/{seq}"
        ctx = self._ctx(saksnummer, saksaar)
        person = self.person() if r.random() < domain.person_share else None
        variant = r.randrange(len(domain.cases))
        full, public = _render(domain.cases[variant], ctx, person)
        screening = _screening(domain.screen_case) if domain.screen_case else None
        if screening is not None and r.random() < 0.2:
            public_title: str | None = None
        else:
            public_title = public
        ctx["kort"] = public
        ctx["Kort"] = public
        ctx["plan"] = public
        ctx["sak_suffix"] = f" i sak {saksnummer}" if r.random() < 0.5 else f" - {public}"
        case = Case(
            domain=domain.key,
            klasse=domain.klasse,
            saksaar=saksaar,
            sakssekvensnummer=seq,
            saksdag=saksdag,
            full=full,
            public=public_title,
            person=person,
            unit=V.UNITS[domain.key],
            initials=self.initials(),
            screening=screening,
            system_id=_uuid(self.ids),
            ctx=ctx,
        )
        k = r.choices(range(1, 9), ENTRIES_PER_CASE)[0]
        day = saksdag
        for number, step in enumerate(self._steps(domain, k), start=1):
            if number > 1:
                day = min(_weekday(day + int(r.expovariate(1 / 12)) + 1), _DAYS - 1)
            case.entries.append(self._entry(case, domain, step, number, day, variant))
        self.recent.append(saksnummer)
        return case

    def _entry(
        self, case: Case, domain: V.Domain, step: V.Step, number: int, day: int, variant: int
    ) -> Entry:
        r = self.rng
        titles = step.titles
        text = titles[variant] if len(titles) == len(domain.cases) else r.choice(titles)
        kind = step.party
        if kind == "agency":
            lowered = text.lower()
            kind = next((k for word, k in V.NAMED_BODIES if word in lowered), kind)
        parties = [self._party(kind, case, domain)]
        if step.jtype == "U" and r.random() < 0.15:
            parties.append(self._party("agency", case, domain))
        first_person = next((p.name for p in parties if p.person), None)
        person = first_person or case.person
        full, public = _render(text, case.ctx, person)
        key = domain.screen_case or step.screen
        if key is None and first_person is not None:
            key = "navn"
        screening = _screening(key) if key else None
        public_title: str | None = public
        if screening is not None and screening.key in ("taushet", "personal") and r.random() < 0.2:
            public_title = None
        aar = int(iso(day)[:4])
        jseq = self.journal_seq[aar] = self.journal_seq.get(aar, 0) + 1
        docday = day - (r.randint(0, 6) if step.jtype == "I" else 0)
        return Entry(
            number=number,
            jtype=step.jtype,
            full=full,
            public=public_title,
            person=person if full != public else None,
            journalaar=aar,
            journalsekvensnummer=jseq,
            journaldag=day,
            dokumentdag=max(docday, 0),
            parties=parties,
            screening=screening,
            dokumenttype=step.dokumenttype,
            system_id=_uuid(self.ids),
        )
