"""Load the ontology, the data and the shapes into one in-memory knowledge graph.

Parsing is local only: files are read from disk, decoded as UTF-8 and handed to rdflib's
Turtle/TriG/N-Triples/N-Quads parsers, none of which fetch anything. Files that declare a
``<!DOCTYPE`` or ``<!ENTITY`` are refused before parsing (entity-expansion bombs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.paths import Path as PropertyPath
from rdflib.plugins.stores.memory import Memory

from accsm_kg.derive import DERIVED_GRAPH, derive, describe_derived_graph
from accsm_kg.namespaces import META_GRAPH, ONTOLOGY_GRAPH, bind_prefixes, curie
from accsm_kg.resources import AssetNotFoundError, asset_dir, asset_files

#: rdflib parser name for each accepted file extension.
FORMATS: dict[str, str] = {
    ".trig": "trig",
    ".ttl": "turtle",
    ".nq": "nquads",
    ".nt": "nt",
}
_LINE_BASED = {"nquads", "nt"}
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_LINE_IN_TEXT = re.compile(r"\bat line (\d+)")
_WHY_IN_TEXT = re.compile(r"Bad syntax \((.*)\) at \^ in:", re.DOTALL)


class LoadError(Exception):
    """A file could not be used: missing, wrong kind, refused or not parseable."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        return f"{where}: {self.message}"


class UnionView(Graph):
    """A read-only Graph whose triples are those of all the graphs of a Dataset.

    rdflib's ConjunctiveGraph reads the union too, but pySHACL validates a ConjunctiveGraph
    graph by graph; this is a plain Graph to its users. It reads the Dataset's store with no
    context, so each triple comes once however many graphs hold it.
    """

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(
            store=dataset.store,
            identifier=URIRef("urn:x-accsm-kg:union"),
            namespace_manager=dataset.namespace_manager,
        )

    def triples(self, triple):  # type: ignore[no-untyped-def, override]
        subject, predicate, object_ = triple
        if isinstance(predicate, PropertyPath):
            for s, o in predicate.eval(self, subject, object_):
                yield s, predicate, o
            return
        indexes = _memory_indexes(self.store)
        if indexes is None:
            for found, _ in self.store.triples(triple, context=None):
                yield found
            return
        yield from _match(indexes, subject, predicate, object_)

    def __len__(self) -> int:
        return self.store.__len__(context=None)

    def __contains__(self, triple: object) -> bool:
        return any(True for _ in self.triples(triple))  # type: ignore[arg-type]

    def add(self, triple):  # type: ignore[no-untyped-def, override]
        raise TypeError("a union view is read-only: add to a graph of the dataset")

    def addN(self, quads):  # type: ignore[no-untyped-def, override]
        raise TypeError("a union view is read-only: add to a graph of the dataset")

    def remove(self, triple):  # type: ignore[no-untyped-def, override]
        raise TypeError("a union view is read-only")


def _memory_indexes(store: object) -> tuple[dict, dict, dict] | None:
    """rdflib's Memory store's three indexes (subject, predicate and object first), or None
    for another store.

    Memory.triples works out, for every triple it yields, the graphs holding it: two lookups
    in a dictionary keyed by the whole triple, wasted on a union, and the largest cost of
    reading a big dataset (the dictionary outgrows the processor's caches). The indexes hold
    every triple of every graph once. They are private to rdflib: tests/test_load.py checks
    every kind of pattern against a copied union graph, so a change of layout shows there.
    """
    if type(store) is not Memory:
        return None
    try:
        return store._Memory__spo, store._Memory__pos, store._Memory__osp  # type: ignore[attr-defined]
    except AttributeError:  # another rdflib version: use the public, slower path
        return None


def _match(indexes: tuple[dict, dict, dict], s: Any, p: Any, o: Any) -> Iterator[tuple]:
    spo, pos, osp = indexes
    if s is not None:
        by_predicate = spo.get(s)
        if not by_predicate:
            return
        if p is not None:
            objects = by_predicate.get(p)
            if objects:
                if o is not None:
                    if o in objects:
                        yield s, p, o
                else:
                    for obj in list(objects):
                        yield s, p, obj
            return
        for pred, objects in list(by_predicate.items()):
            if o is not None:
                if o in objects:
                    yield s, pred, o
            else:
                for obj in list(objects):
                    yield s, pred, obj
    elif p is not None:
        by_object = pos.get(p)
        if not by_object:
            return
        if o is not None:
            for subj in list(by_object.get(o, ())):
                yield subj, p, o
            return
        for obj, subjects in list(by_object.items()):
            for subj in list(subjects):
                yield subj, p, obj
    elif o is not None:
        for subj, predicates in list(osp.get(o, {}).items()):
            for pred in list(predicates):
                yield subj, pred, o
    else:
        for subj, by_predicate in list(spo.items()):
            for pred, objects in list(by_predicate.items()):
                for obj in list(objects):
                    yield subj, pred, obj


@dataclass
class KnowledgeGraph:
    """The loaded graph, handed from stage to stage; treat it as read-only.

    ``dataset`` holds the ontology in the named graph ``g:ontology`` and every data quad in
    the named graph it had in its file. ``shapes`` is kept apart so it never mixes with data.
    """

    dataset: Dataset
    shapes: Graph
    files: list[Path] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"<KnowledgeGraph: {len(self.data_graph_ids())} data graphs, "
            f"{len(self.shapes)} shape triples, {len(self.files)} files>"
        )

    def ontology_graph(self) -> Graph:
        """The ontology's named graph (a live view onto ``dataset``)."""
        return self.dataset.graph(ONTOLOGY_GRAPH)

    def data_graph_ids(self) -> list[URIRef]:
        """Identifiers of all non-empty data graphs (the default graph only if non-empty)."""
        ids = []
        for graph in self.dataset.graphs():
            if graph.identifier == ONTOLOGY_GRAPH or len(graph) == 0:
                continue
            ids.append(graph.identifier)
        return sorted(ids, key=str)

    def data_graphs(self) -> Iterator[Graph]:
        """Each data graph as a live view onto ``dataset``."""
        for identifier in self.data_graph_ids():
            yield self.dataset.graph(identifier)

    def data_graph(self) -> Graph:
        """A new plain Graph with the triples of all data graphs (not the ontology)."""
        union = bind_prefixes(Graph())
        for graph in self.data_graphs():
            union += graph
        return union

    def union_view(self) -> UnionView:
        """Every triple of every graph (ontology plus data) as one read-only Graph; a live
        view onto ``dataset``, nothing copied."""
        return UnionView(self.dataset)

    def union_graph(self) -> Graph:
        """A new plain Graph with all triples: ontology plus data."""
        union = self.data_graph()
        union += self.ontology_graph()
        return union


def rdf_format(path: Path) -> str:
    """The rdflib parser name for ``path``'s extension, or LoadError."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        accepted = ", ".join(FORMATS)
        raise LoadError(path, f"unsupported file extension {path.suffix!r} (accepted: {accepted})")
    return fmt


#: Input files larger than this are refused before reading (override: ACCSM_KG_MAX_FILE_MB).
DEFAULT_MAX_FILE_MB = 100


def max_file_bytes() -> int:
    value = os.environ.get("ACCSM_KG_MAX_FILE_MB", "")
    try:
        return int(float(value) * 1024 * 1024) if value else DEFAULT_MAX_FILE_MB * 1024 * 1024
    except ValueError:
        return DEFAULT_MAX_FILE_MB * 1024 * 1024


def _read_text(path: Path) -> str:
    """The file's text, after the checks of :func:`read_checked_bytes`; LoadError if not UTF-8."""
    raw = read_checked_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise LoadError(path, "not valid UTF-8", line) from None


def read_checked_bytes(path: Path) -> bytes:
    """The file's bytes, refused (LoadError) when missing, empty, over the size limit or
    declaring XML entities. Decoding is left to the caller."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise LoadError(path, "no such file") from None
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from None
    limit = max_file_bytes()
    if size > limit:
        raise LoadError(
            path,
            f"file is {size / 1048576:.0f} MB, over the {limit / 1048576:.0f} MB limit "
            "(set ACCSM_KG_MAX_FILE_MB to allow larger files)",
        )
    if size == 0:
        raise LoadError(path, "file is empty")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(path, "no such file") from None
    except IsADirectoryError:
        raise LoadError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from None
    forbidden = _FORBIDDEN.search(raw)
    if forbidden:
        line = raw.count(b"\n", 0, forbidden.start()) + 1
        word = forbidden.group(1).decode().upper()
        raise LoadError(path, f"refusing a file that declares <!{word} (XML entities)", line)
    return raw


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parses(text: str, fmt: str) -> bool:
    try:
        Dataset().parse(data=text, format=fmt)
    except Exception:
        return False
    return True


def _first_bad_line(text: str, fmt: str) -> int | None:
    """Line number of the first unparseable line of an N-Triples/N-Quads text.

    rdflib's line-based parsers do not say where they failed; lines are independent, so a
    prefix of the file fails exactly when it contains a bad line: bisect on prefixes.
    """
    lines = text.splitlines(keepends=True)
    if _parses(text, fmt):
        return None
    low, high = 1, len(lines)  # the shortest failing prefix has `high` lines
    while low < high:
        middle = (low + high) // 2
        if _parses("".join(lines[:middle]), fmt):
            low = middle + 1
        else:
            high = middle
    return high


def _parse_error(path: Path, text: str, fmt: str, exc: Exception) -> LoadError:
    message = str(exc)
    found = _LINE_IN_TEXT.search(message)
    line = int(found.group(1)) if found else None
    why = _WHY_IN_TEXT.search(message)
    if why:
        message = why.group(1)
    elif fmt in _LINE_BASED:
        line = _first_bad_line(text, fmt)
        if message.startswith("Invalid line"):
            message = "not a valid " + ("N-Quads" if fmt == "nquads" else "N-Triples") + " line"
    return LoadError(path, _one_line(message) or type(exc).__name__, line)


def parse_file(path: Path | str) -> Dataset:
    """Parse one RDF file into a new Dataset; the format follows the extension.

    Turtle and N-Triples have no graph names: their triples are put in a named graph whose
    name is the file's ``file:`` IRI, so every triple of a loaded file sits in a named graph.
    """
    path = Path(path)
    fmt = rdf_format(path)
    text = _read_text(path)
    file_iri = path.resolve().as_uri()
    dataset = Dataset()
    target: Graph = dataset if fmt in {"trig", "nquads"} else dataset.graph(URIRef(file_iri))
    try:
        target.parse(data=text, format=fmt, publicID=file_iri)
    except RecursionError:
        raise LoadError(path, "collections or blank nodes nested too deeply to read") from None
    except Exception as exc:  # any parser failure means the file is unusable
        raise _parse_error(path, text, fmt, exc) from exc
    _check_terms(dataset, path)
    return dataset


_BAD_IRI_CHARACTERS = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _check_terms(dataset: Dataset, path: Path) -> None:
    """Refuse IRIs that no RDF syntax allows and literals that are not of their datatype.

    rdflib only warns about both; passed on, they would break every export and every store.
    """
    for quad in dataset.quads((None, None, None, None)):
        for term in quad[:3]:
            if isinstance(term, URIRef) and _BAD_IRI_CHARACTERS.search(term):
                shown = term.encode("unicode_escape").decode("ascii")
                raise LoadError(
                    path, f"invalid IRI <{_one_line(shown, 80)}>: spaces or control characters"
                )
            if isinstance(term, Literal) and getattr(term, "ill_typed", False):
                raise LoadError(
                    path,
                    f'"{_one_line(str(term), 40)}" is not a valid {curie(term.datatype)}',
                )


def _parse_graph(path: Path) -> Graph:
    """Parse a plain Turtle file (ontology, shapes) into a new Graph."""
    if rdf_format(path) != "turtle":
        raise LoadError(path, "expected a Turtle (.ttl) file")
    graph = Graph()
    for quad_graph in parse_file(path).graphs():
        graph += quad_graph
    return graph


def _merge(target: Dataset, source: Dataset, path: Path) -> None:
    for graph in source.graphs():
        if len(graph) == 0:
            continue
        if graph.identifier in (ONTOLOGY_GRAPH, DERIVED_GRAPH):
            raise LoadError(path, f"the graph name <{graph.identifier}> is reserved")
        merged = target.graph(graph.identifier)
        merged += graph


class _DataGraphs:
    """What derive reads of the data graphs (all but the ontology), read in place: a copied
    union of a big dataset is millions of objects for the garbage collector to find later."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def subject_objects(self, predicate: URIRef) -> Iterator[tuple[Any, Any]]:
        for subject, _, value, graph in self.dataset.quads((None, predicate, None, None)):
            name = getattr(graph, "identifier", graph)  # rdflib gives a name or a Graph
            if name is not None and name != ONTOLOGY_GRAPH:
                yield subject, value


def add_derived(dataset: Dataset) -> None:
    """Add the derived graph (comparable dates, graph index) computed from the data.

    ``dataset`` must not hold a derived graph yet (see :func:`extend_knowledge_graph`).
    """
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    names = [
        graph.identifier
        for graph in dataset.graphs()
        if graph.identifier != ONTOLOGY_GRAPH and len(graph) > 0
    ]
    derived = dataset.graph(DERIVED_GRAPH)
    derived += derive(ontology, _DataGraphs(dataset), names)
    meta = dataset.graph(META_GRAPH)
    meta += describe_derived_graph()


def _required_files(name: str, pattern: str, root: Path | str | None) -> list[Path]:
    """The files of a packaged folder; an empty folder is an error."""
    found = asset_files(name, pattern, root)
    if not found:
        raise LoadError(asset_dir(name, root), f"no {pattern} files in the {name} folder")
    return found


def _optional_files(name: str, pattern: str, root: Path | str | None) -> list[Path]:
    """The files of a packaged folder, none when the folder is missing."""
    try:
        return asset_files(name, pattern, root)
    except AssetNotFoundError:
        return []


def load_knowledge_graph(
    extra_files: Iterable[Path | str] = (), *, root: Path | str | None = None
) -> KnowledgeGraph:
    """Load ontology/*.ttl, data/*.trig, shapes/*.ttl plus ``extra_files`` (data).

    ``root`` is a folder holding ontology/, data/ and shapes/ to use instead of the packaged
    ones (for a working copy or a test fixture). Raises LoadError for any unusable file.
    """
    ontology_files = _required_files("ontology", "*.ttl", root)
    data_files = _required_files("data", "*.trig", root)
    shape_files = _optional_files("shapes", "*.ttl", root)  # validate() refuses no shapes
    extras = [Path(p) for p in extra_files]
    for path in extras:  # fail fast on a bad name before parsing anything large
        rdf_format(path)
        if not path.is_file():
            raise LoadError(path, "no such file" if not path.exists() else "not a regular file")

    dataset = bind_prefixes(Dataset())
    ontology = dataset.graph(ONTOLOGY_GRAPH)
    for path in ontology_files:
        ontology += _parse_graph(path)
    for path in [*data_files, *extras]:
        _merge(dataset, parse_file(path), path)
    add_derived(dataset)
    shapes = bind_prefixes(Graph())
    for path in shape_files:
        shapes += _parse_graph(path)

    loaded = [*ontology_files, *data_files, *extras, *shape_files]
    return KnowledgeGraph(dataset=dataset, shapes=shapes, files=loaded)


def extend_knowledge_graph(kg: KnowledgeGraph, extra_files: Iterable[Path | str]) -> KnowledgeGraph:
    """A new KnowledgeGraph: ``kg`` plus the data of ``extra_files``, derived graph recomputed.

    The same result as loading the files of ``kg`` together with ``extra_files``, without
    parsing the shipped files again (tests validate many small additions this way).
    ``kg`` is left unchanged; the shapes graph is shared, not copied, and ``files`` lists
    ``kg``'s files followed by ``extra_files``.
    """
    extras = [Path(p) for p in extra_files]
    dataset = bind_prefixes(Dataset())
    for graph in kg.dataset.graphs():
        if graph.identifier == DERIVED_GRAPH or len(graph) == 0:
            continue
        copy = dataset.graph(graph.identifier)
        copy += graph
    for path in extras:
        _merge(dataset, parse_file(path), path)
    add_derived(dataset)
    return KnowledgeGraph(dataset=dataset, shapes=kg.shapes, files=[*kg.files, *extras])


def default_graph_triples(kg: KnowledgeGraph) -> int:
    """Triples in the dataset's default graph (the data files should leave it empty)."""
    return len(kg.dataset.graph(DATASET_DEFAULT_GRAPH_ID))
