"""The saved queries: ``queries/NAME.rq`` files with a header of comments, then the query.

Header lines (design §5)::

    # title: Which ARC supports which priority area
    # description: one or more lines; a line starting with '#   ' continues the previous field
    # param: lang (language tag, default en)
    # param: plan (work-plan IRI or slug, default accsm-2008-2012) — the plan to list
    # param: as_of (date, optional) — members at this date

A parameter's spec in brackets starts with its kind — ``language tag``, ``date``, ``text``,
``<kind> IRI or slug`` (``<kind>`` is the ``/id/<kind>/`` segment of the IRIs it takes) or
``resource IRI or slug`` — followed by ``default VALUE``, ``optional`` or ``required``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from accsm_kg.resources import AssetNotFoundError, asset_files

_FIELD = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
_PARAM = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*(?:[—-]+\s*(.*))?$")
_IRI_KIND = re.compile(r"^([a-z][a-z0-9-]*) IRI or slug$")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class CatalogError(Exception):
    """A saved query file is malformed, or a requested query does not exist."""


@dataclass(frozen=True)
class Param:
    """One parameter of a saved query."""

    name: str
    kind: str  # "lang", "date", "text", "iri" (any resource) or "iri:<kind>"
    default: str | None = None
    required: bool = False
    description: str = ""

    @property
    def iri_kind(self) -> str | None:
        """The /id/<kind>/ segment an IRI parameter takes; None for any resource."""
        return self.kind.split(":", 1)[1] if self.kind.startswith("iri:") else None

    def describe(self) -> str:
        kind = {"lang": "language", "date": "date", "text": "text", "iri": "resource"}.get(
            self.kind, f"{self.iri_kind} IRI/slug"
        )
        if self.default is not None:
            state = f"default {self.default}"
        else:
            state = "required" if self.required else "optional"
        return f"{self.name} ({kind}, {state})"


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path | None = None
    header: dict[str, str] = field(default_factory=dict, compare=False)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _param_kind(spec: str, where: str) -> str:
    spec = spec.strip()
    if spec == "language tag":
        return "lang"
    if spec in ("date", "text"):
        return spec
    if spec == "resource IRI or slug":
        return "iri"
    found = _IRI_KIND.match(spec)
    if found:
        return f"iri:{found.group(1)}"
    raise CatalogError(f"{where}: unknown parameter kind {spec!r}")


def parse_param(line: str, where: str) -> Param:
    """Parse the text after ``# param:``."""
    found = _PARAM.match(line.strip())
    if not found:
        raise CatalogError(f"{where}: cannot read parameter line {line!r}")
    name, spec, description = found.group(1), found.group(2), (found.group(3) or "").strip()
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise CatalogError(f"{where}: parameter {name} has no kind")
    kind = _param_kind(parts[0], where)
    default: str | None = None
    required = False
    for part in parts[1:]:
        if part.startswith("default "):
            default = part[len("default ") :].strip()
        elif part == "required":
            required = True
        elif part != "optional":
            raise CatalogError(f"{where}: parameter {name}: cannot read {part!r}")
    if required and default is not None:
        raise CatalogError(f"{where}: parameter {name} is required and has a default")
    return Param(name, kind, default, required, description)


def parse_saved_query(text: str, name: str, path: Path | None = None) -> SavedQuery:
    """Read a saved query's header and keep its full text (header included)."""
    where = str(path or name)
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        found = _FIELD.match(stripped)
        if found:
            key, value = found.group(1), found.group(2).strip()
            if key == "param":
                params.append(parse_param(value, where))
                last = None
            else:
                fields[key] = (fields.get(key, "") + " " + value).strip()
                last = key
            continue
        more = _CONTINUATION.match(line.rstrip())
        if more and last:
            fields[last] = f"{fields[last]} {more.group(1).strip()}"
    if "title" not in fields:
        raise CatalogError(f"{where}: the header has no '# title:' line")
    seen = [p.name for p in params]
    if len(seen) != len(set(seen)):
        raise CatalogError(f"{where}: a parameter is declared twice")
    return SavedQuery(
        name=name,
        title=fields["title"],
        description=fields.get("description", ""),
        params=tuple(params),
        text=text,
        path=path,
        header=fields,
    )


def load_catalog(root: Path | str | None = None) -> dict[str, SavedQuery]:
    """Every saved query in queries/*.rq, by name (the file name without .rq)."""
    try:
        files = asset_files("queries", "*.rq", root)
    except AssetNotFoundError:
        return {}
    catalog = {}
    for path in files:
        name = path.stem
        if not NAME.match(name):
            raise CatalogError(f"{path}: query names are lower-case words joined by '-'")
        catalog[name] = parse_saved_query(path.read_text(encoding="utf-8"), name, path)
    return catalog


def get_query(name: str, catalog: dict[str, SavedQuery]) -> SavedQuery:
    if name not in catalog:
        known = ", ".join(sorted(catalog)) or "none"
        raise CatalogError(f"no saved query named {name!r} (saved queries: {known})")
    return catalog[name]
