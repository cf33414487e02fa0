"""accsm-kg viz: the network read from the shipped graph, its dates, filters and files.

The expected nodes and links are worked out here by walking the rdflib dataset directly,
not by the SPARQL queries the viz stage runs, so that the two can disagree.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, ORG, RDF, RDFS

from accsm_kg.cli import main
from accsm_kg.engine import OxigraphEngine
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.namespaces import ACCSM, CONCEPT
from accsm_kg.viz import FILES, VizError, VizResult, make_viz, static, write_outputs, write_viz
from accsm_kg.viz.extract import extract
from accsm_kg.viz.html import render_html, script_json
from accsm_kg.viz.metrics import compute_metrics, eigenvector_by_component, format_top
from accsm_kg.viz.model import Period, as_of_view, build_graph, focus_view, resolve_focus
from accsm_kg.viz.style import asset_path, load_style
from accsm_kg.writing import OutputError
from viz_synthetic import synthetic_network

CTY = "https://w3id.org/accsm-kg/id/country/"
ORGN = "https://w3id.org/accsm-kg/id/organization/"
EVT = "https://w3id.org/accsm-kg/id/event/"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_knowledge_graph()


@pytest.fixture(scope="module")
def data(kg: KnowledgeGraph):
    return extract(OxigraphEngine(kg))


@pytest.fixture(scope="module")
def graph(data) -> nx.MultiDiGraph:
    return build_graph(data)


@pytest.fixture(scope="module")
def out(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("viz") / "viz"
    written = write_viz(kg, folder)
    assert [p.name for p in written] == list(FILES)
    return folder


# --------------------------------------------------------------------------- expectations


def _classes_below(union: Graph, top: URIRef) -> set[URIRef]:
    found, todo = {top}, [top]
    while todo:
        for sub in union.subjects(RDFS.subClassOf, todo.pop()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _instances(union: Graph, top: URIRef) -> set[URIRef]:
    return {
        s
        for cls in _classes_below(union, top)
        for s in union.subjects(RDF.type, cls)
        if isinstance(s, URIRef)
    }


NODE_CLASSES = (
    ACCSM.MemberState,
    ACCSM.DialoguePartnerCountry,
    ACCSM.Country,
    ACCSM.ResourceCentre,
    ORG.Organization,
    ACCSM.WorkPlan,
    ACCSM.PriorityArea,
    ACCSM.Thrust,
    ACCSM.Meeting,
    ACCSM.Forum,
    ACCSM.Programme,
    ACCSM.Workshop,
    ACCSM.ProposedActivity,
    FOAF.Person,
)


def expected_links(kg: KnowledgeGraph) -> set[tuple[str, str, str]]:
    """(source, target, type) of every link the data implies, by direct traversal."""
    union = Graph()
    for quad in kg.dataset.quads((None, None, None, None)):
        union.add(quad[:3])
    nodes = set().union(*(_instances(union, c) for c in NODE_CLASSES))
    events = _instances(union, ACCSM.Event)
    plans = _instances(union, ACCSM.WorkPlan)
    arcs = _instances(union, ACCSM.ResourceCentre)
    found: set[tuple[URIRef, URIRef, str]] = set()

    def forward(prop: URIRef, kind: str) -> None:
        found.update((s, o, kind) for s, o in union.subject_objects(prop))

    def backward(prop: URIRef, kind: str) -> None:
        found.update((o, s, kind) for s, o in union.subject_objects(prop))

    roles = {
        CONCEPT["member-state"]: "member",
        CONCEPT["dialogue-partner"]: "dialogue-partner",
        CONCEPT["plus-three-partner"]: "plus-three",
    }
    for membership, role in union.subject_objects(ORG.role):
        if role in roles:
            for member in union.objects(membership, ORG.member):
                for body in union.objects(membership, ORG.organization):
                    found.add((member, body, roles[role]))
    for chair in _instances(union, ACCSM.Chairmanship):
        for meeting in union.objects(chair, ACCSM.chairedMeeting):
            for who in [
                *union.objects(chair, ORG.member),
                *union.objects(chair, ACCSM.chairAgency),
            ]:
                found.add((who, meeting, "chaired"))
    backward(ACCSM.chairedBy, "chaired")
    for thing, country in union.subject_objects(ACCSM.hostCountry):
        if thing in arcs:
            found.add((country, thing, "hosts-arc"))
        elif thing in events:
            found.add((country, thing, "hosted"))
    for prop, kind in (
        (ACCSM.participant, "took-part"),
        (ACCSM.speaker, "took-part"),
        (ACCSM.organizedBy, "organised"),
        (ACCSM.curriculumBy, "organised"),
        (ACCSM.proposedBy, "proposed"),
        (ACCSM.successorOf, "successor"),
    ):
        backward(prop, kind)
    for prop, kind in (
        (ACCSM.partnerCountry, "cooperation"),
        (ACCSM.proposedAt, "proposed-at"),
        (ACCSM.proposedFor, "proposed-for"),
        (ACCSM.scope, "scope"),
        (ACCSM.hasPriority, "has-priority"),
        (ACCSM.supportsPriority, "supports"),
        (ACCSM.adoptedAt, "adopted-at"),
        (ACCSM.agencyOf, "agency-of"),
        (ORG.subOrganizationOf, "part-of"),
        (ORG.unitOf, "part-of"),
        (ACCSM.partOf, "part-of"),
        (ORG.memberOf, "works-for"),
    ):
        forward(prop, kind)
    found.update(
        (s, o, "discussed") for s, o in union.subject_objects(ACCSM.discussed) if o in plans
    )
    for through, kind in (
        (ACCSM.fundingModality, "funding"),
        (ACCSM.programmeLevel, "programme-partner"),
    ):
        for plan, concept in union.subject_objects(through):
            for org in union.objects(concept, ACCSM.exampleOrganization):
                found.add((org, plan, kind))
    for change in union.subjects(RDF.type, ORG.ChangeEvent):
        for old, new in itertools.product(
            union.objects(change, ORG.originalOrganization),
            union.objects(change, ORG.resultingOrganization),
        ):
            found.add((old, new, "successor"))
    for post in union.subjects(ORG.postIn, None):
        for person, agency in itertools.product(
            union.objects(post, ORG.heldBy), union.objects(post, ORG.postIn)
        ):
            found.add((person, agency, "works-for"))
    return {(str(s), str(o), kind) for s, o, kind in found if s in nodes and o in nodes and s != o}


# --------------------------------------------------------------------------- the network


def test_network_has_the_links_the_data_implies(kg: KnowledgeGraph, graph) -> None:
    expected = expected_links(kg)
    actual = {(u, v, k) for u, v, k in graph.edges(keys=True)}
    assert actual == expected
    assert set(graph.nodes) == {u for u, _, _ in expected} | {v for _, v, _ in expected}
    kinds = Counter(attrs["kind"] for _, attrs in graph.nodes(data=True))
    assert kinds["member-state"] == 11 and kinds["dialogue-partner"] == 7
    assert kinds["arc"] == 10 and kinds["work-plan"] == 6
    assert set(kinds) <= set(load_style().kinds)


def test_the_counting_would_notice_a_missing_link(kg: KnowledgeGraph, graph) -> None:
    smaller = graph.copy()
    smaller.remove_edge(CTY + "vn", ORGN + "asean", key="member")
    assert {(u, v, k) for u, v, k in smaller.edges(keys=True)} != expected_links(kg)


def test_links_are_dated_where_the_data_knows(graph) -> None:
    joined = graph.edges[CTY + "vn", ORGN + "asean", "member"]
    assert joined["start"] == "1995-07-28" and joined["dated_by"] == "stated"
    chaired = graph.edges[CTY + "vn", EVT + "accsm-11", "chaired"]
    assert chaired["start"] == "2001-01-01" and chaired["date"] == "2001"
    by = graph.edges[CTY + "kh", ORGN + "accsm", "member"]
    assert by["date"] == "by 1999" and by["start"] == "1999-01-01"
    renamed = graph.edges[ORGN + "acrcs", ORGN + "accsm", "successor"]
    assert renamed["start"] == "1981-01-01"
    assert graph.nodes[ORGN + "acrcs"]["end"] == "1981-01-01"
    partner = graph.edges[CTY + "ca", ORGN + "asean", "dialogue-partner"]
    assert partner["dated_by"] == "endpoints" and partner["start"] == "1967-08-08"
    assert graph.nodes[CTY + "ca"]["dated"] == "no"
    sources = graph.edges[CTY + "au", ORGN + "asean", "dialogue-partner"]["sources"].split()
    assert sources == ["g:vi21-delegations", "g:vi21-partners"]


def test_as_of_keeps_what_existed_in_the_period(graph) -> None:
    in_1990 = as_of_view(graph, Period.parse("1990"))
    assert CTY + "th" in in_1990 and ORGN + "accsm" in in_1990
    assert CTY + "vn" not in in_1990 and CTY + "tl" not in in_1990
    assert EVT + "accsm-21" not in in_1990 and ORGN + "acrcs" not in in_1990
    assert ORGN + "acrcs" in as_of_view(graph, Period.parse("1981"))  # it became ACCSM
    in_1995 = as_of_view(graph, Period.parse("1995-12"))
    assert in_1995.has_edge(CTY + "vn", ORGN + "asean", "member")
    assert not as_of_view(graph, Period.parse("1995-07-27")).has_edge(
        CTY + "vn", ORGN + "asean", "member"
    )
    sizes = [as_of_view(graph, Period.parse(str(y))).number_of_edges() for y in (1970, 2000, 2025)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1] <= graph.number_of_edges()
    assert all(d > 0 for _, d in in_1990.degree())  # nothing left without a link


@pytest.mark.parametrize("value", ["19", "2020-13", "2021-02-30", "soon"])
def test_as_of_refuses_what_is_not_a_date(value: str) -> None:
    with pytest.raises(VizError):
        Period.parse(value)


def test_focus_keeps_the_neighbourhood(graph) -> None:
    node = resolve_focus(graph, "cty:vn")
    assert resolve_focus(graph, "Việt Nam") == node == resolve_focus(graph, "country/vn")
    around = focus_view(graph, node, 1)
    assert set(around) == {node, *graph.successors(node), *graph.predecessors(node)}
    assert around.graph["focus"] == "cty:vn"
    assert len(focus_view(graph, node, 2)) > len(around)
    with pytest.raises(VizError, match="several"):
        resolve_focus(graph, "kh")
    with pytest.raises(VizError, match="no such"):
        resolve_focus(graph, "cty:fr")


def test_labels_follow_the_language(data) -> None:
    khmer = build_graph(data, "km")
    assert khmer.nodes[CTY + "kh"]["label"] == "កម្ពុជា"
    assert khmer.nodes[CTY + "kh"]["label_th"] == "กัมพูชา"
    assert build_graph(data, "th").nodes[ORGN + "accsm"]["label"]  # English fallback
    assert build_graph(data).nodes[ORGN + "asean"]["short_label"] == "ASEAN"


# --------------------------------------------------------------------------- Gephi files


def test_graphml_and_gexf_reread_with_the_same_counts(kg: KnowledgeGraph, out: Path) -> None:
    expected = expected_links(kg)
    node_count = len({u for u, _, _ in expected} | {v for _, v, _ in expected})
    graphml = nx.read_graphml(out / "partnerships.graphml", force_multigraph=True)
    gexf = nx.read_gexf(out / "partnerships.gexf")
    for reread in (graphml, gexf):
        assert reread.number_of_nodes() == node_count
        assert reread.number_of_edges() == len(expected)
        relations = Counter(attrs["relation"] for *_, attrs in reread.edges(data=True))
        assert relations == Counter(kind for *_, kind in expected)
    node = graphml.nodes[CTY + "vn"]
    assert node["kind"] == "member-state" and node["iri"] == CTY + "vn"
    assert node["label_vi"] == "Việt Nam" and node["start"] == "1995-07-28"


def test_gexf_is_a_dynamic_graph_for_the_timeline(out: Path) -> None:
    root = ET.parse(out / "partnerships.gexf").getroot()
    ns = {"g": root.tag.split("}")[0].strip("{")}
    graph_element = root.find("g:graph", ns)
    assert graph_element.get("mode") == "dynamic" and graph_element.get("timeformat") == "date"
    edges = root.findall("g:graph/g:edges/g:edge", ns)
    starts = [e.get("start") for e in edges if e.get("start")]
    assert starts and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) for s in starts)
    assert all(e.get("type") in (None, "directed") for e in edges)


# --------------------------------------------------------------------------- metrics


def test_metrics_csv_has_a_row_per_node(out: Path, graph) -> None:
    rows = list(csv.DictReader((out / "metrics.csv").open(encoding="utf-8")))
    assert len(rows) == graph.number_of_nodes()
    assert {r["iri"] for r in rows} == set(graph.nodes)
    for r in rows:
        assert int(r["degree"]) >= 1 and float(r["weighted_degree"]) >= int(r["degree"])
        assert 0 <= float(r["betweenness"]) <= 1 and 0 <= float(r["eigenvector"]) <= 1
        assert int(r["community"]) >= 1
    by_iri = {r["iri"]: r for r in rows}
    assert int(by_iri[ORGN + "asean"]["degree"]) == len(
        set(graph.successors(ORGN + "asean")) | set(graph.predecessors(ORGN + "asean"))
    )
    betweenness = [float(r["betweenness"]) for r in rows]
    assert betweenness == sorted(betweenness, reverse=True)


def test_eigenvector_copes_with_disconnected_graphs() -> None:
    simple = nx.Graph([("a", "b"), ("b", "c"), ("x", "y")])
    simple.add_node("alone")
    values = eigenvector_by_component(simple)
    assert values["alone"] == 0
    assert abs(sum(v * v for v in values.values()) - 1) < 1e-6
    assert values["b"] > values["a"] > 0 and values["x"] > 0
    connected = nx.karate_club_graph()
    mine = eigenvector_by_component(connected)
    reference = nx.eigenvector_centrality(connected, tol=1e-10, max_iter=1000, weight="weight")
    assert max(abs(mine[n] - reference[n]) for n in connected) < 1e-6


def test_metrics_of_a_graph_in_pieces(data) -> None:
    graph = build_graph(data)
    pieces = nx.MultiDiGraph(
        graph.subgraph([CTY + "vn", ORGN + "asean", CTY + "jp", ORGN + "jica"])
    )
    rows = compute_metrics(pieces)
    assert len(rows) == 4 and len({r.community for r in rows}) >= 2
    assert "community" in format_top(rows)


# --------------------------------------------------------------------------- HTML


def test_html_is_one_file_that_loads_nothing(out: Path) -> None:
    page = (out / "partnerships.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)=", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page, re.I)
    assert "sourceMappingURL" not in page
    assert "default-src 'none'" in page
    assert "vis-network" in page and "@version 10.1.5" in page
    payload = re.search(r'<script type="application/json" id="viz-data">(.*?)</script>', page, re.S)
    assert payload and "</" not in payload.group(1)


def test_html_carries_facts_and_their_passages(data) -> None:
    page = render_html(build_graph(data, "km"), data, "km")
    payload = re.search(r'id="viz-data">(.*?)</script>', page, re.S).group(1)
    content = json.loads(payload)
    cambodia = next(n for n in content["nodes"] if n["id"] == CTY + "kh")
    assert cambodia["label"] == "កម្ពុជា" and "Campuchia" in cambodia["search"]
    facts = content["facts"][CTY + "kh"]
    name = next(f for f in facts if f["property"] == "name" and f.get("lang") == "th")
    assert name["value"] == "กัมพูชา" and name["sources"] == ["g:public-country-names"]
    edge = next(e for e in content["edges"] if e["from"] == CTY + "kh" and e["type"] == "member")
    assert all(s in content["passages"] for s in edge["sources"])
    passage = content["passages"]["g:km-arc-themes"]
    assert passage["kind"] == "source passage" and "41-58" in passage["locator"]


def test_script_json_cannot_close_its_script_element() -> None:
    text = script_json({"x": "</script><script>alert(1)</script>"})
    assert "</" not in text and "<" not in text


def test_vendored_library_matches_its_readme() -> None:
    readme = asset_path("vendor/README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256(asset_path("vendor/vis-network.min.js").read_bytes()).hexdigest()
    assert digest in readme and "10.1.5" in readme
    assert asset_path("vendor/LICENSE-MIT").is_file()
    assert asset_path("vendor/LICENSE-APACHE-2.0").is_file()


# --------------------------------------------------------------------------- figures


def _text_boxes(fig) -> list[tuple[str, object]]:
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    texts = [t for t in fig.findobj(match=lambda a: a.__class__.__name__ == "Text")]
    return [
        (t.get_text(), t.get_window_extent(renderer))
        for t in texts
        if t.get_visible() and t.get_text().strip()
    ]


def _overlaps(boxes: list[tuple[str, object]]) -> list[tuple[str, str]]:
    clashes = []
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > 0.5 and dy > 0.5:
            clashes.append((a, b))
    return clashes


@pytest.mark.parametrize("lang", ["en", "km"])
def test_partnership_figure_has_no_overlapping_text(graph, data, lang: str) -> None:
    fig = static.partnerships_figure(build_graph(data, lang), data, lang)
    boxes = _text_boxes(fig)
    width, height = fig.canvas.get_width_height()
    assert len(boxes) > graph.number_of_nodes()  # every node labelled, plus headers, legend
    assert _overlaps(boxes) == []
    assert all(b.x0 >= 0 and b.y0 >= 0 and b.x1 <= width and b.y1 <= height for _, b in boxes)
    labels = {t for t, _ in boxes}
    assert ("កម្ពុជា" if lang == "km" else "Cambodia") in labels
    assert "ASEAN" in labels and "Nodes" in labels


def test_the_overlap_check_catches_overlapping_labels() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.text(0.1, 0.5, "Thailand")
    ax.text(0.15, 0.5, "Viet Nam")
    assert _overlaps(_text_boxes(fig))


def test_arc_figure_shows_every_arc_and_the_supported_plan(data, graph) -> None:
    fig = static.arc_priorities_figure(graph, data)
    boxes = _text_boxes(fig)
    assert _overlaps(boxes) == []
    labels = " ".join(t for t, _ in boxes)
    assert labels.count("ASEAN Resource Centre of") == 10
    assert "ACCSM Work Plan 2016-2020" in labels and "(no ARC)" in labels


def test_png_and_svg_are_written(out: Path) -> None:
    assert (out / "partnerships.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "arc-priorities.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (out / "partnerships.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_figure_language_falls_back_to_english_without_a_font(monkeypatch) -> None:
    monkeypatch.setattr(static, "installed_families", lambda: {"DejaVu Sans"})
    assert static.figure_language("km") == ("en", ["DejaVu Sans"])
    assert static.figure_language("vi") == ("vi", ["DejaVu Sans"])


# --------------------------------------------------------------------------- writing, CLI


def test_a_failed_render_leaves_the_previous_files(tmp_path: Path, graph, data) -> None:
    folder = tmp_path / "viz"
    folder.mkdir()
    (folder / "metrics.csv").write_text("old\n", encoding="utf-8")

    def broken() -> bytes:
        raise OSError(28, "No space left on device")

    renderers = dict.fromkeys(FILES, lambda: b"new")
    renderers["partnerships.gexf"] = broken
    with pytest.raises(OutputError):
        write_outputs(VizResult(graph, data, [], renderers), folder)
    assert (folder / "metrics.csv").read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["viz"]  # no staging left


def test_make_viz_applies_as_of_and_focus(kg: KnowledgeGraph) -> None:
    result = make_viz(kg, "en", "2009", "cty:jp", engine=OxigraphEngine(kg))
    assert CTY + "jp" in result.graph and result.graph.graph["as_of"] == "2009"
    assert EVT + "accsm-plus-3-2022" not in result.graph
    with pytest.raises(VizError, match="as of"):
        make_viz(kg, "en", "1970", "cty:jp")


def test_synthetic_network_of_two_thousand_nodes() -> None:
    big = synthetic_network(2000)
    graph = build_graph(big)
    assert graph.number_of_nodes() == 2000
    page = render_html(graph, big)
    assert '"stabilizationIterations":60' in page
    rows = compute_metrics(graph)  # sampled betweenness, numpy eigenvector: a few seconds
    assert len(rows) == 2000 and rows[0].betweenness > 0


def test_cli_prints_the_top_ten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            ["viz", "--out", str(tmp_path / "v"), "--metrics", "--focus", "cty:th", "--depth", "2"]
        )
        == 0
    )
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["#", "node", "kind"] and len(table) == 11
    assert any("Thailand" in line for line in table[1:])
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == sorted(FILES)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--as-of", "2020-99"], "not a valid date"),
        (["--focus", "cty:fr"], "no such resource"),
        (["--depth", "-1", "--focus", "cty:vn"], "--depth"),
    ],
)
def test_cli_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["viz", "--out", str(tmp_path / "v"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "v").exists()


def test_make_viz_reuses_an_engine(kg: KnowledgeGraph) -> None:
    """The build stage hands over the engine it already loaded."""
    result = make_viz(None, engine=OxigraphEngine(kg))
    assert result.graph.number_of_nodes() > 50


def test_regression_svg_is_byte_identical_from_run_to_run(tmp_path) -> None:
    """matplotlib salts SVG ids at random unless told otherwise; a rebuild must not differ."""
    import subprocess
    import sys

    digests = []
    for run in ("a", "b"):
        subprocess.run(
            [sys.executable, "-m", "accsm_kg", "viz", "--out", str(tmp_path / run)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        digests.append((tmp_path / run / "partnerships.svg").read_bytes())
    assert digests[0] == digests[1]
