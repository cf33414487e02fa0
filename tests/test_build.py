"""accsm-kg build: writes every output into dist/ atomically, never publishes a graph with
violations, and never leaves a half-written or foreign folder behind."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from accsm_kg.build import MARKER, BuildError, build, format_summary
from accsm_kg.catalog import load_catalog
from accsm_kg.export import render, union_triples
from accsm_kg.void import DATASET
from conftest import EXTRA, MINI

SCRIPT = shutil.which("accsm-kg", path=str(Path(sys.executable).parent)) or shutil.which("accsm-kg")
RELEASE_FILES = [
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
    "void.ttl",
    "dcat.ttl",
]
BROKEN = EXTRA / "organisations-without-preflabel.trig"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "the accsm-kg console script is not installed"
    return subprocess.run(
        [SCRIPT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory):
    """The shipped graph built once, with the installed query and site stages."""
    out = tmp_path_factory.mktemp("release") / "dist"
    messages: list[str] = []
    result = build(out=out, issued="2026-01-02", progress=messages.append)
    return result, out, messages


# (rdflib namespaces are used as ns.X: pytest probes module attributes, and closed
# namespaces such as DCAT warn about the probe.)

# --------------------------------------------------------------------------- a good build


def test_build_writes_every_file(release) -> None:
    result, out, _ = release
    assert result.ok
    for name in RELEASE_FILES:
        assert (out / name).is_file(), name
    assert (out / MARKER).is_file()
    assert (out / "site" / "index.html").is_file()
    for name in (
        "partnerships.html",
        "partnerships.png",
        "partnerships.svg",
        "arc-priorities.png",
        "partnerships.graphml",
        "partnerships.gexf",
        "metrics.csv",
    ):
        assert (out / "viz" / name).is_file(), name
    assert result.files == sorted(result.files)
    assert set(RELEASE_FILES) <= set(result.files)


def test_build_publishes_every_saved_query(release) -> None:
    result, out, _ = release
    names = sorted(load_catalog())
    assert names and result.queries_run == len(names)
    for name in names:
        assert (out / "queries" / f"{name}.csv").is_file()
        assert (out / "queries" / f"{name}.json").is_file()
        assert (out / "site" / "queries").is_dir()


def test_exports_in_dist_are_the_exports(release) -> None:
    result, out, _ = release
    for fmt, name in (("ttl", "accsm.ttl"), ("nq", "accsm.nq"), ("jsonld", "accsm.jsonld")):
        assert (out / name).read_text(encoding="utf-8") == render(result.kg, fmt)


def test_void_counts_the_published_triples(release) -> None:
    result, out, _ = release
    void = Graph().parse(out / "void.ttl", format="turtle")
    assert (DATASET, ns.RDF.type, ns.VOID.Dataset) in void
    triples = void.value(DATASET, ns.VOID.triples)
    assert int(triples) == len(union_triples(result.kg)) == result.counts.triples
    assert int(void.value(DATASET, ns.VOID.entities)) == result.counts.entities
    dumps = set(void.objects(DATASET, ns.VOID.dataDump))
    assert URIRef("https://w3id.org/accsm-kg/accsm.nt") in dumps


def test_dcat_describes_the_dataset_and_every_download(release) -> None:
    _, out, _ = release
    dcat = Graph().parse(out / "dcat.ttl", format="turtle")
    assert (DATASET, ns.RDF.type, ns.DCAT.Dataset) in dcat
    assert dcat.value(DATASET, ns.DCTERMS.title) == Literal("ACCSM knowledge graph", lang="en")
    assert dcat.value(DATASET, ns.DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert "CC BY 4.0" in str(dcat.value(DATASET, ns.DCTERMS.rights))
    assert dcat.value(DATASET, ns.DCTERMS.issued) == Literal("2026-01-02", datatype=ns.XSD.date)
    assert str(dcat.value(DATASET, ns.OWL.versionInfo))
    assert int(dcat.value(DATASET, ns.VOID.triples)) > 2000
    downloads = {}
    for dist in dcat.objects(DATASET, ns.DCAT.distribution):
        url = str(dcat.value(dist, ns.DCAT.downloadURL))
        downloads[url.rsplit("/", 1)[1]] = dist
        assert str(dcat.value(dist, ns.DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
    assert set(downloads) == set(RELEASE_FILES) - {"dcat.ttl"}
    for name, dist in downloads.items():
        assert int(dcat.value(dist, ns.DCAT.byteSize)) == (out / name).stat().st_size, name


def test_progress_and_summary(release) -> None:
    result, _, messages = release
    assert messages[0].startswith("loading")
    assert any("saved queries" in m for m in messages)
    assert any("site" in m for m in messages)
    summary = format_summary(result)
    for name in RELEASE_FILES:
        assert f"  {name} " in summary
    assert "queries/" in summary and "site/" in summary
    assert "violations" in summary and "entities" in summary and " s\n" in summary
    assert "build:       ok" in summary


# --------------------------------------------------------------------------- never a bad dist


def test_violations_leave_the_previous_dist_byte_identical(tmp_path: Path) -> None:
    first = run("--assets", MINI, "build", "--out", "dist", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "build: writing the exports" in first.stderr
    before = snapshot(tmp_path / "dist")
    assert "accsm.ttl" in before

    broken = run("--assets", MINI, "build", BROKEN, "--out", "dist", cwd=tmp_path)
    assert broken.returncode == 1
    assert "An organisation needs a preferred label." in broken.stdout
    assert "build:       FAILED" in broken.stdout
    assert snapshot(tmp_path / "dist") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]  # no temp folder left


def _failing_site(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the site broke")


@pytest.mark.parametrize("parallel", [True, False], ids=["validating-aside", "in-turn"])
def test_a_failing_stage_leaves_the_previous_dist(tmp_path: Path, parallel: bool) -> None:
    out = tmp_path / "dist"
    build(root=MINI, out=out, query_runner=None, site_writer=None, parallel=parallel)
    before = snapshot(out)
    with pytest.raises(RuntimeError, match="the site broke"):
        build(root=MINI, out=out, query_runner=None, site_writer=_failing_site, parallel=parallel)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


@pytest.mark.parametrize("parallel", [True, False], ids=["validating-aside", "in-turn"])
def test_violations_win_over_a_stage_that_trips_on_the_bad_data(
    tmp_path: Path, parallel: bool
) -> None:
    """The release stages run while the graph is validated; when one of them fails on a graph
    that does not conform, the validation report is the answer, not the stage's error."""
    out = tmp_path / "dist"
    build(root=MINI, out=out, query_runner=None, site_writer=None, parallel=parallel)
    before = snapshot(out)
    result = build(
        [BROKEN],
        root=MINI,
        out=out,
        query_runner=None,
        site_writer=_failing_site,
        parallel=parallel,
    )
    assert not result.ok and result.report.violations
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_validating_aside_writes_what_validating_in_turn_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    aside = build(root=MINI, out=tmp_path / "a", parallel=True)
    in_turn = build(root=MINI, out=tmp_path / "b", parallel=False)
    assert aside.ok and in_turn.ok
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")

    def summary(result: object, out: Path) -> list[str]:
        lines = format_summary(result).replace(str(out), "OUT").splitlines()  # type: ignore[arg-type]
        return [line for line in lines if not line.startswith("build:")]  # the time differs

    assert summary(aside, tmp_path / "a") == summary(in_turn, tmp_path / "b")
    assert any(line.startswith("queries:") for line in summary(aside, tmp_path / "a"))


def test_a_second_build_replaces_the_first(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build(root=MINI, out=out, query_runner=None, site_writer=None)
    (out / "stale.txt").write_text("from an older release")
    result = build(root=MINI, out=out, query_runner=None, site_writer=None)
    assert result.ok and not (out / "stale.txt").exists()
    assert (out / "accsm.ttl").is_file()


def test_missing_stages_are_skipped_with_a_note(tmp_path: Path) -> None:
    result = build(root=MINI, out=tmp_path / "dist", query_runner=None, site_writer=None)
    assert not (tmp_path / "dist" / "queries").exists()
    assert not (tmp_path / "dist" / "site").exists()
    summary = format_summary(result)
    assert "saved queries: no query stage installed, skipped" in summary
    assert "site: no site stage installed, skipped" in summary


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path: Path) -> None:
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    with pytest.raises(BuildError, match="did not write"):
        build(root=MINI, out=precious, query_runner=None, site_writer=None)
    assert (precious / "thesis.txt").read_text() == "do not delete"

    done = run("--assets", MINI, "build", "--out", precious, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")
    assert (precious / "thesis.txt").is_file()


def test_refuses_an_out_folder_whose_parent_is_missing(tmp_path: Path) -> None:
    done = run("--assets", MINI, "build", "--out", tmp_path / "no" / "dist", cwd=tmp_path)
    assert done.returncode == 2
    assert "does not exist" in done.stderr.splitlines()[-1]


def test_base_url_and_issued_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    out = tmp_path / "dist"
    build(
        root=MINI,
        out=out,
        base_url="https://example.org/accsm",
        query_runner=None,
        site_writer=None,
    )
    dcat = Graph().parse(out / "dcat.ttl", format="turtle")
    urls = {str(u) for u in dcat.objects(None, ns.DCAT.downloadURL)}
    assert "https://example.org/accsm/accsm.ttl" in urls
    assert dcat.value(DATASET, ns.DCTERMS.issued) == Literal("2023-11-14", datatype=ns.XSD.date)


def test_builds_are_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(root=MINI, out=tmp_path / "a", query_runner=None, site_writer=None)
    build(root=MINI, out=tmp_path / "b", query_runner=None, site_writer=None)
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_whole_release(tmp_path: Path) -> None:
    """kill -9 at several moments of a build: dist/ is always the old or the new release,
    never missing or half-written (Linux swaps the folders in one renameat2 exchange)."""
    import hashlib
    import random
    import signal
    import subprocess
    import sys
    import time

    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, "-m", "accsm_kg", "build", "--out", "dist"]
    subprocess.run(command, cwd=tmp_path, env=env, check=True, capture_output=True, timeout=300)
    dist = tmp_path / "dist"

    def fingerprint() -> dict[str, str]:
        return {
            str(p.relative_to(dist)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(dist.rglob("*"))
            if p.is_file()
        }

    release = fingerprint()
    rng = random.Random(8)
    for _ in range(5):
        process = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.5, 5.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert fingerprint() == release  # same input, so old and new releases are identical
