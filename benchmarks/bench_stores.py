"""Benchmark the stores: load a build into each, reopen it, run the competency queries.

Run from the repository root, with any SPARQL servers to include (started by
you, empty or holding a previous build: they are overwritten):

    .venv/bin/python benchmarks/bench_stores.py [--repeat 5] [--load-repeat 1] [--server URL ...]

It uses a private temporary cache and on-disk store. "load" is
`load_into(spec, reload=True)` (the cached build into the store; the build
itself is the same for every store and timed by bench_kb.py), into a server
emptied of the build first (a server writes only the graphs that changed, so
"reload" times the same build loaded again: digests compared, manifest
rewritten); "reopen" is
`open_kb(store=spec)` plus a first COUNT query, in this process; each query
figure is the median of --repeat runs, "load" of --load-repeat. A server URL is
a store setting: `URL#gsp=none` times loading with INSERT DATA instead of the
Graph Store endpoint (docs/stores.md), so both can be given. Results go by hand into
benchmarks/RESULTS.md with the versions printed here.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
import rdflib
from timing import median_seconds

if TYPE_CHECKING:
    from regimegraph.stores import StoreSpec

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--load-repeat", type=int, default=1,
                        help="loads of each store to take the median of")
    parser.add_argument("--server", action="append", default=[],
                        help="a SPARQL query endpoint URL (repeatable)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="regimegraph-bench-stores-"))
    os.environ["REGIMEGRAPH_CACHE"] = str(work / "cache")

    from regimegraph.kb import load_into, open_kb
    from regimegraph.query import execute
    from regimegraph.stores import parse_spec

    print(f"python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
          f"rdflib {rdflib.__version__}, {os.cpu_count()} CPUs")
    open_kb(store=parse_spec("memory"))  # the cached build, once
    settings = ["memory", "rdflib", f"oxigraph:{work / 'disk'}", *args.server]
    queries = sorted((ROOT / "queries").glob("*.rq"))
    header = ["store", "load s", "reload s", "reopen s", *(q.stem[:18] for q in queries)]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for text in settings:
        spec = parse_spec(text)

        def load_whole(spec: StoreSpec = spec) -> object:
            if spec.kind == "remote":
                _drop_build(spec)
            return load_into(spec, reload=True)

        def load_again(spec: StoreSpec = spec) -> object:
            return load_into(spec, reload=True)

        load = median_seconds(load_whole, args.load_repeat)
        reload = median_seconds(load_again, args.load_repeat)

        def reopen(spec: object = spec) -> object:
            kb = open_kb(store=spec)  # type: ignore[arg-type]
            return list(execute(kb.backend, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))

        opened = median_seconds(reopen, max(1, args.repeat // 2))
        kb = open_kb(store=spec)
        cells = []
        for path in queries:
            query = path.read_text(encoding="utf-8")
            cells.append(median_seconds(lambda q=query, b=kb.backend: list(execute(b, q)),
                                        args.repeat))
        name = spec.kind
        if spec.kind == "remote":
            name = "server " + text.split("/")[2] + (" INSERT DATA" if spec.gsp_url == "none"
                                                     else "")
        row = [name, f"{load:.2f}" if not spec.local else "-",
               f"{reload:.2f}" if spec.kind == "remote" else "-", f"{opened:.3f}",
               *(f"{c * 1000:.0f} ms" for c in cells)]
        print("| " + " | ".join(row) + " |")
        sys.stdout.flush()


def _drop_build(spec: StoreSpec) -> None:
    """Drop a server's build (its graphs, merged graph and manifest): it then holds none."""
    from regimegraph.stores.remote import MANIFEST, MERGED, RemoteStore

    remote = RemoteStore(spec, timeout=600.0)
    names = [*(remote.graphs(fresh=True) or []), MERGED, MANIFEST]
    remote.update(" ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in names))


if __name__ == "__main__":
    main()
