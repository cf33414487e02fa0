"""`accsm-kg query` as a user runs it: the real console script in a subprocess."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accsm_kg.catalog import CatalogError, parse_param, parse_saved_query


def accsm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accsm_kg", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        timeout=120,
    )


def test_list_shows_every_saved_query_with_parameters() -> None:
    out = accsm("query", "--list")
    assert out.returncode == 0, out.stderr
    assert "arc-priorities\n    Which ARC supports which priority area" in out.stdout
    assert "plan (work-plan IRI/slug, default accsm-2008-2012)" in out.stdout
    assert "as_of (date, optional)" in out.stdout


def test_piped_output_is_csv_and_lang_gives_khmer() -> None:
    out = accsm("query", "arcs", "--lang", "km")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout, newline="")))
    assert len(rows) == 10
    assert {r["theme"] for r in rows if r["arc"].endswith("/kh")} == {"ការផ្តល់សេវាសាធារណៈ"}


def test_json_format_and_output_file(tmp_path: Path) -> None:
    target = tmp_path / "members.json"
    out = accsm("query", "members", "--format", "json", "-o", str(target))
    assert out.returncode == 0 and out.stdout == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["results"]["bindings"]) == 11


def test_explain_prints_the_bound_query() -> None:
    out = accsm("query", "priorities", "--param", "plan=cty:kh")
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "error: parameter plan: 'cty:kh' is not a work-plan "
        "(expected https://w3id.org/accsm-kg/id/work-plan/…)"
    )
    out = accsm("query", "priorities", "--param", "plan=accsm-2016-2020", "--explain")
    assert out.returncode == 0
    assert (
        'VALUES (?plan ?lang) { (<https://w3id.org/accsm-kg/id/work-plan/accsm-2016-2020> "en") }'
        in out.stdout
    )


def test_adhoc_sparql_file_and_engines(tmp_path: Path) -> None:
    query = tmp_path / "my.rq"
    query.write_text("SELECT ?arc WHERE { ?arc accsm:hostCountry cty:kh }", encoding="utf-8")
    for engine in ("oxigraph", "rdflib"):
        out = accsm("query", "--file", str(query), "--engine", engine, "--format", "tsv")
        assert out.returncode == 0, out.stderr
        assert out.stdout == "?arc\n<https://w3id.org/accsm-kg/id/arc/kh>\n"
    out = accsm(
        "query",
        "--sparql",
        "CONSTRUCT { ?a a accsm:ResourceCentre } WHERE { ?a accsm:hostCountry cty:kh }",
    )
    assert out.returncode == 0 and "accsm:ResourceCentre" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query", "no-such-query"), "error: no saved query named 'no-such-query'"),
        (
            ("query", "arcs", "--param", "plan=x"),
            "error: parameter plan: arcs has no such parameter",
        ),
        (("query", "arcs", "--param", "oops"), "error: --param 'oops': write it as name=value"),
        (("query", "--sparql", "SELECT * WHERE { ?s ?p }"), "error: syntax error: line 1"),
        (("query", "--sparql", "DROP ALL"), "error: updates are refused: the graph is read-only"),
        (
            ("query", "--sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
            "error: SERVICE is refused",
        ),
        (
            ("query", "arcs", "-o", "/no/such/folder/x.csv"),
            "error: /no/such/folder/x.csv: the folder",
        ),
        (("query",), "error: give exactly one of NAME, --file or --sparql"),
        (("query", "arcs", "--format", "ttl"), "error: a SELECT/ASK result is written as"),
        (
            (
                "query",
                "--sparql",
                "SELECT * WHERE { ?s ?p ?o }",
                "--endpoint",
                "http://127.0.0.1:9/sparql",
                "--timeout",
                "2",
            ),
            "error: cannot reach http://127.0.0.1:9/sparql",
        ),
    ],
)
def test_misuse_is_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    out = accsm(*args)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stderr.startswith(message), out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr


# --------------------------------------------------------------------------- header parser


def test_header_fields_and_params() -> None:
    saved = parse_saved_query(
        "# title: T\n# description: first\n#   second\n"
        "# param: lang (language tag, default en) — labels\n"
        "# param: plan (work-plan IRI or slug, required)\nSELECT * WHERE {}",
        "t",
    )
    assert saved.title == "T" and saved.description == "first second"
    assert [(p.name, p.kind, p.default, p.required) for p in saved.params] == [
        ("lang", "lang", "en", False),
        ("plan", "iri:work-plan", None, True),
    ]
    assert saved.params[0].description == "labels"


@pytest.mark.parametrize(
    "line",
    [
        "plan (work-plan IRI)",
        "x (date, default)",
        "x (date, sometimes)",
        "(date)",
        "x date",
        "x (date, required, default 2020)",
    ],
)
def test_bad_param_lines_are_refused(line: str) -> None:
    with pytest.raises(CatalogError):
        parse_param(line, "q.rq")


@given(st.text(max_size=200))
def test_header_parser_never_crashes_on_any_text(text: str) -> None:
    with contextlib.suppress(CatalogError):
        parse_saved_query(text, "fuzz")


@given(
    name=st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True),
    kind=st.sampled_from(
        ["language tag", "date", "text", "arc IRI or slug", "resource IRI or slug"]
    ),
    default=st.one_of(st.none(), st.from_regex(r"[a-z0-9-]{1,10}", fullmatch=True)),
)
def test_param_lines_round_trip(name: str, kind: str, default: str | None) -> None:
    spec = kind + (f", default {default}" if default else ", optional")
    param = parse_param(f"{name} ({spec})", "q.rq")
    assert param.name == name and param.default == default and not param.required


def test_docs_list_every_saved_query() -> None:
    from accsm_kg.catalog import load_catalog

    docs = (Path(__file__).parents[1] / "docs" / "queries.md").read_text(encoding="utf-8")
    for name, saved in load_catalog().items():
        assert f"### `{name}` — {saved.title}" in docs


def test_a_runaway_query_is_stopped_at_the_time_limit() -> None:
    import time

    started = time.monotonic()
    out = accsm(
        "query",
        "--sparql",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND()",
        "--timeout",
        "2",
    )
    elapsed = time.monotonic() - started
    assert out.returncode == 2
    assert out.stderr.strip() == "error: the query ran longer than 2 s and was stopped"
    assert elapsed < 30  # loading takes a second or two; the query itself would run for ages
