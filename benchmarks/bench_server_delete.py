"""Benchmark how fast the Oxigraph server empties one graph, by each method.

Run from the repository root:

    .venv/bin/python benchmarks/bench_server_delete.py --dump FILE --graph IRI
        --method METHOD [METHOD ...] [--chunk N] [--order dump|sorted|random]
        [--encoding direct|form] [--runs R] [--work DIR]

METHOD is one or more of drop, gsp, data, limit (the ways to delete) and get,
construct, tsv (ways to read the graph, for comparison). The figures of
benchmarks/RESULTS.md, "Emptying a graph on the Oxigraph server (session 7)",
were measured on the knowledge base of `regimegraph generate --triples 1M
--seed 2026`, dumped into the cache by a build:

    .venv/bin/regimegraph generate --triples 1M --seed 2026 --out /tmp/gen1m
    REGIMEGRAPH_CACHE=/tmp/cache1m .venv/bin/regimegraph build --records /tmp/gen1m
    .venv/bin/python benchmarks/bench_server_delete.py \\
        --dump /tmp/cache1m/kb-0.1.0-4554df60c8026b96.nq \\
        --graph https://w3id.org/regimegraph/graph/local/gen1m/business-001 \\
        --method drop data get construct tsv
    .venv/bin/python benchmarks/bench_server_delete.py --dump ... --graph ... \\
        --method data --order random
    .venv/bin/python benchmarks/bench_server_delete.py --dump ... --graph ... \\
        --method data --encoding form

(the last two with the same --dump and --graph as the first).

Why: a build into a SPARQL server ends by emptying the graphs it replaced, and
on the Oxigraph server one `DROP GRAPH` of a large graph was slower than
expected. This measures the ways a client can empty a graph, in a store shaped
like a real build's, and how fast the server can merely read the same graph.

The dump (an N-Quads file, such as a knowledge-base cache dump kb-0.1.0-*.nq)
is read once with pyoxigraph: the quads of --graph become N-Triples lines, in
the dump's order; all the others are written to an N-Quads file in a temporary
folder. A dump without --graph is an error. Then, for each of --runs runs, each
method in the order given:

1. the Oxigraph server of the virtualenv (`oxigraph serve --location DIR --bind
   127.0.0.1:PORT`, .venv/bin/oxigraph) starts on a new temporary folder on disk
   (under --work) and a free loopback port;
2. it is loaded like a real build's store (untimed): the dump's other quads
   (POST /store?no_transaction as N-Quads), then the graph (POST
   /store?graph=G&no_transaction as N-Triples, 100,000 lines a POST, in the
   dump's order), then the same lines again into urn:regimegraph:bench:merged,
   standing for the build's merged copy; a COUNT gives the triples the graph
   holds;
3. the method alone is timed:
   - drop: one `DROP SILENT GRAPH <G>` update;
   - gsp: the Graph Store Protocol's DELETE /store?graph=G;
   - data: `DELETE DATA { GRAPH <G> { ... } }` updates of --chunk lines each,
     in --order (dump; sorted, the default; random, with a fixed seed), then
     `DROP SILENT GRAPH <G>`;
   - limit: ceil(triples / --chunk) updates of `DELETE { GRAPH <G> {?s ?p ?o} }
     WHERE { SELECT ?s ?p ?o { GRAPH <G> {?s ?p ?o} } LIMIT N }`, N = --chunk,
     then `DROP SILENT GRAPH <G>`;
   - get: the Graph Store Protocol's GET /store?graph=G as N-Triples;
   - construct: `CONSTRUCT {?s ?p ?o} WHERE { GRAPH <G> {?s ?p ?o} }` as
     N-Triples;
   - tsv: `SELECT ?s ?p ?o WHERE { GRAPH <G> {?s ?p ?o} }` as TSV;
   updates go to /update as the POST body with Content-Type
   application/sparql-update (--encoding direct, the default) or URL-encoded
   as `update=` (--encoding form); queries go to /query URL-encoded;
4. checked (untimed): after a delete the graph is empty and the merged copy
   still whole (COUNTs); a read returned as many triples as the graph holds;
5. the server is stopped (terminate, then kill after 30 s) and its folder
   deleted, also after an error or Ctrl-C.

Each run prints one line: method, options, triples, seconds, triples per
second, the load average (1 minute) at its start and the untimed load's
seconds; the end prints a markdown table of the medians per method and
options. A failed check or request makes the exit code 1. The versions that
the figures depend on and the load average are printed first. Results go by
hand into benchmarks/RESULTS.md.

DELETE DATA cannot name blank nodes: with --method data, the graph's triples
with a blank node are left to the final DROP (the count is printed). Blank
node labels are also scoped to each POST, so a blank node shared across two
100,000-line parts is loaded as two.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlencode

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
BINARY = Path(sys.executable).with_name("oxigraph")
sys.path.insert(0, str(ROOT / "tests"))

from bench_server_build import versions  # noqa: E402

from store_servers import oxigraph_server  # noqa: E402

MERGED = "urn:regimegraph:bench:merged"
DELETES = ["drop", "gsp", "data", "limit"]
READS = ["get", "construct", "tsv"]
LOAD_LINES = 100_000  # N-Triples lines a POST when loading the graph
WRITE_QUADS = 100_000  # quads serialised at a time when writing the others
TIMEOUT = 3600.0  # seconds an HTTP request may take
SEED = 2026  # for --order random
N_TRIPLES = "application/n-triples"


@dataclass
class Dump:
    """The dump split: the graph's N-Triples lines, and the other quads in a file."""

    lines: list[str]  # the graph's triples, one N-Triples line each, in the dump's order
    blank: list[bool]  # whether each line has a blank node (DELETE DATA cannot name one)
    others: Path  # the other quads, as N-Quads
    other_quads: int
    graphs: int  # graphs in the dump, --graph and the default graph included


def read_dump(path: Path, graph: str, folder: Path) -> Dump:
    """Split the dump into --graph's N-Triples lines and the other quads (an N-Quads file).

    Exits with the dump's largest graphs listed if --graph is not among them.
    """
    target = ox.NamedNode(graph)
    triples: list[ox.Triple] = []
    batch: list[ox.Quad] = []
    sizes: Counter[str] = Counter()
    others = folder / "others.nq"
    with open(others, "wb") as out:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            sizes[str(quad.graph_name)] += 1
            if quad.graph_name == target:
                triples.append(quad.triple)
                continue
            batch.append(quad)
            if len(batch) == WRITE_QUADS:
                ox.serialize(batch, out, format=ox.RdfFormat.N_QUADS)
                batch.clear()
        ox.serialize(batch, out, format=ox.RdfFormat.N_QUADS)
    if not triples:
        largest = "\n".join(f"  {name} ({count:,} quads)"
                            for name, count in sizes.most_common(10))
        sys.exit(f"error: the graph <{graph}> is not in {path}; its largest graphs "
                 f"({len(sizes):,} in all):\n{largest or '  (none: the dump is empty)'}")
    # bytes.splitlines splits at line ends only: N-Triples leaves characters such as
    # U+2028 unescaped in literals, which str.splitlines would split at.
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert text is not None
    lines = [line.decode() for line in text.splitlines()]
    assert len(lines) == len(triples), (len(lines), len(triples))
    blank = [isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)
             for triple in triples]
    return Dump(lines, blank, others, sum(sizes.values()) - len(triples), len(sizes))


class Server:
    """An Oxigraph server on a new folder and a free loopback port, and requests to it.

    Started and stopped by tests/store_servers.py, as the tests and
    bench_server_build.py start theirs.
    """

    def __init__(self, folder: Path) -> None:
        found = oxigraph_server(folder)
        if found is None:
            raise RuntimeError(f"no Oxigraph server beside {sys.executable}")
        self.process = found
        self.base = found.store.removesuffix("/query")

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        self.process.stop()

    def tail(self) -> str:
        return self.process.tail()

    def request(self, path: str, data: bytes | IO[bytes] | None = None,
                content_type: str | None = None, method: str | None = None,
                accept: str | None = None, length: int | None = None) -> bytes:
        """The body of the response; RuntimeError with the server's reason if not 2xx."""
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        if length is not None:
            request.add_header("Content-Length", str(length))
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            reason = error.read().decode(errors="replace").strip()[:1000]
            raise RuntimeError(f"{request.get_method()} {path[:200]}: HTTP {error.code}: "
                               f"{reason}") from None

    def update(self, text: str, encoding: str) -> None:
        if encoding == "direct":
            self.request("/update", text.encode(), "application/sparql-update")
        else:
            self.request("/update", urlencode({"update": text}).encode(),
                         "application/x-www-form-urlencoded")

    def query(self, text: str, accept: str) -> bytes:
        return self.request("/query", urlencode({"query": text}).encode(),
                            "application/x-www-form-urlencoded", accept=accept)

    def count(self, graph: str) -> int:
        body = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                          "application/sparql-results+json")
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    def load(self, dump: Dump, graph: str) -> None:
        """The dump's other quads, then the graph's lines into the graph and into MERGED."""
        with open(dump.others, "rb") as others:
            self.request("/store?no_transaction", others, "application/n-quads", "POST",
                         length=dump.others.stat().st_size)
        for name in (graph, MERGED):
            for start in range(0, len(dump.lines), LOAD_LINES):
                part = "\n".join(dump.lines[start:start + LOAD_LINES]) + "\n"
                self.request(f"/store?{urlencode({'graph': name})}&no_transaction",
                             part.encode(), N_TRIPLES, "POST")


@dataclass
class Result:
    """One timed run of a method."""

    method: str
    options: str
    triples: int
    seconds: float
    load: float  # the 1-minute load average at the run's start
    loaded: float  # seconds the untimed load took
    problem: str = ""  # a failed check, or ""

    def rate(self) -> float:
        return self.triples / self.seconds if self.seconds else math.inf


def options(method: str, args: argparse.Namespace) -> str:
    """The options that apply to a method, as printed."""
    if method == "data":
        return f"chunk={args.chunk} order={args.order} encoding={args.encoding}"
    if method == "limit":
        return f"chunk={args.chunk} encoding={args.encoding}"
    if method == "drop":
        return f"encoding={args.encoding}"
    return "-"


def ordered(dump: Dump, order: str) -> list[str]:
    """The graph's lines DELETE DATA can name (no blank node), in the order asked for."""
    lines = [line for line, blank in zip(dump.lines, dump.blank, strict=True) if not blank]
    if order == "sorted":
        lines.sort()
    elif order == "random":
        random.Random(SEED).shuffle(lines)
    return lines


def deleter(method: str, server: Server, graph: str, lines: list[str], triples: int,
            args: argparse.Namespace) -> Callable[[], None]:
    """The timed work of a delete method."""
    drop = f"DROP SILENT GRAPH <{graph}>"

    def run_drop() -> None:
        server.update(drop, args.encoding)

    def run_gsp() -> None:
        server.request(f"/store?{urlencode({'graph': graph})}", method="DELETE")

    def run_data() -> None:
        for start in range(0, len(lines), args.chunk):
            body = "\n".join(lines[start:start + args.chunk])
            server.update(f"DELETE DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}", args.encoding)
        server.update(drop, args.encoding)

    def run_limit() -> None:
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
        text = (f"DELETE {{ {pattern} }} WHERE {{ SELECT ?s ?p ?o {{ {pattern} }} "
                f"LIMIT {args.chunk} }}")
        for _ in range(math.ceil(triples / args.chunk)):
            server.update(text, args.encoding)
        server.update(drop, args.encoding)

    return {"drop": run_drop, "gsp": run_gsp, "data": run_data, "limit": run_limit}[method]


def reader(method: str, server: Server, graph: str) -> Callable[[], bytes]:
    """The timed work of a read method: the response body."""
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    if method == "get":
        return lambda: server.request(f"/store?{urlencode({'graph': graph})}",
                                      accept=N_TRIPLES)
    if method == "construct":
        return lambda: server.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}",
                                    N_TRIPLES)
    return lambda: server.query(f"SELECT ?s ?p ?o WHERE {{ {pattern} }}",
                                "text/tab-separated-values")


def returned(method: str, body: bytes) -> int:
    """The triples in a read method's response (TSV has a header line)."""
    count = sum(1 for line in body.splitlines() if line.strip())
    return count - 1 if method == "tsv" else count


def measure(method: str, dump: Dump, args: argparse.Namespace, work: Path) -> Result:
    """Start a server under `work`, load it, time the method alone, check, stop the server."""
    folder = Path(tempfile.mkdtemp(prefix=f"server-{method}-", dir=work))
    server = Server(folder)
    load = os.getloadavg()[0]
    try:
        server.start()
        started = time.perf_counter()
        server.load(dump, args.graph)
        triples = server.count(args.graph)
        loaded = time.perf_counter() - started
        merged = server.count(MERGED)
        lines = ordered(dump, args.order) if method == "data" else []
        problem = ""
        if method in DELETES:
            delete = deleter(method, server, args.graph, lines, triples, args)
            started = time.perf_counter()
            delete()
            seconds = time.perf_counter() - started
            left, kept = server.count(args.graph), server.count(MERGED)
            if left:
                problem = f"{left:,} triples left in the graph"
            elif kept != merged:
                problem = f"the merged copy went from {merged:,} to {kept:,} triples"
        else:
            read = reader(method, server, args.graph)
            started = time.perf_counter()
            body = read()
            seconds = time.perf_counter() - started
            if (got := returned(method, body)) != triples:
                problem = f"{got:,} triples returned, {triples:,} held"
        return Result(method, options(method, args), triples, seconds, load, loaded, problem)
    except RuntimeError as error:
        raise RuntimeError(f"{method}: {error}\nthe server's last log lines:\n"
                           f"{server.tail()}") from None
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def line(result: Result) -> str:
    return (f"{result.method:<9} {result.options:<40} {result.triples:>11,} triples "
            f"{result.seconds:9.2f} s {result.rate():>11,.0f} triples/s   "
            f"(load {result.load:.2f}; loaded in {result.loaded:.1f} s)"
            + (f"  FAILED: {result.problem}" if result.problem else ""))


def table(results: list[Result]) -> None:
    """The medians per method and options, as a markdown table."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for result in results:
        groups.setdefault((result.method, result.options), []).append(result)
    print("\n| method | options | runs | triples | median s | median triples/s | failed |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (method, option), group in groups.items():
        seconds = statistics.median(result.seconds for result in group)
        rate = statistics.median(result.rate() for result in group)
        triples = statistics.median(result.triples for result in group)
        failed = sum(1 for result in group if result.problem)
        print(f"| {method} | {option} | {len(group)} | {triples:,.0f} | {seconds:.2f} | "
              f"{rate:,.0f} | {failed} |")


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive integer")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, required=True,
                        help="an N-Quads file, e.g. a knowledge-base cache dump kb-0.1.0-*.nq")
    parser.add_argument("--graph", required=True, help="the IRI of the graph to empty")
    parser.add_argument("--method", nargs="+", required=True, choices=DELETES + READS,
                        help="drop, gsp, data, limit (deletes); get, construct, tsv (reads)")
    parser.add_argument("--chunk", type=positive, default=50_000,
                        help="triples an update for data and limit (default 50000)")
    parser.add_argument("--order", choices=["dump", "sorted", "random"], default="sorted",
                        help="the order of data's lines (default sorted; random: fixed seed)")
    parser.add_argument("--encoding", choices=["direct", "form"], default="direct",
                        help="updates as the POST body (direct, the default) or as update=")
    parser.add_argument("--runs", type=positive, default=1,
                        help="runs of each method, each on a new server (default 1)")
    parser.add_argument("--work", type=Path,
                        help="folder for the temporary files and servers (default: the "
                             "system's temporary folder)")
    args = parser.parse_args()
    if not args.dump.is_file():
        parser.error(f"{args.dump} is not a file")
    if not BINARY.is_file():
        parser.error(f"no Oxigraph server at {BINARY} (pip install oxigraph)")
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` as Ctrl-C

    versions("oxigraph")
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    results: list[Result] = []
    failed = interrupted = False
    work = Path(tempfile.mkdtemp(prefix="regimegraph-bench-delete-", dir=args.work))
    try:
        started = time.perf_counter()
        dump = read_dump(args.dump, args.graph, work)
        blank = sum(dump.blank)
        print(f"dump {args.dump}: {dump.graphs:,} graphs; <{args.graph}> "
              f"{len(dump.lines):,} triples ({blank:,} with a blank node), "
              f"{dump.other_quads:,} other quads; read in {time.perf_counter() - started:.1f} s")
        if blank and "data" in args.method:
            print(f"note: data leaves the {blank:,} triple(s) with a blank node to its DROP")
        print(f"store: the other quads, <{args.graph}>, and its copy <{MERGED}>; "
              f"a new server on a new folder under {work} for each run", flush=True)
        for number in range(1, args.runs + 1):
            if args.runs > 1:
                print(f"\n## run {number} of {args.runs}", flush=True)
            for method in args.method:
                result = measure(method, dump, args, work)
                results.append(result)
                failed = failed or bool(result.problem)
                print(line(result), flush=True)
    except RuntimeError as error:
        failed = True
        print(f"\nerror: {error}", file=sys.stderr)
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if results:
        table(results)
    if interrupted:
        sys.exit(130)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
