"""Runs the installed console script, as a user would."""

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import EXTRA, MINI

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = shutil.which("accsm-kg", path=str(Path(sys.executable).parent)) or shutil.which("accsm-kg")
COMMANDS = ["validate", "stats", "build"]


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the accsm-kg console script is not installed"
    return subprocess.run(
        [SCRIPT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def mini(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run("--assets", MINI, *args, cwd=cwd)


def test_version(tmp_path: Path) -> None:
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = run("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"accsm-kg {expected}"


def test_top_level_help_lists_commands(tmp_path: Path) -> None:
    result = run("--help", cwd=tmp_path)
    assert result.returncode == 0
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_explains_itself_and_its_exit_codes(tmp_path: Path, name: str) -> None:
    result = run(name, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert f"usage: accsm-kg {name}" in result.stdout
    assert "exit codes:" in result.stdout
    assert "  2  unusable input" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "error: the following arguments are required: COMMAND (see 'accsm-kg --help')"),
        (("nope",), "error: argument COMMAND: invalid choice: 'nope'"),
        (("validate", "--bogus"), "error: unrecognized arguments: --bogus"),
        (("stats", "--format", "xml"), "error: argument --format: invalid choice: 'xml'"),
    ],
)
def test_misuse_is_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_validate_conforming(tmp_path: Path) -> None:
    result = mini("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Validation: conforms")


def test_validate_warnings_only_exits_0(tmp_path: Path) -> None:
    result = mini("validate", EXTRA / "country-without-english-name.trig", cwd=tmp_path)
    assert result.returncode == 0
    assert "Warning: A country should have an English name." in result.stdout


def test_validate_violations_exit_1(tmp_path: Path) -> None:
    result = mini("validate", EXTRA / "organisations-without-preflabel.trig", cwd=tmp_path)
    assert result.returncode == 1
    assert "An organisation needs a preferred label." in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("fmt", ["json", "turtle"])
def test_validate_formats(tmp_path: Path, fmt: str) -> None:
    result = mini(
        "validate", "--format", fmt, EXTRA / "membership-of-an-organisation.trig", cwd=tmp_path
    )
    assert result.returncode == 1
    if fmt == "json":
        assert json.loads(result.stdout)[0]["message"] == "A membership's member must be a country."
    else:
        assert "sh:ValidationReport" in result.stdout


def test_options_work_after_the_command(tmp_path: Path) -> None:
    result = run("validate", "--assets", MINI, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_syntax_error_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:g {\n  ex:a ex:b .\n}\n")
    result = mini("validate", bad, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {bad}:3: ")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "name,message",
    [
        ("missing.trig", "no such file"),
        ("data.xml", "unsupported file extension '.xml' (accepted: .trig, .ttl, .nq, .nt)"),
    ],
)
def test_unusable_files_exit_2(tmp_path: Path, name: str, message: str) -> None:
    if name.endswith(".xml"):
        (tmp_path / name).write_text("<rdf:RDF/>")
    result = mini("validate", name, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"error: {name}: {message}\n"


def test_shapes_that_cannot_run_exit_2(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "mini")
    (tmp_path / "mini" / "shapes" / "mini.ttl").unlink()
    result = run("validate", "--assets", tmp_path / "mini", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: no shapes to validate against")


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = mini("--debug", "validate", "missing.trig", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr
    assert "LoadError" in result.stderr


def test_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    result = mini("validate", "--format", "xml", cwd=tmp_path)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_stats_text_and_json(tmp_path: Path) -> None:
    text = mini("stats", cwd=tmp_path)
    assert text.returncode == 0
    assert "provenance coverage:  100.0 %" in text.stdout
    data = json.loads(mini("stats", "--format", "json", cwd=tmp_path).stdout)
    assert data["asean_member_states"] == ["cty:kh", "cty:vn"]


def test_build_exit_codes(tmp_path: Path) -> None:
    ok = mini("build", cwd=tmp_path)
    assert ok.returncode == 0
    assert "build:       ok" in ok.stdout
    failed = mini("build", EXTRA / "organisations-without-preflabel.trig", cwd=tmp_path)
    assert failed.returncode == 1
    assert "An organisation needs a preferred label." in failed.stdout
    assert "build:       FAILED" in failed.stdout


def test_packaged_assets_are_found_from_anywhere(tmp_path: Path) -> None:
    """No --assets and a working directory outside the checkout."""
    result = run("stats", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["triples_ontology"] > 0


SHAPE_FIXTURES = Path(__file__).parent / "fixtures" / "shapes"


@pytest.mark.parametrize(
    "shape,message",
    [
        ("CountryShape", "This country has no Khmer name (skos:prefLabel @km)."),
        (  # a SPARQL-based constraint
            "IssuedNotBeforeAdoptionShape",
            "This document's date is before the start of the meeting that adopted it.",
        ),
        (  # a node-level sh:or over the meta graph
            "NamedGraphProvenanceShape",
            "This named graph holds facts but is not described as a source passage, a curated "
            "graph or a public-reference graph in the meta graph.",
        ),
    ],
)
def test_validate_a_shape_fixture_and_its_twin(tmp_path: Path, shape: str, message: str) -> None:
    invalid = run("validate", SHAPE_FIXTURES / shape / "invalid.trig", cwd=tmp_path)
    assert invalid.returncode == 1, invalid.stdout + invalid.stderr
    assert f"Violation: {message}\n" in invalid.stdout
    assert f"  shape:  ash:{shape}" in invalid.stdout
    valid = run("validate", SHAPE_FIXTURES / shape / "valid.trig", cwd=tmp_path)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert valid.stdout.startswith("Validation: conforms — 0 violations, 0 warnings, 0 infos.")


def test_validate_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    import os
    import pty

    assert SCRIPT
    main, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [SCRIPT, "--assets", str(MINI), "validate"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=secondary,
            timeout=120,
        )
        os.close(secondary)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(main)
    assert done.returncode == 0
    lines = seen.decode("utf-8").splitlines()
    assert lines[0].startswith("validate: loading")
    assert lines[1].startswith("validate: validating ") and "triples" in lines[1]
    assert lines[-1].startswith("validate: done in ")

    piped = mini("validate", cwd=tmp_path)
    assert piped.returncode == 0 and "validate:" not in piped.stderr


def test_the_progress_ticker_ticks_while_the_block_runs_and_stops_after() -> None:
    import time

    from accsm_kg.cli import _every

    ticks: list[float] = []
    with _every(0.05, lambda: ticks.append(time.monotonic())):
        time.sleep(0.3)
    seen = len(ticks)
    time.sleep(0.15)
    assert seen >= 3
    assert len(ticks) == seen
