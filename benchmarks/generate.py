"""Grow the shipped graph into a realistic synthetic one of about N triples.

The output is one TriG file of additions, loaded beside the shipped data
(``accsm-kg validate synthetic.trig``, or ``load_knowledge_graph([path])``). It follows the
shipped graph's shapes and provenance pattern: every triple sits in a named graph, and every
named graph is described in g:meta, as a passage of a (synthetic) source document with its
locator, or as a curators' graph.

What grows, per synthetic source document (a meeting report, about 90 triples in five
passages): a workshop, forum or programme with its dates, city, host country and participating
agencies; two speakers with their posts; a joint statement or declaration adopted there and
signed by member states; a new government agency. Less often: a new city, a new country (with
its names in en/vi/km/th, a Wikidata link and an ASEAN dialogue partnership), a numbered ACCSM
meeting with its chairmanship, a work plan with its priority scheme, and an ASEAN Resource
Centre with a dated theme and a curated, justified link to a priority of that plan. The mix
keeps the proportions of a real, growing graph: many events, documents, people and agencies;
few countries; numbered meetings a small share.

    python benchmarks/generate.py --triples 100000 -o /tmp/syn-100k.trig
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

PREFIXES = """\
@prefix accsm:  <https://w3id.org/accsm-kg/ontology/> .
@prefix cty:    <https://w3id.org/accsm-kg/id/country/> .
@prefix orgn:   <https://w3id.org/accsm-kg/id/organization/> .
@prefix arc:    <https://w3id.org/accsm-kg/id/arc/> .
@prefix plan:   <https://w3id.org/accsm-kg/id/work-plan/> .
@prefix prio:   <https://w3id.org/accsm-kg/id/priority/> .
@prefix scheme: <https://w3id.org/accsm-kg/id/scheme/> .
@prefix concept: <https://w3id.org/accsm-kg/id/concept/> .
@prefix evt:    <https://w3id.org/accsm-kg/id/event/> .
@prefix doc:    <https://w3id.org/accsm-kg/id/document/> .
@prefix person: <https://w3id.org/accsm-kg/id/person/> .
@prefix post:   <https://w3id.org/accsm-kg/id/post/> .
@prefix mbr:    <https://w3id.org/accsm-kg/id/membership/> .
@prefix place:  <https://w3id.org/accsm-kg/id/place/> .
@prefix src:    <https://w3id.org/accsm-kg/id/source/> .
@prefix agent:  <https://w3id.org/accsm-kg/id/agent/> .
@prefix g:      <https://w3id.org/accsm-kg/graph/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:    <http://www.w3.org/2002/07/owl#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix time:   <http://www.w3.org/2006/time#> .
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix wd:     <http://www.wikidata.org/entity/> .

"""

#: The shipped ASEAN member states (each an ACCSM member with a dated ASEAN membership).
MEMBER_STATES = ("bn", "kh", "id", "la", "my", "mm", "ph", "sg", "th", "vn")
LANGUAGES = ("vi", "km", "th")


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd, 23rd."""
    suffix = (
        "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


EVENT_KINDS = ("Workshop", "Forum", "Programme")
DOCUMENT_KINDS = ("JointStatement", "Declaration")
#: The shipped numbered ACCSM meetings end at 22; synthetic ones follow, one a month from 2030.
FIRST_ORDINAL = 23
MAX_COUNTRIES = 180
#: Rough triples per source document, with the occasional extras; used to size the loop.
TRIPLES_PER_REPORT = 95

WORDS = (
    "civil service reform",
    "public sector innovation",
    "digital government",
    "leadership development",
    "integrity and accountability",
    "human resource management",
    "performance management",
    "e-government services",
    "citizen-centric services",
    "competency frameworks",
    "training of trainers",
    "knowledge sharing",
)
LOCAL = {"vi": "Hội thảo", "km": "សិក្ខាសាលា", "th": "การประชุม"}


def lit(text: str, lang: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


class Generator:
    """Writes the additions block by block; ``count`` is the number of triples so far."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.meta: list[str] = []
        self.graphs: list[str] = []
        self.count = 0
        self.countries: list[str] = []
        self.cities: list[tuple[str, str]] = []  # (city, its country)
        self.agencies: list[str] = []
        self.priorities: list[str] = []
        self.ordinal = FIRST_ORDINAL
        self.reports = 0

    # -- output helpers ----------------------------------------------------------------

    def graph(self, name: str, statements: list[str]) -> None:
        """One named graph; each statement is 'subject predicate object' (one triple)."""
        self.graphs.append(f"g:{name} {{\n    " + " .\n    ".join(statements) + " .\n}\n")
        self.count += len(statements)

    def passage(self, name: str, source: str, locator: str, about: str) -> None:
        self.meta += [
            f"g:{name} a accsm:SourcePassage",
            f"g:{name} prov:wasDerivedFrom src:{source}",
            f"g:{name} accsm:locator {lit(locator, 'en')}",
            f"g:{name} dct:description {lit(about, 'en')}",
        ]
        self.count += 4

    def curated(self, name: str, about: str) -> None:
        self.meta += [
            f"g:{name} a accsm:CuratedGraph",
            f"g:{name} prov:wasAttributedTo agent:curators",
            f"g:{name} dct:description {lit(about, 'en')}",
        ]
        self.count += 3

    def text(self) -> str:
        meta = "g:meta {\n    " + " .\n    ".join(self.meta) + " .\n}\n"
        return PREFIXES + meta + "\n".join(self.graphs)

    # -- the pieces ----------------------------------------------------------------------

    def date(self, first_year: int = 1995, last_year: int = 2024) -> tuple[int, int, int]:
        return (
            self.rng.randint(first_year, last_year),
            self.rng.randint(1, 12),
            self.rng.randint(1, 28),
        )

    def source(self, n: int, lang: str, year: int) -> str:
        name = f"syn-report-{n}"
        topic = self.rng.choice(WORDS)
        self.meta += [
            f"src:{name} a accsm:SourceDocument",
            f"src:{name} dct:title {lit(f'Report {n} on {topic}', 'en')}",
            f"src:{name} dct:title {lit(f'{LOCAL[lang]} {n}', lang)}",
            f'src:{name} dct:language "{lang}"',
            f'src:{name} dct:issued "{year}"^^xsd:gYear',
            f'src:{name} accsm:sourceFile "{name}.txt"',
            f"src:{name} rdfs:label {lit(f'Synthetic report {n}', 'en')}",
        ]
        self.count += 7
        return name

    def new_country(self) -> None:
        k = len(self.countries) + 1
        c = f"syn-{k:03d}"
        g = f"syn-country-{k}"
        m = f"mbr:asean-dialogue-partner-{c}"
        self.curated_or_passage(g, f"The country {c}")
        self.graph(
            g,
            [
                f"cty:{c} a accsm:Country",
                f"cty:{c} skos:prefLabel {lit(f'Country {k}', 'en')}",
                f"cty:{c} skos:prefLabel {lit(f'Quốc gia {k}', 'vi')}",
                f"cty:{c} skos:prefLabel {lit(f'ប្រទេស {k}', 'km')}",
                f"cty:{c} skos:prefLabel {lit(f'ประเทศ {k}', 'th')}",
                f"cty:{c} owl:sameAs wd:Q{90000000 + k}",
                f"{m} a org:Membership",
                f"{m} org:member cty:{c}",
                f"{m} org:organization orgn:asean",
                f"{m} org:role concept:dialogue-partner",
                f"{m} org:memberDuring {m}-period",
                f"{m}-period a time:Interval",
                f'{m}-period accsm:startDate "{1990 + k % 30}"^^xsd:gYear',
            ],
        )
        self.countries.append(f"cty:{c}")

    def curated_or_passage(self, name: str, about: str) -> None:
        self.curated(name, f"Public facts about {about}, added by the curators.")

    def new_city(self) -> None:
        k = len(self.cities) + 1
        country = f"cty:{self.rng.choice(MEMBER_STATES)}"
        g = f"syn-city-{k}"
        self.curated_or_passage(g, f"the city {k}")
        self.graph(
            g,
            [
                f"place:syn-city-{k} a accsm:City",
                f"place:syn-city-{k} skos:prefLabel {lit(f'City {k}', 'en')}",
                f"place:syn-city-{k} accsm:hostCountry {country}",
            ],
        )
        self.cities.append((f"place:syn-city-{k}", country))

    def report(self) -> None:
        """One source document: an event, its speakers, its outcome document, an agency."""
        n = self.reports = self.reports + 1
        rng = self.rng
        lang = rng.choice(LANGUAGES)
        year, month, day = self.date()
        src = self.source(n, lang, year)
        city, host = rng.choice(self.cities)
        event = f"evt:syn-event-{n}"
        kind = rng.choice(EVENT_KINDS)
        start = f"{year}-{month:02d}-{day:02d}"
        end = f"{year}-{month:02d}-{min(28, day + rng.randint(0, 3)):02d}"
        topic = rng.choice(WORDS)

        g = f"syn-{n}-event"
        self.passage(g, src, "lines 1-8: the event", f"The {kind.lower()} on {topic}.")
        participants = rng.sample(self.agencies, min(3, len(self.agencies)))
        self.graph(
            g,
            [
                f"{event} a accsm:{kind}",
                f"{event} skos:prefLabel {lit(f'{kind} on {topic} ({n})', 'en')}",
                f"{event} skos:prefLabel {lit(f'{LOCAL[lang]} {topic} {n}', lang)}",
                f'{event} accsm:startDate "{start}"^^xsd:date',
                f'{event} accsm:endDate "{end}"^^xsd:date',
                f"{event} accsm:city {city}",
                f"{event} accsm:hostCountry {host}",
                f"{event} accsm:organizedBy orgn:accsm",
                *(f"{event} accsm:participant {a}" for a in participants),
            ],
        )

        g = f"syn-{n}-speakers"
        self.passage(g, src, "lines 9-14: the speakers", "Who spoke, with their posts.")
        statements = []
        for i in (1, 2):
            p, post, agency = f"person:syn-{n}-{i}", f"post:syn-{n}-{i}", rng.choice(self.agencies)
            statements += [
                f"{p} a foaf:Person",
                f"{p} foaf:name {lit(f'Speaker {n}.{i}', lang)}",
                f"{p} skos:prefLabel {lit(f'Speaker {n}.{i}', 'en')}",
                f"{post} a org:Post",
                f"{post} skos:prefLabel {lit(f'Director-General {n}.{i}', 'en')}",
                f"{post} org:postIn {agency}",
                f"{post} org:heldBy {p}",
                f'{post} accsm:asOf "{year}-{month:02d}"^^xsd:gYearMonth',
                f"{event} accsm:speaker {p}",
            ]
        self.graph(g, statements)

        g = f"syn-{n}-outcome"
        self.passage(g, src, "lines 15-20: the outcome", "The statement adopted at the event.")
        document = f"doc:syn-{n}"
        signatories = rng.sample(MEMBER_STATES, 3)
        self.graph(
            g,
            [
                f"{document} a accsm:{rng.choice(DOCUMENT_KINDS)}",
                f"{document} skos:prefLabel {lit(f'Statement on {topic} ({n})', 'en')}",
                f"{document} skos:prefLabel {lit(f'Tuyên bố {n}', 'vi')}",
                f'{document} dct:issued "{end}"^^xsd:date',
                f"{document} accsm:adoptedAt {event}",
                *(f"{document} accsm:signedBy cty:{c}" for c in signatories),
            ],
        )

        g = f"syn-{n}-agency"
        self.passage(g, src, "line 21: a new agency", "An agency named in the report.")
        agency = f"orgn:syn-agency-{n}"
        owner = rng.choice([*self.countries, *(f"cty:{c}" for c in MEMBER_STATES)])
        self.graph(
            g,
            [
                f"{agency} a accsm:GovernmentAgency",
                f"{agency} skos:prefLabel {lit(f'Civil Service Agency {n}', 'en')}",
                f"{agency} skos:prefLabel {lit(f'Cơ quan công vụ {n}', 'vi')}",
                f"{agency} accsm:agencyOf {owner}",
            ],
        )
        self.agencies.append(agency)
        if n % 20 == 0:
            self.plan_and_arc(n, src, event, year)
        if n % 50 == 0:
            self.numbered_meeting(n, src)

    def plan_and_arc(self, n: int, src: str, event: str, year: int) -> None:
        plan, sch = f"plan:syn-{n}", f"scheme:syn-{n}"
        g = f"syn-{n}-plan"
        self.passage(g, src, "annex: the work plan", "A work plan adopted at the event.")
        statements = [
            f"{plan} a accsm:WorkPlan",
            f"{plan} skos:prefLabel {lit(f'Work Plan {n} ({year + 1}-{year + 5})', 'en')}",
            f"{plan} accsm:scope orgn:{self.rng.choice(('accsm', 'accsm-plus-3'))}",
            f'{plan} accsm:startDate "{year + 1}"^^xsd:gYear',
            f'{plan} accsm:endDate "{year + 5}"^^xsd:gYear',
            f"{plan} accsm:priorityScheme {sch}",
            f"{plan} accsm:adoptedAt {event}",
            f"{sch} a skos:ConceptScheme",
            f"{sch} skos:prefLabel {lit(f'Priorities of work plan {n}', 'en')}",
        ]
        for k in range(1, 6):
            p = f"prio:syn-{n}-{k}"
            statements += [
                f"{p} a accsm:PriorityArea",
                f"{p} skos:inScheme {sch}",
                f"{p} accsm:order {k}",
                f"{p} skos:prefLabel {lit(self.rng.choice(WORDS).capitalize(), 'en')}",
                f"{plan} accsm:hasPriority {p}",
            ]
            self.priorities.append(p)
        self.graph(g, statements)

        arc, theme = f"arc:syn-{n}", f"concept:syn-arc-theme-{n}"
        host = self.rng.choice(MEMBER_STATES)
        g = f"syn-{n}-arc"
        self.passage(g, src, "annex: a resource centre", "A new ASEAN Resource Centre.")
        self.graph(
            g,
            [
                f"{arc} a accsm:ResourceCentre",
                f"{arc} skos:prefLabel {lit(f'ASEAN Resource Centre {n}', 'en')}",
                f"{arc} accsm:hostCountry cty:{host}",
                f"{arc} org:subOrganizationOf orgn:arc-network",
                f"{arc} accsm:hasThemeAssignment {arc}-theme",
                f"{arc}-theme a accsm:ThemeAssignment",
                f"{arc}-theme accsm:theme {theme}",
                f'{arc}-theme accsm:asOf "{year}"^^xsd:gYear',
                f"{theme} a accsm:ArcTheme",
                f"{theme} skos:inScheme scheme:arc-themes",
                f"{theme} skos:prefLabel {lit(self.rng.choice(WORDS).capitalize(), 'en')}",
            ],
        )
        priority = f"prio:syn-{n}-{self.rng.randint(1, 5)}"
        g = f"syn-{n}-arc-priority"
        self.curated(g, f"Curated link from ARC {n} to a priority of work plan {n}.")
        support = f"arc:syn-{n}-supports"
        self.graph(
            g,
            [
                f"{arc} accsm:supportsPriority {priority}",
                f"{support} a accsm:PrioritySupport",
                f"{support} accsm:supportingArc {arc}",
                f"{support} accsm:supportedPriority {priority}",
                f"{support} accsm:confidence concept:confidence-medium",
                f"{support} accsm:justification {lit('The theme serves this priority.', 'en')}",
            ],
        )

    def numbered_meeting(self, n: int, src: str) -> None:
        number = self.ordinal
        self.ordinal += 1
        months = number - FIRST_ORDINAL
        year, month = 2030 + months // 12, months % 12 + 1
        chair = self.rng.choice(MEMBER_STATES)
        meeting, chairing = f"evt:accsm-{number}", f"mbr:chair-accsm-{number}"
        g = f"syn-{n}-accsm"
        self.passage(g, src, "lines 22-25: the numbered ACCSM", "The ACCSM and its chair.")
        self.graph(
            g,
            [
                f"{meeting} a accsm:AccsmMeeting",
                f"{meeting} skos:prefLabel {lit(f'{ordinal(number)} ACCSM', 'en')}",
                f"{meeting} accsm:ordinal {number}",
                f'{meeting} accsm:startDate "{year}-{month:02d}"^^xsd:gYearMonth',
                f"{meeting} accsm:hostCountry cty:{chair}",
                f"{chairing} a accsm:Chairmanship",
                f"{chairing} org:member cty:{chair}",
                f"{chairing} org:organization orgn:accsm",
                f"{chairing} org:role concept:chair",
                f"{chairing} accsm:chairedMeeting {meeting}",
            ],
        )


def generate(triples: int, seed: int = 1) -> str:
    """TriG additions of about ``triples`` triples (within a few percent)."""
    gen = Generator(seed)
    gen.new_city()
    for c in MEMBER_STATES:  # agencies of every member state to start from
        gen.agencies.append(f"orgn:syn-{c}-agency")
    gen.curated("syn-seed-agencies", "The first synthetic agencies, one per member state.")
    gen.graph(
        "syn-seed-agencies",
        [
            s
            for c in MEMBER_STATES
            for s in (
                f"orgn:syn-{c}-agency a accsm:GovernmentAgency",
                f"orgn:syn-{c}-agency skos:prefLabel {lit(f'Civil service agency {c}', 'en')}",
                f"orgn:syn-{c}-agency accsm:agencyOf cty:{c}",
            )
        ],
    )
    while gen.count < triples:
        r = gen.reports
        if r % 10 == 0:
            gen.new_city()
        if r % 5 == 0 and len(gen.countries) < MAX_COUNTRIES:
            gen.new_country()
        gen.report()
    return gen.text()


SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="10k", help="10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    target = SIZES.get(args.triples.lower()) or int(args.triples)
    args.output.write_text(generate(target, args.seed), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
