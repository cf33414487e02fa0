"""Hatch build hook: ship the top-level asset folders in the wheel as accsm_kg/assets/<name>.

It does what ``[tool.hatch.build.targets.wheel.force-include]`` would do, except that a
folder which does not exist (git keeps no empty folders, e.g. queries/ before the first
saved query) is skipped instead of failing the build. Editable installs get nothing: they
read the folders from the checkout (see src/accsm_kg/resources.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class AssetFoldersHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        for name in self.config.get("asset-folders", []):
            source = Path(self.root) / name
            if source.is_dir():
                build_data["force_include"][str(source)] = f"accsm_kg/assets/{name}"
