"""Figures about the loaded knowledge graph: size, coverage, provenance, memberships."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from rdflib import Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import ORG, OWL, PROV, RDF, RDFS, SKOS, TIME
from rdflib.term import Node

from accsm_kg.labels import LABEL_PROPERTIES, label_languages
from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import ACCSM, CONCEPT, CTY, FOAF, ORGN, SCHEMA, curie
from accsm_kg.provenance import GraphKind, describe_graph

FORMATS = ("text", "json")
LANGUAGES = ("en", "vi", "km", "th")
#: Standard classes counted alongside those the ontology declares.
STANDARD_CLASSES = (
    ORG.Organization,
    ORG.FormalOrganization,
    ORG.Membership,
    ORG.Post,
    ORG.ChangeEvent,
    SKOS.Concept,
    SKOS.ConceptScheme,
    FOAF.Person,
    SCHEMA.Event,
    TIME.Interval,
    PROV.Plan,
)
ASEAN = ORGN["asean"]
ACCSM_ORG = ORGN["accsm"]
MEMBER_STATE = CONCEPT["member-state"]


def percent(part: int, whole: int) -> float:
    """``part`` of ``whole`` in percent, rounded *down* to one decimal, so that 100.0 means
    complete and never "almost"."""
    if whole <= 0:
        return 0.0
    return (part * 1000 // whole) / 10


@dataclass
class LanguageCoverage:
    language: str
    resources: int
    percent: float


@dataclass
class SourceFacts:
    source: str  # the source's IRI, or "curation" / "public reference" / "undescribed"
    title: str
    triples: int


@dataclass
class Stats:
    triples_total: int
    triples_ontology: int
    triples_data: int
    distinct_data_triples: int
    named_graphs: int
    graphs_by_kind: dict[str, int]
    entities_per_class: dict[str, int]
    labelled_resources: int
    label_coverage: list[LanguageCoverage]
    facts_per_source: list[SourceFacts]
    provenance_covered_triples: int
    provenance_coverage_percent: float
    conflicts: int
    asean_member_states: list[str]
    accsm_member_states: list[str]
    resource_centres: int
    countries_missing_labels: dict[str, list[str]] = field(default_factory=dict)


def _subclass_closure(ontology: Graph) -> dict[Node, set[Node]]:
    """For each class, itself and all its subclasses (transitively) per the ontology."""
    children: dict[Node, set[Node]] = {}
    for sub, sup in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            children.setdefault(sup, set()).add(sub)
    closure: dict[Node, set[Node]] = {}

    def descendants(cls: Node) -> set[Node]:
        if cls not in closure:
            closure[cls] = {cls}  # set before recursing: tolerates subclass cycles
            for child in children.get(cls, ()):
                closure[cls] |= descendants(child)
        return closure[cls]

    for cls in list(children):
        descendants(cls)
    return closure


def _declared_classes(ontology: Graph) -> set[URIRef]:
    return {
        c
        for kind in (OWL.Class, RDFS.Class)
        for c in ontology.subjects(RDF.type, kind)
        if isinstance(c, URIRef)
    }


def _instances(data: Graph, classes: set[Node]) -> set[Node]:
    return {s for cls in classes for s in data.subjects(RDF.type, cls)}


def _members(data: Graph, organisation: URIRef, role: URIRef) -> list[str]:
    """cty: resources with a membership in ``organisation`` with role ``role``."""
    members = set()
    for membership in data.subjects(ORG.organization, organisation):
        if (membership, ORG.role, role) in data:
            members |= {
                m for m in data.objects(membership, ORG.member) if str(m).startswith(str(CTY))
            }
    return sorted(curie(m) for m in members)


def compute_stats(kg: KnowledgeGraph) -> Stats:
    ontology = kg.ontology_graph()
    data = kg.data_graph()
    closure = _subclass_closure(ontology)

    def instances_of(cls: URIRef) -> set[Node]:
        return _instances(data, closure.get(cls, {cls}))

    # Graphs and provenance.
    graph_sizes = {g: len(kg.dataset.graph(g)) for g in kg.data_graph_ids()}
    kinds: Counter[str] = Counter()
    facts: dict[str, SourceFacts] = {}
    covered = 0
    for graph, size in graph_sizes.items():
        desc = describe_graph(kg.dataset, graph)
        kinds[str(desc.kind) if desc.kind else "undescribed"] += 1
        if desc.attributed:
            covered += size
        if desc.kind is GraphKind.SOURCE_PASSAGE and desc.source is not None:
            key, title = str(desc.source), desc.source_title or curie(desc.source)
        elif desc.kind is GraphKind.SOURCE_PASSAGE:
            key, title = "undescribed", "source passage without prov:wasDerivedFrom"
        elif desc.kind is not None:
            key, title = str(desc.kind), str(desc.kind)
        else:
            key, title = "undescribed", "graphs not described in g:meta"
        facts.setdefault(key, SourceFacts(key, title, 0)).triples += size
    triples_data = sum(graph_sizes.values())

    # Labels.
    labelled = {s for prop in LABEL_PROPERTIES for s in data.subjects(prop, None)}
    per_language: Counter[str] = Counter()
    for resource in labelled:
        for language in label_languages(data, resource):
            per_language[language] += 1
    coverage = [
        LanguageCoverage(lang, per_language[lang], percent(per_language[lang], len(labelled)))
        for lang in LANGUAGES
    ]

    # Countries: every cty: resource the data says something about.
    countries = {s for s in data.subjects() if isinstance(s, URIRef) and s.startswith(str(CTY))}
    missing = {
        curie(c): [lang for lang in LANGUAGES if lang not in label_languages(data, c)]
        for c in countries
    }

    classes = _declared_classes(ontology) | set(STANDARD_CLASSES)
    return Stats(
        triples_total=triples_data + len(ontology),
        triples_ontology=len(ontology),
        triples_data=triples_data,
        distinct_data_triples=len(data),
        named_graphs=sum(1 for g in graph_sizes if g != DATASET_DEFAULT_GRAPH_ID),
        graphs_by_kind=dict(sorted(kinds.items())),
        entities_per_class={
            curie(c): len(instances_of(c)) for c in sorted(classes, key=lambda c: curie(c))
        },
        labelled_resources=len(labelled),
        label_coverage=coverage,
        facts_per_source=sorted(facts.values(), key=lambda f: (-f.triples, f.title)),
        provenance_covered_triples=covered,
        provenance_coverage_percent=percent(covered, triples_data),
        conflicts=len(instances_of(ACCSM.Conflict)),
        asean_member_states=_members(data, ASEAN, MEMBER_STATE),
        accsm_member_states=_members(data, ACCSM_ORG, MEMBER_STATE),
        resource_centres=len(instances_of(ACCSM.ResourceCentre)),
        countries_missing_labels={c: langs for c, langs in sorted(missing.items()) if langs},
    )


# --- output formats -------------------------------------------------------------------


def format_text(stats: Stats) -> str:
    out: list[str] = []
    add = out.append
    add(
        f"triples:              {stats.triples_total} "
        f"(data {stats.triples_data}, ontology {stats.triples_ontology})"
    )
    add(f"distinct data triples: {stats.distinct_data_triples}")
    kinds = ", ".join(f"{kind} {n}" for kind, n in stats.graphs_by_kind.items())
    add(f"named graphs:         {stats.named_graphs}" + (f" ({kinds})" if kinds else ""))
    add(
        f"provenance coverage:  {stats.provenance_coverage_percent:.1f} % "
        f"({stats.provenance_covered_triples} of {stats.triples_data} data triples)"
    )
    add(f"conflicts recorded:   {stats.conflicts}")
    add(f"ASEAN member states:  {len(stats.asean_member_states)}")
    add(f"ACCSM member states:  {len(stats.accsm_member_states)}")
    add(f"ASEAN Resource Centres: {stats.resource_centres}")
    add("")
    add(f"labels ({stats.labelled_resources} labelled resources):")
    for cov in stats.label_coverage:
        add(f"  {cov.language:<4}{cov.resources:>8}  {cov.percent:5.1f} %")
    add("")
    add("facts per source (triples):")
    for facts in stats.facts_per_source:
        name = facts.title
        if facts.source != facts.title:
            name += f" ({curie(URIRef(facts.source))})"
        add(f"  {facts.triples:>8}  {name}")
    add("")
    add("entities per class:")
    width = max((len(c) for c in stats.entities_per_class), default=0)
    for cls, count in stats.entities_per_class.items():
        add(f"  {cls:<{width}}  {count:>6}")
    add("")
    if stats.countries_missing_labels:
        add(f"countries lacking a label in {'/'.join(LANGUAGES)}:")
        for country, languages in stats.countries_missing_labels.items():
            add(f"  {country}: {', '.join(languages)}")
    else:
        add(f"countries lacking a label in {'/'.join(LANGUAGES)}: none")
    return "\n".join(out) + "\n"


def format_json(stats: Stats) -> str:
    return json.dumps(asdict(stats), ensure_ascii=False, indent=2)


def format_stats(stats: Stats, fmt: str = "text") -> str:
    formatters = {"text": format_text, "json": format_json}
    if fmt not in formatters:
        raise ValueError(f"unknown stats format {fmt!r} (choose from {', '.join(FORMATS)})")
    return formatters[fmt](stats)
