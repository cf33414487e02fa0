"""The static site: an index with search, a page per resource, ontology documentation and
a page per saved query, fully offline, in English, Vietnamese, Khmer and Thai."""

from accsm_kg.site.model import Download, QueryPage
from accsm_kg.site.write import build_site_files, write_site

__all__ = ["Download", "QueryPage", "build_site_files", "write_site"]
