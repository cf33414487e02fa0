# ruff: noqa: E501  (the case table keeps one case per row)
"""Hostile input against the command line: one clear line, exit 2, nothing written half-way,
nothing fetched.

Each case runs the real CLI in a subprocess under an audit hook (tests/guarded_cli.py) that
records every file opened and every socket connection; a loopback HTTP server counts requests
and a canary file sits where a file: reference points. After every case: no connection, no
request, the canary never opened.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

GUARD = Path(__file__).parent / "guarded_cli.py"


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        body = b'{"@context": {"name": "http://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def counter() -> Iterator[tuple[str, list[str]]]:
    handler = type("Counter", (_Counter,), {"hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    server.shutdown()


@dataclass
class Case:
    id: str
    files: Callable[[Path, str], dict[str, bytes]]  # (tmp, base url) -> {name: content}
    argv: Callable[[Path], list[str]]  # tmp -> CLI arguments
    exit: int
    message: str  # stderr starts with (after "error: ")
    leaves_no_file: str | None = None  # a path (under tmp) that must not exist afterwards


def write_many(tmp: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (tmp / name).write_bytes(content)


TTL_PREFIX = b"@prefix ex: <http://example.org/> .\n"

CASES = [
    Case(
        "syntax-error-names-file-and-line",
        lambda t, u: {"bad.ttl": TTL_PREFIX + b"ex:a ex:b ex:c .\nex:a ex:b .\n"},
        lambda t: ["validate", str(t / "bad.ttl")],
        2,
        "bad.ttl:3:",
    ),
    Case(
        "wrong-extension",
        lambda t, u: {"data.txt": b"<a:b> <a:c> <a:d> ."},
        lambda t: ["validate", str(t / "data.txt")],
        2,
        "data.txt: unsupported file extension",
    ),
    Case(
        "empty-file",
        lambda t, u: {"empty.trig": b""},
        lambda t: ["validate", str(t / "empty.trig")],
        2,
        "empty.trig: file is empty",
    ),
    Case(
        "not-utf8",
        lambda t, u: {"latin.ttl": TTL_PREFIX + 'ex:a ex:b "café" .\n'.encode("latin-1")},
        lambda t: ["validate", str(t / "latin.ttl")],
        2,
        "latin.ttl:2: not valid UTF-8",
    ),
    Case(
        "iri-with-space",
        lambda t, u: {"iri.ttl": b'<http://a/b c> <http://p> "x" .\n'},
        lambda t: ["validate", str(t / "iri.ttl")],
        2,
        "iri.ttl: invalid IRI <http://a/b c>",
    ),
    Case(
        "iri-with-control-char",
        lambda t, u: {"ctl.ttl": b'<http://a/b\\u0007c> <http://p> "x" .\n'},
        lambda t: ["stats", str(t / "ctl.ttl")],
        2,
        "ctl.ttl: invalid IRI",
    ),
    Case(
        "invalid-language-tag",
        lambda t, u: {"lang.ttl": b'<http://a> <http://p> "x"@123 .\n'},
        lambda t: ["validate", str(t / "lang.ttl")],
        2,
        "lang.ttl",
    ),
    Case(
        "datatype-clash",
        lambda t, u: {
            "clash.ttl": b'<http://a> <http://p> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        },
        lambda t: ["validate", str(t / "clash.ttl")],
        2,
        'clash.ttl: "abc" is not a valid xsd:integer',
    ),
    Case(
        "deep-collections",
        lambda t, u: {
            "deep.ttl": b"<http://a> <http://p> " + b"(" * 50000 + b")" * 50000 + b" .\n"
        },
        lambda t: ["validate", str(t / "deep.ttl")],
        2,
        "deep.ttl: collections or blank nodes nested too deeply",
    ),
    Case(
        "deep-blank-nodes",
        lambda t, u: {
            "deepb.ttl": b"<http://a> <http://p> "
            + b"[ <http://p> " * 50000
            + b"]" * 50000
            + b" .\n"
        },
        lambda t: ["validate", str(t / "deepb.ttl")],
        2,
        "deepb.ttl: collections or blank nodes nested too deeply",
    ),
    Case(
        "jsonld-remote-context-to-validate",
        lambda t, u: {
            "remote.jsonld": json.dumps(
                {"@context": f"{u}/context.jsonld", "@id": "http://a", "name": "x"}
            ).encode()
        },
        lambda t: ["validate", str(t / "remote.jsonld")],
        2,
        "remote.jsonld: unsupported file extension",
    ),
    Case(
        "jsonld-remote-context-to-diff",
        lambda t, u: {
            "remote.jsonld": json.dumps(
                {"@context": f"{u}/context.jsonld", "@id": "http://a", "name": "x"}
            ).encode(),
            "plain.nt": b'<http://a> <http://p> "x" .\n',
        },
        lambda t: ["diff", str(t / "plain.nt"), str(t / "remote.jsonld")],
        2,
        "",
    ),
    Case(
        "jsonld-file-context-to-diff",
        lambda t, u: {
            "local.jsonld": json.dumps(
                {"@context": (t / "canary.json").as_uri(), "@id": "http://a", "name": "x"}
            ).encode(),
            "plain.nt": b'<http://a> <http://p> "x" .\n',
        },
        lambda t: ["diff", str(t / "plain.nt"), str(t / "local.jsonld")],
        2,
        "",
    ),
    Case(
        "rdfxml-external-entity-to-diff",
        lambda t, u: {
            "xxe.rdf": (
                f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{(t / "canary.json").as_uri()}">]>'
                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
                ' xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://a">'
                "<ex:p>&x;</ex:p></rdf:Description></rdf:RDF>"
            ).encode(),
            "plain.nt": b'<http://a> <http://p> "x" .\n',
        },
        lambda t: ["diff", str(t / "plain.nt"), str(t / "xxe.rdf")],
        2,
        "",
    ),
    Case(
        "rdfxml-entity-bomb-to-diff",
        lambda t, u: {
            "bomb.rdf": (
                '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
                + "".join(
                    f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(8)
                )
                + ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://e/">'
                '<rdf:Description rdf:about="http://a"><ex:p>&i;</ex:p></rdf:Description></rdf:RDF>'
            ).encode(),
            "plain.nt": b'<http://a> <http://p> "x" .\n',
        },
        lambda t: ["diff", str(t / "plain.nt"), str(t / "bomb.rdf")],
        2,
        "",
    ),
    Case(
        "owl-imports-is-not-followed",
        lambda t, u: {
            "imports.trig": (
                "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
                f"<https://w3id.org/accsm-kg/graph/x> {{ <http://a> owl:imports <{u}/onto.ttl> . }}\n"
            ).encode()
        },
        lambda t: ["validate", str(t / "imports.trig")],
        1,
        "",
    ),
    Case(
        "sparql-syntax-error",
        lambda t, u: {},
        lambda t: ["query", "--sparql", "SELECT * WHERE { ?s ?p }"],
        2,
        "syntax error: line 1, column 18",
    ),
    Case(
        "sparql-update-is-refused",
        lambda t, u: {},
        lambda t: ["query", "--sparql", "INSERT DATA { <http://a> <http://b> <http://c> }"],
        2,
        "updates are refused: the graph is read-only",
    ),
    Case(
        "sparql-service-is-refused",
        lambda t, u: {},
        lambda t: [
            "query",
            "--sparql",
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        ],
        2,
        "SERVICE is refused",
    ),
    Case(
        "sparql-load-is-refused",
        lambda t, u: {},
        lambda t: ["query", "--sparql", "LOAD <http://127.0.0.1:9/x.ttl>"],
        2,
        "updates are refused",
    ),
    Case(
        "sparql-from-url-is-refused",
        lambda t, u: {},
        lambda t: ["query", "--sparql", "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }"],
        2,
        "FROM is refused",
    ),
    Case(
        "sparql-runs-forever",
        lambda t, u: {},
        lambda t: [
            "query",
            "--timeout",
            "2",
            "--sparql",
            "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND()",
        ],
        2,
        "the query ran longer than 2 s and was stopped",
    ),
    Case(
        "parameter-with-sparql-syntax",
        lambda t, u: {},
        lambda t: ["query", "priorities", "--param", 'plan=x" } ; DROP ALL ; #\n>'],
        2,
        "parameter plan:",
    ),
    Case(
        "unknown-command",
        lambda t, u: {},
        lambda t: ["frobnicate"],
        2,
        "argument COMMAND: invalid choice",
    ),
    Case(
        "unknown-option",
        lambda t, u: {},
        lambda t: ["stats", "--frobnicate"],
        2,
        "unrecognized arguments",
    ),
    Case(
        "missing-saved-query", lambda t, u: {}, lambda t: ["query"], 2, "give exactly one of NAME"
    ),
    Case(
        "unknown-saved-query",
        lambda t, u: {},
        lambda t: ["query", "nope"],
        2,
        "no saved query named 'nope'",
    ),
    Case(
        "output-into-missing-folder",
        lambda t, u: {},
        lambda t: ["export", "--format", "ttl", "-o", str(t / "no" / "x.ttl")],
        2,
        "",
        "no/x.ttl",
    ),
    Case(
        "output-into-a-file-not-a-folder",
        lambda t, u: {"plain": b"x"},
        lambda t: ["query", "arcs", "-o", str(t / "plain" / "x.csv")],
        2,
        "",
        "plain/x.csv",
    ),
]


def run_guarded(
    tmp: Path, argv: list[str], limit_bytes: int | None = None
) -> tuple[subprocess.CompletedProcess, dict]:
    report = tmp / "audit.json"

    def limit() -> None:
        if limit_bytes is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    result = subprocess.run(
        [sys.executable, str(GUARD), str(report), "--", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp,
        timeout=180,
        preexec_fn=limit,
    )
    try:
        audit = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # under a file-size limit the report itself may be cut
        audit = {}
    return result, audit


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path, counter) -> None:
    base, hits = counter
    hits_before = len(hits)
    canary = tmp_path / "canary.json"
    canary.write_text('{"@context": {"name": "http://schema.org/name"}}', encoding="utf-8")
    write_many(tmp_path, case.files(tmp_path, base))
    result, audit = run_guarded(tmp_path, case.argv(tmp_path))
    assert result.returncode == case.exit, result.stdout[-2000:] + result.stderr
    if case.exit == 2:
        assert result.stderr.startswith("error: "), result.stderr
        assert case.message in result.stderr.splitlines()[0], result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert len(hits) == hits_before, f"the loopback server was asked for {hits[hits_before:]}"
    assert audit.get("connect") == [], audit.get("connect")
    assert audit.get("urlopen") == [], audit.get("urlopen")
    assert str(canary) not in audit.get("open", []), "the canary file was opened"
    if case.leaves_no_file:
        assert not (tmp_path / case.leaves_no_file).exists()


def test_the_guard_sees_a_fetch(tmp_path: Path, counter) -> None:
    """The audit hook and the counter can fail: a fetch the user asks for is seen by both."""
    base, hits = counter
    before = len(hits)
    result, audit = run_guarded(
        tmp_path, ["query", "--endpoint", f"{base}/sparql", "--sparql", "ASK { ?s ?p ?o }"]
    )
    assert len(hits) > before
    assert audit["connect"], audit
    assert result.returncode == 2  # the counter answers JSON that is no SPARQL result


def test_huge_input_is_refused_before_reading(tmp_path: Path, counter) -> None:
    """A 200 MB file of one repeated triple: refused by size, memory stays small."""
    big = tmp_path / "big.nt"
    line = b'<http://example.org/s> <http://example.org/p> "a repeated literal value" .\n'
    with big.open("wb") as handle:
        chunk = line * 10000
        while handle.tell() < 200 * 1024 * 1024:
            handle.write(chunk)
    script = (
        "import resource, subprocess, sys;"
        f"p = subprocess.run([sys.executable, {str(GUARD)!r}, {str(tmp_path / 'a.json')!r}, '--',"
        f" 'validate', {str(big)!r}], capture_output=True, text=True);"
        "print(p.returncode); print(p.stderr.strip());"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    code, message, peak_kb = out.stdout.strip().splitlines()
    assert code == "2"
    assert "over the 100 MB limit" in message
    assert int(peak_kb) < 400 * 1024  # KB: far below the file's size, nothing was read


def test_a_50_mb_literal_loads_or_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "literal.trig"
    path.write_bytes(
        b'<https://w3id.org/accsm-kg/graph/x> { <http://a> <http://p> "'
        + b"x" * (50 * 1024 * 1024)
        + b'" . }\n'
    )
    result, _ = run_guarded(tmp_path, ["stats", str(path)])
    assert result.returncode in (0, 2), result.stderr
    assert "Traceback" not in result.stderr


def test_a_full_disk_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "accsm.ttl"
    result, _ = run_guarded(
        tmp_path, ["export", "--format", "ttl", "-o", str(target)], limit_bytes=4096
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".accsm.ttl")] == []
