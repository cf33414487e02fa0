"""The server's own files (the query page, its script, highlighter and style), read once.

They live in the ``serve-assets`` folder at the top of the checkout, shipped in the wheel as
``accsm_kg/assets/serve-assets`` (see pyproject.toml). Files under ``static/`` are served at
``/assets/NAME`` from memory, by exact name: no request path ever reaches the file system.
"""

from __future__ import annotations

from functools import cache

from accsm_kg.resources import asset_dir

FOLDER = "serve-assets"
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".rq": "application/sparql-query",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".rdf": "application/rdf+xml",
    ".csv": "text/csv; charset=utf-8",
    ".tsv": "text/tab-separated-values; charset=utf-8",
    ".graphml": "application/xml",
    ".gexf": "application/xml",
}


def content_type(name: str) -> str:
    """The media type of a file by its extension (octet-stream when unknown)."""
    dot = name.rfind(".")
    return (
        _TYPES.get(name[dot:].lower(), "application/octet-stream")
        if dot >= 0
        else ("application/octet-stream")
    )


@cache
def read_asset(name: str) -> bytes:
    """A file of the serve-assets folder (a fixed name from this package, never a request's)."""
    return (asset_dir(FOLDER) / name).read_bytes()


@cache
def static_files() -> dict[str, bytes]:
    """Every file under serve-assets/static, by name."""
    folder = asset_dir(FOLDER) / "static"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
