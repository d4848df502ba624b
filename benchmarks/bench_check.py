"""Benchmark `regimegraph check`: the bundled knowledge base and generated records.

    .venv/bin/python benchmarks/bench_check.py [--sizes 150 600] [--runs 3]

Each size is a number of synthetic councils written by benchmarks/generate.py
(seed 2026: 5 annual review letters, 2 APA letters with statements of action
and 20 Section 42 enquiries per council, about 1% breaking a rule). Times are
medians of --runs runs in one process, by stage, so the table says where a
check spends its time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pyshacl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

TODAY = date(2026, 11, 23)


def stages(paths: list[Path] | None) -> dict[str, float]:
    from regimegraph.checker import (
        DERIVED_GRAPH,
        DUTIES_GRAPH,
        context_quads,
        record_files,
        shapes_graph,
    )
    from regimegraph.derivations import run_derivations
    from regimegraph.duties import derive_duties, duty_quads
    from regimegraph.kb import GRAPH, open_kb
    from regimegraph.loader import quads_to_graph, read_quads
    from regimegraph.store import merge_into_default_graph, named_quads
    from regimegraph.validator import run_shacl

    times: dict[str, float] = {}
    started = time.perf_counter()
    store = ox.Store()
    if paths:
        store.extend(context_quads())
        for path in record_files(paths):
            store.extend(read_quads(path, path.resolve().as_uri()))
    else:
        inferred = ox.NamedNode(str(GRAPH["inferred"]))
        store.extend([q for q in named_quads(open_kb().store) if q.graph_name != inferred])
    merge_into_default_graph(store)
    times["load"] = time.perf_counter() - started

    mark = time.perf_counter()
    run_derivations(store, DERIVED_GRAPH)
    times["derivations"] = time.perf_counter() - mark
    mark = time.perf_counter()
    duties = derive_duties(store, TODAY)
    store.extend(duty_quads(duties, TODAY, DUTIES_GRAPH))
    times["duties"] = time.perf_counter() - mark
    mark = time.perf_counter()
    data = quads_to_graph(named_quads(store))
    times["to rdflib"] = time.perf_counter() - mark
    mark = time.perf_counter()
    validation = run_shacl(data, shapes_graph(), inference="none", advanced=False)
    times["pySHACL"] = time.perf_counter() - mark
    times["triples"] = len(data)
    times["findings"] = len(validation.findings)
    times["duties found"] = len(duties)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[150, 600])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("REGIMEGRAPH_CACHE", tempfile.mkdtemp(prefix="regimegraph-bench-"))
    from regimegraph import __version__
    from regimegraph.checker import check

    print(f"regimegraph {__version__}, pyshacl {pyshacl.__version__}, "
          f"pyoxigraph {ox.__version__}; {os.cpu_count()} cores")
    folder = Path(tempfile.mkdtemp(prefix="regimegraph-gen-"))
    cases: list[tuple[str, list[Path] | None]] = [("bundled knowledge base", None)]
    for size in args.sizes:
        path = folder / f"generated-{size}.ttl"
        path.write_text(generate(size, 20, 0.01, 2026), encoding="utf-8")
        cases.append((f"{size} councils ({size * 7} council-years of letters)", [path]))

    check(None, TODAY)  # build the knowledge base and warm the caches
    for name, paths in cases:
        runs = [stages(paths) for _ in range(args.runs)]
        median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        total = sum(median[k] for k in ("load", "derivations", "duties", "to rdflib", "pySHACL"))
        started = time.perf_counter()
        check(paths, TODAY)
        end_to_end = time.perf_counter() - started
        print(f"\n{name}: {int(median['triples']):,} triples checked, "
              f"{int(median['duties found']):,} duties, {int(median['findings']):,} findings")
        print("  " + ", ".join(f"{k} {median[k]:.2f} s" for k in
                               ("load", "derivations", "duties", "to rdflib", "pySHACL")))
        print(f"  stages {total:.2f} s; check() end to end {end_to_end:.2f} s")
    if len(cases) > 1:
        first = cases[1][1]
        assert first is not None
        naive_comparison(first[0])


NAIVE_O1 = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rg: <https://w3id.org/regimegraph/def#> .
@prefix ex: <http://example.org/> .
ex:O1Naive a sh:NodeShape ;
  sh:targetClass rg:InspectionLetter ;
  sh:sparql [ sh:message "presented late or not at all" ; sh:select '''
    PREFIX rg: <https://w3id.org/regimegraph/def#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
    SELECT $this WHERE {
      $this dcterms:date ?d .
      OPTIONAL { ?item rg:presents $this ; rg:meeting/dcterms:date ?m .
                 FILTER(?m <= ?d + "P2M"^^xsd:yearMonthDuration) }
      FILTER(!BOUND(?item))
    }''' ] .
"""


def naive_comparison(path: Path) -> None:
    """The O1 deadline as a per-letter SHACL-SPARQL constraint, against derive-once."""
    from rdflib import Graph

    from regimegraph.loader import read_graph

    data = read_graph(path)
    shapes = Graph().parse(data=NAIVE_O1, format="turtle")
    started = time.perf_counter()
    conforms, _report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    naive = time.perf_counter() - started
    print(f"\nnaive O1 (SHACL-SPARQL per letter, pySHACL on rdflib) over {path.name}: "
          f"{naive:.2f} s, conforms={conforms}")


if __name__ == "__main__":
    main()
