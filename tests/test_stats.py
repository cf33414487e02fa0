import json

from hypothesis import given
from hypothesis import strategies as st

from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.stats import compute_stats, format_stats, percent
from conftest import EXTRA, MINI


def test_sizes(mini_kg: KnowledgeGraph) -> None:
    stats = compute_stats(mini_kg)
    assert stats.triples_ontology == len(mini_kg.ontology_graph())
    # 55 triples in the files, plus the derived graph: 4 graph-index triples and the 3 meta
    # triples that describe the derived graph
    assert stats.triples_data == 55 + 4 + 3
    assert stats.triples_total == 62 + stats.triples_ontology
    assert stats.named_graphs == 5
    assert stats.graphs_by_kind == {
        "curation": 2,
        "derived": 1,
        "public reference": 1,
        "source passage": 1,
    }


def test_entities_per_class_count_subclass_instances(mini_kg: KnowledgeGraph) -> None:
    counts = compute_stats(mini_kg).entities_per_class
    assert counts["accsm:MemberState"] == 2
    assert counts["accsm:Country"] == 2  # both member states, via rdfs:subClassOf
    assert counts["org:FormalOrganization"] == 3  # ASEAN, ACCSM and the ARC
    assert counts["org:Membership"] == 3
    assert counts["skos:Concept"] == 1
    assert counts["time:Interval"] == 0  # standard classes are listed even when unused


def test_memberships_conflicts_and_arcs(mini_kg: KnowledgeGraph) -> None:
    stats = compute_stats(mini_kg)
    assert stats.asean_member_states == ["cty:kh", "cty:vn"]
    assert stats.accsm_member_states == ["cty:vn"]
    assert stats.conflicts == 1
    assert stats.resource_centres == 1


def test_label_coverage(mini_kg: KnowledgeGraph) -> None:
    stats = compute_stats(mini_kg)
    assert stats.labelled_resources == 6
    coverage = {c.language: (c.resources, c.percent) for c in stats.label_coverage}
    assert coverage == {"en": (6, 100.0), "vi": (3, 50.0), "km": (2, 33.3), "th": (1, 16.6)}
    assert stats.countries_missing_labels == {"cty:kh": ["th"]}


def test_facts_per_source_and_complete_provenance(mini_kg: KnowledgeGraph) -> None:
    stats = compute_stats(mini_kg)
    facts = {f.source: (f.title, f.triples) for f in stats.facts_per_source}
    assert facts == {
        "curation": ("curation", 28 + 3),  # + the meta description of the derived graph
        "public reference": ("public reference", 21),
        "https://w3id.org/accsm-kg/id/source/mini-plan": ("Mini work plan", 6),
        "derived": ("derived", 4),
    }
    assert sum(f.triples for f in stats.facts_per_source) == stats.triples_data
    assert stats.provenance_coverage_percent == 100.0
    assert "provenance coverage:  100.0 %" in format_stats(stats)


def test_undescribed_graph_lowers_provenance_coverage() -> None:
    stats = compute_stats(load_knowledge_graph([EXTRA / "undescribed.ttl"], root=MINI))
    assert stats.provenance_covered_triples == 63
    assert stats.triples_data == 64
    assert stats.provenance_coverage_percent == 98.4
    assert stats.graphs_by_kind["undescribed"] == 1
    assert ("undescribed", 1) in {(f.source, f.triples) for f in stats.facts_per_source}
    assert "provenance coverage:  98.4 %" in format_stats(stats)


def test_percent_is_rounded_down() -> None:
    assert percent(9999, 10000) == 99.9
    assert percent(1, 3) == 33.3
    assert percent(2, 3) == 66.6
    assert percent(0, 0) == 0.0


@given(whole=st.integers(min_value=1, max_value=10**9), data=st.data())
def test_percent_is_100_only_when_complete(whole: int, data: st.DataObject) -> None:
    part = data.draw(st.integers(min_value=0, max_value=whole))
    assert (percent(part, whole) == 100.0) == (part == whole)
    assert 0.0 <= percent(part, whole) <= 100.0


def test_text_and_json_formats(mini_kg: KnowledgeGraph) -> None:
    stats = compute_stats(mini_kg)
    text = format_stats(stats, "text")
    assert "ASEAN member states:  2" in text
    assert "ACCSM member states:  1" in text
    assert "cty:kh: th" in text
    assert "Mini work plan (src:mini-plan)" in text
    data = json.loads(format_stats(stats, "json"))
    assert data["provenance_coverage_percent"] == 100.0
    assert data["countries_missing_labels"] == {"cty:kh": ["th"]}
    assert data["label_coverage"][0] == {"language": "en", "resources": 6, "percent": 100.0}
