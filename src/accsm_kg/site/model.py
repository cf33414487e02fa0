"""The page model: plain data that the templates render, built from the knowledge graph.

Hrefs inside the model are relative to the site root (``id/arc/kh/index.html``); a template
prefixes them with the way back to the root from the page being rendered, so every link in
the written site is relative and works from ``file://`` as well as from any static host.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: The languages of the language switch, English first (the fallback).
LANGUAGES: tuple[str, ...] = ("en", "vi", "km", "th")
#: Each language named in itself, for the switch.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "vi": "Tiếng Việt", "km": "ខ្មែរ", "th": "ไทย"}


@dataclass(frozen=True)
class Labels:
    """A name in several languages: ``default`` shows without JavaScript and whenever the
    chosen language has no variant; ``variants`` are (language, text) for the others."""

    default: str
    default_lang: str | None = "en"
    variants: tuple[tuple[str, str], ...] = ()

    @property
    def has(self) -> str:
        """The languages with a variant, space separated (matched by CSS ``~=``)."""
        return " ".join(lang for lang, _ in self.variants)

    def text(self, lang: str) -> str:
        """The text a reader of ``lang`` sees."""
        return dict(self.variants).get(lang, self.default)

    @classmethod
    def plain(cls, text: str) -> Labels:
        return cls(default=text, default_lang="en")


@dataclass(frozen=True)
class Link:
    """A hyperlink to a resource: internal (``href`` relative to the site root), external
    (``href`` absolute), or none (``href`` None, shown as text)."""

    iri: str
    labels: Labels
    href: str | None = None
    external: bool = False
    curie: str = ""


@dataclass(frozen=True)
class Value:
    """One object of a statement: a link or a literal, with the passages stating it."""

    link: Link | None = None
    text: str = ""
    lang: str | None = None
    datatype: str | None = None  # a CURIE such as xsd:gYear; None for strings
    date_precision: str | None = None  # "day", "month" or "year" for dates
    notes: tuple[int, ...] = ()  # numbers of the passages (see ResourcePage.passages)
    inline: tuple[PropertyRow, ...] = ()  # details of an unlabelled linked resource


@dataclass(frozen=True)
class PropertyRow:
    prop: Link
    values: tuple[Value, ...]


@dataclass(frozen=True)
class IncomingGroup:
    heading: Labels
    prop: Link
    items: tuple[Value, ...]


@dataclass(frozen=True)
class Passage:
    """A named graph holding facts about a resource, as g:meta describes it."""

    number: int
    graph: Link
    kind: str
    title: str
    locator: str
    description: str
    source: Link | None = None


@dataclass(frozen=True)
class Claim:
    value: Value
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class ConflictView:
    link: Link
    comment: str
    about_property: Link | None
    kind: Link | None
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class LabelEntry:
    prop: Link
    lang: str | None
    text: str


@dataclass(frozen=True)
class Statement:
    subject: Link
    prop: Link
    value: Value


@dataclass
class ResourcePage:
    iri: str
    curie: str
    path: str  # relative to the site root, e.g. id/arc/kh/index.html
    title: Labels
    labels: list[LabelEntry] = field(default_factory=list)
    types: list[Link] = field(default_factory=list)
    properties: list[PropertyRow] = field(default_factory=list)
    incoming: list[IncomingGroup] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    conflicts: list[ConflictView] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)  # for a named graph's page

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0]


@dataclass(frozen=True)
class QueryPage:
    """A saved query and its results, as the site shows them.

    ``rows`` map column names to display strings; a cell that is the IRI of a resource of
    the site becomes a link showing the resource's label.
    """

    name: str
    title: str
    description: str
    parameters: Sequence[tuple[str, str]]
    query: str
    columns: Sequence[str]
    rows: Sequence[Mapping[str, str]]


@dataclass(frozen=True)
class Download:
    """A file the build writes next to the site folder (``../name`` from the site root)."""

    name: str
    description: str
