"""Benchmark the bundled knowledge base: build, reopen, and the competency queries.

Run from the repository root:

    .venv/bin/python benchmarks/bench_kb.py [--builds 3] [--repeat 20]

It builds into a private temporary cache (never the user's), so every build is
cold. Each figure is the median of several runs in the same process; the
rdflib column runs the same query text over the same quads in rdflib's
in-memory Dataset (union default graph), so the two engines are compared side
by side. Results are written by hand to benchmarks/RESULTS.md with the
versions printed here.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import owlrl
import pyoxigraph
import pyshacl
import rdflib
from timing import median_seconds

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--builds", type=int, default=3, help="cold builds to time")
    parser.add_argument("--repeat", type=int, default=20, help="runs per query")
    args = parser.parse_args()

    os.environ["REGIMEGRAPH_CACHE"] = tempfile.mkdtemp(prefix="regimegraph-bench-")
    from regimegraph import __version__
    from regimegraph.kb import build, open_kb
    from regimegraph.namespaces import sparql_prologue
    from regimegraph.query import execute

    print(f"regimegraph {__version__}; Python {platform.python_version()} on "
          f"{platform.machine()} ({os.cpu_count()} cores)")
    print(f"rdflib {rdflib.__version__}, owlrl {owlrl.__version__}, "
          f"pyoxigraph {pyoxigraph.__version__}, pyshacl {pyshacl.__version__}")

    builds, closures = [], []
    for _ in range(args.builds):
        started = time.perf_counter()
        info = build().info
        builds.append(time.perf_counter() - started)
        closures.append(info.closure_seconds)
    print(f"\nbuild (cold, median of {args.builds}): {statistics.median(builds):.2f} s, of which "
          f"OWL RL closure {statistics.median(closures):.2f} s "
          f"({info.closure_input_triples:,} triples in, {info.closure_inferred_triples:,} "
          f"inferred); {info.triples:,} quads in {len(info.graphs)} graphs")

    open_kb()  # build into the cache once
    reopen = median_seconds(open_kb, 5)
    kb = open_kb()
    print(f"reopen the cached build (median of 5): {reopen * 1000:.0f} ms")

    dataset = kb.dataset()
    dataset.default_union = True
    print(f"\n{'query':48} {'oxigraph ms':>12} {'rdflib ms':>10} {'ratio':>6}")
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        ox_time = median_seconds(lambda t=text: list(execute(kb.store, t)), args.repeat)
        full = sparql_prologue() + text
        rdflib_time = median_seconds(lambda q=full: list(dataset.query(q)),
                                     max(3, args.repeat // 5))
        print(f"{path.stem:48} {ox_time * 1000:12.1f} {rdflib_time * 1000:10.1f} "
              f"{rdflib_time / ox_time:6.0f}x")


if __name__ == "__main__":
    sys.exit(main())
