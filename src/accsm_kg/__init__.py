"""accsm-kg: an RDF knowledge graph of ASEAN cooperation on civil-service matters."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("accsm-kg")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
