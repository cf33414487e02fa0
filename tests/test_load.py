import re
import shutil
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SH, SKOS

from accsm_kg.load import (
    KnowledgeGraph,
    LoadError,
    default_graph_triples,
    extend_knowledge_graph,
    load_knowledge_graph,
    parse_file,
)
from accsm_kg.namespaces import ACCSM, CTY, ONTOLOGY_GRAPH, ONTOLOGY_IRI, SD, G
from accsm_kg.resources import AssetNotFoundError
from accsm_kg.validate import validate
from conftest import EXTRA, MINI

PREFIX = "@prefix ex: <http://example.org/> .\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_ontology_goes_in_its_own_named_graph(mini_kg: KnowledgeGraph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in mini_kg.ontology_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) not in mini_kg.data_graph()


def test_every_quad_keeps_its_named_graph(mini_kg: KnowledgeGraph) -> None:
    assert mini_kg.data_graph_ids() == sorted(
        [G["derived"], G["meta"], G["mini-curated"], G["mini-plan-s1"], G["mini-public"]],
        key=str,
    )
    public = mini_kg.dataset.graph(G["mini-public"])
    assert (CTY.vn, SKOS.prefLabel, Literal("Viet Nam", lang="en")) in public
    assert (CTY.vn, SKOS.prefLabel, Literal("Viet Nam", lang="en")) not in mini_kg.dataset.graph(
        G["mini-curated"]
    )
    assert default_graph_triples(mini_kg) == 0


def test_shapes_are_kept_apart(mini_kg: KnowledgeGraph) -> None:
    assert any(mini_kg.shapes.subjects(RDF.type, SH.NodeShape))
    assert not any(mini_kg.union_graph().subjects(RDF.type, SH.NodeShape))


def test_union_graph_has_ontology_and_data(mini_kg: KnowledgeGraph) -> None:
    union = mini_kg.union_graph()
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in union
    assert (CTY.vn, SKOS.prefLabel, Literal("Viet Nam", lang="en")) in union
    assert len(union) == len(mini_kg.ontology_graph()) + len(mini_kg.data_graph())


def test_files_are_listed_in_load_order(mini_kg: KnowledgeGraph) -> None:
    assert [p.name for p in mini_kg.files] == [
        "accsm.ttl",
        "00-meta.trig",
        "10-facts.trig",
        "mini.ttl",
    ]


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.trig", PREFIX + "ex:g {\n  ex:a ex:b ex:c .\n  ex:a ex:b ex:c ex:d .\n}\n"
    )
    with pytest.raises(LoadError) as caught:
        load_knowledge_graph([bad], root=MINI)
    error = caught.value
    assert error.path == bad
    assert error.line == 4
    assert "end of statement" in error.message
    assert str(error) == f"{bad}:4: {error.message}"
    assert "\n" not in str(error)


def test_syntax_error_in_a_packaged_file(mini_copy: Path) -> None:
    ontology = mini_copy / "ontology" / "accsm.ttl"
    write(ontology, ontology.read_text(encoding="utf-8") + '\nex:a ex:b "open\n')
    with pytest.raises(LoadError) as caught:
        load_knowledge_graph(root=mini_copy)
    assert caught.value.path == ontology
    assert caught.value.line == len(ontology.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("suffix,name", [(".nt", "N-Triples"), (".nq", "N-Quads")])
def test_line_based_syntax_error_names_the_line(tmp_path: Path, suffix: str, name: str) -> None:
    good = "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
    bad = write(
        tmp_path / f"bad{suffix}", good * 2 + '<http://example.org/a> <http://e/b> "x .\n' + good
    )
    with pytest.raises(LoadError) as caught:
        parse_file(bad)
    assert caught.value.line == 3
    assert caught.value.message == f"not a valid {name} line"


@settings(max_examples=25, deadline=None)
@given(lines=st.integers(min_value=1, max_value=40), data=st.data())
def test_bad_line_is_found_anywhere(tmp_path_factory, lines: int, data: st.DataObject) -> None:
    bad_at = data.draw(st.integers(min_value=1, max_value=lines))
    text = "".join(
        "<http://e/a> <http://e/b> <http://e/c> <http://e/g> .\n"
        if n != bad_at
        else "<http://e/a> <http://e/b> .\n"
        for n in range(1, lines + 1)
    )
    path = tmp_path_factory.mktemp("nq") / "x.nq"
    write(path, text)
    with pytest.raises(LoadError) as caught:
        parse_file(path)
    assert caught.value.line == bad_at


@pytest.mark.parametrize("word", ["DOCTYPE", "ENTITY", "doctype"])
def test_xml_declarations_are_refused(tmp_path: Path, word: str) -> None:
    bad = write(tmp_path / "x.ttl", PREFIX + f'\n# <!{word} lol "lol">\nex:a ex:b ex:c .\n')
    with pytest.raises(LoadError, match="refusing") as caught:
        load_knowledge_graph([bad], root=MINI)
    assert caught.value.line == 3


@pytest.mark.parametrize("name", ["x.rdf", "x.xml", "x.jsonld", "x.owl", "x", "x.TTL.bak"])
def test_unknown_extensions_are_refused(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, "")
    with pytest.raises(LoadError, match="unsupported file extension"):
        load_knowledge_graph([path], root=MINI)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load_knowledge_graph([tmp_path / "missing.trig"], root=MINI)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ttl"
    path.write_bytes(PREFIX.encode() + b'ex:a ex:b "caf\xe9" .\n')
    with pytest.raises(LoadError, match="UTF-8") as caught:
        parse_file(path)
    assert caught.value.line == 2


def test_turtle_extra_goes_in_a_graph_named_after_the_file(mini_kg: KnowledgeGraph) -> None:
    path = EXTRA / "undescribed.ttl"
    kg = load_knowledge_graph([path], root=MINI)
    graph = URIRef(path.resolve().as_uri())
    assert graph in kg.data_graph_ids()
    assert (CTY.vn, SKOS.altLabel, Literal("Vietnam", lang="en")) in kg.dataset.graph(graph)
    assert default_graph_triples(kg) == 0


def test_default_graph_triples_are_kept_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "x.trig", PREFIX + "ex:a ex:b ex:c .\nex:g { ex:a ex:b ex:d . }\n")
    kg = load_knowledge_graph([path], root=MINI)
    assert default_graph_triples(kg) == 1


def test_the_ontology_graph_name_is_reserved(tmp_path: Path) -> None:
    path = write(tmp_path / "x.trig", f"<{ONTOLOGY_GRAPH}> {{ <http://e/a> <http://e/b> 1 . }}\n")
    with pytest.raises(LoadError, match="reserved"):
        load_knowledge_graph([path], root=MINI)


@pytest.mark.parametrize("folder,pattern", [("ontology", "*.ttl"), ("data", "*.trig")])
def test_no_ontology_or_data_is_an_error(mini_copy: Path, folder: str, pattern: str) -> None:
    for path in (mini_copy / folder).iterdir():
        path.unlink()
    with pytest.raises(LoadError, match=f"no \\{pattern} files in the {folder} folder"):
        load_knowledge_graph(root=mini_copy)


def test_missing_shapes_folder_loads_no_shapes(mini_copy: Path) -> None:
    shutil.rmtree(mini_copy / "shapes")
    assert len(load_knowledge_graph(root=mini_copy).shapes) == 0


def test_missing_folder_is_an_error(mini_copy: Path) -> None:
    shutil.rmtree(mini_copy / "data")
    with pytest.raises(AssetNotFoundError, match="no such folder"):
        load_knowledge_graph(root=mini_copy)


def test_loading_and_validating_never_connect(
    mini_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ontology = mini_copy / "ontology" / "accsm.ttl"
    write(
        ontology,
        ontology.read_text(encoding="utf-8")
        + "\n<https://w3id.org/accsm-kg/ontology> owl:imports <http://127.0.0.1:9/o.ttl> .\n",
    )

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert validate(load_knowledge_graph(root=mini_copy)).conforms


DATED = """\
@prefix accsm: <https://w3id.org/accsm-kg/ontology/> .
@prefix agent: <https://w3id.org/accsm-kg/id/agent/> .
@prefix g:     <https://w3id.org/accsm-kg/graph/> .
@prefix prov:  <http://www.w3.org/ns/prov#> .
@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .
g:meta { g:extra-dated a accsm:CuratedGraph ; prov:wasAttributedTo agent:curators . }
g:extra-dated { <http://example.org/e> accsm:startDate "2030-05"^^xsd:gYearMonth . }
"""


def same_graphs(left: KnowledgeGraph, right: KnowledgeGraph) -> bool:
    ids = {g.identifier for g in left.dataset.graphs() if len(g)}
    if ids != {g.identifier for g in right.dataset.graphs() if len(g)}:
        return False
    return all(isomorphic(left.dataset.graph(i), right.dataset.graph(i)) for i in ids)


@pytest.mark.parametrize("name", sorted(p.name for p in EXTRA.iterdir()))
def test_extending_equals_loading_together(mini_kg: KnowledgeGraph, name: str) -> None:
    together = load_knowledge_graph([EXTRA / name], root=MINI)
    extended = extend_knowledge_graph(mini_kg, [EXTRA / name])
    assert same_graphs(extended, together)
    assert sorted(extended.files) == sorted(together.files)
    assert extended.shapes is mini_kg.shapes


def test_extending_derives_again_and_leaves_the_original(tmp_path: Path) -> None:
    shipped = load_knowledge_graph()  # the mini ontology declares no comparable dates
    before = len(shipped.dataset)
    extended = extend_knowledge_graph(shipped, [write(tmp_path / "dated.trig", DATED)])
    derived = extended.dataset.graph(G["derived"])
    assert (G["extra-dated"], RDF.type, SD.NamedGraph) in derived
    start = Literal("2030-05-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    assert (URIRef("http://example.org/e"), ACCSM.startSortDate, start) in derived
    assert len(shipped.dataset) == before
    assert G["extra-dated"] not in shipped.data_graph_ids()
    assert same_graphs(extend_knowledge_graph(shipped, []), shipped)


def test_extending_refuses_reserved_graph_names(mini_kg: KnowledgeGraph, tmp_path: Path) -> None:
    path = write(tmp_path / "x.trig", f"<{G['derived']}> {{ <http://e/a> <http://e/b> 1 . }}\n")
    with pytest.raises(LoadError, match="reserved"):
        extend_knowledge_graph(mini_kg, [path])


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("empty.ttl", "", "file is empty"),
        ("space.ttl", '<http://a/b c> <http://p> "x" .\n', "invalid IRI <http://a/b c>"),
        ("control.ttl", '<http://a/b\\u0001c> <http://p> "x" .\n', "invalid IRI"),
        (
            "clash.ttl",
            '<http://a> <http://p> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
            '"abc" is not a valid xsd:integer',
        ),
        ("lang.ttl", '<http://a> <http://p> "x"@123 .\n', "valid language tag"),
        (
            "deep.ttl",
            "<http://a> <http://p> " + "(" * 30000 + ")" * 30000 + " .\n",
            "nested too deeply",
        ),
        (
            "deepb.ttl",
            "<http://a> <http://p> " + "[ <http://p> " * 30000 + "]" * 30000 + " .\n",
            "nested too deeply",
        ),
    ],
)
def test_bad_terms_and_shapes_of_input_are_refused(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(LoadError, match=re.escape(message)):
        parse_file(path)


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path / "big.nt", '<http://a> <http://p> "x" .\n' * 50000)  # ~1.4 MB
    monkeypatch.setenv("ACCSM_KG_MAX_FILE_MB", "1")
    with pytest.raises(LoadError, match="over the 1 MB limit"):
        parse_file(path)
    monkeypatch.setenv("ACCSM_KG_MAX_FILE_MB", "2")
    assert len(parse_file(path)) == 1


def test_union_view_holds_what_union_graph_copies_and_refuses_writes() -> None:
    kg = load_knowledge_graph()
    view, copy = kg.union_view(), kg.union_graph()
    assert len(view) == len(copy) > 2000
    assert set(view) == set(copy)
    some = next(iter(copy))
    assert some in view
    assert (URIRef("urn:x:not"), URIRef("urn:x:there"), Literal("at all")) not in view
    with pytest.raises(TypeError, match="read-only"):
        view.add(some)
    with pytest.raises(TypeError, match="read-only"):
        view.remove(some)


def test_union_view_answers_every_kind_of_pattern_as_the_copy_does() -> None:
    """The view reads rdflib's Memory indexes directly (private layout): any pattern, bound or
    not in each position, present or absent, matches what a plain copied Graph matches."""
    from accsm_kg.load import _memory_indexes

    kg = load_knowledge_graph()
    assert _memory_indexes(kg.dataset.store) is not None, "rdflib's Memory layout changed"
    view, copy = kg.union_view(), kg.union_graph()
    sample = sorted(copy, key=str)[::97]
    absent = URIRef("urn:x:absent")
    patterns = set()
    for s, p, o in sample:
        for mask in range(8):
            patterns.add(
                (s if mask & 4 else None, p if mask & 2 else None, o if mask & 1 else None)
            )
        patterns.update({(absent, p, None), (s, absent, None), (None, p, absent), (s, p, absent)})
    assert len(patterns) > 100
    for pattern in patterns:
        assert sorted(view.triples(pattern)) == sorted(copy.triples(pattern)), pattern
