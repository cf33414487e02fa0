"""Find the knowledge graph's packaged folders (ontology, data, shapes, queries).

An installed wheel carries them as ``accsm_kg/assets/<name>`` (see pyproject.toml). An
editable install or a plain checkout has no ``assets`` folder; the folders then sit at the
repository root, next to ``src/``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

ASSET_NAMES = ("ontology", "data", "shapes", "queries")


class AssetNotFoundError(FileNotFoundError):
    """A packaged folder is missing from both the installed package and the checkout."""


def _check_name(name: str) -> None:
    if not name or name in {".", ".."} or "/" in name or "\\" in name:
        raise ValueError(f"not a plain folder name: {name!r}")


def packaged_dir(name: str) -> Path | None:
    """The folder inside the installed package, or None when the package has none."""
    candidate = files("accsm_kg") / "assets" / name
    # A wheel is installed as plain files; a zipped package would not give a real path.
    path = Path(str(candidate))
    return path if path.is_dir() else None


def checkout_root() -> Path | None:
    """The repository root when this module runs from a checkout's ``src/``, else None."""
    package = Path(__file__).resolve().parent
    root = package.parents[1]
    if package.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


def checkout_dir(name: str) -> Path | None:
    """The folder at the root of the checkout this module runs from, if any."""
    root = checkout_root()
    path = root / name if root is not None else None
    return path if path is not None and path.is_dir() else None


def asset_dir(name: str, root: Path | str | None = None) -> Path:
    """Return the folder ``name``; ``root`` replaces the packaged location when given."""
    _check_name(name)
    if root is not None:
        path = Path(root) / name
        if not path.is_dir():
            raise AssetNotFoundError(f"{path}: no such folder")
        return path
    for found in (packaged_dir(name), checkout_dir(name)):
        if found is not None:
            return found
    raise AssetNotFoundError(
        f"packaged folder {name!r} not found (neither accsm_kg/assets/{name} nor a checkout)"
    )


def asset_files(name: str, pattern: str = "*", root: Path | str | None = None) -> list[Path]:
    """Files in folder ``name`` matching a glob ``pattern`` (not recursive), sorted by name."""
    return sorted(p for p in asset_dir(name, root).glob(pattern) if p.is_file())
