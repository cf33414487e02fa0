"""Node kinds and link types of the partnership network, read from viz-assets/style.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from accsm_kg.resources import asset_dir

ASSET_FOLDER = "viz-assets"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    plural: str
    color: str
    column: int


@dataclass(frozen=True)
class LinkType:
    key: str
    label: str
    group: str
    color: str


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    color: str


@dataclass(frozen=True)
class Style:
    kinds: dict[str, Kind]
    types: dict[str, LinkType]
    groups: dict[str, Group]
    columns: list[str]
    properties: dict[str, str]  # friendly names of standard properties (IRI → name)

    def kind(self, key: str) -> Kind:
        return self.kinds.get(key) or self.kinds["organisation"]


def asset_path(name: str) -> Path:
    """A file of the viz asset folder (templates, the vendored library, the style)."""
    return asset_dir(ASSET_FOLDER) / name


@cache
def load_style() -> Style:
    data = json.loads(asset_path("style.json").read_text(encoding="utf-8"))
    groups = {k: Group(k, v["label"], v["color"]) for k, v in data["groups"].items()}
    kinds = {
        k: Kind(k, v["label"], v["plural"], v["color"], int(v["column"]))
        for k, v in data["kinds"].items()
    }
    types = {
        k: LinkType(k, v["label"], v["group"], groups[v["group"]].color)
        for k, v in data["types"].items()
    }
    return Style(
        kinds=kinds,
        types=types,
        groups=groups,
        columns=list(data["columns"]),
        properties=dict(data.get("properties", {})),
    )
