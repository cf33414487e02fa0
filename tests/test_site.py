"""The static site: page models, escaping, offline assets, links, languages, determinism."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL

from accsm_kg.load import KnowledgeGraph, extend_knowledge_graph, load_knowledge_graph
from accsm_kg.namespaces import ARC, CONFLICT, CTY, EVT, PLAN, SRC, G
from accsm_kg.site import QueryPage, build_site_files, write_site
from accsm_kg.site.context import SiteContext
from accsm_kg.site.index import DEFAULT_DOWNLOADS
from accsm_kg.site.model import ResourcePage, Value
from accsm_kg.site.ontology import build_ontology_page
from accsm_kg.site.paths import resource_path
from accsm_kg.site.resource import ResourcePages
from accsm_kg.site.scripts import guess_language, mark_scripts

FIXTURES = Path(__file__).parent / "fixtures" / "site"
SAMPLE_QUERY = QueryPage(
    name="arc-themes",
    title="Themes of the ARCs <as of 2017>",
    description="Each ARC & its theme.",
    parameters=[("lang", "language tag, default en")],
    query="SELECT ?arc ?theme WHERE { ?arc <x> ?theme } # <script>",
    columns=["arc", "theme", "note"],
    rows=[
        {"arc": str(ARC.kh), "theme": "ការផ្តល់សេវាសាធារណៈ", "note": "<b>bold</b>"},
        {"arc": str(ARC.th), "theme": "หลักนิติธรรม", "note": ""},
    ],
)
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return load_knowledge_graph()


@pytest.fixture(scope="module")
def ctx(kg: KnowledgeGraph) -> SiteContext:
    return SiteContext(kg)


@pytest.fixture(scope="module")
def pages(ctx: SiteContext) -> ResourcePages:
    return ResourcePages(ctx)


@pytest.fixture(scope="module")
def site(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "site"
    write_site(kg, out, [SAMPLE_QUERY])
    return out


def texts(values: tuple[Value, ...] | list[Value]) -> list[str]:
    return [v.link.labels.default if v.link else v.text for v in values]


def row(page: ResourcePage, curie: str):
    found = [r for r in page.properties if r.prop.curie == curie]
    assert found, f"{page.curie} has no {curie} row"
    return found[0]


# -- page model ------------------------------------------------------------------------


def test_arc_page_lists_host_country_theme_and_khmer_passage(pages: ResourcePages) -> None:
    page = pages.build(ARC.kh)
    assert page.path == "id/arc/kh/index.html"
    assert page.title.default == "ASEAN Resource Centre of Cambodia"
    assert [t.curie for t in page.types] == ["accsm:ResourceCentre"]
    host = row(page, "accsm:hostCountry").values
    assert texts(host) == ["Cambodia"]
    assert host[0].link is not None and host[0].link.href == "id/country/kh/index.html"
    # The theme sits on an unlabelled theme assignment, shown inline.
    assignment = row(page, "accsm:hasThemeAssignment").values[0]
    themes = [v for r in assignment.inline if r.prop.curie == "accsm:theme" for v in r.values]
    assert [v.link.iri for v in themes if v.link] == [
        str(URIRef(str(ARC)).replace("arc/", "concept/") + "arc-theme-kh")
    ]
    assert dict(themes[0].link.labels.variants)["km"] == "ការផ្តល់សេវាសាធារណៈ"
    khmer = [
        p for p in page.passages if p.source and p.source.iri == str(SRC["km-accsm-introduction"])
    ]
    assert khmer and all(p.kind == "source passage" and p.locator for p in khmer)
    assert {p.graph.curie for p in khmer} >= {"g:km-arcs-history", "g:km-arc-themes"}
    # Every value cites passages that the page lists.
    numbers = {p.number for p in page.passages}
    assert all(set(v.notes) <= numbers and v.notes for r in page.properties for v in r.values)


def test_country_page_lists_hosted_arc_under_an_incoming_heading(pages: ResourcePages) -> None:
    page = pages.build(CTY.kh)
    groups = {g.heading.default: g for g in page.incoming}
    assert "hosted ARCs" in groups
    assert [v.link.iri for v in groups["hosted ARCs"].items if v.link] == [str(ARC.kh)]
    assert groups["hosted ARCs"].prop.curie == "accsm:hostCountry"
    assert {lang for lang, _ in page.title.variants} == {"vi", "km", "th"}


def test_incoming_headings_read_backwards(pages: ResourcePages) -> None:
    chaired = pages.build(URIRef("https://w3id.org/accsm-kg/id/person/pham-thi-thanh-tra"))
    headings = [g.heading.default for g in chaired.incoming]
    assert "meetings chaired" in headings
    group = next(g for g in chaired.incoming if g.heading.default == "meetings chaired")
    assert str(EVT["accsm-21"]) in [v.link.iri for v in group.items if v.link]
    # The heading may depend on the class of the linking resource.
    headings = pages.headings
    host = URIRef("https://w3id.org/accsm-kg/ontology/hostCountry")
    assert headings.heading(host, EVT["accsm-21"]) == "events hosted"
    assert headings.heading(host, URIRef("https://w3id.org/accsm-kg/id/place/manila")) == (
        "places in this country"
    )
    # A property without an entry falls back to "<label> (incoming)".
    assert headings.heading(OWL.sameAs, ARC.kh) == "same as (incoming)"


def test_conflict_is_shown_on_the_plan_page(pages: ResourcePages) -> None:
    page = pages.build(PLAN["accsm-2008-2012"])
    conflicts = {c.link.iri: c for c in page.conflicts}
    period = conflicts[str(CONFLICT["accsm-2008-2012-period"])]
    assert period.about_property is not None and period.about_property.curie == "accsm:endDate"
    claimed = {c.value.text: [p.graph.curie for p in c.passages] for c in period.claims}
    assert claimed == {"2012": ["g:vi-wp-heading"], "2015": ["g:km-work-plans"]}
    assert all(p.title and p.locator for c in period.claims for p in c.passages)
    assert "2008-2015" in period.comment


def test_graph_page_lists_the_statements_of_its_graph(pages: ResourcePages) -> None:
    page = pages.build(G["km-arc-themes"])
    assert page.path == "graph/km-arc-themes/index.html"
    assert any(s.subject.iri == str(ARC.kh) for s in page.statements)
    assert any(r.prop.curie == "prov:wasDerivedFrom" for r in page.properties)


def test_resource_paths_follow_the_iri() -> None:
    assert resource_path(ARC.kh) == "id/arc/kh/index.html"
    assert resource_path(URIRef("https://w3id.org/accsm-kg/ontology/Country")) is None
    assert resource_path(URIRef("https://w3id.org/accsm-kg/id/arc/../../x")) is None
    assert resource_path(URIRef("http://www.wikidata.org/entity/Q424")) is None


def test_ontology_page_documents_terms_with_shapes(ctx: SiteContext) -> None:
    page = build_ontology_page(ctx)
    classes = {t.link.curie: t for t in page.classes}
    props = {t.link.curie: t for t in page.properties}
    country = classes["accsm:Country"]
    assert country.comment and country.link.labels.default == "country"
    assert "superclass of" in dict(country.relations)
    assert {"accsm:MemberState", "accsm:DialoguePartnerCountry"} <= {
        link.curie for link in dict(country.relations)["superclass of"]
    }
    assert any(s.how == "targets" and s.shape.curie == "ash:CountryShape" for s in country.shapes)
    host = props["accsm:hostCountry"]
    assert [link.curie for link in dict(host.relations)["range"]] == ["accsm:Country"]
    assert host.kind == "object property"
    assert any(s.how == "constrains" for s in host.shapes)
    reused = {t.link.curie: t for t in page.reused}
    assert any(s.how == "constrains" for s in reused["skos:prefLabel"].shapes)
    assert reused["org:Membership"].external and reused["org:Membership"].link.href.startswith(
        "http"
    )
    assert {s.link.curie for s in page.shapes} >= {"ash:CountryShape"}


def test_guess_language_of_result_cells() -> None:
    assert guess_language("ការផ្តល់សេវាសាធារណៈ") == "km"
    assert guess_language("หลักนิติธรรม") == "th"
    assert guess_language("Việt Nam") == "vi"
    assert guess_language("Cambodia") is None


def test_runs_of_another_script_get_their_own_lang() -> None:
    marked = str(mark_scripts("reads 'presence' (នូវវត្តមាន) & <b>", "en"))
    assert marked == 'reads &#39;presence&#39; (<span lang="km">នូវវត្តមាន</span>) &amp; &lt;b&gt;'
    assert str(mark_scripts("ការផ្តល់", "km")) == "ការផ្តល់"
    assert str(mark_scripts("ไทย กับ ខ្មែរ")).count("<span lang=") == 2


# -- written site ------------------------------------------------------------------------


class Page(HTMLParser):
    """Links, ids, script/style references and the language of every text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.langs: list[str] = []
        self.stack: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []  # (language in force, text)
        self.html_lang: str | None = None
        self.charset = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for name in ("href", "src", "srcset", "action", "data", "poster", "formaction"):
            if name in values:
                self.links.append((tag, name, values[name]))
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "html":
            self.html_lang = values.get("lang")
        if tag == "meta" and values.get("charset", "").lower() == "utf-8":
            self.charset = True
        if tag not in VOID_ELEMENTS:
            lang = values.get("lang", self.stack[-1][1] if self.stack else "")
            self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and self.stack and self.stack[-1][0] not in {"script", "style"}:
            self.texts.append((self.stack[-1][1], data))


_parsed: dict[Path, Page] = {}


def parse(path: Path) -> Page:
    if path not in _parsed:
        page = Page()
        page.feed(path.read_text(encoding="utf-8"))
        _parsed[path] = page
    return _parsed[path]


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_site_has_a_page_per_resource_and_the_shared_pages(site: Path, ctx: SiteContext) -> None:
    for path in ctx.pages.values():
        page = site / path
        assert page.is_file(), path
        assert (page.parent / "index.ttl").is_file() and (page.parent / "index.jsonld").is_file()
    for name in [
        "index.html",
        "ontology/index.html",
        "queries/index.html",
        "queries/arc-themes.html",
        "queries/arc-themes.rq",
        "search-index.json",
        "search-index.js",
        "static/site.css",
        "static/site.js",
        "static/search.js",
    ]:
        assert (site / name).is_file(), name


def test_no_page_loads_anything_from_the_network(site: Path) -> None:
    remote = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
    offenders = []
    for path in html_files(site):
        for tag, attribute, value in parse(path).links:
            if remote.match(value) and not (tag == "a" and attribute == "href"):
                offenders.append(f"{path.relative_to(site)}: <{tag} {attribute}={value}>")
    for path in [*site.rglob("*.css"), *site.rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        for pattern in (r"@import", r"url\(\s*['\"]?\s*(https?:)?//"):
            if re.search(pattern, text, re.IGNORECASE):
                offenders.append(f"{path.relative_to(site)}: {pattern}")
    for path in (site / "static").rglob("*.js"):
        if re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(site)}: a URL in a script")
    assert not offenders, "\n".join(offenders[:20])


def test_the_checker_catches_a_remote_script(tmp_path: Path) -> None:
    page = tmp_path / "x.html"
    page.write_text('<script src="https://cdn.example/x.js"></script><a href="https://ok">ok</a>')
    found = [(t, a) for t, a, v in parse(page).links if v.startswith("https://")]
    assert found == [("script", "src"), ("a", "href")]


def anchors(path: Path) -> set[str]:
    return parse(path).ids if path.suffix == ".html" else set()


def broken_links(site: Path, downloads: set[str]) -> list[str]:
    """Relative links of the site's pages that lead to no file (or no anchor); links that
    leave the site may only name the downloads next to it."""
    broken = []
    root = site.resolve()
    for path in html_files(site):
        for _, _, value in parse(path).links:
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                continue  # external hyperlinks and data: URLs
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            where = f"{path.relative_to(site)} -> {value}"
            if not target.is_relative_to(root):
                if target.parent != root.parent or target.name not in downloads:
                    broken.append(where)
            elif not target.is_file():
                broken.append(where)
            elif parts.fragment and parts.fragment not in anchors(target):
                broken.append(where + " (no such anchor)")
    return broken


def test_every_internal_link_resolves(site: Path) -> None:
    broken = broken_links(site, {d.name for d in DEFAULT_DOWNLOADS})
    assert not broken, "\n".join(broken[:20])


def test_the_link_checker_finds_broken_links(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<p id="x"></p>')
    links = [
        "a/index.html#x",
        "a/index.html#y",
        "b/index.html",
        "../accsm.ttl",
        "../x.ttl",
        "https://example.org/",
    ]
    (site / "index.html").write_text("".join(f'<a href="{link}">.</a>' for link in links))
    assert broken_links(site, {"accsm.ttl"}) == [
        "index.html -> a/index.html#y (no such anchor)",
        "index.html -> b/index.html",
        "index.html -> ../x.ttl",
    ]


def test_pages_declare_utf8_and_tag_every_non_english_text(site: Path) -> None:
    wrong = []
    for path in html_files(site):
        page = parse(path)
        assert page.html_lang == "en" and page.charset, path
        for lang, text in page.texts:
            guessed = guess_language(text)
            if guessed and lang != guessed:
                wrong.append(f"{path.relative_to(site)}: {text.strip()[:40]!r} in lang={lang!r}")
    assert not wrong, "\n".join(wrong[:20])


def test_labels_in_every_language_are_in_the_page(site: Path) -> None:
    html = (site / "id/country/kh/index.html").read_text(encoding="utf-8")
    h1 = html[html.index("<h1>") : html.index("</h1>")]
    assert '<span data-l="en">Cambodia</span>' in h1
    assert '<span data-l="km" lang="km">កម្ពុជា</span>' in h1
    assert '<span data-l="th" lang="th">กัมพูชา</span>' in h1
    assert 'data-has="vi km th"' in h1


def test_query_page_shows_text_parameters_and_results(site: Path) -> None:
    html = (site / "queries/arc-themes.html").read_text(encoding="utf-8")
    assert "Themes of the ARCs &lt;as of 2017&gt;" in html
    assert "# &lt;script&gt;" in html and "<script>" not in html.split("</header>")[1]
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert '<span lang="km">ការផ្តល់សេវាសាធារណៈ</span>' in html
    assert 'href="../id/arc/kh/index.html"' in html and "ASEAN Resource Centre of Cambodia" in html
    assert "<code>lang</code>" in html
    assert (site / "queries/arc-themes.rq").read_text(encoding="utf-8") == SAMPLE_QUERY.query
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="queries/arc-themes.html"' in index


def test_resource_files_beside_the_page(site: Path) -> None:
    import json

    from rdflib import Graph

    folder = site / "id/arc/kh"
    turtle = Graph().parse(folder / "index.ttl", format="turtle")
    document = json.loads((folder / "index.jsonld").read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict)  # inline, never a remote context
    jsonld = Graph().parse(data=json.dumps(document), format="json-ld")
    assert len(turtle) > 5 and set(turtle) == set(jsonld)
    assert (ARC.kh, URIRef("https://w3id.org/accsm-kg/ontology/hostCountry"), CTY.kh) in turtle


def test_search_index_has_labels_in_all_languages(site: Path) -> None:
    import json

    entries = {e["p"]: e for e in json.loads((site / "search-index.json").read_text("utf-8"))}
    theme = entries["id/concept/arc-theme-kh/index.html"]
    assert "ការផ្តល់សេវាសាធារណៈ" in theme["s"] and theme["n"]["en"] == "Public service delivery"
    script = (site / "search-index.js").read_text("utf-8")
    assert script.startswith("window.accsmSearchIndex = [") and "</script" not in script


def test_data_is_escaped_everywhere(kg: KnowledgeGraph, tmp_path: Path) -> None:
    hostile = extend_knowledge_graph(kg, [FIXTURES / "hostile.trig"])
    files = build_site_files(hostile)
    page = files["id/organization/hostile/index.html"].decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;label&#39;)" in page
    assert "<b lang" not in page and "&lt;/span&gt;&lt;b lang=&#34;km&#34;&gt;" in page
    assert 'onmouseover="' not in page
    assert 'href="javascript:' not in page and "javascript:alert" in page  # shown as text
    graph_page = files["graph/site-hostile/index.html"].decode()
    assert "<img" not in graph_page
    country = files["id/country/kh/index.html"].decode()
    assert "<script>alert" not in country and "&lt;script&gt;" in country
    for name, data in files.items():
        if name.endswith(".html"):
            assert b"<script>alert" not in data and b"<img src=x" not in data, name


def test_output_is_deterministic(kg: KnowledgeGraph) -> None:
    first = build_site_files(kg, [SAMPLE_QUERY])
    second = build_site_files(load_knowledge_graph(), [SAMPLE_QUERY])
    assert list(first) == sorted(first)
    assert first.keys() == second.keys()
    assert [n for n in first if first[n] != second[n]] == []


def test_writing_replaces_the_folder_and_a_failure_keeps_the_old_one(
    kg: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accsm_kg.site import write as site_write

    out = tmp_path / "site"
    out.mkdir()
    (out / "stale.html").write_text("old")
    written = write_site(kg, out)
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert written == sorted(written) and all(p.is_file() for p in written)
    assert (out.stat().st_mode & 0o755) == 0o755
    before = (out / "index.html").read_bytes()

    def boom(path: Path, data: bytes) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(site_write.Path, "write_bytes", boom)
    with pytest.raises(OSError, match="disk full"):
        write_site(kg, out)
    monkeypatch.undo()
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temporary folders left


def test_query_cells_link_only_iris(ctx: SiteContext, caplog: pytest.LogCaptureFixture) -> None:
    from accsm_kg.site.queries import build_query_view

    page = QueryPage(
        name="cells",
        title="t",
        description="",
        parameters=[],
        query="SELECT * {}",
        columns=["c"],
        rows=[
            {"c": text}
            for text in [
                str(CTY.kh),
                "ASEAN Summit",
                "javascript:alert(1)",
                "https://example.org/x",
                "2015 / 2012",
            ]
        ],
    )
    cells = [row[0] for row in build_query_view(ctx, page).rows]
    assert [c.link.href if c.link else None for c in cells] == [
        "id/country/kh/index.html",
        None,
        None,
        "https://example.org/x",
        None,
    ]
    assert cells[0].link is not None and cells[0].link.labels.default == "Cambodia"
    assert "valid URI" not in caplog.text  # rdflib complains of URIRef("ASEAN Summit")
