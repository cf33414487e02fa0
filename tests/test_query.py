"""Saved queries: each one's answer on the shipped graph, as the sources give it.

Every saved query is run on Oxigraph and on rdflib (they must agree row for row); the rows
are checked against the facts of the sources; parameters are tried with good values, bad
values and injection attempts.
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from accsm_kg.bind import ParamError, QueryRefused, QuerySyntaxError
from accsm_kg.catalog import load_catalog
from accsm_kg.engine import OxigraphEngine, QueryResult, RdflibEngine
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.namespaces import ARC, CTY, PLAN
from accsm_kg.query import prepare_adhoc, prepare_saved, run_saved

CATALOG = load_catalog()
REQUIRED_QUERIES = {
    "arc-priorities",
    "arcs",
    "members",
    "dialogue-partners",
    "work-plans",
    "priorities",
    "priority-continuity",
    "meetings",
    "chairmanships",
    "declarations",
    "partner-activities",
    "people",
    "governance-principles",
    "timeline",
    "provenance",
    "conflicts",
    "labels",
}


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_knowledge_graph()


@pytest.fixture(scope="module")
def oxigraph(kg: KnowledgeGraph) -> OxigraphEngine:
    return OxigraphEngine(kg)


@pytest.fixture(scope="module")
def rdflib_engine(kg: KnowledgeGraph) -> RdflibEngine:
    return RdflibEngine(kg)


def run(engine, name: str, **values: str) -> QueryResult:
    lang = values.pop("lang", None)
    return run_saved(engine, CATALOG[name], values, lang).result


def texts(result: QueryResult, column: str) -> list[str]:
    return [str(v) for v in result.values(column)]


#: Columns built with GROUP_CONCAT, whose order SPARQL leaves to the engine.
CONCATENATED = {"signedBy": ", ", "end": " / "}


def _normal(name: str, value) -> str:
    if name in CONCATENATED:
        return CONCATENATED[name].join(sorted(str(value).split(CONCATENATED[name])))
    return value.n3()


def as_set(result: QueryResult) -> Counter:
    return Counter(tuple(sorted((k, _normal(k, v)) for k, v in row.items())) for row in result.rows)


def test_every_required_saved_query_exists_with_a_title() -> None:
    assert set(CATALOG) >= REQUIRED_QUERIES
    for saved in CATALOG.values():
        assert saved.title and saved.description, saved.name


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_oxigraph_and_rdflib_agree(name: str, oxigraph, rdflib_engine) -> None:
    fast = run(oxigraph, name)
    slow = run(rdflib_engine, name)
    assert fast.variables == slow.variables
    assert as_set(fast) == as_set(slow)
    assert fast.rows, f"{name} returned no rows on the shipped graph"


def test_arcs_lists_the_ten_arcs_with_cambodia_on_public_service_delivery(oxigraph) -> None:
    result = run(oxigraph, "arcs")
    assert len(result.rows) == 10
    cambodia = next(r for r in result.rows if r["arc"] == ARC.kh)
    assert str(cambodia["country"]) == "Cambodia"
    assert str(cambodia["theme"]) == "Public service delivery"
    assert str(cambodia["themeAsOf"]) == "2017-05"
    khmer = next(r for r in run(oxigraph, "arcs", lang="km").rows if r["arc"] == ARC.kh)
    assert str(khmer["theme"]) == "ការផ្តល់សេវាសាធារណៈ"


def test_arc_priorities_gives_each_link_with_justification(oxigraph) -> None:
    result = run(oxigraph, "arc-priorities")
    assert {r["arc"] for r in result.rows} == {
        ARC[c] for c in ["bn", "kh", "id", "la", "my", "mm", "ph", "sg", "th", "vn"]
    }
    singapore = next(r for r in result.rows if r["arc"] == ARC.sg)
    assert str(singapore["priorityLabel"]) == "Strengthening leadership"
    assert str(singapore["planLabel"]) == "ACCSM Work Plan 2016-2020"
    assert str(singapore["confidence"]) == "high"
    assert all(str(r["justification"]) for r in result.rows)


def test_members_and_as_of(oxigraph) -> None:
    assert len(run(oxigraph, "members").rows) == 11
    before_brunei = run(oxigraph, "members", as_of="1984-01-06")
    assert sorted(r["country"] for r in before_brunei.rows) == sorted(
        CTY[c] for c in ["id", "my", "ph", "sg", "th"]
    )
    assert len(run(oxigraph, "members", as_of="1995-07-28").rows) == 7  # Viet Nam joins that day
    assert len(run(oxigraph, "members", as_of="2025-10-25").rows) == 10
    assert texts(run(oxigraph, "members"), "countryLabel")[-1] == "Timor-Leste"


def test_dialogue_partners_include_the_plus_three_in_accsm_plus_3(oxigraph) -> None:
    rows = run(oxigraph, "dialogue-partners").rows
    plus_three = {r["partner"] for r in rows if str(r["framework"]) == "ACCSM+3"}
    assert plus_three == {CTY.cn, CTY.jp, CTY.kr}
    assert all(str(r["since"]) == "2008" for r in rows if str(r["framework"]) == "ACCSM+3")
    others = {CTY.au, CTY.ca, CTY.nz, URIRef(str(CTY) + "in")}  # CTY.in is a Python keyword
    assert others <= {r["partner"] for r in rows}


def test_work_plans(oxigraph) -> None:
    rows = {r["plan"]: r for r in run(oxigraph, "work-plans").rows}
    assert len(rows) == 6
    first = rows[PLAN["accsm-2008-2012"]]
    assert str(first["end"]) in ("2012 / 2015", "2015 / 2012")  # the recorded conflict shows
    assert int(first["priorityAreas"]) == 11
    assert str(first["adoptedAt"]) == "14th ACCSM"
    assert int(rows[PLAN["accsm-plus-3-2016-2020"]]["priorityAreas"]) == 7


def test_priorities_2008_2012_lists_items_a_to_k_under_three_thrusts(oxigraph) -> None:
    result = run(oxigraph, "priorities")
    assert texts(result, "notation") == list("abcdefghijk")
    thrusts = texts(result, "thrustLabel")
    assert thrusts[:2] == ["Enhancing workforce capability"] * 2
    assert thrusts[2:7] == ["Building institutional capacity"] * 5
    assert thrusts[7:] == ["Strengthening leadership capacity"] * 4
    by_slug = run(oxigraph, "priorities", plan="accsm-2016-2020")
    by_curie = run(oxigraph, "priorities", plan="plan:accsm-2016-2020")
    by_iri = run(oxigraph, "priorities", plan=str(PLAN["accsm-2016-2020"]))
    assert by_slug.rows == by_curie.rows == by_iri.rows
    assert texts(by_slug, "priorityLabel")[3] == "Strengthening the ASEAN Resource Centres"


def test_priority_continuity(oxigraph) -> None:
    rows = run(oxigraph, "priority-continuity").rows
    pairs = {(str(r["fromLabel"]), str(r["relation"]), str(r["toLabel"])) for r in rows}
    assert ("E-government", "related", "E-governance") in pairs
    assert (
        "Strengthening leadership capacity",
        "continues as",
        "Strengthening leadership",
    ) in pairs


def test_meetings_and_country_filter(oxigraph) -> None:
    rows = run(oxigraph, "meetings").rows
    accsm21 = next(r for r in rows if str(r["eventLabel"]) == "21st ACCSM")
    assert (str(accsm21["start"]), str(accsm21["end"])) == ("2022-08-03", "2022-08-05")
    assert (str(accsm21["city"]), str(accsm21["hostCountry"]), str(accsm21["chair"])) == (
        "Hanoi",
        "Viet Nam",
        "Viet Nam",
    )
    viet_nam = {str(r["eventLabel"]) for r in run(oxigraph, "meetings", country="vn").rows}
    assert {"11th ACCSM", "21st ACCSM", "Good Governance Forum (2022)"} <= viet_nam
    assert "14th ACCSM" not in viet_nam


def test_chairmanships(oxigraph) -> None:
    rows = run(oxigraph, "chairmanships").rows
    assert [(int(r["number"]), str(r["country"]), str(r["from"]), str(r["to"])) for r in rows] == [
        (11, "Viet Nam", "2001", "2002"),
        (21, "Viet Nam", "2021", "2022"),
    ]


def test_declarations(oxigraph) -> None:
    rows = run(oxigraph, "declarations").rows
    assert [str(r["issued"]) for r in rows] == [
        "1999",
        "2009-10",
        "2015-11-17",
        "2016-11-17",
        "2017-04",
    ]
    tor = next(r for r in rows if "Terms of Reference" in str(r["title"]))
    assert (str(tor["adoptedAt"]), str(tor["city"])) == ("18th ACCSM", "Manila")


def test_partner_activities_of_japan(oxigraph) -> None:
    rows = run(oxigraph, "partner-activities").rows
    roles = {(str(r["role"]), str(r["activityLabel"])) for r in rows}
    assert (
        "proposed",
        "International symposium on 50 years of ASEAN-Japan friendship and cooperation",
    ) in roles
    assert ("Plus Three partner", "ACCSM+3") in roles
    world_bank = run(oxigraph, "partner-activities", partner="orgn:world-bank").rows
    assert ("organised", "ASEAN Executive Governance Program") in {
        (str(r["role"]), str(r["activityLabel"])) for r in world_bank
    }


def test_people(oxigraph) -> None:
    rows = run(oxigraph, "people").rows
    assert {str(r["name"]) for r in rows} == {
        "Le Son",
        "Lee Jeongmin",
        "Mitsuyoshi Harada",
        "Pham Thi Thanh Tra",
        "Wasunthara",
        "Xi Hui",
    }
    minister = [r for r in rows if str(r["name"]) == "Pham Thi Thanh Tra"]
    assert {str(r["post"]) for r in minister} == {"Minister of Home Affairs of Viet Nam"}
    assert {str(r["event"]) for r in minister} == {
        "21st ACCSM",
        "ACCSM+3 session at the 21st ACCSM",
    }


def test_governance_principles_in_thai(oxigraph) -> None:
    result = run(oxigraph, "governance-principles", lang="th")
    assert texts(result, "english") == [
        "Effectiveness",
        "Efficiency",
        "Responsiveness",
        "Accountability",
        "Participation",
        "Rule of Law",
        "Strategic Vision",
    ]
    assert texts(result, "label")[5] == "หลักนิติธรรม"


def test_timeline_in_order_and_range(oxigraph) -> None:
    rows = run(oxigraph, "timeline").rows
    assert str(rows[0]["what"]) == "Association of Southeast Asian Nations"  # founded 1967
    assert str(rows[1]["what"]) == "ASEAN Conference on Reforms in the Civil Service"  # 1980
    window = run(oxigraph, "timeline", **{"from": "2015", "to": "2016-12-31"}).rows
    assert window and all(str(r["date"])[:4] in ("2015", "2016") for r in window)
    assert any(str(r["what"]).startswith("Putrajaya") for r in window)


def test_provenance_of_the_cambodian_arc(oxigraph) -> None:
    rows = run(oxigraph, "provenance").rows
    host = [r for r in rows if str(r["property"]).endswith("/hostCountry")]
    assert host and str(host[0]["locator"]).startswith("lines 35-39")
    assert str(host[0]["source"]).startswith("Introduction to the ASEAN Conference")
    origins = {str(r["origin"]) for r in rows}
    assert {"source passage", "curated graph"} <= origins


def test_conflicts(oxigraph) -> None:
    rows = run(oxigraph, "conflicts").rows
    assert len({r["conflict"] for r in rows}) == 5
    period = {str(r["claim"]): str(r["source"]) for r in rows if str(r["kind"]) == "period"}
    assert period == {
        "2012": "ACCSM Work Plan 2008-2012 (Annex I of the 14th ACCSM)",
        "2015": "Introduction to the ASEAN Conference on Civil Service Matters (ACCSM)",
    }


def test_labels_of_cambodia_in_four_languages(oxigraph) -> None:
    rows = run(oxigraph, "labels", resource="country/kh").rows
    preferred = {str(r["language"]): str(r["label"]) for r in rows if str(r["kind"]) == "preferred"}
    assert preferred == {"en": "Cambodia", "vi": "Campuchia", "km": "កម្ពុជា", "th": "กัมพูชา"}


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    ("name", "values", "message"),
    [
        ("priorities", {"plan": "cty:kh"}, "parameter plan: 'cty:kh' is not a work-plan"),
        ("priorities", {"nope": "x"}, "parameter nope: priorities has no such parameter"),
        ("members", {"as_of": "yesterday"}, "parameter as_of: 'yesterday' is not a date"),
        ("members", {"as_of": "2020-02-30"}, "parameter as_of: '2020-02-30' is not a valid date"),
        ("arcs", {"lang": "fr"}, "parameter lang: 'fr' is not a supported language"),
        ("provenance", {"resource": "kh"}, "parameter resource: 'kh' is a bare slug"),
        ("priorities", {"plan": 'x" } ; DROP ALL ; #'}, "parameter plan:"),
        ("priorities", {"plan": "accsm-2008-2012> } ; DROP ALL"}, "parameter plan:"),
        ("labels", {"resource": "https://w3id.org/x>\n} SELECT * {"}, "cannot hold"),
        ("arcs", {"lang": 'en") } DELETE WHERE { ?s ?p ?o } #'}, "parameter lang:"),
    ],
)
def test_bad_parameter_values_are_refused(name: str, values: dict, message: str) -> None:
    with pytest.raises(ParamError, match=message.replace("(", r"\(").replace(")", r"\)")):
        prepare_saved(CATALOG[name], values)


def test_a_required_parameter_must_be_given() -> None:
    from accsm_kg.catalog import parse_saved_query

    saved = parse_saved_query(
        "# title: t\n# param: plan (work-plan IRI or slug, required)\nSELECT * WHERE { ?s ?p ?o }",
        "t",
    )
    with pytest.raises(ParamError, match="parameter plan: required by t but not given"):
        prepare_saved(saved, {})


def test_parameters_are_bound_as_terms_in_a_values_block() -> None:
    prepared = prepare_saved(CATALOG["members"], {"as_of": "1990"}, "km")
    assert prepared.bindings == {
        "lang": Literal("km"),
        "as_of": Literal("1990-01-01", datatype=XSD.date),
    }
    block = 'VALUES (?lang ?as_of) { ("km" "1990-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) }'
    assert block in prepared.explain()
    assert block not in prepared.text


def test_a_text_value_with_sparql_syntax_stays_a_literal(oxigraph) -> None:
    from accsm_kg.catalog import parse_saved_query

    saved = parse_saved_query(
        "# title: echo\n# param: text (text, required)\nSELECT ?text WHERE { }", "echo"
    )
    hostile = 'a" } ; DROP ALL ; # \n > } "'
    result = run_saved(oxigraph, saved, {"text": hostile}).result
    assert result.rows == [{"text": Literal(hostile)}]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("DELETE WHERE { ?s ?p ?o }", QueryRefused),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", QueryRefused),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", QueryRefused),
        ("SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }", QueryRefused),
        ("SELECT * WHERE { ?s ?p }", QuerySyntaxError),
    ],
)
def test_adhoc_queries_that_are_refused(text: str, error: type) -> None:
    with pytest.raises(error):
        prepare_adhoc(text)


def test_adhoc_query_gets_the_project_prefixes(oxigraph) -> None:
    result = prepare_adhoc("SELECT ?arc WHERE { ?arc accsm:hostCountry cty:kh }").run(oxigraph)
    assert result.rows == [{"arc": ARC.kh}]


def test_strings_and_comments_do_not_trigger_refusal() -> None:
    prepare_adhoc('SELECT ?x WHERE { BIND ("SERVICE LOAD FROM <x>" AS ?x) } # SERVICE')


def test_time_limited_engine_kills_the_child_and_still_answers_after(oxigraph) -> None:
    import multiprocessing

    from accsm_kg.engine import QueryTimeout, TimeLimitedEngine

    limited = TimeLimitedEngine(oxigraph, 1.0)
    with pytest.raises(QueryTimeout):
        limited.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND()")
    assert multiprocessing.active_children() == []  # the runaway child is gone
    assert (
        len(
            limited.query(
                "SELECT ?arc WHERE { ?arc a <https://w3id.org/accsm-kg/ontology/ResourceCentre> }"
            ).rows
        )
        == 10
    )


def test_run_all_reads_the_queries_of_a_given_root(tmp_path, oxigraph) -> None:
    from accsm_kg.query import run_all

    (tmp_path / "queries").mkdir()
    (tmp_path / "queries" / "only-one.rq").write_text(
        "# title: Only one\nSELECT ?arc WHERE { ?arc a accsm:ResourceCentre }", encoding="utf-8"
    )
    runs = run_all(oxigraph, root=tmp_path)
    assert [r.query.name for r in runs] == ["only-one"]
    assert len(runs[0].result.rows) == 10
