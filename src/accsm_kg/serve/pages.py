"""Everything at /sparql's side that is not the protocol: the query page and its JSON API,
the partnership network, the static site and dereferenced IRIs, /health."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from accsm_kg.catalog import NAME as QUERY_NAME
from accsm_kg.catalog import SavedQuery
from accsm_kg.load import KnowledgeGraph
from accsm_kg.namespaces import PREFIXES
from accsm_kg.serve.assets import content_type, read_asset, static_files
from accsm_kg.serve.deref import RESOURCE_FORMATS, RESOURCE_TYPES, Resources
from accsm_kg.serve.guard import csp_with
from accsm_kg.serve.negotiate import choose
from accsm_kg.serve.pool import QueryPool
from accsm_kg.serve.sparql import plain, run_job

API_FORMATS = ("json", "csv", "tsv", "xml", "md", "table", "ttl", "nt", "jsonld")
_RESERVED_ARGS = {"lang", "format", "download"}
_INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE
)
_MAX_VIZ_FILE = 64 << 20


def catalog_json(catalog: dict[str, SavedQuery]) -> list[dict[str, Any]]:
    """The saved queries as the query page needs them."""
    return [
        {
            "name": name,
            "title": q.title,
            "description": q.description,
            "text": q.text,
            "params": [
                {
                    "name": p.name,
                    "kind": p.kind,
                    "default": p.default,
                    "required": p.required,
                    "description": p.description,
                    "label": p.describe(),
                }
                for p in q.params
            ],
        }
        for name, q in sorted(catalog.items())
    ]


def inline_script_hashes(page: bytes) -> list[str]:
    """sha256 (base64) of each inline script, for a CSP that allows exactly those."""
    return [
        base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()
        for m in _INLINE_SCRIPT.finditer(page)
    ]


class Viz:
    """The partnership network's files: read from ``dist/viz`` when given, else drawn by
    accsm_kg.viz — the page at startup, the figures and exports on first request (in a
    thread: drawing a PNG takes a second)."""

    def __init__(
        self, files: dict[str, bytes], renderers: dict[str, Callable[[], bytes]] | None = None
    ) -> None:
        self.files = dict(files)
        self.renderers = renderers or {}
        names = [*self.files, *self.renderers]
        pages = [n for n in names if n.endswith(".html")]
        self.page = "index.html" if "index.html" in pages else (pages[0] if pages else None)
        self._drawing = asyncio.Lock()  # one at a time: matplotlib is not thread-safe
        if self.page is not None and self.page not in self.files:
            self.files[self.page] = self.renderers[self.page]()
        self.policy = csp_with(
            inline_script_hashes(self.files[self.page]) if self.page else [], inline_styles=True
        )

    async def get(self, name: str) -> bytes | None:
        if name in self.files:
            return self.files[name]
        if name not in self.renderers:
            return None
        async with self._drawing:
            if name not in self.files:
                self.files[name] = await asyncio.to_thread(self.renderers[name])
        return self.files[name]

    @classmethod
    def load(cls, kg: KnowledgeGraph, dist: Path | None) -> Viz:
        if dist is not None:
            folder = dist / "viz"
            if folder.is_dir():
                return cls(_read_folder(folder))
            print(f"warning: {folder} does not exist; /viz is drawn afresh", file=sys.stderr)
        try:
            from accsm_kg.viz import make_viz
        except ImportError as exc:
            print(f"warning: the partnership network is not available ({exc})", file=sys.stderr)
            return cls({})
        return cls({}, make_viz(kg).renderers)


def _read_folder(folder: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.is_symlink() and p.stat().st_size <= _MAX_VIZ_FILE
    }


class Pages:
    def __init__(
        self,
        pool: QueryPool,
        catalog: dict[str, SavedQuery],
        resources: Resources,
        viz: Viz,
        info: dict[str, Any],
    ) -> None:
        self.pool = pool
        self.catalog = catalog
        self.catalog_json = catalog_json(catalog)
        self.resources = resources
        self.viz = viz
        self.info = info
        self.static = static_files()

    # -- the query page and its API ----------------------------------------------------------
    async def queries_page(self, request: Request) -> Response:
        return Response(read_asset("queries.html"), media_type="text/html; charset=utf-8")

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        data = self.static.get(name)
        if data is None:
            return plain(404, "no such file")
        return Response(
            data, media_type=content_type(name), headers={"Cache-Control": "public, max-age=300"}
        )

    async def api_queries(self, request: Request) -> Response:
        return JSONResponse(self.catalog_json)

    async def api_prefixes(self, request: Request) -> Response:
        return JSONResponse(PREFIXES)

    async def api_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in self.catalog:
            return plain(404, "no saved query of that name; see /api/queries")
        values: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key in values or (
                key in _RESERVED_ARGS and len(request.query_params.getlist(key)) > 1
            ):
                return plain(400, "each parameter may be given once")
            if key not in _RESERVED_ARGS and value != "":
                values[key] = value
        fmt = request.query_params.get("format") or None
        if fmt is not None and fmt not in API_FORMATS:
            return plain(400, f"format is one of {', '.join(API_FORMATS)}")
        lang = request.query_params.get("lang") or None
        job = {
            "op": "saved",
            "name": name,
            "values": values,
            "lang": lang,
            "format": fmt,
            "accept": request.headers.get("accept"),
        }
        headers = {}
        if request.query_params.get("download") and QUERY_NAME.match(name):
            extension = {"table": "txt", "jsonld": "jsonld"}.get(fmt or "json", fmt or "json")
            headers["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
        return await run_job(self.pool, job, headers)

    # -- the partnership network -------------------------------------------------------------
    async def viz_index(self, request: Request) -> Response:
        if self.viz.page is None:
            return Response(
                read_asset("viz-missing.html"), 404, media_type="text/html; charset=utf-8"
            )
        return Response(
            self.viz.files[self.viz.page],
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": self.viz.policy},
        )

    async def viz_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name == self.viz.page:
            return await self.viz_index(request)
        data = await self.viz.get(name)
        if data is None:
            return plain(404, "no such file")
        return Response(data, media_type=content_type(name))

    # -- health ------------------------------------------------------------------------------
    async def health(self, request: Request) -> Response:
        stats = self.pool.stats()
        status = "degraded" if stats["lost"] else "ok"
        return JSONResponse({"status": status, **self.info, "pool": stats})

    # -- the site and the resources ----------------------------------------------------------
    async def index(self, request: Request) -> Response:
        site = self.resources.site
        if site is not None and "index.html" in site:
            return Response(site["index.html"], media_type="text/html; charset=utf-8")
        return Response(read_asset("index.html"), media_type="text/html; charset=utf-8")

    async def anything(self, request: Request) -> Response:
        """A file of the static site, or a resource IRI (content-negotiated), or 404."""
        path = request.url.path.lstrip("/")
        site = self.resources.site or {}
        if path.endswith("/") and f"{path}index.html" in site:
            path = f"{path}index.html"
        if path in site:
            return Response(site[path], media_type=content_type(path))
        iri = self.resources.iri_of(path)
        if iri is None:
            return plain(404, "nothing here: no such page or resource", {"Vary": "Accept"})
        chosen = choose(request.headers.get("accept"), RESOURCE_TYPES)
        if chosen is None:
            return plain(
                406, f"a resource is sent as {', '.join(RESOURCE_TYPES)}", {"Vary": "Accept"}
            )
        fmt = RESOURCE_FORMATS[chosen]
        if fmt == "html" and self.resources.is_term(iri):
            target = self.resources.term_page(iri)
            if target is not None:
                return RedirectResponse(target, 303, headers={"Vary": "Accept"})
        body = self.resources.representation(iri, fmt)
        media = {
            "html": "text/html; charset=utf-8",
            "ttl": "text/turtle; charset=utf-8",
            "jsonld": "application/ld+json",
            "nt": "application/n-triples",
        }[fmt]
        return Response(body, media_type=media, headers={"Vary": "Accept"})
