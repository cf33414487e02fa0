"""Write query results in the formats analysts' tools read.

SELECT/ASK: ``table`` (aligned, wrapped, for a terminal), ``csv`` (SPARQL 1.1 CSV, RFC 4180),
``tsv`` (SPARQL 1.1 TSV), ``json`` (SPARQL 1.1 JSON results), ``xml`` (SPARQL XML results),
``md`` (a Markdown table). CONSTRUCT/DESCRIBE: ``ttl``, ``nt``, ``jsonld``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap
import unicodedata
from xml.etree import ElementTree as ET

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from accsm_kg.engine import QueryResult
from accsm_kg.namespaces import curie

TABLE_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
_SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


class FormatError(ValueError):
    """The requested format does not fit the kind of result."""


# --------------------------------------------------------------------------- terms


def plain(term: Node | None) -> str:
    """The SPARQL CSV rendering of a term: IRIs and literals as their text, bnodes _:x."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def readable(term: Node | None) -> str:
    """A term as a person reads it: IRIs as CURIEs, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(term)
    return plain(term)


def ntriples(term: Node | None) -> str:
    """A term in N-Triples syntax (SPARQL TSV)."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        lexical = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{lexical}"@{term.language}'
        if term.datatype:
            return f'"{lexical}"^^<{term.datatype}>'
        return f'"{lexical}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    return f"<{term}>"


def json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


# --------------------------------------------------------------------------- writers


def to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([plain(row.get(v)) for v in result.variables])
    return buffer.getvalue()


def to_tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(ntriples(row.get(v)) for v in result.variables))
    return "\n".join(lines) + "\n"


def to_json(result: QueryResult) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
    bindings = [
        {name: json_term(value) for name, value in row.items() if name in result.variables}
        for row in result.rows
    ]
    data = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_xml(result: QueryResult) -> str:
    ET.register_namespace("", _SPARQL_RESULTS_NS)
    ns = f"{{{_SPARQL_RESULTS_NS}}}"
    root = ET.Element(f"{ns}sparql")
    head = ET.SubElement(root, f"{ns}head")
    if result.kind == "ask":
        ET.SubElement(root, f"{ns}boolean").text = "true" if result.boolean else "false"
    else:
        for name in result.variables:
            ET.SubElement(head, f"{ns}variable", name=name)
        results = ET.SubElement(root, f"{ns}results")
        for row in result.rows:
            element = ET.SubElement(results, f"{ns}result")
            for name in result.variables:
                if name not in row:
                    continue
                binding = ET.SubElement(element, f"{ns}binding", name=name)
                term = row[name]
                if isinstance(term, URIRef):
                    ET.SubElement(binding, f"{ns}uri").text = str(term)
                elif isinstance(term, BNode):
                    ET.SubElement(binding, f"{ns}bnode").text = str(term)
                else:
                    literal = ET.SubElement(binding, f"{ns}literal")
                    literal.text = str(term)
                    if term.language:
                        literal.set("{http://www.w3.org/XML/1998/namespace}lang", term.language)
                    elif term.datatype:
                        literal.set("datatype", str(term.datatype))
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def to_markdown(result: QueryResult) -> str:
    if result.kind == "ask":
        return "| boolean |\n| --- |\n| " + ("true" if result.boolean else "false") + " |\n"

    def cell(term: Node | None) -> str:
        return readable(term).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(result.variables) + " |"]
    lines.append("| " + " | ".join("---" for _ in result.variables) + " |")
    for row in result.rows:
        lines.append("| " + " | ".join(cell(row.get(v)) for v in result.variables) + " |")
    return "\n".join(lines) + "\n"


def display_width(text: str) -> int:
    """Columns a text takes in a terminal: combining marks take none, wide characters two."""
    width = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf") or ch in "\u200b\u17d2":
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _wrap(text: str, width: int) -> list[str]:
    if display_width(text) <= width:
        return [text]
    lines = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    out = []
    for line in lines:  # textwrap counts characters; cut again by display width
        while display_width(line) > width:
            cut = width
            while cut > 1 and display_width(line[:cut]) > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def to_table(result: QueryResult, width: int | None = None) -> str:
    """An aligned table; columns that would overflow the terminal are wrapped."""
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    if not result.variables:
        return "(no columns)\n"
    total = width or shutil.get_terminal_size((120, 24)).columns
    cells = [[readable(row.get(v)) for v in result.variables] for row in result.rows]
    natural = [
        max([display_width(v)] + [display_width(r[i]) for r in cells])
        for i, v in enumerate(result.variables)
    ]
    room = max(len(natural) * 8, total - 3 * (len(natural) - 1))
    widths = list(natural)
    while sum(widths) > room:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= 8:
            break
        widths[widest] -= 1
    sep = "   "
    lines = [sep.join(_pad(v, w) for v, w in zip(result.variables, widths, strict=True)).rstrip()]
    lines.append(sep.join("-" * w for w in widths))
    for row in cells:
        wrapped = [_wrap(value, w) for value, w in zip(row, widths, strict=True)]
        for k in range(max(len(w) for w in wrapped)):
            parts = [w[k] if k < len(w) else "" for w in wrapped]
            lines.append(sep.join(_pad(p, w) for p, w in zip(parts, widths, strict=True)).rstrip())
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(result: QueryResult, fmt: str, *, width: int | None = None) -> str:
    """The result in ``fmt``; graph results accept ttl/nt/jsonld, others the table formats."""
    if result.kind == "graph":
        assert result.graph is not None
        if fmt not in GRAPH_FORMATS:
            raise FormatError(
                f"a CONSTRUCT/DESCRIBE result is written as {', '.join(GRAPH_FORMATS)}"
            )
        rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
        if fmt == "nt":
            return "".join(sorted(result.graph.serialize(format="nt").splitlines(keepends=True)))
        return result.graph.serialize(format=rdflib_format)
    writers = {
        "csv": to_csv,
        "tsv": to_tsv,
        "json": to_json,
        "xml": to_xml,
        "md": to_markdown,
    }
    if fmt == "table":
        return to_table(result, width)
    if fmt not in writers:
        raise FormatError(f"a SELECT/ASK result is written as {', '.join(TABLE_FORMATS)}")
    return writers[fmt](result)
