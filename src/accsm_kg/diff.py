"""What changed between two releases: added, removed and changed statements by resource.

Either side is an RDF file (the format follows the extension) or a ``dist/`` folder written
by ``accsm-kg build`` (its ``accsm.nq``, else ``accsm.trig``). Statements are compared as
triples of the union of all graphs. Blank nodes are relabelled canonically on both sides
first, so two files that differ only in blank-node labels show no difference.

"Changed" means the same subject and predicate lost one object and gained another (a
corrected date); everything else is added or removed. Parsing is local: RDF/XML with a
DOCTYPE or entities is refused, and so is JSON-LD that names a remote ``@context``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from accsm_kg.export import Triple, canonical_triples, term_key, turtle_term
from accsm_kg.labels import label
from accsm_kg.namespaces import curie

FORMATS = ("markdown", "json")
#: rdflib parser per file extension.
PARSERS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
#: Files read from a dist/ folder, in order of preference.
DIST_FILES = ("accsm.nq", "accsm.trig")
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_JSON_DEPTH = 200


class DiffError(Exception):
    """A side of the comparison cannot be read."""


# --------------------------------------------------------------------------- reading


def _check_json(path: Path, text: str) -> None:
    """Refuse JSON-LD that is too deep or points at a context elsewhere (never fetched)."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DiffError(f"{path}: not valid JSON ({exc})") from None
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise DiffError(f"{path}: JSON nested deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(value, dict):
            for key, item in value.items():
                contexts = item if isinstance(item, list) else [item]
                if key == "@context" and any(isinstance(c, str) for c in contexts):
                    raise DiffError(f"{path}: refusing a remote @context; embed the context")
                if key == "@import":
                    raise DiffError(f"{path}: refusing @import of a remote context")
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def read_graph(path: Path | str) -> Graph:
    """All statements of an RDF file or dist/ folder, as one graph (the union of its graphs)."""
    path = Path(path)
    if path.is_dir():
        found = next((path / name for name in DIST_FILES if (path / name).is_file()), None)
        if found is None:
            raise DiffError(f"{path}: a folder without {' or '.join(DIST_FILES)}")
        path = found
    parser = PARSERS.get(path.suffix.lower())
    if parser is None:
        raise DiffError(
            f"{path}: unsupported file extension {path.suffix!r} (accepted: {', '.join(PARSERS)})"
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DiffError(f"{path}: no such file or folder") from None
    except OSError as exc:
        raise DiffError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if _FORBIDDEN.search(raw):
        raise DiffError(f"{path}: refusing a file that declares <!DOCTYPE or <!ENTITY")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DiffError(f"{path}: not valid UTF-8") from None
    if parser == "json-ld":
        _check_json(path, text)
    dataset = Dataset()
    base = path.resolve().as_uri()
    try:
        if parser in {"trig", "nquads", "json-ld"}:
            dataset.parse(data=text, format=parser, publicID=base)
        else:
            dataset.graph(URIRef(base)).parse(data=text, format=parser, publicID=base)
    except Exception as exc:  # any parser failure means the file is unusable
        message = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise DiffError(f"{path}: cannot parse as {parser}: {message}") from exc
    graph = Graph()
    for named in dataset.graphs():
        graph += named
    return graph


# --------------------------------------------------------------------------- comparing


@dataclass
class Changed:
    predicate: Node
    old: list[Node]
    new: list[Node]


@dataclass
class ResourceDiff:
    subject: Node
    label: str | None
    added: list[tuple[Node, Node]] = field(default_factory=list)
    removed: list[tuple[Node, Node]] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)


@dataclass
class Diff:
    old: str
    new: str
    old_triples: int
    new_triples: int
    resources: list[ResourceDiff]
    labels: dict[Node, str]

    @property
    def added(self) -> int:
        return sum(len(r.added) for r in self.resources)

    @property
    def removed(self) -> int:
        return sum(len(r.removed) for r in self.resources)

    @property
    def changed(self) -> int:
        return sum(len(r.changed) for r in self.resources)

    @property
    def empty(self) -> bool:
        return not self.resources


def _labeller(new: Graph, old: Graph):
    cache: dict[Node, str | None] = {}

    def find(node: Node) -> str | None:
        if node not in cache:
            cache[node] = label(new, node, "en") or label(old, node, "en")
        return cache[node]

    return find


def compare(
    old: Graph | set[Triple], new: Graph | set[Triple], old_name: str = "old", new_name: str = "new"
) -> Diff:
    """The difference between two sets of statements, grouped by subject."""
    old_set, new_set = canonical_triples(old), canonical_triples(new)
    removed, added = old_set - new_set, new_set - old_set
    find = _labeller(_as_graph(new_set), _as_graph(old_set))

    by_subject: dict[Node, dict[Node, tuple[list[Node], list[Node]]]] = defaultdict(
        lambda: defaultdict(lambda: ([], []))
    )
    for s, p, o in removed:
        by_subject[s][p][0].append(o)
    for s, p, o in added:
        by_subject[s][p][1].append(o)

    resources = []
    labels: dict[Node, str] = {}
    for subject in sorted(by_subject, key=term_key):
        entry = ResourceDiff(subject, find(subject))
        for predicate in sorted(by_subject[subject], key=term_key):
            gone, came = (sorted(x, key=term_key) for x in by_subject[subject][predicate])
            if gone and came:
                entry.changed.append(Changed(predicate, gone, came))
            entry.removed += [(predicate, o) for o in gone if not came]
            entry.added += [(predicate, o) for o in came if not gone]
            for node in (*gone, *came):
                if isinstance(node, URIRef) and (name := find(node)):
                    labels[node] = name
        resources.append(entry)
    return Diff(old_name, new_name, len(old_set), len(new_set), resources, labels)


def _as_graph(triples: set[Triple]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def diff_paths(old: Path | str, new: Path | str) -> Diff:
    """Read both sides and compare them."""
    return compare(read_graph(old), read_graph(new), str(old), str(new))


# --------------------------------------------------------------------------- output


def _code(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    text = " ".join(text.split("\n"))
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _md_value(node: Node, labels: dict[Node, str]) -> str:
    if isinstance(node, URIRef):
        name = labels.get(node)
        return f"{name} ({_code(curie(node))})" if name else _code(curie(node))
    return _code(turtle_term(node))


def _md_heading(entry: ResourceDiff) -> str:
    shown = curie(entry.subject) if isinstance(entry.subject, URIRef) else f"_:{entry.subject}"
    return f"### {entry.label} ({_code(shown)})" if entry.label else f"### {_code(shown)}"


def to_markdown(diff: Diff) -> str:
    lines = [f"## Changes from {_code(diff.old)} to {_code(diff.new)}", ""]
    if diff.empty:
        lines.append(f"No differences: both hold the same {diff.new_triples} statements.")
        return "\n".join(lines) + "\n"
    lines += [
        f"{len(diff.resources)} resources: {diff.added} statements added, {diff.removed} "
        f"removed, {diff.changed} changed ({diff.old_triples} → {diff.new_triples} statements).",
    ]
    for entry in diff.resources:
        lines += ["", _md_heading(entry), ""]
        for change in entry.changed:
            old = ", ".join(_md_value(o, diff.labels) for o in change.old)
            new = ", ".join(_md_value(o, diff.labels) for o in change.new)
            lines.append(f"- changed {_code(curie(change.predicate))}: {old} → {new}")
        for p, o in entry.added:
            lines.append(f"- added {_code(curie(p))}: {_md_value(o, diff.labels)}")
        for p, o in entry.removed:
            lines.append(f"- removed {_code(curie(p))}: {_md_value(o, diff.labels)}")
    return "\n".join(lines) + "\n"


def json_term(node: Node, labels: dict[Node, str] | None = None) -> dict[str, str]:
    """A term as in SPARQL JSON results, with the English label of an IRI when known."""
    if isinstance(node, URIRef):
        out = {"type": "uri", "value": str(node)}
        if labels and node in labels:
            out["label"] = labels[node]
        return out
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    assert isinstance(node, Literal)
    out = {"type": "literal", "value": str(node)}
    if node.language:
        out["xml:lang"] = node.language
    elif node.datatype is not None:
        out["datatype"] = str(node.datatype)
    return out


def to_json(diff: Diff) -> str:
    resources = []
    for entry in diff.resources:
        item: dict[str, Any] = {"subject": json_term(entry.subject)}
        if entry.label:
            item["label"] = entry.label
        item["changed"] = [
            {
                "predicate": str(c.predicate),
                "old": [json_term(o, diff.labels) for o in c.old],
                "new": [json_term(o, diff.labels) for o in c.new],
            }
            for c in entry.changed
        ]
        for key, pairs in (("added", entry.added), ("removed", entry.removed)):
            item[key] = [
                {"predicate": str(p), "object": json_term(o, diff.labels)} for p, o in pairs
            ]
        resources.append(item)
    document = {
        "old": diff.old,
        "new": diff.new,
        "summary": {
            "resources": len(diff.resources),
            "added": diff.added,
            "removed": diff.removed,
            "changed": diff.changed,
            "old_statements": diff.old_triples,
            "new_statements": diff.new_triples,
        },
        "resources": resources,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render(diff: Diff, fmt: str = "markdown") -> str:
    if fmt == "json":
        return to_json(diff)
    if fmt == "markdown":
        return to_markdown(diff)
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
