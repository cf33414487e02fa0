# ruff: noqa: E501  (the fact table keeps one SPARQL pattern per row, long lines read best)
"""The shipped knowledge graph, checked fact by fact against the sources.

Each row of SOURCE_FACTS is one atomic fact as a source states it (the locator says where),
written as a SPARQL graph pattern that must match the loaded graph. A wrong date, a missing
ARC or a lost label makes its row fail.
"""

from __future__ import annotations

from functools import cache

import owlrl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from accsm_kg.derive import DERIVED_GRAPH
from accsm_kg.load import KnowledgeGraph, default_graph_triples, load_knowledge_graph
from accsm_kg.namespaces import ACCSM, CTY, META_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from accsm_kg.provenance import describe_graph

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

# (id, where the source states it, graph pattern)
SOURCE_FACTS: list[tuple[str, str, str]] = [
    # vi-work-plan-2008-2012
    (
        "wp2008-is-accsm-plan",
        "vi WP heading",
        "plan:accsm-2008-2012 a accsm:WorkPlan ; accsm:scope orgn:accsm ; "
        'accsm:startDate "2008"^^xsd:gYear ; accsm:endDate "2012"^^xsd:gYear',
    ),
    (
        "wp2008-adopted-at-accsm14",
        "vi WP §1 ¶3",
        "plan:accsm-2008-2012 accsm:adoptedAt evt:accsm-14",
    ),
    (
        "accsm14-bali-oct-2007",
        "vi WP heading, §1 ¶3",
        "evt:accsm-14 accsm:ordinal 14 ; accsm:city place:bali ; accsm:hostCountry cty:id ; "
        'accsm:startDate "2007-10"^^xsd:gYearMonth',
    ),
    (
        "accsm12-brunei-oct-2003",
        "vi WP §1 ¶1",
        'evt:accsm-12 accsm:ordinal 12 ; accsm:hostCountry cty:bn ; accsm:startDate "2003-10"^^xsd:gYearMonth',
    ),
    (
        "working-group-draft-jan-2004",
        "vi WP §1 ¶1",
        "plan:accsm-2008-2012 accsm:draftedBy orgn:accsm-working-group ; "
        'accsm:draftDate "2004-01"^^xsd:gYearMonth',
    ),
    (
        "prep-meeting-bandung",
        "vi WP §1 ¶2",
        "evt:accsm-14-preparatory accsm:preparedFor evt:accsm-14 ; accsm:city place:bandung ; "
        'accsm:startDate "2007-05-09"^^xsd:date ; accsm:endDate "2007-05-10"^^xsd:date',
    ),
    (
        "asec-reviewed-draft",
        "vi WP §1 ¶2",
        "plan:accsm-2008-2012 accsm:reviewedBy orgn:asean-secretariat",
    ),
    (
        "mission-statement-accsm10-thailand-1999",
        "vi WP §2 ¶1",
        "doc:accsm-mission-statement-1999 accsm:adoptedAt evt:accsm-10 . "
        'evt:accsm-10 accsm:hostCountry cty:th ; accsm:startDate "1999"^^xsd:gYear',
    ),
    ("wp2008-announces-ten", "vi WP §5", "plan:accsm-2008-2012 accsm:announcedPriorityCount 10"),
    (
        "wp2008-item-a-english-clmv",
        "vi WP §5 a",
        'prio:accsm-2008-2012-a skos:notation "a" ; skos:broader prio:accsm-2008-2012-thrust-1 ; '
        "accsm:targetCountry cty:kh , cty:la , cty:mm , cty:vn",
    ),
    (
        "wp2008-item-e-service-delivery",
        "vi WP §5 e",
        "prio:accsm-2008-2012-e skos:broader prio:accsm-2008-2012-thrust-2 ; "
        'skos:prefLabel "Cung ứng dịch vụ"@vi',
    ),
    (
        "wp2008-item-k-under-leadership",
        "vi WP §5 k",
        "prio:accsm-2008-2012-k skos:broader prio:accsm-2008-2012-thrust-3",
    ),
    (
        "five-programme-levels",
        "vi WP §6",
        "plan:accsm-2008-2012 accsm:programmeLevel concept:level-national , concept:level-subregional , "
        "concept:level-asean-wide , concept:level-international , concept:level-public-participation",
    ),
    (
        "international-level-partners",
        "vi WP §6 d",
        "concept:level-international accsm:exampleOrganization orgn:adb , orgn:undp , orgn:world-bank , "
        "orgn:cida , orgn:jica",
    ),
    (
        "third-party-funders",
        "vi WP §7 c",
        "concept:funding-third-party accsm:exampleOrganization orgn:undp , orgn:cida , orgn:jica , orgn:adb",
    ),
    # vi-accsm21-hanoi-2022
    (
        "accsm21-hanoi-3-5-aug-2022",
        "vi ACCSM21 lead",
        "evt:accsm-21 accsm:ordinal 21 ; accsm:city place:hanoi ; accsm:hostCountry cty:vn ; "
        'accsm:startDate "2022-08-03"^^xsd:date ; accsm:endDate "2022-08-05"^^xsd:date',
    ),
    (
        "accsm21-chaired-by-moha-minister",
        "vi ACCSM21 lines 9-11",
        "evt:accsm-21 accsm:chairedBy person:pham-thi-thanh-tra , orgn:vn-moha . "
        "post:vn-moha-minister org:heldBy person:pham-thi-thanh-tra ; org:postIn orgn:vn-moha",
    ),
    (
        "accsm21-chairmanship-2021-2022",
        "vi ACCSM21 line 32",
        "mbr:chair-accsm-21 a accsm:Chairmanship ; org:member cty:vn ; accsm:chairedMeeting evt:accsm-21 ; "
        'org:memberDuring [ accsm:startDate "2021"^^xsd:gYear ; accsm:endDate "2022"^^xsd:gYear ]',
    ),
    (
        "accsm11-chaired-by-vn-gcop-2001-2002",
        "vi ACCSM21 line 32",
        "mbr:chair-accsm-11 org:member cty:vn ; accsm:chairAgency orgn:vn-gcop ; "
        'accsm:chairedMeeting evt:accsm-11 ; org:memberDuring [ accsm:startDate "2001"^^xsd:gYear ; '
        'accsm:endDate "2002"^^xsd:gYear ]',
    ),
    ("moha-succeeded-gcop", "vi ACCSM21 line 32", "orgn:vn-moha accsm:successorOf orgn:vn-gcop"),
    (
        "accsm21-delegations",
        "vi ACCSM21 line 13",
        "evt:accsm-21 accsm:delegateCount 100 ; accsm:delegationCount 15 ; "
        "accsm:participant orgn:au-apsc , orgn:asean-secretariat",
    ),
    (
        "accsm21-discussed-three-plans",
        "vi ACCSM21 line 18",
        "evt:accsm-21 accsm:discussed plan:accsm-2016-2020 , plan:accsm-2021-2025 , plan:accsm-plus-3-2021-2025",
    ),
    (
        "dialogue-partners-ca-au-nz-in",
        "vi ACCSM21 line 24",
        "?m1 org:member cty:ca ; org:role concept:dialogue-partner . "
        "?m2 org:member cty:au ; org:role concept:dialogue-partner . "
        "?m3 org:member cty:nz ; org:role concept:dialogue-partner . "
        "?m4 org:member cty:in ; org:role concept:dialogue-partner",
    ),
    (
        "accsm-founded-1981",
        "vi ACCSM21 line 28; km line 7",
        'orgn:accsm schema:foundingDate "1981"^^xsd:gYear',
    ),
    (
        "accsm-english-name",
        "vi ACCSM21 line 28",
        'orgn:accsm skos:prefLabel "ASEAN Cooperation on Civil Service Matters"@en',
    ),
    # vi-accsm-plus-3-2022
    (
        "brunei-hosts-accsm22",
        "vi ACCSM+3 ¶1",
        "evt:accsm-22 accsm:ordinal 22 ; accsm:hostCountry cty:bn",
    ),
    (
        "seventh-accsm-plus-3-planned",
        "vi ACCSM+3 ¶1",
        "evt:accsm-plus-3-7 accsm:ordinal 7 ; accsm:organizedBy cty:bn",
    ),
    (
        "harada-npa-japan",
        "vi ACCSM+3 ¶2",
        "post:jp-npa-deputy-director-general org:heldBy person:mitsuyoshi-harada ; "
        "org:postIn orgn:jp-npa-secretariat . evt:accsm-plus-3-2022 accsm:speaker person:mitsuyoshi-harada",
    ),
    (
        "japan-proposes-50th-symposium-2023",
        "vi ACCSM+3 ¶3",
        "evt:asean-japan-50th-anniversary-symposium accsm:proposedBy cty:jp ; "
        'accsm:proposedFor plan:accsm-plus-3-2021-2025 ; accsm:hostCountry cty:jp ; accsm:startDate "2023"^^xsd:gYear',
    ),
    (
        "xi-hui-deputy-ambassador",
        "vi ACCSM+3 ¶4",
        "post:cn-deputy-ambassador-to-vn org:heldBy person:xi-hui ; org:postIn orgn:cn-embassy-vn",
    ),
    ("lee-jeongmin-mpm", "vi ACCSM+3 ¶6", "person:lee-jeongmin org:memberOf orgn:kr-mpm"),
    (
        "asean-founded-8-aug-1967",
        "vi ACCSM+3 ¶13",
        'orgn:asean schema:foundingDate "1967-08-08"^^xsd:date',
    ),
    # km-accsm-introduction
    (
        "acrcs-1980-predecessor",
        "km line 7",
        'orgn:acrcs schema:foundingDate "1980"^^xsd:gYear . ?change org:originalOrganization orgn:acrcs ; '
        "org:resultingOrganization orgn:accsm",
    ),
    (
        "ten-members-of-accsm-by-1999",
        "km line 7",
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?m org:member ?c ; org:organization orgn:accsm ; "
        'org:role concept:member-state ; accsm:asOf "1999"^^xsd:gYear } HAVING (COUNT(DISTINCT ?c) = 10)',
    ),
    (
        "renamed-17-nov-2015-cyberjaya",
        "km line 11",
        'evt:accsm-renaming-2015 accsm:renamedOrganization orgn:accsm ; accsm:startDate "2015-11-17"^^xsd:date ; '
        "accsm:decidedAt evt:accsm-special-meeting-2015 . evt:accsm-special-meeting-2015 accsm:city place:cyberjaya ; "
        "accsm:hostCountry cty:my",
    ),
    (
        "putrajaya-joint-statement",
        "km line 11",
        "doc:putrajaya-joint-statement-2015 accsm:adoptedAt evt:accsm-special-meeting-2015 ; "
        'dct:issued "2015-11-17"^^xsd:date ; accsm:signedBy cty:kh , cty:sg',
    ),
    (
        "tor-adopted-17-nov-2016-manila",
        "km line 13",
        'doc:accsm-terms-of-reference accsm:adoptedAt evt:accsm-18 ; dct:issued "2016-11-17"^^xsd:date . '
        "evt:accsm-18 accsm:ordinal 18 ; accsm:city place:manila",
    ),
    (
        "plan-2016-2020-five-themes",
        "km lines 32-33",
        "SELECT (COUNT(?t) AS ?n) WHERE { plan:accsm-2016-2020 accsm:hasPriority ?t } HAVING (COUNT(?t) = 5)",
    ),
    (
        "arcs-initiated-accsm8-manila-jan-1995",
        "km line 35",
        "orgn:arc-network accsm:initiatedAt evt:accsm-8 ; accsm:initialCount 6 . evt:accsm-8 accsm:ordinal 8 ; "
        'accsm:city place:manila ; accsm:startDate "1995-01"^^xsd:gYearMonth',
    ),
    (
        "arc-cambodia-public-service-delivery",
        "km line 48",
        "arc:kh accsm:hostCountry cty:kh ; accsm:hasThemeAssignment [ accsm:theme concept:arc-theme-kh ; "
        'accsm:asOf "2017-05"^^xsd:gYearMonth ] . concept:arc-theme-kh skos:prefLabel "ការផ្តល់សេវាសាធារណៈ"@km',
    ),
    (
        "arc-vietnam-personnel-management",
        "km line 58",
        "arc:vn accsm:hostCountry cty:vn ; accsm:hasThemeAssignment/accsm:theme concept:arc-theme-vn . "
        'concept:arc-theme-vn skos:prefLabel "ការគ្រប់គ្រងបុគ្គលិក"@km',
    ),
    (
        "plus-three-since-2008",
        "km lines 60-62",
        "?m org:member cty:jp ; org:organization orgn:accsm-plus-3 ; org:role concept:plus-three-partner ; "
        'org:memberDuring/accsm:startDate "2008"^^xsd:gYear',
    ),
    (
        "first-accsm-plus-3-vientiane",
        "km lines 62-63",
        'evt:accsm-plus-3-1 accsm:ordinal 1 ; accsm:city place:vientiane ; accsm:startDate "2009-10"^^xsd:gYearMonth',
    ),
    (
        "luang-prabang-joint-statement",
        "km lines 64-67",
        "doc:luang-prabang-joint-statement accsm:adoptedAt evt:accsm-plus-3-2 . "
        "evt:accsm-plus-3-2 accsm:ordinal 2 ; accsm:city place:luang-prabang",
    ),
    (
        "plus-3-plan-2016-2020-seven-themes",
        "km lines 70-74",
        "SELECT (COUNT(?t) AS ?n) WHERE { plan:accsm-plus-3-2016-2020 accsm:hasPriority ?t } HAVING (COUNT(?t) = 7)",
    ),
    (
        "plus-3-plan-2010-2015",
        "km line 70",
        'plan:accsm-plus-3-2010-2015 accsm:scope orgn:accsm-plus-3 ; accsm:startDate "2010"^^xsd:gYear ; '
        'accsm:endDate "2015"^^xsd:gYear',
    ),
    (
        "declaration-2017-30th-summit",
        "km line 76",
        "doc:asean-declaration-civil-service-2017 accsm:adoptedAt evt:asean-summit-30 ; "
        'dct:issued "2017-04"^^xsd:gYearMonth . evt:asean-summit-30 accsm:ordinal 30',
    ),
    (
        "declaration-four-key-areas",
        "km line 78",
        "SELECT (COUNT(?k) AS ?n) WHERE { doc:asean-declaration-civil-service-2017 accsm:keyArea ?k } "
        "HAVING (COUNT(?k) = 4)",
    ),
    # th-opdc-executive-governance-program-2013
    (
        "egp-26-31-aug-2013",
        "th ¶1 (26-31 Aug B.E. 2556)",
        'evt:asean-executive-governance-program-2013 accsm:startDate "2013-08-26"^^xsd:date ; '
        'accsm:endDate "2013-08-31"^^xsd:date ; accsm:organizedBy orgn:th-opdc , orgn:world-bank',
    ),
    (
        "egp-ten-countries",
        "th ¶1",
        "SELECT (COUNT(?c) AS ?n) WHERE { evt:asean-executive-governance-program-2013 accsm:participant ?c . "
        "?c a accsm:Country } HAVING (COUNT(?c) = 10)",
    ),
    (
        "summit-12-cebu-jan-2007",
        "th ¶2 (January B.E. 2550)",
        'evt:asean-summit-12 accsm:ordinal 12 ; accsm:city place:cebu ; accsm:startDate "2007-01"^^xsd:gYearMonth',
    ),
    (
        "cabinet-resolutions-2009-2010",
        "th ¶3 (B.E. 2552, 2553)",
        'doc:th-cabinet-resolution-2009-04-07 dct:issued "2009-04-07"^^xsd:date . '
        'doc:th-cabinet-resolution-2010-10-12 dct:issued "2010-10-12"^^xsd:date',
    ),
    (
        "seven-governance-principles",
        "th ¶6",
        "SELECT (COUNT(?p) AS ?n) WHERE { ?p a accsm:GovernancePrinciple ; "
        "skos:inScheme scheme:asean-good-governance-principles } HAVING (COUNT(?p) = 7)",
    ),
    (
        "principle-rule-of-law",
        "th ¶6",
        'concept:principle-rule-of-law skos:prefLabel "Rule of Law"@en , "หลักนิติธรรม"@th',
    ),
    (
        "six-priority-issues",
        "th ¶7",
        "SELECT (COUNT(?p) AS ?n) WHERE { ?p skos:inScheme scheme:egp-2013-priority-issues } HAVING (COUNT(?p) = 6)",
    ),
    (
        "egp-site-visits",
        "th ¶5",
        "evt:asean-executive-governance-program-2013 accsm:siteVisit orgn:th-dlt , place:khlong-khoen",
    ),
]


@cache
def shipped() -> KnowledgeGraph:
    return load_knowledge_graph()


@cache
def union() -> Graph:
    graph = shipped().data_graph()
    graph += shipped().ontology_graph()
    return graph


def matches(pattern: str) -> bool:
    if pattern.lstrip().upper().startswith("SELECT"):
        return len(list(union().query(SPARQL_PREFIXES + pattern))) == 1
    return bool(union().query(SPARQL_PREFIXES + "ASK { " + pattern + " }").askAnswer)


@pytest.mark.parametrize(
    ("fact", "where", "pattern"), SOURCE_FACTS, ids=[f[0] for f in SOURCE_FACTS]
)
def test_source_fact_is_in_the_graph(fact: str, where: str, pattern: str) -> None:
    assert matches(pattern), f"{fact} ({where}) is missing or wrong"


def test_a_wrong_fact_does_not_match() -> None:
    """The checker itself can fail: a fact with a wrong date is not found."""
    assert not matches('evt:accsm-21 accsm:startDate "2022-08-04"^^xsd:date')
    assert not matches(
        "SELECT (COUNT(?t) AS ?n) WHERE { plan:accsm-2016-2020 accsm:hasPriority ?t } "
        "HAVING (COUNT(?t) = 6)"
    )


def test_ten_arcs_one_per_acccsm_member_state() -> None:
    hosts = sorted(
        str(o)
        for _, o in union().subject_objects(ACCSM.hostCountry)
        if (_, RDF.type, ACCSM.ResourceCentre) in union()
    )
    assert hosts == sorted(
        str(CTY[c]) for c in ["bn", "kh", "id", "la", "my", "mm", "ph", "sg", "th", "vn"]
    )


def test_eleven_asean_member_states_with_timor_leste_last() -> None:
    rows = union().query(
        SPARQL_PREFIXES
        + """
        SELECT ?country ?joined WHERE {
            ?m org:member ?country ; org:organization orgn:asean ; org:role concept:member-state ;
               org:memberDuring/accsm:startDate ?joined .
        } ORDER BY ?joined ?country"""
    )
    joined = [(str(r.country).rsplit("/", 1)[1], str(r.joined)) for r in rows]
    assert len(joined) == 11
    assert joined[-1] == ("tl", "2025-10-26")
    assert ("vn", "1995-07-28") in joined and ("kh", "1999-04-30") in joined


@pytest.mark.parametrize("lang", ["en", "vi", "km", "th"])
def test_every_country_is_named_in_each_language(lang: str) -> None:
    for country in union().subjects(RDF.type, ACCSM.Country):
        names = [o for o in union().objects(country, SKOS.prefLabel) if o.language == lang]
        assert len(names) == 1, f"{country} has {len(names)} prefLabels @{lang}"


def test_every_data_triple_traces_to_a_source_passage_curation_or_public_reference() -> None:
    kg = shipped()
    assert default_graph_triples(kg) == 0
    for graph in kg.data_graphs():
        description = describe_graph(kg.dataset, graph.identifier)
        assert description.attributed, f"{graph.identifier} is not described in g:meta"


def test_source_passages_name_a_locator_and_every_source_has_passages() -> None:
    kg = shipped()
    meta = kg.dataset.graph(META_GRAPH)
    sources = set(meta.subjects(RDF.type, ACCSM.SourceDocument))
    assert len(sources) == 5
    cited = set()
    for graph in kg.data_graphs():
        description = describe_graph(kg.dataset, graph.identifier)
        if description.source is not None:
            assert description.locator, f"{graph.identifier} has no locator"
            cited.add(description.source)
    assert cited == sources


def test_recorded_conflicts_cover_the_known_disagreements() -> None:
    about = {
        (str(s).rsplit("/", 1)[1], str(p).replace("#", "/").rsplit("/", 1)[1])
        for c in union().subjects(RDF.type, ACCSM.Conflict)
        for s in union().objects(c, ACCSM.aboutResource)
        for p in union().objects(c, ACCSM.aboutProperty)
    }
    assert ("accsm-2008-2012", "endDate") in about  # 2008-2012 (vi) vs 2008-2015 (km)
    assert ("accsm-2008-2012", "announcedPriorityCount") in about  # ten announced, eleven listed
    assert ("luang-prabang", "prefLabel") in about  # two Khmer spellings in one sentence


def test_owl_rl_closure_is_consistent() -> None:
    graph = Graph()
    for triple in union():
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert not list(graph.subjects(RDF.type, OWL.Nothing))
    errors = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
    assert not list(graph.objects(None, errors))


def test_owl_rl_closure_catches_an_inconsistency() -> None:
    """The consistency check can fail: a member state typed as a dialogue partner."""
    graph = Graph()
    graph += shipped().ontology_graph()
    graph.add((CTY.vn, RDF.type, ACCSM.MemberState))
    graph.add((CTY.vn, RDF.type, ACCSM.DialoguePartnerCountry))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
    assert list(graph.objects(None, errors))


def test_minted_terms_have_english_label_and_comment() -> None:
    ontology = shipped().ontology_graph()
    ns = str(ACCSM)
    terms = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(ns)}
    assert len(terms) > 80
    for term in terms:
        labels = [
            o for o in ontology.objects(term, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        ]
        comments = [
            o
            for o in ontology.objects(term, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
        ]
        assert any(isinstance(x, Literal) and x.language == "en" for x in labels), term
        assert any(isinstance(x, Literal) and x.language == "en" for x in comments), term


def test_ontology_has_version_iri_and_info() -> None:
    ontology = shipped().ontology_graph()
    onto = URIRef(str(ACCSM).rstrip("/"))
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionIRI) is not None
    assert ontology.value(onto, OWL.versionInfo) is not None
    assert ONTOLOGY_GRAPH != DERIVED_GRAPH
