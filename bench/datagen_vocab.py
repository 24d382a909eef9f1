"""Vocabulary of the synthetic public journals (``bench.datagen``): Norwegian (bokmål)
case and entry titles shaped like real municipal postlister, places, streets, firms,
political bodies, document sentences, and the personal names that may appear only in
the sensitive variants of a title or in screened correspondents.

Templates are ``str.format`` strings over a case context (``bench.datagen_model``).
``{person}`` marks where a private person's name goes: the internal or sensitive title
gets the name, the public title gets ``*****`` (or nothing, when the case has no person).
No word here may be a first name from ``FIRST_NAMES`` (``tests/test_datagen.py`` checks),
so a first name in a public field always means a leak. A step whose title tuple is as
long as its domain's case titles is aligned with them: a case with the i-th case title
takes the i-th title of such a step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MASK = "*****"

FIRST_NAMES = (
    "Kari", "Ingrid", "Anne", "Marit", "Randi", "Solveig", "Astrid", "Hilde", "Berit",
    "Gunn", "Ragnhild", "Torill", "Wenche", "Elisabeth", "Margrethe", "Synnøve", "Sigrid",
    "Tone", "Heidi", "Silje", "Ingvild", "Kristin", "Camilla", "Hanne", "Maren", "Thea",
    "Nora", "Emma", "Ida", "Sofie", "Ragnfrid", "Eldbjørg", "Gudrun", "Aslaug", "Jorunn",
    "Vigdis", "Turid", "Oddny", "Bodil", "Helga",
    "Ola", "Knut", "Olav", "Arne", "Bjørn", "Terje", "Geir", "Trond", "Svein", "Håkon",
    "Magnus", "Sindre", "Eirik", "Torstein", "Halvor", "Gunnar", "Kjetil", "Øystein",
    "Rune", "Stian", "Lars", "Henrik", "Jonas", "Mathias", "Sander", "Tobias", "Aksel",
    "Einar", "Ivar", "Leif", "Sigurd", "Asbjørn", "Steinar", "Vegard", "Audun", "Ketil",
    "Torbjørn", "Odd", "Frode", "Morten",
)  # fmt: skip

SURNAMES = (
    "Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Halvorsen",
    "Jørgensen", "Haugen", "Hagen", "Jacobsen", "Andreassen", "Solberg", "Mikkelsen",
    "Gundersen", "Iversen", "Sæther", "Kvalheim", "Bråten", "Rønning", "Ødegård",
    "Fjeldstad", "Gulbrandsen", "Myhre", "Sandvik", "Ruud", "Aasen", "Tveit", "Løken",
    "Brekke", "Holmen", "Bjerke", "Nygård", "Sørensen", "Engebretsen", "Thorsen",
    "Vik", "Næss", "Kleppe", "Rasmussen", "Dahle", "Aune", "Furuseth", "Hovland",
    "Skaug", "Tangen", "Helland", "Moe", "Stene", "Bakke", "Mathisen", "Nesheim",
)  # fmt: skip

INITIALS_LETTERS = "ABDEFGHIJKLMNOPRSTVØ"

MEDIA = (
    "NRK", "Aftenposten", "VG", "Dagbladet", "Dagens Næringsliv", "Kommunal Rapport",
    "Nationen", "Bergens Tidende", "Adresseavisen", "Stavanger Aftenblad", "Klassekampen",
    "Fædrelandsvennen", "iTromsø", "Nordlys", "Avisenes Nyhetsbyrå", "TV 2", "E24",
)  # fmt: skip
POLICE_DISTRICTS = (
    "Oslo politidistrikt", "Øst politidistrikt", "Innlandet politidistrikt",
    "Sør-Øst politidistrikt", "Agder politidistrikt", "Sør-Vest politidistrikt",
    "Vest politidistrikt", "Møre og Romsdal politidistrikt", "Trøndelag politidistrikt",
    "Nordland politidistrikt", "Troms politidistrikt", "Finnmark politidistrikt",
)  # fmt: skip
# A correspondent named in an entry title ("Uttalelse fra politiet") is that body.
NAMED_BODIES = (
    ("politi", "police"), ("nav", "nav"), ("statsforvalter", "statsforvalter"),
    ("vegvesen", "=Statens vegvesen"), ("mattilsynet", "=Mattilsynet"),
    ("skatteetaten", "=Skatteetaten"), ("fylkeskommune", "fylkeskommune"),
    ("ppt", "=PPT - pedagogisk-psykologisk tjeneste"),
)  # fmt: skip

# Administrative units (administrativEnhet) and the political bodies saksframlegg go to.
UNITS = {
    "byggesak": "Byggesak",
    "plan": "Plan og miljø",
    "oppmaaling": "Oppmåling og geodata",
    "skjenk": "Servicetorget",
    "tilskudd": "Kultur og frivillighet",
    "landbruk": "Landbruk og naturforvaltning",
    "vei": "Kommunalteknikk",
    "miljo": "Vann, avløp og miljø",
    "innkjop": "Innkjøp",
    "henvendelse": "Dokumentsenteret",
    "horing": "Kommunedirektørens stab",
    "eiendomsskatt": "Eiendomsskattekontoret",
    "personal": "Personal og organisasjon",
    "helse": "Helse og mestring",
    "oppvekst": "Oppvekst og utdanning",
    "kultur": "Kultur og frivillighet",
    "politikk": "Politisk sekretariat",
}
POLITICAL_BODIES = (
    "Kommunestyret", "Formannskapet", "Hovedutvalg for teknikk og miljø",
    "Hovedutvalg for oppvekst og kultur", "Hovedutvalg for helse og omsorg",
    "Planutvalget", "Kontrollutvalget", "Eldrerådet", "Ungdomsrådet",
    "Råd for personer med funksjonsnedsettelse", "Administrasjonsutvalget",
    "Klagenemnda", "Arbeidsmiljøutvalget",
)  # fmt: skip

STREET_STEMS = (
    "Kirke", "Skole", "Stasjons", "Fjord", "Strand", "Bjørke", "Furu", "Gran", "Holm",
    "Kvern", "Løkke", "Myr", "Nord", "Prest", "Sjø", "Skog", "Sol", "Stein", "Tun",
    "Åker", "Eike", "Bakke", "Elve", "Fjell", "Hage", "Havne", "Industri", "Konge",
    "Mølle", "Park", "Rådhus", "Torg", "Lyng", "Rogn", "Selje", "Hassel", "Lønne",
    "Bryggerhus", "Smie", "Sag", "Meieri", "Jernbane", "Post", "Kapell", "Fyr", "Ås",
    "Dal", "Li", "Vår", "Høst", "Sommer", "Vinter", "Granitt", "Kobber", "Brann",
)  # fmt: skip
STREET_ENDINGS = (
    "veien", "gata", "vegen", "bakken", "stien", "lia", "haugen", "jordet", "tunet",
    "svingen", "kroken", "åsen",
)  # fmt: skip

PLACE_STEMS = (
    "Nord", "Sør", "Øst", "Vest", "Øvre", "Nedre", "Store", "Lille", "Indre", "Ytre",
)  # fmt: skip
PLACE_NAMES = (
    "Solbakken", "Granli", "Haugland", "Bjørkelund", "Furuhaugen", "Sandvika", "Holmen",
    "Kvernhusmyra", "Steinsland", "Åsen", "Moen", "Lia", "Vollen", "Nesodden", "Skogheim",
    "Brattåsen", "Rognstad", "Eikeland", "Fjellheim", "Strandbakken", "Sjøholt", "Tangen",
    "Vikaneset", "Kirkebygda", "Stasjonsbyen", "Industriområdet", "Havnefronten",
    "Sentrum", "Rådhuskvartalet", "Torvet", "Elvebredden", "Myrvoll", "Lyngmyr",
    "Sagbruket", "Meieritomta", "Kaiområdet", "Bakkegården", "Engene", "Nordbygda",
    "Sørbygda",
)  # fmt: skip

FIRM_STEMS = (
    "Nordbygg", "Fjordtre", "Vestlandsbygg", "Bygg og Anlegg", "Rørlegger", "Elektro",
    "Arkitektkontor", "Takst og Rådgivning", "Graving og Transport", "Entreprenør",
    "Eiendomsutvikling", "Bolig", "Tømrer", "Landskap", "Prosjekt", "VVS", "Maskin",
    "Betong", "Ingeniørtjenester", "Boligbyggelag",
)  # fmt: skip
FIRM_FORMS = ("AS", "AS", "AS", "SA", "ANS")

CONSULTANCIES = (
    "Norconsult AS", "Multiconsult Norge AS", "Asplan Viak AS", "COWI AS", "Sweco Norge AS",
    "Rambøll Norge AS", "Feste NordØst AS", "Nordic Arkitekter AS", "Link Arkitektur AS",
    "Planråd AS", "Arealplan AS", "ViaNova Plan og Trafikk AS",
)  # fmt: skip

RESTAURANT_STEMS = (
    "Brasseriet", "Kafé Kaia", "Pub & Bistro", "Restaurant Fjordglimt", "Bakgården Bar",
    "Gamle Postkontoret", "Kroa", "Hotell Sentrum", "Fiskebrygga", "Tapas Bar",
    "Pizzeria Napoli", "Stasjonen Spiseri", "Sjøboden", "Kulturhuskafeen", "Vinbaren",
    "Bowlinghallen", "Golfklubbens restaurant", "Sushi Bar", "Burgerbaren", "Vertshuset",
)  # fmt: skip

ASSOCIATION_KINDS = (
    "Idrettslag", "Skolekorps", "Historielag", "Velforening", "Sanitetsforening",
    "Musikkforening", "Ungdomslag", "Skiklubb", "Fotballklubb", "Turlag", "Sjakklubb",
    "Pensjonistforening", "Bygdekvinnelag", "Jeger- og fiskerforening", "Teaterlag",
    "Kor", "Båtforening", "Frivilligsentral", "Speidergruppe", "Motorsportklubb",
)  # fmt: skip

TILTAK = (
    "tilbygg", "påbygg", "garasje", "carport", "enebolig", "fritidsbolig", "terrasse",
    "støttemur", "riving av uthus", "bruksendring fra kontor til bolig", "fasadeendring",
    "veranda", "boligblokk med 12 leiligheter", "naust", "flytebrygge", "anneks",
    "tomannsbolig", "rekkehus", "platting", "svømmebasseng", "levegg", "tilbygg og garasje",
    "innvendig ombygging", "ny bolig med sokkelleilighet", "takoppløft", "kvist",
    "varmepumpe på fasade", "solcellepanel på tak", "lagerhall", "driftsbygning",
    "oppføring av redskapsbod", "hytte", "utvidelse av hytte", "basseng og pergola",
    "midlertidig brakkerigg", "skilt på fasade", "mobilmast", "fylling og planering",
    "bod og sykkelskur", "balkonger", "heis i eksisterende bygg", "omsorgsboliger",
    "barnehage", "forretningsbygg", "garasjeanlegg under bakken", "pipe",
)  # fmt: skip

PLAN_PURPOSES = (
    "boligområde", "næringsområde", "gang- og sykkelvei", "sentrumsformål", "hyttefelt",
    "idrettsanlegg", "barnehage", "skoleområde", "småbåthavn", "masseuttak",
    "omsorgsboliger", "kombinert bebyggelse", "parkeringshus", "grøntstruktur",
    "fortau og kryssutbedring", "kaiområde", "handelsområde", "boligfelt med 40 tomter",
)  # fmt: skip

GRANT_PURPOSES = (
    "kulturarrangement", "nærmiljøanlegg", "frivillig arbeid", "lokal festival",
    "trafikksikkerhetstiltak", "drift av lag og foreninger", "SMIL-midler",
    "tiltak i beiteområder", "utstyr til barne- og ungdomsarbeid", "kunstprosjekt",
    "rehabilitering av grendehus", "universell utforming", "sommeraktiviteter for barn",
    "folkehelsetiltak", "turstier og skilting", "kulturminnetiltak", "inkluderingstiltak",
    "idrettsarrangement", "konsert i kulturhuset", "bygdeutvikling", "næringsfond",
    "etablererstøtte", "klimatiltak", "ladestasjoner", "skjøtsel av kulturlandskap",
)  # fmt: skip

JOBS = (
    "lærer", "barnehagelærer", "sykepleier", "helsefagarbeider", "vernepleier",
    "rådgiver", "saksbehandler byggesak", "arealplanlegger", "ingeniør vann og avløp",
    "miljøarbeider", "konsulent", "arkivar", "økonomisjef", "enhetsleder", "rektor",
    "assistent", "fagarbeider", "driftsoperatør", "renholder", "prosjektleder",
    "kommuneoverlege", "fysioterapeut", "ergoterapeut", "barnevernspedagog",
    "IKT-rådgiver", "landbruksrådgiver", "kulturkonsulent", "kokk", "brannkonstabel",
)  # fmt: skip

SERVICES = (
    "brøyting og strøing", "renholdstjenester", "skoleskyss", "IKT-utstyr",
    "konsulenttjenester", "rammeavtale for kontorrekvisita", "bygging av ny barnehage",
    "rehabilitering av svømmehall", "vedlikehold av kommunale veier", "matlevering",
    "leasing av biler", "elektrikertjenester", "rørleggertjenester", "arkivsystem",
    "kommunalt planverktøy", "forsikringstjenester", "revisjonstjenester",
    "grøntanlegg og parkdrift", "asfaltering", "trygghetsalarmer", "legevaktsamarbeid",
)  # fmt: skip

HEARINGS = (
    "forslag til endringer i plan- og bygningsloven", "ny forskrift om kommunale avgifter",
    "regional plan for vannforvaltning", "forslag til ny kommunelov",
    "endringer i opplæringsloven", "nasjonal transportplan", "regional plan for areal og "
    "transport", "forslag til endring i alkoholforskriften", "ny barnehagelov",
    "statlige planretningslinjer for klima og energi", "forskrift om tilskudd til "
    "spesielle miljøtiltak i jordbruket", "endringer i matrikkelforskriften",
    "forslag til fylkesplan", "interkommunal kystsoneplan", "endringer i helse- og "
    "omsorgstjenesteloven", "ny forskrift om vann- og avløpsgebyrer",
)  # fmt: skip

TOPICS = (
    "støy fra anleggsarbeid", "manglende brøyting", "gatelys", "hull i veien",
    "parkering i boligområdet", "hundeluftelegat", "forsøpling ved badeplassen",
    "skolevei og trafikksikkerhet", "åpningstider på biblioteket", "eiendomsskatt",
    "vann- og avløpsgebyr", "renovasjon", "nedfall fra trær", "fartsdempende tiltak",
    "skjenketider", "kommunens klimaplan", "barnehagedekning", "fritidstilbud for ungdom",
    "tilgjengelighet i rådhuset", "overvann i kjelleren", "bygging uten tillatelse",
    "forurensning i bekken", "nabokonflikt om gjerde", "lekeplass", "ladeplasser",
)  # fmt: skip

RIVERS = (
    "Storelva", "Kvernbekken", "Mølleelva", "Sagbekken", "Fossen", "Lakselva",
    "Bjørkebekken", "Vassdraget", "Tjernet", "Fjorden",
)  # fmt: skip

LAWS = (
    "plan- og bygningsloven § 20-1", "plan- og bygningsloven § 19-2",
    "alkoholloven § 1-7", "forurensningsforskriften kapittel 12",
    "matrikkellova § 6", "jordlova § 12", "konsesjonsloven § 9",
    "forvaltningsloven § 28", "offentleglova § 32", "motorferdselloven § 6",
    "vegloven § 40", "kommuneloven § 13-1",
)  # fmt: skip

VEDLEGG_TITLES = (
    "Situasjonsplan", "Tegninger", "Fasadetegninger", "Plantegning", "Kart",
    "Nabovarsel", "Kvittering for nabovarsel", "Erklæring om ansvarsrett",
    "Gjennomføringsplan", "Fotografier", "Regnskap", "Budsjett", "Vedtekter",
    "Uttalelse", "Kontrollrapport", "Planbeskrivelse", "Plankart", "Planbestemmelser",
    "ROS-analyse", "Støyrapport", "Geoteknisk rapport", "Tilbudsskjema",
    "Kravspesifikasjon", "Prisskjema", "Referat", "Utskrift av grunnboken",
    "Matrikkelbrev", "Søknadsskjema", "Dokumentasjon av utgifter", "Prosjektbeskrivelse",
)  # fmt: skip


@dataclass(frozen=True)
class Step:
    """One kind of journal entry in a case: type, title templates, document type,
    who the correspondent is, and whether the entry is screened."""

    jtype: str
    titles: tuple[str, ...]
    party: str = "case"
    dokumenttype: str = "Korrespondanse"
    screen: str | None = None


@dataclass(frozen=True)
class Domain:
    """A kind of case: its class, unit, case titles, party, and the entries it holds."""

    key: str
    klasse: tuple[str, str]
    weight: int
    cases: tuple[str, ...]
    steps: tuple[Step, ...]
    party: str = "firm"
    person_share: float = 0.0
    screen_case: str | None = None
    extra: tuple[Step, ...] = field(default_factory=tuple)


GENERIC_STEPS = (
    Step("I", ("Ettersendt dokumentasjon{sak_suffix}", "Tilleggsopplysninger{sak_suffix}",
               "Supplerende opplysninger - {kort}")),
    Step("U", ("Purring - manglende dokumentasjon{sak_suffix}", "Orientering om saken - {kort}",
               "Foreløpig svar{sak_suffix}")),
    Step("X", ("Notat til saken - {kort}", "Telefonnotat - {kort}"), party="internal",
         dokumenttype="Notat", screen="intern"),
    Step("I", ("Innsynskrav i sak {saksnr}", "Spørsmål om saksbehandlingstid - {kort}"),
         party="citizen"),
    Step("U", ("Svar på innsynskrav i sak {saksnr}", "Oversendelse av dokumenter i sak {saksnr}"),
         party="citizen"),
    Step("N", ("Intern høring - {kort}", "Oversendelse til uttalelse - {kort}"),
         party="internal", dokumenttype="Notat"),
)  # fmt: skip

DOMAINS: tuple[Domain, ...] = (
    Domain(
        "byggesak", ("L42", "Byggesaksbehandling"), 20,
        ("Byggesak - {eiendom} - {adr} - {tiltak}", "{adr} - {eiendom} - {tiltak}",
         "{Eiendom} - {tiltak} - {adr}", "Søknad om {tiltak} - {eiendom} - {adr}"),
        (
            Step("I", ("Søknad om rammetillatelse - {tiltak} - {eiendom} - {person}",
                       "Søknad om tillatelse i ett trinn - {tiltak} - {adr} - {person}",
                       "Søknad om tiltak uten ansvarsrett - {tiltak} - {eiendom} - {person}",
                       "Byggesøknad - {tiltak} - {adr} - {eiendom}"),
                 dokumenttype="Søknad"),
            Step("U", ("Bekreftelse på mottatt søknad - {eiendom}",
                       "Foreløpig svar - søknad om {tiltak} - {adr}")),
            Step("U", ("Mangelbrev - søknad om {tiltak} - {eiendom}",
                       "Anmodning om tilleggsopplysninger - {adr} - {tiltak}")),
            Step("I", ("Tilleggsopplysninger til søknad - {eiendom}",
                       "Reviderte tegninger - {tiltak} - {adr}")),
            Step("I", ("Nabomerknad til søknad om {tiltak} - {adr}",
                       "Merknad fra nabo - {eiendom} - {person}"), party="citizen"),
            Step("I", ("Uttalelse fra Statens vegvesen - avkjørsel - {eiendom}",
                       "Uttalelse - {tiltak} - {eiendom}"), party="agency",
                 dokumenttype="Uttalelse"),
            Step("U", ("Vedtak - rammetillatelse - {tiltak} - {eiendom}",
                       "Tillatelse til tiltak - {tiltak} - {adr}",
                       "Vedtak om dispensasjon og tillatelse - {eiendom} - {tiltak}",
                       "Avslag på søknad om {tiltak} - {eiendom}"), dokumenttype="Vedtak"),
            Step("I", ("Søknad om igangsettingstillatelse - {eiendom}",
                       "Søknad om midlertidig brukstillatelse - {adr}",
                       "Søknad om ferdigattest - {tiltak} - {eiendom}"),
                 dokumenttype="Søknad"),
            Step("U", ("Igangsettingstillatelse - {eiendom} - {tiltak}",
                       "Ferdigattest - {tiltak} - {adr}",
                       "Midlertidig brukstillatelse - {eiendom}"), dokumenttype="Ferdigattest"),
            Step("I", ("Klage på vedtak - {tiltak} - {eiendom} - {person}",
                       "Klage på byggetillatelse - {adr}"), party="citizen", dokumenttype="Klage"),
            Step("S", ("Klage på vedtak - {tiltak} - {eiendom} - til politisk behandling",
                       "Dispensasjon fra reguleringsplan - {eiendom} - {tiltak}"),
                 party="politics", dokumenttype="Saksframlegg"),
            Step("U", ("Oversendelse av klage til Statsforvalteren - {eiendom}",),
                 party="agency"),
        ),
        party="firm", person_share=0.15,
    ),
    Domain(
        "plan", ("L12", "Reguleringsplaner"), 6,
        ("Detaljregulering for {sted} - {planformaal}", "Områderegulering {sted}",
         "Reguleringsplan {sted} {planformaal} - planID {planid}",
         "Endring av reguleringsplan for {sted}"),
        (
            Step("I", ("Anmodning om oppstartsmøte - {plan}", "Planinitiativ - {plan}")),
            Step("U", ("Referat fra oppstartsmøte - {plan}",), dokumenttype="Referat"),
            Step("U", ("Varsel om oppstart av planarbeid - {plan}",), party="agency",
                 dokumenttype="Kunngjøring"),
            Step("I", ("Innspill til varsel om oppstart - {plan}",
                       "Merknad til oppstart av planarbeid - {plan} - {person}"),
                 party="citizen"),
            Step("I", ("Uttalelse til oppstart av planarbeid - {plan}",
                       "Innspill fra fylkeskommunen - {plan}"), party="agency",
                 dokumenttype="Uttalelse"),
            Step("S", ("1. gangs behandling - {plan}", "Offentlig ettersyn - {plan}"),
                 party="politics", dokumenttype="Saksframlegg"),
            Step("U", ("Høring og offentlig ettersyn - {plan}",), party="agency"),
            Step("I", ("Innsigelse til {plan}", "Faglig råd - {plan}"), party="agency",
                 dokumenttype="Innsigelse"),
            Step("S", ("Sluttbehandling - {plan}", "Egengodkjenning - {plan}"),
                 party="politics", dokumenttype="Saksframlegg"),
            Step("U", ("Kunngjøring av vedtatt plan - {plan}",), dokumenttype="Kunngjøring"),
        ),
        party="consultancy",
    ),
    Domain(
        "oppmaaling", ("L30", "Oppmåling og matrikkel"), 5,
        ("Oppmålingsforretning - {eiendom}", "Fradeling av tomt fra {eiendom}",
         "Grensejustering mellom {eiendom} og {eiendom2}", "Seksjonering - {eiendom} - {adr}"),
        (
            Step("I", ("Rekvisisjon av oppmålingsforretning - {eiendom} - {person}",
                       "Søknad om deling av eiendom - {eiendom}",
                       "Søknad om grensejustering - {eiendom} og {eiendom2} - {person}",
                       "Søknad om seksjonering - {adr} - {eiendom}"), dokumenttype="Søknad"),
            Step("U", ("Varsel om oppmålingsforretning - {eiendom}",)),
            Step("X", ("Protokoll fra oppmålingsforretning - {eiendom}",), party="internal",
                 dokumenttype="Protokoll"),
            Step("U", ("Matrikkelbrev - {eiendom}", "Vedtak om fradeling - {eiendom}",
                       "Melding om matrikkelføring av grensejustering - {eiendom}",
                       "Vedtak om seksjonering - {eiendom}"), dokumenttype="Vedtak"),
            Step("U", ("Faktura for oppmålingsforretning - {eiendom}",)),
        ),
        party="firm", person_share=0.2,
    ),
    Domain(
        "skjenk", ("U63", "Alkoholsaker"), 4,
        ("Skjenkebevilling - {restaurant}", "Serveringsbevilling - {restaurant}",
         "Ambulerende skjenkebevilling - {forening}", "Salgsbevilling - {butikk}"),
        (
            Step("I", ("Søknad om skjenkebevilling - {restaurant}",
                       "Søknad om serveringsbevilling - {restaurant}",
                       "Søknad om ambulerende skjenkebevilling - {forening}",
                       "Søknad om salgsbevilling for alkoholholdig drikk - {butikk}"),
                 dokumenttype="Søknad"),
            Step("U", ("Forespørsel om uttalelse - skjenkebevilling - {restaurant}",),
                 party="agency"),
            Step("I", ("Uttalelse fra politiet - skjenkebevilling - {restaurant}",
                       "Uttalelse fra NAV - serveringsbevilling - {restaurant}",
                       "Uttalelse fra skatteetaten - {restaurant}"), party="agency",
                 dokumenttype="Uttalelse"),
            Step("S", ("Søknad om skjenkebevilling - {restaurant} - til behandling",),
                 party="politics", dokumenttype="Saksframlegg"),
            Step("U", ("Vedtak - skjenkebevilling - {restaurant}",
                       "Vedtak - serveringsbevilling - {restaurant}",
                       "Vedtak om ambulerende skjenkebevilling - {forening}",
                       "Vedtak - salgsbevilling - {butikk}"),
                 dokumenttype="Vedtak"),
            Step("I", ("Kontrollrapport skjenkekontroll - {restaurant}",
                       "Rapport fra salgs- og skjenkekontroll - {restaurant}"),
                 party="firm2", dokumenttype="Rapport", screen="kontroll"),
            Step("U", ("Varsel om prikktildeling - {restaurant}",
                       "Vedtak om tildeling av prikker - {restaurant}"), dokumenttype="Vedtak"),
            Step("I", ("Melding om endring av styrer og stedfortreder - {restaurant}",
                       "Søknad om utvidet skjenketid - {restaurant}",
                       "Omsetningsoppgave for alkohol {aar} - {restaurant}")),
        ),
        party="restaurant",
    ),
    Domain(
        "tilskudd", ("223", "Tilskudd og bidrag"), 8,
        ("Tilskudd til {formaal} {aar} - {forening}", "Søknad om tilskudd - {formaal}",
         "Kulturmidler {aar} - {forening}", "Tilskudd {formaal} - {forening}"),
        (
            Step("I", ("Søknad om tilskudd til {formaal} - {forening}",
                       "Søknad om kulturmidler {aar} - {forening}",
                       "Søknad om støtte til {formaal}"), dokumenttype="Søknad"),
            Step("U", ("Tilsagn om tilskudd - {formaal} - {forening}",
                       "Avslag på søknad om tilskudd - {forening}",
                       "Melding om vedtak - tilskudd til {formaal}"), dokumenttype="Vedtak"),
            Step("I", ("Aksept av tilsagn - {forening}", "Anmodning om utbetaling - {formaal}")),
            Step("I", ("Rapport og regnskap - {formaal} - {forening}",
                       "Sluttrapport - tilskudd til {formaal}"), dokumenttype="Rapport"),
            Step("U", ("Utbetaling av tilskudd - {forening}",
                       "Purring på rapport - tilskudd {aar}")),
            Step("S", ("Fordeling av tilskudd til {formaal} {aar}",), party="politics",
                 dokumenttype="Saksframlegg"),
        ),
        party="association",
    ),
    Domain(
        "landbruk", ("V60", "Landbruk, konsesjon og deling"), 5,
        ("Konsesjon - {eiendom} - erverv av landbrukseiendom",
         "Deling av landbrukseiendom - {eiendom}", "Produksjonstilskudd {aar} - {eiendom}",
         "Skogfond og tilskudd til skogsvei - {eiendom}", "Dispensasjon fra boplikt - {eiendom}"),
        (
            Step("I", ("Søknad om konsesjon ved erverv av {eiendom} - {person}",
                       "Søknad om fradeling av tomt fra landbrukseiendom - {eiendom}",
                       "Søknad om produksjonstilskudd - {eiendom}",
                       "Søknad om tilskudd til bygging av skogsvei - {eiendom}",
                       "Søknad om fritak fra boplikt - {eiendom} - {person}"),
                 dokumenttype="Søknad"),
            Step("U", ("Vedtak - konsesjon gitt - {eiendom}",
                       "Vedtak etter jordlova § 12 - deling - {eiendom}",
                       "Vedtak om produksjonstilskudd {aar} - {eiendom}",
                       "Tilsagn om tilskudd til skogsvei - {eiendom}",
                       "Vedtak - fritak fra boplikt - {eiendom}"), dokumenttype="Vedtak"),
            Step("I", ("Uttalelse fra Statsforvalteren - {eiendom}",), party="agency"),
            Step("I", ("Klage på vedtak - {eiendom} - {person}",),
                 dokumenttype="Klage"),
            Step("U", ("Oversendelse av klage - {eiendom}",), party="agency"),
        ),
        party="firm", person_share=0.3,
    ),
    Domain(
        "vei", ("Q10", "Veier, gater og trafikk"), 7,
        ("{vei} - trafikksikkerhetstiltak", "Gravetillatelse - {adr}",
         "Avkjørselstillatelse - {eiendom}", "Skilting og parkering - {vei}",
         "Vedlikehold av {vei}", "Gang- og sykkelvei langs {vei}"),
        (
            Step("I", ("Henvendelse om trafikksikkerhet i {vei}",
                       "Søknad om gravetillatelse - {adr}",
                       "Søknad om avkjørsel fra kommunal vei - {eiendom}",
                       "Søknad om skilting og parkeringsregulering - {vei}",
                       "Søknad om arbeidsvarsling - vedlikehold av {vei}",
                       "Innspill til gang- og sykkelvei langs {vei}"), dokumenttype="Søknad"),
            Step("U", ("Gravetillatelse - {adr}", "Tillatelse til avkjørsel - {eiendom}",
                       "Godkjent arbeidsvarslingsplan - {vei}"), dokumenttype="Vedtak"),
            Step("I", ("Klage på brøyting i {vei} - {person}",
                       "Melding om hull i veien - {vei}"), party="citizen"),
            Step("U", ("Svar på henvendelse om {vei}",
                       "Svar - trafikksikkerhetstiltak i {vei}"), party="citizen"),
            Step("I", ("Uttalelse fra politiet - skilting {vei}",), party="agency"),
            Step("S", ("Trafikksikkerhetsplan - tiltak i {vei}",), party="politics",
                 dokumenttype="Saksframlegg"),
        ),
        party="firm",
    ),
    Domain(
        "miljo", ("K54", "Forurensning, vann og avløp"), 5,
        ("Utslippstillatelse - {eiendom}", "Tilsyn med oljeutskiller - {firma}",
         "Forurenset grunn - {adr}", "Forurensning i {elv}", "Separat avløpsanlegg - {eiendom}",
         "Tilknytning til kommunalt vann og avløp - {adr}"),
        (
            Step("I", ("Søknad om utslipp av sanitært avløpsvann - {eiendom}",
                       "Egenrapportering oljeutskiller - {firma}",
                       "Tiltaksplan for forurenset grunn - {adr}",
                       "Melding om forurensning i {elv}",
                       "Søknad om separat avløpsanlegg - {eiendom} - {person}",
                       "Søknad om tilknytning til offentlig vann og avløp - {adr}"),
                 dokumenttype="Søknad"),
            Step("U", ("Utslippstillatelse - {eiendom}",
                       "Godkjenning av tiltaksplan - {adr}",
                       "Pålegg om tilknytning - {eiendom}"), dokumenttype="Vedtak"),
            Step("U", ("Varsel om tilsyn - {firma}", "Varsel om pålegg - {eiendom}")),
            Step("X", ("Tilsynsrapport - {firma}",), party="internal", dokumenttype="Rapport"),
            Step("I", ("Uttalelse fra Mattilsynet - {elv}",
                       "Prøveresultater - {elv}"), party="agency", dokumenttype="Rapport"),
            Step("I", ("Klage på pålegg - {eiendom} - {person}",), dokumenttype="Klage"),
        ),
        party="firm", person_share=0.15,
    ),
    Domain(
        "innkjop", ("055", "Anskaffelser"), 5,
        ("Anskaffelse av {tjeneste}", "Konkurranse - {tjeneste} {aar}",
         "Rammeavtale - {tjeneste}", "Innkjøp av {tjeneste}"),
        (
            Step("X", ("Konkurransegrunnlag - {tjeneste}", "Anskaffelsesstrategi - {tjeneste}"),
                 party="internal", dokumenttype="Notat"),
            Step("U", ("Kunngjøring - {tjeneste}",), party="agency", dokumenttype="Kunngjøring"),
            Step("I", ("Spørsmål til konkurransegrunnlaget - {tjeneste}",), party="firm2"),
            Step("I", ("Tilbud - {tjeneste} - {firma2}", "Tilbud fra {firma2} - {tjeneste}"),
                 party="firm2", dokumenttype="Tilbud", screen="tilbud"),
            Step("N", ("Evaluering av tilbud - {tjeneste}",), party="internal",
                 dokumenttype="Notat", screen="intern"),
            Step("U", ("Meddelelse om tildeling - {tjeneste}",
                       "Melding om valg av leverandør - {tjeneste}"), party="firm2"),
            Step("U", ("Kontrakt - {tjeneste} - {firma2}", "Signert avtale - {tjeneste}"),
                 party="firm2", dokumenttype="Avtale"),
            Step("I", ("Klage på tildeling - {tjeneste}",), party="firm2", dokumenttype="Klage"),
        ),
        party="firm",
    ),
    Domain(
        "henvendelse", ("000", "Henvendelser, innsyn og klager"), 7,
        ("Henvendelse om {tema}", "Innsynskrav {aar}", "Klage på saksbehandling - {tema}",
         "Spørsmål om {tema}", "Innsyn i sak {ref}"),
        (
            Step("I", ("Henvendelse om {tema} - {person}", "Innsynskrav i sak {ref}",
                       "Klage på saksbehandlingen i sak {ref}", "Spørsmål om {tema}",
                       "Innsynskrav - dokumenter i sak {ref} - {person}"),
                 party="case"),
            Step("U", ("Svar på henvendelse om {tema}", "Svar på innsynskrav i sak {ref}",
                       "Svar på klage på saksbehandlingen i sak {ref}",
                       "Svar på spørsmål om {tema}", "Delvis innsyn - sak {ref}",
                       "Avslag på innsynskrav i sak {ref}"), party="case"),
            Step("I", ("Klage på avslag på innsynskrav - sak {ref}",), party="case",
                 dokumenttype="Klage"),
            Step("U", ("Oversendelse av klage på innsyn til Statsforvalteren - sak {ref}",),
                 party="agency"),
            Step("I", ("Vedtak fra Statsforvalteren - klage på innsyn - sak {ref}",),
                 party="agency", dokumenttype="Vedtak"),
        ),
        party="citizen", person_share=0.25,
    ),
    Domain(
        "horing", ("002", "Høringer og uttalelser"), 5,
        ("Høring - {horing}", "Høringsuttalelse - {horing}", "Høring {aar} - {horing}"),
        (
            Step("I", ("Høring - {horing}", "Høringsbrev - {horing}"), party="agency"),
            Step("N", ("Intern høring - {horing}",), party="internal", dokumenttype="Notat"),
            Step("S", ("Høringsuttalelse - {horing}",), party="politics",
                 dokumenttype="Saksframlegg"),
            Step("U", ("Høringsuttalelse fra kommunen - {horing}",), party="agency",
                 dokumenttype="Uttalelse"),
        ),
        party="agency",
    ),
    Domain(
        "eiendomsskatt", ("232", "Eiendomsskatt"), 3,
        ("Eiendomsskatt {aar} - {eiendom}", "Klage på eiendomsskatt - {eiendom}",
         "Retaksering - {eiendom} - {adr}"),
        (
            Step("I", ("Klage på eiendomsskatt {aar} - {eiendom} - {person}",
                       "Krav om retaksering - {eiendom}"), dokumenttype="Klage"),
            Step("U", ("Foreløpig svar - klage på eiendomsskatt - {eiendom}",)),
            Step("X", ("Befaringsrapport - {eiendom}",), party="internal", dokumenttype="Rapport"),
            Step("S", ("Klage på eiendomsskatt - {eiendom} - behandling i sakkyndig nemnd",),
                 party="politics", dokumenttype="Saksframlegg"),
            Step("U", ("Vedtak - klage på eiendomsskatt - {eiendom}",), dokumenttype="Vedtak"),
        ),
        party="firm", person_share=0.3,
    ),
    Domain(
        "personal", ("410", "Tilsetting"), 5,
        ("Tilsetting - {stilling} - {enhet}", "Utlysning - {stilling} - {enhet}",
         "Rekruttering av {stilling} til {enhet}"),
        (
            Step("U", ("Utlysning - {stilling} - {enhet}",), party="agency",
                 dokumenttype="Kunngjøring"),
            Step("I", ("Søknad på stilling som {stilling} - {person}",
                       "Søknad - {stilling} - {enhet} - {person}"),
                 party="applicant", dokumenttype="Søknad", screen="personal"),
            Step("X", ("Offentlig søkerliste - {stilling} - {enhet}",), party="internal"),
            Step("X", ("Innstilling - {stilling} - {enhet}",), party="internal",
                 dokumenttype="Notat", screen="innstilling"),
            Step("U", ("Tilbud om stilling som {stilling} - {person}",
                       "Tilbud om tilsetting - {stilling} - {person}"),
                 party="applicant", screen="personal"),
            Step("I", ("Aksept av tilbud - {stilling} - {person}",), party="applicant",
                 screen="personal"),
            Step("U", ("Melding til søkere som ikke nådde opp - {stilling}",),
                 party="applicant", screen="personal"),
        ),
        party="applicant", person_share=1.0,
    ),
    Domain(
        "helse", ("F", "Helse- og sosialsaker"), 3,
        ("Startlån - {person}", "Bostøtte - {person}", "Omsorgsstønad - {person}",
         "Praktisk bistand i hjemmet - {person}", "Kommunal bolig - {person}",
         "Tildeling av sykehjemsplass - {person}"),
        (
            Step("I", ("Søknad om startlån - {person}", "Søknad om bostøtte - {person}",
                       "Søknad om omsorgsstønad - {person}",
                       "Søknad om praktisk bistand - {person}",
                       "Søknad om kommunal bolig - {person}",
                       "Søknad om langtidsopphold i sykehjem - {person}"), dokumenttype="Søknad"),
            Step("U", ("Vedtak om startlån - {person}", "Vedtak om bostøtte - {person}",
                       "Vedtak om omsorgsstønad - {person}",
                       "Vedtak om praktisk bistand - {person}",
                       "Vedtak om tildeling av bolig - {person}",
                       "Vedtak om langtidsopphold - {person}"), dokumenttype="Vedtak"),
            Step("I", ("Legeerklæring - {person}", "Ettersendt dokumentasjon - {person}"),
                 party="case"),
            Step("I", ("Klage på vedtak - {person}",), dokumenttype="Klage"),
            Step("U", ("Oversendelse av klage til Statsforvalteren - {person}",),
                 party="agency"),
        ),
        party="citizen", person_share=1.0, screen_case="taushet",
    ),
    Domain(
        "oppvekst", ("A20", "Barnehage og skole"), 2,
        ("Barnehageplass - {person}", "Skoleskyss - {person}", "Spesialundervisning - {person}",
         "Permisjon fra undervisning - {person}", "Skolebytte - {person}"),
        (
            Step("I", ("Søknad om barnehageplass - {person}", "Søknad om skoleskyss - {person}",
                       "Henvisning til PPT - spesialundervisning - {person}",
                       "Søknad om permisjon fra opplæringen - {person}",
                       "Søknad om skolebytte - {person}"), dokumenttype="Søknad"),
            Step("U", ("Tilbud om barnehageplass - {person}", "Vedtak om skoleskyss - {person}",
                       "Vedtak om spesialundervisning - {person}",
                       "Svar på søknad om permisjon - {person}",
                       "Vedtak om skolebytte - {person}"), dokumenttype="Vedtak"),
            Step("I", ("Sakkyndig vurdering fra PPT - {person}",), party="agency"),
            Step("U", ("Svar på klage - {person}",)),
        ),
        party="citizen", person_share=1.0, screen_case="taushet",
    ),
    Domain(
        "kultur", ("C00", "Kultur og arrangementer"), 4,
        ("Arrangement - {arrangement} {aar}", "Utleie av {lokale} - {forening}",
         "Kulturprisen {aar}", "Stedsnavnsak - {sted}"),
        (
            Step("I", ("Søknad om arrangementstillatelse - {arrangement}",
                       "Søknad om bruk av {lokale} - {arrangement}",
                       "Forslag til kandidat til kulturprisen {aar}",
                       "Forslag til navnsetting - {sted}"),
                 dokumenttype="Søknad"),
            Step("U", ("Tillatelse - {arrangement}", "Bekreftelse på leie av {lokale}",
                       "Melding om tildeling av kulturprisen {aar}",
                       "Vedtak om skrivemåte - {sted}"), dokumenttype="Vedtak"),
            Step("I", ("Uttalelse fra politiet - {arrangement}",), party="agency"),
            Step("S", ("Tildeling av kulturprisen {aar}",), party="politics",
                 dokumenttype="Saksframlegg", screen="innstilling"),
        ),
        party="association",
    ),
    Domain(
        "politikk", ("033", "Politiske saker og møter"), 3,
        ("Budsjett {aar} og økonomiplan", "Årsmelding og regnskap {aar}",
         "Kommuneplanens samfunnsdel", "Interkommunalt samarbeid om {tjeneste}",
         "Forvaltningsrevisjon - {tema}", "Spørsmål fra representant om {tema}"),
        (
            Step("I", ("Spørsmål til ordfører om {tema}", "Interpellasjon om {tema}",
                       "Revisjonsrapport - {tema}"), party="agency"),
            Step("N", ("Notat til politisk behandling - {kort}",), party="internal",
                 dokumenttype="Notat"),
            Step("S", ("{Kort}", "{Kort} - til behandling"), party="politics",
                 dokumenttype="Saksframlegg"),
            Step("U", ("Melding om vedtak - {kort}", "Svar på spørsmål om {tema}"),
                 party="agency", dokumenttype="Vedtak"),
        ),
        party="agency",
    ),
)  # fmt: skip

SCREENINGS = {
    # key: (tilgangsrestriksjon, skjermingshjemmel, metadata, screens the whole document)
    "taushet": ("13", "Offl. § 13 jf. fvl. § 13 1. ledd nr. 1",
                ("tittel", "korrespondansepartNavn"), True),
    "personal": ("25", "Offl. § 25 første ledd", ("tittel", "korrespondansepartNavn"), True),
    "innstilling": ("25", "Offl. § 25 første ledd", ("dokument",), True),
    "intern": ("14", "Offl. § 14 første ledd", ("dokument",), True),
    "tilbud": ("23", "Offl. § 23 tredje ledd", ("dokument",), True),
    "kontroll": ("24", "Offl. § 24 andre ledd", ("dokument",), True),
    "navn": ("13", "Offl. § 13 jf. fvl. § 13 1. ledd nr. 1", ("korrespondansepartNavn",), False),
}  # fmt: skip

# Sentences of document text; same placeholders as the titles (no personal names).
LETTER_OPENINGS = (
    "Vi viser til {henvendelse} mottatt {dato}.",
    "Vi viser til tidligere korrespondanse i saken.",
    "Kommunen har mottatt {henvendelse} datert {dato}.",
    "Det vises til telefonsamtale og til {henvendelse}.",
    "Takk for {henvendelse}, som ble registrert hos oss {dato}.",
    "Vi bekrefter å ha mottatt {henvendelse} i sak {saksnr}.",
)  # fmt: skip
LETTER_CLOSINGS = (
    "Ta gjerne kontakt dersom noe er uklart.",
    "Vedtaket kan påklages innen tre uker etter at det er mottatt, jf. forvaltningsloven § 29.",
    "Klagen sendes til kommunen, som forbereder saken før den sendes klageinstansen.",
    "Du har rett til å se dokumentene i saken, jf. forvaltningsloven §§ 18 og 19.",
    "Vi ber om at saksnummer {saksnr} oppgis ved alle henvendelser i saken.",
    "Forventet saksbehandlingstid er {uker} uker.",
    "Gebyr for behandlingen blir fakturert særskilt etter gjeldende gebyrregulativ.",
)  # fmt: skip
COMMON_SENTENCES = (
    "Saken er vurdert etter {lov}.",
    "Kommunen har ikke merknader utover det som går fram av dette brevet.",
    "Saken har vært forelagt berørte fagmyndigheter, som ikke har hatt innvendinger.",
    "Kostnadene er beregnet til kr {belop} eksklusive merverdiavgift.",
    "Kommunedirektøren anbefaler at søknaden innvilges på de vilkår som er satt.",
    "Dersom vilkårene ikke oppfylles, kan vedtaket omgjøres.",
    "Saken legges fram for {organ} til orientering.",
    "Saken ble utsatt i påvente av ytterligere opplysninger.",
    "Vi har mottatt flere henvendelser om samme forhold.",
    "Vi beklager lang saksbehandlingstid.",
    "Gebyret er fastsatt til kr {belop} i henhold til gebyrregulativet for {aar}.",
    "Det vises til vedlagte dokumenter.",
    "Administrasjonen har vurdert saken på nytt etter at nye opplysninger kom inn {dato}.",
    "Svarfristen er satt til {dato}.",
    "Vedtaket er fattet av kommunedirektøren etter delegert myndighet.",
    "Saken ble behandlet i møte i {organ} {dato}.",
    "Innstillingen ble enstemmig vedtatt.",
    "Klagen er tatt til følge.",
    "Klagen er ikke tatt til følge, og saken oversendes klageinstansen.",
    "Vi ber om tilbakemelding innen {uker} uker.",
)  # fmt: skip
DOMAIN_SENTENCES = {
    "byggesak": (
        "Tiltaket er i samsvar med gjeldende reguleringsplan for området.",
        "Det er ikke kommet merknader fra naboer eller gjenboere.",
        "Søknaden ble ansett som komplett {dato}, og fristen for behandling løper fra denne "
        "datoen.",
        "Det forutsettes at arbeidet utføres i tråd med innsendte tegninger og situasjonsplan.",
        "Vi gjør oppmerksom på at tillatelsen faller bort dersom arbeidet ikke er satt i gang "
        "innen tre år.",
        "Omsøkt {tiltak} på {eiendom} overskrider ikke tillatt bebygd areal.",
        "Gesimshøyden er målt til {meter} meter over gjennomsnittlig planert terreng.",
        "Avstanden til nabogrensen er mindre enn fire meter, og det kreves samtykke fra nabo "
        "eller dispensasjon.",
        "Ansvarlig søker har erklært ansvar for prosjektering og utførelse.",
        "Eiendommen ligger i et område med middels skredfare etter aktsomhetskart.",
        "Det må søkes om ferdigattest når tiltaket er fullført.",
        "Dispensasjon fra byggegrensen mot vei gis på vilkår om frisikt.",
        "Tiltaket berører ikke automatisk fredete kulturminner.",
    ),
    "plan": (
        "Planforslaget legges ut til offentlig ettersyn i seks uker.",
        "Merknader til planforslaget sendes kommunen innen fristen som er oppgitt.",
        "Det er gjennomført en risiko- og sårbarhetsanalyse for planområdet.",
        "Området er i dag uregulert og benyttes til landbruksformål.",
        "Det er avholdt oppstartsmøte med forslagsstiller og kommunens planavdeling.",
        "Planen legger til rette for {planformaal} ved {sted}.",
        "Statsforvalteren har varslet innsigelse til planforslaget på grunn av jordvern.",
        "Planområdet er om lag {meter} dekar stort.",
        "Støyberegningen viser at deler av området ligger i gul støysone.",
        "Krav om konsekvensutredning er vurdert, og planen utløser ikke slike krav.",
    ),
    "oppmaaling": (
        "Oppmålingsforretningen ble avholdt på stedet {dato}.",
        "Grensene ble påvist og merket med nye grensemerker.",
        "Partene var enige om grenseforløpet.",
        "Ny grunneiendom er tildelt matrikkelnummer og tinglyst.",
        "Seksjoneringen omfatter {antall} boligseksjoner og én næringsseksjon.",
        "Arealet av den nye parsellen er beregnet til {meter}0 kvadratmeter.",
    ),
    "skjenk": (
        "Politiet har ingen merknader til vandelen til søker, styrer eller stedfortreder.",
        "Bevillingen gjelder fram til {dato}, med mulighet for fornyelse.",
        "Skjenketiden er fastsatt til klokken 01.00 alle dager.",
        "Styrer og stedfortreder har bestått kunnskapsprøven etter alkoholloven.",
        "Ved kontrollen {dato} ble det observert skjenking til åpenbart påvirket person.",
        "Brudd på alkoholloven gir prikker etter alkoholforskriften kapittel 10.",
        "Omsetningsgebyret beregnes etter oppgitt omsetning for {aar}.",
        "Kommunen vil gjennomføre kontroller for å sikre at regelverket blir fulgt.",
    ),
    "tilskudd": (
        "Det er satt av kr {belop} til formålet i budsjettet for {aar}.",
        "Rapport og regnskap skal sendes kommunen senest {dato}.",
        "Beløpet utbetales når signert akseptskjema er mottatt.",
        "Søknaden oppfyller kriteriene i retningslinjene for tilskudd til {formaal}.",
        "Det kom inn {antall} søknader med et samlet søknadsbeløp på kr {belop}.",
        "Tilskuddet må benyttes innen utgangen av {aar}.",
        "Ubrukte midler skal betales tilbake.",
    ),
    "landbruk": (
        "Eiendommen har {meter} dekar fulldyrket jord og {antall}0 dekar produktiv skog.",
        "Erverver har opplyst at eiendommen skal drives som en del av eget bruk.",
        "Konsesjon gis på vilkår om personlig boplikt i fem år.",
        "Delingen er vurdert etter jordlova § 12, og hensynet til driftsmessige forhold er "
        "tillagt vekt.",
        "Tilskuddet er beregnet etter satsene i forskrift om produksjonstilskudd.",
        "Skogsveien er planlagt med en lengde på {meter}0 meter.",
    ),
    "vei": (
        "Avkjørselen skal opparbeides med frisikt på fire ganger førti meter.",
        "Brøyting av kommunale veier prioriteres etter trafikkmengde og kollektivtrafikk.",
        "Gravearbeidet i {vei} skal være avsluttet innen {dato}.",
        "Arbeidsvarslingsplanen er godkjent for perioden fram til {dato}.",
        "Fartsdempende tiltak i {vei} er tatt inn i trafikksikkerhetsplanen.",
        "Grøften skal tilbakefylles og asfalteres etter kommunens vegnormal.",
    ),
    "miljo": (
        "Avløpsanlegget skal dimensjoneres for minst fem personekvivalenter.",
        "Prøvene viser verdier over grenseverdiene i forskriften.",
        "Tiltakshaver må sørge for at masser håndteres forsvarlig.",
        "Oljeutskilleren skal tømmes minst én gang i året.",
        "Det er tatt vannprøver i {elv} på {antall} målepunkter.",
        "Kommunen varsler pålegg om utbedring innen {dato}.",
    ),
    "innkjop": (
        "Evalueringen er gjort etter tildelingskriteriene pris, kvalitet og miljø.",
        "Kontrakten har en varighet på to år med opsjon på forlengelse i ett pluss ett år.",
        "Karenstiden er ti dager fra denne meldingen er sendt.",
        "Det kom inn {antall} tilbud innen fristen.",
        "Anskaffelsen gjennomføres som åpen anbudskonkurranse.",
        "Kontraktens anslåtte verdi er kr {belop} eksklusive merverdiavgift.",
    ),
    "henvendelse": (
        "Dokumentene er unntatt offentlighet så langt de inneholder opplysninger underlagt "
        "taushetsplikt.",
        "Det gis delvis innsyn, og opplysningene som er sladdet er unntatt etter {lov}.",
        "Innsynskravet er behandlet etter offentleglova.",
        "Du kan klage på avslaget innen tre uker, jf. offentleglova § 32.",
        "Henvendelsen er oversendt rette instans for behandling.",
        "Saken om {tema} er ventet avklart i løpet av {aar}.",
    ),
    "horing": (
        "Kommunen støtter i hovedsak forslaget, men har merknader til økonomiske konsekvenser.",
        "Høringsfristen er satt til {dato}.",
        "Forslaget vil medføre økte administrative kostnader for kommunene.",
        "Kommunen mener at endringene bør utredes nærmere før de vedtas.",
    ),
    "eiendomsskatt": (
        "Eiendomsskattegrunnlaget er fastsatt ved befaring og skjønn.",
        "Skattesatsen er {antall} promille av takstgrunnlaget.",
        "Sakkyndig nemnd har vurdert klagen og funnet grunn til å endre taksten.",
        "Ny takst gjelder fra skatteåret {aar}.",
    ),
    "personal": (
        "Det er registrert {antall} søkere til stillingen.",
        "Stillingen er en fast hel stilling med tiltredelse etter avtale.",
        "Offentlig søkerliste er utarbeidet etter offentleglova § 25.",
        "Intervjuer gjennomføres i uke {uker}.",
        "Tilsetting skjer på vilkår av tilfredsstillende politiattest.",
    ),
    "helse": (
        "Søknaden er vurdert ut fra et helhetlig bilde av søkers situasjon.",
        "Vedtaket gjelder fram til {dato} og vil da bli vurdert på nytt.",
        "Tjenesten gis i samsvar med helse- og omsorgstjenesteloven.",
        "Egenandelen er beregnet ut fra husstandens samlede inntekt.",
    ),
    "oppvekst": (
        "Opptaket er gjort etter de prioriteringene som går fram av vedtektene.",
        "Skoleskyss innvilges fordi skoleveien er særlig farlig.",
        "Vedtaket bygger på sakkyndig vurdering fra PPT.",
        "Permisjon innvilges for inntil to uker.",
    ),
    "kultur": (
        "Arrangøren har ansvar for vakthold, renhold og tilgang for nødetater.",
        "Kommunen er positiv til arrangementet, men ber om at musikk avsluttes klokken 23.",
        "Leie av {lokale} faktureres etter gjeldende prisliste.",
        "Kulturprisen deles ut på kommunestyrets siste møte før jul.",
    ),
    "politikk": (
        "Kommunestyret vedtok budsjettrammene i møte {dato}.",
        "Driftsbudsjettet for {aar} er i balanse.",
        "Revisjonen anbefaler at kommunen styrker internkontrollen.",
        "Ordføreren svarer på spørsmålet i neste møte.",
    ),
}
SAKSFRAMLEGG_HEADINGS = (
    "Saksopplysninger", "Bakgrunn", "Vurdering", "Økonomiske konsekvenser",
    "Konsekvenser for klima og miljø", "Folkehelse", "Konklusjon",
)  # fmt: skip
HENVENDELSER = (
    "søknaden", "henvendelsen", "brevet", "e-posten", "klagen", "innsynskravet",
    "uttalelsen", "rapporten", "høringsbrevet", "tilbudet",
)  # fmt: skip

ARRANGEMENTS = (
    "17. mai-feiring", "sommerkonsert i parken", "julemarked", "motorsportløp",
    "byfest", "utendørs kinovisning", "rockefestival", "matfestival", "kystkulturdag",
    "marked på torget", "idrettsstevne", "lysfest", "bygdedag",
)  # fmt: skip
LOKALER = (
    "kulturhuset", "idrettshallen", "samfunnssalen", "rådhusparken", "torget",
    "skolens gymsal", "biblioteket", "grendehuset", "badeplassen", "amfiet",
)  # fmt: skip
SHOPS = (
    "Kiwi", "Rema 1000", "Coop Extra", "Coop Prix", "Meny", "Joker", "Spar", "Bunnpris",
    "Coop Marked", "Nærbutikken",
)  # fmt: skip

# Lemma -> inflected forms a searcher types (Norwegian stemming must find the lemma).
INFLECTIONS = {
    "søknad": ("søknader", "søknaden", "søknadene"),
    "vedtak": ("vedtakene", "vedtaket"),
    "klage": ("klager", "klagen", "klagene"),
    "tilbygg": ("tilbygget", "tilbyggene"),
    "garasje": ("garasjen", "garasjer"),
    "tilskudd": ("tilskuddet", "tilskuddene"),
    "uttalelse": ("uttalelser", "uttalelsen"),
    "tillatelse": ("tillatelser", "tillatelsen"),
    "skjenkebevilling": ("skjenkebevillinger", "skjenkebevillingen"),
    "serveringsbevilling": ("serveringsbevillingen", "serveringsbevillinger"),
    "innsynskrav": ("innsynskravet", "innsynskravene"),
    "høring": ("høringer", "høringen"),
    "stilling": ("stillinger", "stillingen"),
    "utslippstillatelse": ("utslippstillatelser", "utslippstillatelsen"),
    "gravetillatelse": ("gravetillatelser", "gravetillatelsen"),
    "tilbud": ("tilbudet", "tilbudene"),
    "kontrakt": ("kontrakter", "kontrakten"),
    "reguleringsplan": ("reguleringsplaner", "reguleringsplanen"),
    "merknad": ("merknader", "merknaden"),
    "henvendelse": ("henvendelser", "henvendelsen"),
    "kontrollrapport": ("kontrollrapporter", "kontrollrapporten"),
    "fritidsbolig": ("fritidsboliger", "fritidsboligen"),
    "enebolig": ("eneboliger", "eneboligen"),
    "naust": ("naustet",),
    "ferdigattest": ("ferdigattester", "ferdigattesten"),
    "rammetillatelse": ("rammetillatelser", "rammetillatelsen"),
    "konsesjon": ("konsesjoner", "konsesjonen"),
    "oppmålingsforretning": ("oppmålingsforretninger", "oppmålingsforretningen"),
}

# Real documents from ../shared/testdata/tika that Tika reads quickly and completely and
# that hold no embedded files (an e-mail attachment would become one more document).
REAL_FILES = (
    ("pdf/testPDF.pdf", "pdf", "Arkivformat"),
    ("pdf/testPDF_acroform3.pdf", "pdf", "Arkivformat"),
    ("pdf/testPDF_JBIG2.pdf", "pdf", "Arkivformat"),
    ("pdf/testPDF_incrementalUpdates.pdf", "pdf", "Arkivformat"),
    ("pdf/testPDFTripleLangTitle.pdf", "pdf", "Arkivformat"),
    ("office/testWORD.docx", "docx", "Produksjonsformat"),
    ("office/testWORD.doc", "doc", "Produksjonsformat"),
    ("office/testEXCEL.xlsx", "xlsx", "Produksjonsformat"),
    ("office/testRTF.rtf", "rtf", "Produksjonsformat"),
    ("odf/testODFwithOOo3.odt", "odt", "Produksjonsformat"),
    ("odf/testOpenOffice2.odt", "odt", "Produksjonsformat"),
    ("mail/testRFC822", "eml", "Produksjonsformat"),
    ("office/testMSG.msg", "msg", "Produksjonsformat"),
)  # fmt: skip
# Hard cases, only with ``hard_files=True``: OCR, slow pages, encrypted or protected,
# truncated, and containers whose embedded files become documents of their own.
HARD_FILES = (
    ("pdf/testOCR.pdf", "pdf", "Arkivformat"),
    ("pdf/testPDF_bad_page_303226.pdf", "pdf", "Arkivformat"),
    ("pdf/testPDF_protected.pdf", "pdf", "Arkivformat"),
    ("pdf/testPassword4Spaces.pdf", "pdf", "Arkivformat"),
    ("office/testWORD_protected_passtika.docx", "docx", "Produksjonsformat"),
    ("office/testEXCEL_protected_passtika.xlsx", "xlsx", "Produksjonsformat"),
    ("odf/testODTEncrypted.odt", "odt", "Produksjonsformat"),
    ("office/testWORD_truncated.docx", "docx", "Produksjonsformat"),
    ("office/testWORD_embedded_pdf.docx", "docx", "Produksjonsformat"),
    ("office/testMSG_att_doc.msg", "msg", "Produksjonsformat"),
    ("mail/testEmailWithPNGAtt.eml", "eml", "Produksjonsformat"),
    ("pdf/testPDF_childAttachments.pdf", "pdf", "Arkivformat"),
)  # fmt: skip
