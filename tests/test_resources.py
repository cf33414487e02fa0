from pathlib import Path

import pytest

import accsm_kg
from accsm_kg import resources
from accsm_kg.resources import AssetNotFoundError, asset_dir, asset_files


def test_root_replaces_the_packaged_location(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert asset_dir("data", root=tmp_path) == tmp_path / "data"


def test_missing_folder_under_root_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AssetNotFoundError, match="no such folder"):
        asset_dir("shapes", root=tmp_path)


@pytest.mark.parametrize("name", ["", "..", "../data", "a/b", "a\\b"])
def test_only_plain_folder_names(name: str) -> None:
    with pytest.raises(ValueError):
        asset_dir(name)


def test_asset_files_are_sorted_filtered_and_not_recursive(tmp_path: Path) -> None:
    folder = tmp_path / "shapes"
    (folder / "sub").mkdir(parents=True)
    for name in ["b.ttl", "a.ttl", "c.trig", "sub/d.ttl"]:
        (folder / name).write_text("")
    (folder / "dir.ttl").mkdir()
    found = asset_files("shapes", "*.ttl", root=tmp_path)
    assert [p.name for p in found] == ["a.ttl", "b.ttl"]


def test_packaged_folder_wins_over_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    packaged, checkout = tmp_path / "packaged", tmp_path / "checkout"
    monkeypatch.setattr(resources, "packaged_dir", lambda name: packaged)
    monkeypatch.setattr(resources, "checkout_dir", lambda name: checkout)
    assert asset_dir("data") == packaged


def test_checkout_is_the_fallback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(resources, "packaged_dir", lambda name: None)
    monkeypatch.setattr(resources, "checkout_dir", lambda name: tmp_path)
    assert asset_dir("data") == tmp_path


def test_neither_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "packaged_dir", lambda name: None)
    monkeypatch.setattr(resources, "checkout_dir", lambda name: None)
    with pytest.raises(AssetNotFoundError, match="'data'"):
        asset_dir("data")


def test_the_installed_package_finds_its_ontology() -> None:
    """From a wheel the ontology comes from accsm_kg/assets; from a checkout, the root."""
    package = Path(accsm_kg.__file__).resolve().parent
    expected = (
        package / "assets" / "ontology"
        if (package / "assets").is_dir()
        else package.parents[1] / "ontology"
    )
    assert asset_dir("ontology") == expected
    assert (expected / "accsm.ttl").is_file()
