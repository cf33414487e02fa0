"""Pieces of the server that need no running server: the viz files, inline-script hashes,
the page given a resource's folder, the service description."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from accsm_kg.namespaces import SD
from accsm_kg.serve.deref import with_base
from accsm_kg.serve.guard import bad_path
from accsm_kg.serve.pages import Viz, inline_script_hashes
from accsm_kg.serve.sparql import service_description


def _sha(text: bytes) -> str:
    return base64.b64encode(hashlib.sha256(text).digest()).decode()


def test_inline_script_hashes_skip_external_scripts() -> None:
    page = b'<script src="/a.js"></script><script>var a = 1;</script><SCRIPT type="x">b</SCRIPT>'
    assert inline_script_hashes(page) == [_sha(b"var a = 1;"), _sha(b"b")]


def test_viz_from_a_dist_folder(tmp_path: Path) -> None:
    folder = tmp_path / "viz"
    folder.mkdir()
    (folder / "partnerships.html").write_bytes(b"<html><script>go()</script></html>")
    (folder / "metrics.csv").write_bytes(b"a,b\n")
    (folder / "link.csv").symlink_to(tmp_path / "elsewhere")
    viz = Viz.load(None, tmp_path)  # type: ignore[arg-type]  (never drawn: the folder is used)
    assert viz.page == "partnerships.html"
    assert set(viz.files) == {"partnerships.html", "metrics.csv"}
    assert f"'sha256-{_sha(b'go()')}'" in viz.policy


def test_viz_draws_files_only_when_asked() -> None:
    import asyncio

    drawn: list[str] = []

    def draw(name: str) -> bytes:
        drawn.append(name)
        return name.encode()

    viz = Viz({}, {n: (lambda n=n: draw(n)) for n in ("partnerships.html", "a.png")})
    assert drawn == ["partnerships.html"]
    assert asyncio.run(viz.get("a.png")) == b"a.png"
    assert asyncio.run(viz.get("a.png")) == b"a.png"
    assert asyncio.run(viz.get("b.png")) is None
    assert drawn == ["partnerships.html", "a.png"]


def test_with_base() -> None:
    page = b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head></html>'
    assert with_base(page, "id/arc/kh").startswith(
        b'<!DOCTYPE html>\n<html><head><base href="/id/arc/kh/">'
    )
    assert with_base(b'<head><base href="/x/">', "y") == b'<head><base href="/x/">'


def test_bad_paths() -> None:
    assert bad_path("/id/arc/kh", b"/id/arc/kh") is None
    for path in ("/a/../b", "/a/./b", "//etc", "/a\\b", "/a\x00", "/.."):
        assert bad_path(path, None), path
    assert bad_path("/a/b", b"/a%2Fb")


def test_service_description() -> None:
    graph = Graph().parse(
        data=service_description("http://127.0.0.1:1/sparql", 10, {"urn:g": 10}).serialize(),
        format="turtle",
    )
    assert (URIRef("http://127.0.0.1:1/sparql"), RDF.type, SD.Service) in graph
    assert len(list(graph.subjects(SD.name, URIRef("urn:g")))) == 1
