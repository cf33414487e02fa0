"""The main job: load, validate and summarise. Later stages (queries, exports) hook in here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from accsm_kg.load import KnowledgeGraph, load_knowledge_graph
from accsm_kg.stats import Stats, compute_stats
from accsm_kg.validate import Report, format_text, validate


@dataclass
class BuildResult:
    kg: KnowledgeGraph
    report: Report
    stats: Stats

    @property
    def ok(self) -> bool:
        return self.report.conforms


def build(extra_files: Iterable[Path | str] = (), *, root: Path | str | None = None) -> BuildResult:
    """Load the knowledge graph (plus ``extra_files``), validate it and compute its figures."""
    kg = load_knowledge_graph(extra_files, root=root)
    return BuildResult(kg=kg, report=validate(kg), stats=compute_stats(kg))


def format_summary(result: BuildResult) -> str:
    """A short summary; the full validation report precedes it when the graph fails."""
    stats, report = result.stats, result.report
    lines = []
    if not report.conforms:
        lines += [format_text(report).rstrip("\n"), ""]
    lines += [
        f"loaded:      {len(result.kg.files)} files, {stats.triples_data} data triples in "
        f"{stats.named_graphs} named graphs, {stats.triples_ontology} ontology triples, "
        f"{len(result.kg.shapes)} shape triples",
        f"provenance:  {stats.provenance_coverage_percent:.1f} % of data triples attributed",
        f"validation:  {'conforms' if report.conforms else 'does not conform'} "
        f"({len(report.violations)} violations, {len(report.warnings)} warnings)",
        f"build:       {'ok' if result.ok else 'FAILED'}",
    ]
    return "\n".join(lines) + "\n"
