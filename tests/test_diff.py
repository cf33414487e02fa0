"""accsm-kg diff: added, removed and changed statements between two releases."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef

from accsm_kg.diff import DiffError, compare, diff_paths, read_graph, to_json, to_markdown
from accsm_kg.export import render, to_turtle
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph

SCRIPT = shutil.which("accsm-kg", path=str(Path(sys.executable).parent)) or shutil.which("accsm-kg")
ACCSM = "https://w3id.org/accsm-kg/ontology/"
EX = "http://example.org/"
# A start date; the tests change the first one (in IRI order) of the shipped graph.
START = URIRef(ACCSM + "startDate")


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the accsm-kg console script is not installed"
    return subprocess.run(
        [SCRIPT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_knowledge_graph()


@pytest.fixture(scope="module")
def release(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dist-like folder holding the exports of the shipped graph."""
    folder = tmp_path_factory.mktemp("release")
    for fmt, name in (("nq", "accsm.nq"), ("ttl", "accsm.ttl"), ("jsonld", "accsm.jsonld")):
        (folder / name).write_text(render(kg, fmt), encoding="utf-8")
    return folder


def _one_dated_statement(kg: KnowledgeGraph) -> tuple:
    dated = sorted(t for t in kg.data_graph().triples((None, START, None)))
    return dated[0]


# --------------------------------------------------------------------------- releases


def test_a_release_against_itself_reports_nothing(release: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    diff = diff_paths(release, copy)
    assert diff.empty and diff.added == diff.removed == diff.changed == 0
    assert "No differences" in to_markdown(diff)
    assert json.loads(to_json(diff))["resources"] == []
    done = run("diff", release, copy, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "No differences" in done.stdout


def test_the_same_release_in_another_format_reports_nothing(release: Path) -> None:
    assert diff_paths(release / "accsm.ttl", release / "accsm.jsonld").empty
    assert diff_paths(release / "accsm.nq", release / "accsm.ttl").empty


def test_one_changed_date_is_reported_as_exactly_that_change(
    kg: KnowledgeGraph, release: Path, tmp_path: Path
) -> None:
    subject, predicate, old = _one_dated_statement(kg)
    new = Literal("1901", datatype=old.datatype)
    assert new != old
    changed = {t for t in kg.data_graph() if t != (subject, predicate, old)}
    changed.add((subject, predicate, new))
    (tmp_path / "new.ttl").write_text(to_turtle(changed), encoding="utf-8")

    diff = diff_paths(release / "accsm.ttl", tmp_path / "new.ttl")
    assert (diff.added, diff.removed, diff.changed) == (0, 0, 1)
    [entry] = diff.resources
    assert entry.subject == subject and entry.label
    [change] = entry.changed
    assert (change.predicate, change.old, change.new) == (predicate, [old], [new])

    done = run("diff", release, tmp_path / "new.ttl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"### {entry.label} (" in done.stdout
    assert "- changed `accsm:startDate`: " in done.stdout
    assert f'"{old}"' in done.stdout and '"1901"' in done.stdout
    assert done.stdout.count("\n- ") == 1

    as_json = run("diff", release, tmp_path / "new.ttl", "--format", "json", cwd=tmp_path)
    data = json.loads(as_json.stdout)
    assert data["summary"]["changed"] == 1
    assert data["summary"]["added"] == data["summary"]["removed"] == 0
    [resource] = data["resources"]
    assert resource["subject"] == {"type": "uri", "value": str(subject)}
    assert resource["changed"][0]["old"][0]["value"] == str(old)
    assert resource["changed"][0]["new"][0]["value"] == "1901"


def test_added_and_removed_statements_show_labels(kg: KnowledgeGraph) -> None:
    triples = set(kg.data_graph())
    arc = URIRef("https://w3id.org/accsm-kg/id/arc/kh")
    gone = next(t for t in sorted(triples) if t[0] == arc and t[1] == URIRef(ACCSM + "hostCountry"))
    extra = (arc, URIRef(ACCSM + "supportsPriority"), URIRef(EX + "new-priority"))
    diff = compare(triples, (triples - {gone}) | {extra})
    [entry] = diff.resources
    assert entry.label == "ASEAN Resource Centre of Cambodia"
    assert entry.added == [extra[1:]] and entry.removed == [gone[1:]]
    text = to_markdown(diff)
    assert "- removed `accsm:hostCountry`: Cambodia (`cty:kh`)" in text
    assert "- added `accsm:supportsPriority`: `http://example.org/new-priority`" in text


# --------------------------------------------------------------------------- reading


def test_blank_node_labels_do_not_count_as_changes() -> None:
    text = '@prefix ex: <http://example.org/> . ex:a ex:p [ ex:q "x" ; ex:r [ ex:q "y" ] ] .'
    first, second = (
        Graph().parse(data=text, format="turtle"),
        Graph().parse(data=text, format="turtle"),
    )
    assert set(first) != set(second)
    assert compare(first, second).empty


def test_unusable_inputs_are_refused(tmp_path: Path, release: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n")
    (tmp_path / "remote.jsonld").write_text('{"@context": "https://example.org/c", "@id": "x"}')
    (tmp_path / "bomb.rdf").write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r/>')
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.ttl").write_text("this is not turtle")
    cases = {
        "data.csv": "unsupported file extension",
        "remote.jsonld": "remote @context",
        "bomb.rdf": "DOCTYPE",
        "empty": "a folder without accsm.nq",
        "bad.ttl": "cannot parse as turtle",
        "missing.ttl": "no such file",
    }
    for name, message in cases.items():
        with pytest.raises(DiffError, match=message):
            read_graph(tmp_path / name)
    done = run("diff", tmp_path / "bad.ttl", release, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1


def test_deeply_nested_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "deep.jsonld").write_text("[" * 300 + "]" * 300)
    with pytest.raises(DiffError, match="nested deeper than 200 levels"):
        read_graph(tmp_path / "deep.jsonld")
    (tmp_path / "deeper.jsonld").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DiffError, match="not valid JSON"):
        read_graph(tmp_path / "deeper.jsonld")


# --------------------------------------------------------------------------- properties

_IRIS = st.sampled_from([URIRef(f"{EX}{name}") for name in "abcdef"])
_PREDICATES = st.sampled_from([URIRef(f"{EX}p{i}") for i in range(3)])
_LITERALS = st.one_of(
    st.builds(Literal, st.text(max_size=5)),
    st.builds(
        lambda t, lang: Literal(t, lang=lang), st.text(max_size=5), st.sampled_from(["en", "km"])
    ),
    st.builds(
        lambda n: Literal(str(n), datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
        st.integers(-3, 3),
    ),
)
_BNODES = st.sampled_from([BNode(f"b{i}") for i in range(3)])
_TRIPLE = st.tuples(_IRIS, _PREDICATES, st.one_of(_IRIS, _LITERALS))
_TRIPLE_WITH_BNODES = st.tuples(
    st.one_of(_IRIS, _BNODES), _PREDICATES, st.one_of(_IRIS, _LITERALS, _BNODES)
)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.sets(_TRIPLE_WITH_BNODES, max_size=12))
def test_a_graph_against_itself_relabelled_is_empty(triples: set) -> None:
    renamed = {
        tuple(BNode("other-" + str(t)) if isinstance(t, BNode) else t for t in triple)
        for triple in triples
    }
    assert compare(triples, triples).empty
    assert compare(triples, renamed).empty


@FAST
@given(st.sets(_TRIPLE, max_size=12), _TRIPLE)
def test_adding_one_statement_reports_exactly_it(triples: set, extra: tuple) -> None:
    triples.discard(extra)
    diff = compare(triples, triples | {extra})
    reported_added = [(e.subject, p, o) for e in diff.resources for p, o in e.added]
    reported_changed = [
        (e.subject, c.predicate, o) for e in diff.resources for c in e.changed for o in c.new
    ]
    assert reported_added + reported_changed == [extra]
    assert not reported_changed  # nothing was removed, so nothing "changed"
    assert diff.removed == 0
    back = compare(triples | {extra}, triples)
    assert [(e.subject, p, o) for e in back.resources for p, o in e.removed] == [extra]
