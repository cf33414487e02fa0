"""A synthetic partnership network of any size, for testing the viz writers at scale."""

from __future__ import annotations

import random

from accsm_kg.viz.extract import Labels, LinkInfo, NetworkData, NodeInfo

BASE = "https://example.org/id/"


def synthetic_network(node_count: int = 2000, seed: int = 3) -> NetworkData:
    """Countries, agencies and people linked to dated meetings: ``node_count`` nodes, each
    with at least one link; about 1.85 links per node."""
    rng = random.Random(seed)
    nodes: dict[str, NodeInfo] = {}
    links: list[LinkInfo] = []

    def add(kind: str, number: int, clues: list[tuple[str, str, str]] | None = None) -> str:
        iri = f"{BASE}{kind}/{number}"
        labels = Labels()
        labels.add("prefLabel", "en", f"{kind} {number}")
        nodes[iri] = NodeInfo(iri, kind, labels, clues or [])
        return iri

    fifth = node_count // 20
    countries = [add("member-state", i) for i in range(fifth)]
    agencies = [add("agency", i) for i in range(6 * fifth)]
    people = [add("person", i) for i in range(3 * fifth)]
    meetings = []
    for i in range(node_count - 10 * fifth):
        year = rng.randint(1980, 2024)
        meetings.append(add("meeting", i, [("start", str(year), f"{year}-01-01")]))

    def link(source: str, target: str, kind: str) -> None:
        links.append(LinkInfo(source, target, kind, {BASE + "p"}, {BASE + "graph"}))

    for meeting in meetings:
        link(rng.choice(countries), meeting, "hosted")
    for agency in agencies:
        link(agency, rng.choice(countries), "agency-of")
        for meeting in rng.sample(meetings, 2):
            link(agency, meeting, "took-part")
    for person in people:
        link(person, rng.choice(agencies), "works-for")
        for meeting in rng.sample(meetings, 2):
            link(person, meeting, "took-part")
    return NetworkData(
        nodes=nodes, links=links, labels={}, facts={}, passages={}, supports=[], themes={}
    )
