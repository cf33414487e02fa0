"""Benchmarks: load, validation, saved queries and export on synthetic graphs of 10k-1M triples.

Every figure is measured in this run, beside its baseline, and printed as a ratio:

* load: ours (``fastload.load_store``: the engine's store straight from the files with the
  derived graph, what ``query`` does) against pyoxigraph's own bulk load of the same files and
  rdflib's default store parsing them; beside it, the rdflib KnowledgeGraph that SHACL and the
  exports need (``load_knowledge_graph`` + the engine's store, what ``build`` does);
* validation: time and peak memory of ``accsm_kg.validate.validate`` (pySHACL), and how it grows
  from one size to the next (linear growth: the time ratio equals the triple ratio);
* saved queries: median latency of each saved query on our engine, against raw pyoxigraph on
  the same store (the engine's own cost: binding, converting the answer to rdflib terms) and
  against rdflib's default store (capped with a time limit per query);
* export: ``accsm-kg export``'s N-Quads and Turtle writers against rdflib's and pyoxigraph's
  serialisers;
* and, once, ``accsm-kg build`` on the shipped graph from a cold process against the
  ``pyshacl`` command alone on the same graph and shapes (median of a few runs each).

Each measurement runs in a fresh subprocess (``--worker``), so that timings do not share
caches and the peak memory (``ru_maxrss``) is that measurement's own.

    python benchmarks/run.py --sizes 10k,100k,1m
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate  # noqa: E402

#: Measured: the synthetic additions come out about 16 % larger once loaded (the derived
#: graph indexes every named graph and adds comparable dates).
GROWTH = 1.16


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- workers


def _asset_files() -> tuple[list[Path], list[Path], list[Path]]:
    from accsm_kg.resources import asset_files

    return (
        asset_files("ontology", "*.ttl"),
        asset_files("data", "*.trig"),
        asset_files("shapes", "*.ttl"),
    )


def work_load_ours(data: Path) -> dict:
    """The engine's store straight from the files (what ``accsm-kg query`` loads)."""
    from accsm_kg.fastload import load_store

    start = time.perf_counter()
    store = load_store([data])
    return {"seconds": time.perf_counter() - start, "quads": len(store), "peak_mib": peak_mib()}


def work_load_kg(data: Path) -> dict:
    """The rdflib KnowledgeGraph (what validate, export and build need) plus the engine."""
    from accsm_kg.engine import OxigraphEngine
    from accsm_kg.load import load_knowledge_graph

    start = time.perf_counter()
    kg = load_knowledge_graph([data])
    loaded = time.perf_counter()
    OxigraphEngine(kg)
    done = time.perf_counter()
    return {
        "seconds": done - start,
        "rdflib_dataset": loaded - start,
        "engine_store": done - loaded,
        "quads": len(kg.dataset),
        "peak_mib": peak_mib(),
    }


def work_load_rdflib(data: Path) -> dict:
    from rdflib import Dataset, URIRef

    ontology, files, _ = _asset_files()
    start = time.perf_counter()
    dataset = Dataset()
    for path in ontology:
        dataset.graph(URIRef("urn:x-ontology")).parse(path, format="turtle")
    for path in [*files, data]:
        dataset.parse(path, format="trig")
    return {"seconds": time.perf_counter() - start, "peak_mib": peak_mib()}


def work_load_oxigraph(data: Path) -> dict:
    import pyoxigraph as ox

    ontology, files, _ = _asset_files()
    start = time.perf_counter()
    store = ox.Store()
    for path in ontology:
        store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:x-o"))
    for path in [*files, data]:
        store.bulk_load(path=path, format=ox.RdfFormat.TRIG)
    return {"seconds": time.perf_counter() - start, "quads": len(store), "peak_mib": peak_mib()}


def work_validate(data: Path) -> dict:
    from accsm_kg.load import load_knowledge_graph
    from accsm_kg.validate import validate

    start = time.perf_counter()
    kg = load_knowledge_graph([data])
    loaded = time.perf_counter()
    loaded_mib = peak_mib()
    report = validate(kg)
    done = time.perf_counter()
    return {
        "seconds": done - loaded,
        "load_seconds": loaded - start,
        "results": len(report.results),
        "conforms": report.conforms,
        "peak_mib": peak_mib(),
        "peak_mib_after_load": loaded_mib,
    }


def _consume(answer: object) -> int:
    """Read every value of a raw pyoxigraph answer (what any caller must do at least)."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        n = 0
        for solution in answer:
            for name in names:
                solution[name]
            n += 1
        return n
    if isinstance(answer, ox.QueryBoolean):
        return int(bool(answer))
    return sum(1 for _ in answer)


def work_queries(data: Path, repeat: int, rdflib_limit: float) -> dict:
    from accsm_kg.bind import apply_bindings
    from accsm_kg.catalog import load_catalog
    from accsm_kg.engine import OxigraphEngine, QueryTimeout, RdflibEngine, TimeLimitedEngine
    from accsm_kg.load import load_knowledge_graph
    from accsm_kg.query import prepare_saved

    kg = load_knowledge_graph([data] if data.name != "shipped" else [])
    ours = OxigraphEngine(kg)
    slow = TimeLimitedEngine(RdflibEngine(kg), rdflib_limit) if rdflib_limit > 0 else None
    out = {}
    for name, saved in sorted(load_catalog().items()):
        prepared = prepare_saved(saved)
        raw_text = apply_bindings(prepared.text, prepared.bindings, lean=True)  # as the engine
        timings: dict[str, list[float]] = {"ours": [], "raw": []}
        rows = 0
        for _ in range(repeat):  # interleaved, so that drift hits both alike
            start = time.perf_counter()
            answer = ours.store.query(raw_text, use_default_graph_as_union=True)
            _consume(answer)
            timings["raw"].append(time.perf_counter() - start)
            start = time.perf_counter()
            rows = len(prepared.run(ours).rows)
            timings["ours"].append(time.perf_counter() - start)
        entry = {k: statistics.median(v) for k, v in timings.items()}
        entry["rows"] = rows
        if slow is not None:
            start = time.perf_counter()
            try:
                prepared.run(slow)
                entry["rdflib"] = time.perf_counter() - start
            except QueryTimeout:
                entry["rdflib"] = None  # did not finish within the limit
        out[name] = entry
    return {"queries": out, "rdflib_limit": rdflib_limit}


def work_export(data: Path) -> dict:
    import pyoxigraph as ox

    from accsm_kg.engine import OxigraphEngine
    from accsm_kg.export import render
    from accsm_kg.load import load_knowledge_graph

    kg = load_knowledge_graph([data])
    store = OxigraphEngine(kg).store
    timings = {}
    for label, run in (
        ("ours_nq", lambda: render(kg, "nq")),
        ("ours_ttl", lambda: render(kg, "ttl")),
        ("rdflib_nq", lambda: kg.dataset.serialize(format="nquads")),
        ("oxigraph_nq", lambda: store.dump(format=ox.RdfFormat.N_QUADS)),
    ):
        start = time.perf_counter()
        run()
        timings[label] = time.perf_counter() - start
    return timings


WORKERS = {
    "load-ours": work_load_ours,
    "load-kg": work_load_kg,
    "load-rdflib": work_load_rdflib,
    "load-oxigraph": work_load_oxigraph,
    "validate": work_validate,
    "export": work_export,
}


def worker(task: str, data: Path, extra: list[str]) -> None:
    if task == "queries":
        result = work_queries(data, int(extra[0]), float(extra[1]))
    else:
        result = WORKERS[task](data)
    print(json.dumps(result))


def measure(task: str, data: Path, *extra: str) -> dict:
    """Run one worker in a fresh process and read its JSON answer."""
    command = [sys.executable, __file__, "--worker", task, str(data), *extra]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{task} on {data.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(measured: list[dict]) -> dict:
    """The run with the median time, with every run's time beside it."""
    ordered = sorted(measured, key=lambda m: m["seconds"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["runs"] = [m["seconds"] for m in measured]
    return chosen


# --------------------------------------------------------------------------- build target


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{command[0]} failed: {done.stderr[-2000:]}")
    return seconds


def build_target(runs: int) -> dict:
    """``accsm-kg build`` (cold process, everything) against the ``pyshacl`` command alone."""
    from rdflib import Graph

    from accsm_kg.load import load_knowledge_graph

    kg = load_knowledge_graph()
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = kg.data_graph()
        data.serialize(folder / "data.nt", format="nt", encoding="utf-8")
        kg.shapes.serialize(folder / "shapes.ttl", format="turtle", encoding="utf-8")
        ontology = Graph()
        ontology += kg.ontology_graph()
        ontology.serialize(folder / "ontology.ttl", format="turtle", encoding="utf-8")
        pyshacl = [
            str(bindir / "pyshacl"),
            "-s",
            "shapes.ttl",
            "-e",
            "ontology.ttl",
            "-a",
            "-w",
            "data.nt",
        ]
        build = [str(bindir / "accsm-kg"), "build", "--out", str(folder / "dist")]
        log(f"build target: {runs} cold runs of each, interleaved")
        build_times, pyshacl_times = [], []
        for _ in range(runs):  # interleaved, so that drift in the machine's load hits both
            build_times.append(_timed(build, folder))
            pyshacl_times.append(_timed(pyshacl, folder))
    build_s, pyshacl_s = statistics.median(build_times), statistics.median(pyshacl_times)
    return {
        "build": build_s,
        "pyshacl": pyshacl_s,
        "ratio": build_s / pyshacl_s,
        "build_runs": build_times,
        "pyshacl_runs": pyshacl_times,
    }


# --------------------------------------------------------------------------- report


def geomean(values: list[float]) -> float:
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def _runs(measured: dict) -> str:
    return " / ".join(f"{t:.2f}" for t in measured.get("runs", [measured["seconds"]]))


def report(results: dict) -> str:
    lines = []
    for size, r in results["sizes"].items():
        ours, kg, rdf, ox = r["load-ours"], r["load-kg"], r["load-rdflib"], r["load-oxigraph"]
        lines += [
            f"== {size}: {ours['quads']} quads ==",
            f"load      ours {ours['seconds']:.2f} s | rdflib {rdf['seconds']:.2f} s | "
            f"pyoxigraph bulk {ox['seconds']:.2f} s  (medians; runs ours {_runs(ours)}, "
            f"pyoxigraph {_runs(ox)})",
            f"          ours/pyoxigraph {ours['seconds'] / ox['seconds']:.2f}x (target <= 1.5x), "
            f"rdflib/ours {rdf['seconds'] / ours['seconds']:.1f}x",
            f"          with the rdflib Dataset for SHACL and export: {kg['seconds']:.2f} s "
            f"(dataset {kg['rdflib_dataset']:.2f} + engine store {kg['engine_store']:.2f}), "
            f"{kg['seconds'] / rdf['seconds']:.2f}x rdflib's parse alone, "
            f"peak {kg['peak_mib']:.0f} MiB",
        ]
        v = r["validate"]
        lines.append(
            f"validate  {v['seconds']:.2f} s, peak {v['peak_mib']:.0f} MiB "
            f"({v['peak_mib_after_load']:.0f} MiB after load), {v['results']} results; "
            f"runs {_runs(v)}"
        )
        q = r["queries"]["queries"]
        ratios = {n: e["ours"] / e["raw"] for n, e in q.items()}
        worst = max(ratios, key=ratios.get)
        lines.append(
            f"queries   median latency, sum over {len(q)} queries: ours "
            f"{sum(e['ours'] for e in q.values()) * 1000:.1f} ms, raw pyoxigraph "
            f"{sum(e['raw'] for e in q.values()) * 1000:.1f} ms"
        )
        lines.append(
            f"          ours/raw geomean {geomean(list(ratios.values())):.2f}x, worst "
            f"{ratios[worst]:.2f}x ({worst}) (target <= 1.5x)"
        )
        slow = {n: e["rdflib"] for n, e in q.items() if "rdflib" in e}
        if slow:
            limit = r["queries"]["rdflib_limit"]
            speedups = {n: (s or limit) / q[n]["ours"] for n, s in slow.items()}
            capped = sum(1 for s in slow.values() if s is None)
            least = min(speedups, key=speedups.get)
            lines.append(
                f"          rdflib/ours geomean {geomean(list(speedups.values())):.0f}x, least "
                f"{speedups[least]:.1f}x ({least}); {capped} rdflib queries hit the "
                f"{limit:g} s limit (counted as {limit:g} s) (target >= 10x)"
            )
        e = r["export"]
        lines.append(
            f"export    ours nq {e['ours_nq']:.2f} s, ttl {e['ours_ttl']:.2f} s | rdflib nq "
            f"{e['rdflib_nq']:.2f} s | pyoxigraph nq {e['oxigraph_nq']:.2f} s  "
            f"(ours/rdflib nq {e['ours_nq'] / e['rdflib_nq']:.2f}x)"
        )
        lines.append("")
    sizes = list(results["sizes"].items())
    for (a, ra), (b, rb) in itertools.pairwise(sizes):
        growth = rb["load-kg"]["quads"] / ra["load-kg"]["quads"]
        time_growth = rb["validate"]["seconds"] / ra["validate"]["seconds"]
        lines.append(
            f"validation growth {a} -> {b}: triples x{growth:.1f}, time x{time_growth:.1f} "
            f"({'linear or better' if time_growth <= growth * 1.15 else 'WORSE than linear'})"
        )
    if "build" in results:
        b = results["build"]
        lines.append(
            f"build on the shipped graph (cold): {b['build']:.2f} s vs pyshacl alone "
            f"{b['pyshacl']:.2f} s = {b['ratio']:.2f}x (target <= 1.5x)"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {sys.version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        worker(argv[1], Path(argv[2]), argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median)")
    parser.add_argument(
        "--rdflib-limit",
        type=float,
        default=120.0,
        help="seconds an rdflib query may take before it is stopped (0: skip rdflib)",
    )
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument(
        "--load-runs", type=int, default=5, help="runs of our load and of its baseline (median)"
    )
    parser.add_argument(
        "--validate-runs",
        type=int,
        default=3,
        help="validation runs below 500k triples (median); one run above",
    )
    parser.add_argument("--no-build", action="store_true", help="skip the build target")
    parser.add_argument("--workdir", type=Path, help="keep the generated graphs here")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    from accsm_kg.load import load_knowledge_graph

    shipped = len(load_knowledge_graph().dataset)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="accsm-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "sizes": {}}
    log(f"machine: {results['machine']}")
    for size in args.sizes.split(","):
        size = size.strip().lower()
        path = workdir / f"synthetic-{size}.trig"
        if not path.exists():
            log(f"[{size}] generating {path}")
            additions = int((SIZES.get(size) or int(size)) - shipped) / GROWTH
            path.write_text(generate(int(additions)), encoding="utf-8")
        entry: dict = {}
        # ours and its baseline, interleaved, median of a few runs: the machine's state drifts
        log(f"[{size}] load-ours and load-oxigraph, {args.load_runs} runs each, interleaved")
        runs: dict[str, list[dict]] = {"load-ours": [], "load-oxigraph": []}
        for _ in range(args.load_runs):
            for task in runs:
                runs[task].append(measure(task, path))
        for task, measured in runs.items():
            entry[task] = median_run(measured)
        for task in ("load-kg", "load-rdflib"):
            log(f"[{size}] {task}")
            entry[task] = measure(task, path)
        validate_runs = args.validate_runs if (SIZES.get(size) or int(size)) < 500_000 else 1
        log(f"[{size}] validate, {validate_runs} run(s)")
        entry["validate"] = median_run([measure("validate", path) for _ in range(validate_runs)])
        log(f"[{size}] export")
        entry["export"] = measure("export", path)
        limit = args.rdflib_limit
        log(f"[{size}] queries ({args.repeat} runs each, rdflib once, limit {limit:g} s)")
        entry["queries"] = measure("queries", path, str(args.repeat), str(args.rdflib_limit))
        results["sizes"][size] = entry
        log(f"[{size}] done")
    if not args.no_build:
        results["build"] = build_target(args.build_runs)
    text = report(results)
    print(f"machine: {results['machine']}\n{text}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
