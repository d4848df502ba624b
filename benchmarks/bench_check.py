"""Benchmark `regimegraph check`: the bundled knowledge base and generated England.

    .venv/bin/python benchmarks/bench_check.py [--sizes 100k 1M] [--runs 3] [--plain 100k]
        [--engines sparql turbo] [--generated DIR]

Each size is a number of triples of a generated England (`regimegraph
generate`, seed 2026: every upper-tier council, every regime in its years,
meetings and Section 42 enquiries to fill the size, about 1% of records
breaking a rule). For each: the check's stages (medians of --runs runs in one
process, as `checker.check` runs them), `check()` end to end with each engine,
and the findings against the generator's manifest.

`--plain SIZE` also runs plain pySHACL and plain pyshacl-turbo, as a user
would without regimegraph (`pyshacl -s shapes -i rdfs data`), on exactly the
data the check validates (records, ontology, reference data, derived facts
and duties, dumped to N-Triples) and the same shapes, and compares their
result count with the check's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo

TODAY = date(2026, 11, 23)
STAGES = ("load", "derivations", "duties", "SHACL", "messages and lines")


def stages(paths: list[Path], engine: str) -> dict[str, float]:
    """The check's own steps, timed one by one (mirrors checker.check)."""
    from regimegraph.checker import (
        Facts,
        _fill,
        _locate,
        context_quads,
        record_files,
        shapes_graph,
    )
    from regimegraph.derivations import run_derivations
    from regimegraph.duties import derive_duties, duty_quads
    from regimegraph.loader import load_into
    from regimegraph.locations import RecordIndex
    from regimegraph.validator import run_shacl

    times: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        times[name] = now - mark
        mark = now

    store = ox.Store()
    files = record_files(paths)
    store.extend(context_quads())
    for path in files:
        load_into(store, path)
    lap("load")
    run_derivations(store, None)
    lap("derivations")
    duties = derive_duties(store, TODAY)
    store.extend(duty_quads(duties, TODAY))
    lap("duties")
    validation = run_shacl(store, shapes_graph(), inference="none", advanced=False, engine=engine)
    lap("SHACL")
    facts, index = Facts(store), RecordIndex(files, root=Path.cwd())
    found = {_locate(_fill(f, facts), facts, index) for f in validation.findings}
    lap("messages and lines")
    times["triples"] = len(store)
    times["findings"] = len(found)
    times["duties found"] = len(duties)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="*", default=["100k", "1M"],
                        help="Triples of generated England (100k, 1M, 10M).")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reference-up-to", default="100k",
                        help="Also time --engine pyshacl end to end up to this size.")
    parser.add_argument("--plain", nargs="*", default=[],
                        help="Sizes at which to run plain pySHACL and pyshacl-turbo too.")
    parser.add_argument("--engines", nargs="*", default=["sparql", "turbo"],
                        help="Engines whose stages and end-to-end time to measure; the "
                             "first is compared with the manifest, the rest with it.")
    parser.add_argument("--generated", type=Path,
                        help="Reuse DIR/<size> (a `regimegraph generate --seed 2026` output "
                             "with its manifest.json) instead of generating it again.")
    args = parser.parse_args()
    os.environ.setdefault("REGIMEGRAPH_CACHE", tempfile.mkdtemp(prefix="regimegraph-bench-"))
    from regimegraph import __version__
    from regimegraph.checker import check
    from regimegraph.generate import generate, parse_size

    print(f"regimegraph {__version__}, pyshacl {pyshacl.__version__}, "
          f"pyshacl-turbo {pyshacl_turbo.__version__}, pyoxigraph {ox.__version__}; "
          f"Python {sys.version.split()[0]}; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f}")
    folder = args.generated or Path(tempfile.mkdtemp(prefix="regimegraph-gen-"))
    check(None, TODAY)  # build the knowledge base and warm the caches
    for size in args.sizes:
        started = time.perf_counter()
        if (folder / size / "manifest.json").is_file():
            print(f"\nreusing {folder / size}")
        else:
            generated = generate(folder / size, parse_size(size), seed=2026)
            print(f"\ngenerated {size}: {generated.triples:,} triples, "
                  f"{generated.breaks:,} breaks planted, {time.perf_counter() - started:.1f} s")
        paths = [folder / size]
        for engine in args.engines:
            runs = [stages(paths, engine) for _ in range(args.runs)]
            median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            print(f"  {int(median['triples']):,} triples checked, "
                  f"{int(median['duties found']):,} duties, {int(median['findings']):,} findings")
            print(f"  stages ({engine}, median of {args.runs}): "
                  + ", ".join(f"{k} {median[k]:.2f} s" for k in STAGES)
                  + f"; sum {sum(median[k] for k in STAGES):.2f} s")
        engines = list(args.engines)
        if parse_size(size) <= parse_size(args.reference_up_to):
            engines.append("pyshacl")
        results = {}
        for engine in engines:
            ends = []
            for _ in range(args.runs if engine != "pyshacl" else 1):
                started = time.perf_counter()
                results[engine] = check(paths, TODAY, engine=engine)
                ends.append(time.perf_counter() - started)
            print(f"  check() end to end, --engine {engine}: "
                  f"{statistics.median(ends):.2f} s (median of {len(ends)})")
        first = results[engines[0]]
        for engine in engines[1:]:
            print(f"  {engine} gives the findings {engines[0]} gives: "
                  f"{results[engine].findings == first.findings}")
        print("  " + compare_with_manifest(paths[0], first))
        if size in args.plain:
            plain(paths, len(first.findings))


def compare_with_manifest(folder: Path, result: object) -> str:
    """Planted breaks against findings (warnings and violations), by focus and shape."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    planted = {(b["focus"], b["shape"]) for b in manifest["breaks"]}
    found = {(f.focus, f.shape) for f in result.findings  # type: ignore[attr-defined]
             if f.severity != "info"}
    return (f"manifest: {len(planted):,} breaks planted, {len(planted & found):,} found, "
            f"{len(planted - found):,} missed, {len(found - planted):,} not planted")


def plain(paths: list[Path], findings: int) -> None:
    """pySHACL and pyshacl-turbo from their own command lines on the check's data."""
    from regimegraph.checker import (
        context_quads,
        record_files,
        shapes_graph,
    )
    from regimegraph.derivations import run_derivations
    from regimegraph.duties import derive_duties, duty_quads
    from regimegraph.loader import load_into

    store = ox.Store()
    store.extend(context_quads())
    for path in record_files(paths):
        load_into(store, path)
    run_derivations(store, None)
    store.extend(duty_quads(derive_duties(store, TODAY), TODAY))
    work = Path(tempfile.mkdtemp(prefix="regimegraph-plain-"))
    data, shapes = work / "data.nt", work / "shapes.ttl"
    store.dump(str(data), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    shapes_graph().serialize(shapes, format="turtle")
    bin_dir = Path(sys.executable).parent
    print(f"  plain tools on the same {len(store):,} triples and shapes "
          f"(regimegraph check reported {findings:,} findings):")
    for tool in ("pyshacl", "pyshacl-turbo"):
        command = [str(bin_dir / tool), "-s", str(shapes), "-i", "rdfs", "-f", "nt", str(data)]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        results = done.stdout.count("<http://www.w3.org/ns/shacl#ValidationResult>")
        print(f"    {tool} -s shapes.ttl -i rdfs -f nt data.nt: {seconds:.1f} s, "
              f"exit {done.returncode}, {results:,} validation results")


if __name__ == "__main__":
    main()
