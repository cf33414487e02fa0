"""Render page models with the Jinja templates of the site-templates folder."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from accsm_kg.site.context import templates_dir
from accsm_kg.site.model import LANGUAGE_NAMES, LANGUAGES
from accsm_kg.site.paths import INDEX_PAGE, ONTOLOGY_PAGE, STATIC, back_to_root
from accsm_kg.site.scripts import guess_language, mark_scripts


class Renderer:
    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(templates_dir())),
            autoescape=True,  # every value from the data is escaped
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals.update(
            languages=LANGUAGES,
            language_names=LANGUAGE_NAMES,
            index_page=INDEX_PAGE,
            ontology_page=ONTOLOGY_PAGE,
            static=STATIC,
        )
        self.env.filters["guess_lang"] = lambda text: guess_language(str(text))
        self.env.filters["mark_scripts"] = mark_scripts

    def render(self, template: str, path: str, **context: object) -> bytes:
        """Render ``template`` for the page written at ``path`` (relative to the site root)."""
        text = self.env.get_template(template).render(
            root=back_to_root(path), page_path=path, **context
        )
        return text.encode("utf-8")
