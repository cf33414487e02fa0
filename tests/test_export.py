"""Exports: every file parses in independent implementations (rdflib, Oxigraph, Raptor, pyld)
with the same statements, and the same input always gives the same bytes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF, Namespace

from accsm_kg.derive import DERIVED_GRAPH
from accsm_kg.export import (
    ExportError,
    canonical_quads,
    dataset_quads,
    ntriples_term,
    quads_of,
    release_files,
    render,
    to_nquads,
    to_ntriples,
    to_rdfxml,
    to_trig,
    to_turtle,
    union_triples,
)
from accsm_kg.jsonld import to_jsonld, to_jsonld_dataset
from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.namespaces import META_GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES

RAPPER = shutil.which("rapper")
# A plain Namespace: pytest probes module attributes, which rdflib's closed XSD warns about.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
EX = "http://example.org/"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_knowledge_graph()


@pytest.fixture(scope="module")
def files(kg: KnowledgeGraph) -> dict[str, str]:
    return {export.name: export.text for export in release_files(kg)}


@pytest.fixture(scope="module")
def union(kg: KnowledgeGraph) -> set:
    return union_triples(kg)


@pytest.fixture(scope="module")
def quads(kg: KnowledgeGraph) -> set:
    return dataset_quads(kg)


# --------------------------------------------------------------------------- helpers


def refuse_network(url: str, options: object = None) -> dict:
    raise AssertionError(f"pyld tried to load {url}")


def via_rdflib(text: str, fmt: str) -> set:
    return set(Graph().parse(data=text, format=fmt))


def via_ntriples(text: str) -> set:
    """Triples of an N-Triples text another tool wrote, read back with rdflib."""
    return set(Graph().parse(data=text, format="nt"))


def via_oxigraph(text: str, fmt: ox.RdfFormat) -> set:
    triples = list(ox.parse(text.encode("utf-8"), format=fmt, base_iri=EX))
    return via_ntriples(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))


def via_oxigraph_quads(text: str, fmt: ox.RdfFormat) -> set:
    found = list(ox.parse(text.encode("utf-8"), format=fmt))
    nquads = ox.serialize(found, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    return quads_of(dataset)


def via_rapper(text: str, syntax: str, tmp_path: Path) -> set:
    assert RAPPER, "rapper (Debian package raptor2-utils) is not installed; .ci/run installs it"
    source = tmp_path / f"input.{syntax}"
    source.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [RAPPER, "-q", "-i", syntax, "-o", "ntriples", str(source), EX],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return via_ntriples(done.stdout)


def via_pyld(text: str) -> Dataset:
    nquads = jsonld.to_rdf(
        json.loads(text), {"format": "application/n-quads", "documentLoader": refuse_network}
    )
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    return dataset


def as_graph(triples: set) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


# --------------------------------------------------------------------------- what is exported


def test_union_is_every_data_graph_without_the_ontology(kg: KnowledgeGraph, union: set) -> None:
    assert union == set(kg.data_graph())
    assert set(kg.dataset.graph(META_GRAPH)) <= union
    assert set(kg.dataset.graph(DERIVED_GRAPH)) <= union
    assert not (union & set(kg.ontology_graph()) - set(kg.data_graph()))
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) not in union


def test_dataset_keeps_graph_names_and_holds_the_union(quads: set, union: set) -> None:
    assert {(s, p, o) for s, p, o, _ in quads} == union
    names = {g for *_, g in quads}
    assert META_GRAPH in names and DERIVED_GRAPH in names
    assert ONTOLOGY_GRAPH not in names and None not in names


def test_release_files(files: dict[str, str]) -> None:
    assert list(files) == [
        "accsm.ttl",
        "accsm.nt",
        "accsm.trig",
        "accsm.nq",
        "accsm.jsonld",
        "accsm-dataset.jsonld",
        "accsm.rdf",
        "ontology.ttl",
        "ontology.jsonld",
        "context.jsonld",
    ]


# --------------------------------------------------------------------------- union graph


@pytest.mark.parametrize(
    ("name", "rdflib_format", "oxigraph_format"),
    [
        ("accsm.ttl", "turtle", ox.RdfFormat.TURTLE),
        ("accsm.nt", "nt", ox.RdfFormat.N_TRIPLES),
        ("accsm.rdf", "xml", ox.RdfFormat.RDF_XML),
        ("accsm.jsonld", "json-ld", ox.RdfFormat.JSON_LD),
    ],
)
def test_union_exports_parse_to_the_same_triples(
    files: dict[str, str], union: set, name: str, rdflib_format: str, oxigraph_format
) -> None:
    text = files[name]
    assert via_rdflib(text, rdflib_format) == union
    assert via_oxigraph(text, oxigraph_format) == union


@pytest.mark.parametrize(
    ("name", "syntax"),
    [("accsm.ttl", "turtle"), ("accsm.nt", "ntriples"), ("accsm.rdf", "rdfxml")],
)
def test_raptor_reads_the_same_triples(
    files: dict[str, str], union: set, name: str, syntax: str, tmp_path: Path
) -> None:
    found = via_rapper(files[name], syntax, tmp_path)
    assert len(found) == len(union)
    assert found == union


@pytest.mark.parametrize(("name", "syntax"), [("accsm.trig", "trig"), ("accsm.nq", "nquads")])
def test_raptor_reads_the_dataset_files_too(
    files: dict[str, str], union: set, name: str, syntax: str, tmp_path: Path
) -> None:
    assert via_rapper(files[name], syntax, tmp_path) == union


def test_pyld_expands_the_jsonld_to_a_graph_isomorphic_to_the_turtle(
    files: dict[str, str],
) -> None:
    turtle = Graph().parse(data=files["accsm.ttl"], format="turtle")
    expanded = via_pyld(files["accsm.jsonld"])
    graph = Graph()
    for s, p, o, _ in expanded.quads():
        graph.add((s, p, o))
    assert len(graph) == len(turtle)
    assert isomorphic(graph, turtle)


def test_ntriples_is_sorted_one_statement_per_line(files: dict[str, str], union: set) -> None:
    lines = files["accsm.nt"].splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(union)


def test_turtle_declares_the_contract_prefixes_in_order(files: dict[str, str]) -> None:
    head = files["accsm.ttl"].splitlines()[: len(PREFIXES)]
    assert head == [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    assert "\ncty:kh\n    a accsm:Country ;\n" in files["accsm.ttl"]


# --------------------------------------------------------------------------- dataset


@pytest.mark.parametrize(
    ("name", "rdflib_format", "oxigraph_format"),
    [
        ("accsm.trig", "trig", ox.RdfFormat.TRIG),
        ("accsm.nq", "nquads", ox.RdfFormat.N_QUADS),
    ],
)
def test_dataset_exports_round_trip_with_the_same_quads(
    files: dict[str, str], quads: set, name: str, rdflib_format: str, oxigraph_format
) -> None:
    dataset = Dataset()
    dataset.parse(data=files[name], format=rdflib_format)
    assert quads_of(dataset) == quads
    assert via_oxigraph_quads(files[name], oxigraph_format) == quads


def test_dataset_jsonld_keeps_the_named_graphs(files: dict[str, str], quads: set) -> None:
    assert quads_of(via_pyld(files["accsm-dataset.jsonld"])) == quads
    dataset = Dataset()
    dataset.parse(data=files["accsm-dataset.jsonld"], format="json-ld")
    assert quads_of(dataset) == quads
    assert via_oxigraph_quads(files["accsm-dataset.jsonld"], ox.RdfFormat.JSON_LD) == quads


# --------------------------------------------------------------------------- ontology


def test_ontology_exports_carry_the_version_iri(kg: KnowledgeGraph, files: dict[str, str]) -> None:
    ontology = set(kg.ontology_graph())
    turtle = via_rdflib(files["ontology.ttl"], "turtle")
    assert turtle == ontology
    assert any(s == ONTOLOGY_IRI and p == OWL.versionIRI for s, p, _ in turtle)
    graph = Graph()
    for s, p, o, _ in via_pyld(files["ontology.jsonld"]).quads():
        graph.add((s, p, o))
    assert isomorphic(graph, as_graph(ontology))


# --------------------------------------------------------------------------- determinism

_HASH_EXPORTS = """
import hashlib, json
from accsm_kg.export import release_files
from accsm_kg.load import load_knowledge_graph
print(json.dumps({e.name: hashlib.sha256(e.text.encode()).hexdigest()
                  for e in release_files(load_knowledge_graph())}))
"""


def test_same_input_gives_the_same_bytes_across_processes(files: dict[str, str]) -> None:
    here = {name: hashlib.sha256(text.encode()).hexdigest() for name, text in files.items()}
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _HASH_EXPORTS],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == here, f"PYTHONHASHSEED={seed}"


def test_same_input_gives_the_same_bytes_in_process(kg: KnowledgeGraph) -> None:
    for fmt in ("ttl", "nt", "trig", "nq", "jsonld", "xml"):
        assert render(kg, fmt) == render(kg, fmt)
    reloaded = load_knowledge_graph()
    assert render(reloaded, "trig") == render(kg, "trig")


# --------------------------------------------------------------------------- blank nodes, escaping

BNODE_TRIG = """
@prefix ex: <http://example.org/> .
ex:g1 { ex:a ex:p [ ex:q "x" ; ex:r [ ex:q "y" ] ] . _:shared ex:q "z" . }
ex:g2 { ex:b ex:p _:shared . ex:b ex:p [ ex:q "x" ] . }
"""


def _bnode_dataset() -> Dataset:
    dataset = Dataset()
    dataset.parse(data=BNODE_TRIG, format="trig")
    return dataset


def test_blank_nodes_get_the_same_labels_whatever_the_parser_called_them(tmp_path: Path) -> None:
    first, second = quads_of(_bnode_dataset()), quads_of(_bnode_dataset())
    assert first != second  # the parser's own labels differ from run to run
    assert to_trig(first) == to_trig(second)
    assert to_nquads(first) == to_nquads(second)
    triples = [{(s, p, o) for s, p, o, _ in q} for q in (first, second)]
    assert to_turtle(triples[0]) == to_turtle(triples[1])
    assert to_jsonld(triples[0]) == to_jsonld(triples[1])
    assert to_rdfxml(triples[0]) == to_rdfxml(triples[1])


def test_a_blank_node_shared_by_two_graphs_stays_one_node() -> None:
    quads = canonical_quads(quads_of(_bnode_dataset()))
    in_g1 = {s for s, _, _, g in quads if g == URIRef(EX + "g1") and isinstance(s, BNode)}
    in_g2 = {o for _, _, o, g in quads if g == URIRef(EX + "g2") and isinstance(o, BNode)}
    assert in_g1 & in_g2
    dataset = Dataset()
    dataset.parse(data=to_trig(quads), format="trig")
    assert to_nquads(quads_of(dataset)) == to_nquads(quads)


def test_blank_node_exports_are_isomorphic_everywhere(tmp_path: Path) -> None:
    triples = {(s, p, o) for s, p, o, _ in quads_of(_bnode_dataset())}
    expected = to_isomorphic(as_graph(triples))
    for text, fmt in ((to_turtle(triples), "turtle"), (to_ntriples(triples), "nt")):
        assert to_isomorphic(Graph().parse(data=text, format=fmt)) == expected
        syntax = "turtle" if fmt == "turtle" else "ntriples"
        assert to_isomorphic(as_graph(via_rapper(text, syntax, tmp_path))) == expected
    for text, fmt in ((to_rdfxml(triples), "xml"), (to_jsonld(triples), "json-ld")):
        assert to_isomorphic(Graph().parse(data=text, format=fmt)) == expected


HARD_LITERALS = [
    Literal('quote " backslash \\ end'),
    Literal("line one\nline two\r\nthree\ttab"),
    Literal("bell \x07 and delete \x7f"),
    Literal("ខ្មែរ ไทย Tiếng Việt 𝄞"),
    Literal("  leading and trailing  ", lang="en"),
    Literal("007", datatype=XSD.integer),
    Literal("-5", datatype=XSD.integer),
    Literal("1.50", datatype=XSD.decimal),
    Literal("2008", datatype=XSD.gYear),
    Literal("x", datatype=URIRef(EX + "custom#type")),
    Literal("", lang="km"),
]


def _hard_graph() -> set:
    subject = URIRef(EX + "thing/a.b")  # not a safe prefixed name: written as <…>
    triples = {(subject, URIRef(EX + f"p{i}"), lit) for i, lit in enumerate(HARD_LITERALS)}
    triples.add((URIRef(PREFIXES["cty"] + "kh"), RDF.type, URIRef(PREFIXES["accsm"] + "Country")))
    triples.add((subject, URIRef(EX + "see"), URIRef("http://example.org/a%20b?q=1#frag")))
    return triples


def test_awkward_literals_and_iris_survive_every_format(tmp_path: Path) -> None:
    triples = _hard_graph()
    # RDF/XML cannot hold U+0007; every other format must keep it.
    xml_safe = {t for t in triples if "\x07" not in str(t[2])}
    assert via_rdflib(to_turtle(triples), "turtle") == triples
    assert via_rdflib(to_ntriples(triples), "nt") == triples
    assert via_oxigraph(to_turtle(triples), ox.RdfFormat.TURTLE) == triples
    assert via_oxigraph(to_ntriples(triples), ox.RdfFormat.N_TRIPLES) == triples
    assert via_rapper(to_turtle(triples), "turtle", tmp_path) == triples
    assert via_rapper(to_ntriples(triples), "ntriples", tmp_path) == triples
    assert via_rdflib(to_rdfxml(xml_safe), "xml") == xml_safe
    assert via_rapper(to_rdfxml(xml_safe), "rdfxml", tmp_path) == xml_safe
    assert via_rdflib(to_jsonld(triples), "json-ld") == triples
    expanded = {(s, p, o) for s, p, o, _ in via_pyld(to_jsonld(triples)).quads()}
    assert expanded == triples


def test_rdfxml_refuses_what_it_cannot_hold() -> None:
    subject = URIRef(EX + "s")
    with pytest.raises(ExportError, match="control character"):
        to_rdfxml({(subject, URIRef(EX + "p"), Literal("bell \x07"))})
    with pytest.raises(ExportError, match="no XML name"):
        to_rdfxml({(subject, URIRef(EX + "p/123"), Literal("x"))})


def test_ntriples_terms() -> None:
    assert ntriples_term(URIRef("http://example.org/a b")) == "<http://example.org/a\\u0020b>"
    assert ntriples_term(Literal('a"b\n', lang="en")) == '"a\\"b\\n"@en'
    assert ntriples_term(Literal("5", datatype=XSD.integer)) == (
        '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    )


def test_default_graph_statements_are_written_without_a_name() -> None:
    s, p = URIRef(EX + "s"), URIRef(EX + "p")
    quads = {(s, p, Literal("in default"), None), (s, p, Literal("named"), URIRef(EX + "g"))}
    dataset = Dataset()
    dataset.parse(data=to_trig(quads), format="trig")
    assert quads_of(dataset) == quads
    dataset = Dataset()
    dataset.parse(data=to_nquads(quads), format="nquads")
    assert quads_of(dataset) == quads
    assert quads_of(via_pyld(to_jsonld_dataset(quads))) == quads


# --------------------------------------------------------------------------- the command

SCRIPT = shutil.which("accsm-kg", path=str(Path(sys.executable).parent)) or shutil.which("accsm-kg")


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the accsm-kg console script is not installed"
    return subprocess.run(
        [SCRIPT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_export_command_writes_stdout_or_a_file(kg: KnowledgeGraph, tmp_path: Path) -> None:
    shown = run("export", "--format", "nt", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == render(kg, "nt")
    written = run("export", "--format", "jsonld", "-o", "out.jsonld", cwd=tmp_path)
    assert written.returncode == 0 and written.stdout == ""
    assert (tmp_path / "out.jsonld").read_text(encoding="utf-8") == render(kg, "jsonld")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonld"]  # no temp file left


def test_export_command_refuses_a_missing_folder(tmp_path: Path) -> None:
    done = run("export", "--format", "ttl", "-o", tmp_path / "nowhere" / "x.ttl", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "does not exist" in lines[0]


@pytest.mark.parametrize("name", ["export", "diff"])
def test_commands_explain_themselves(name: str, tmp_path: Path) -> None:
    done = run(name, "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert f"usage: accsm-kg {name}" in done.stdout
    assert "exit codes:" in done.stdout and "  2  unusable input" in done.stdout
