"""Benchmark `regimegraph serve` against the Oxigraph server on the same data (issue #5).

Run from the repository root:

    .venv/bin/python benchmarks/bench_serve.py [--size 1M] [--runs 20] [--clients 4]
        [--duration 10] [--rounds 3] [--oxigraph-store disk|memory] [--quick]

It starts both servers itself on free 127.0.0.1 ports and stops them at the
end (also on Ctrl-C or an error): `regimegraph serve` (waitress, queries in
worker processes) over the bundled knowledge base, and the Oxigraph server
over the very quads our workers hold: the served N-Quads dump plus its default
graph, materialised as the merge of every named graph exactly as store.py
does (so no --union-default-graph, which counts a triple once per graph
holding it, oxigraph#1919). `--oxigraph-store disk` (the default) runs
`oxigraph serve-read-only` on a store made by `oxigraph load` (RocksDB);
`memory` runs `oxigraph serve` without a location, loaded by POST /store,
which holds the data in memory as our workers do. With --size,
`regimegraph generate --seed 2026` records of that size are added to both
(`serve --data`).

Before timing, every competency query (queries/*.rq, with the project's
PREFIX lines written out, since the Oxigraph server predeclares none; both
servers get the same text) is sent to both and the JSON results compared as
multisets of rows; a query whose answers differ is reported and left out of
the timings. The only leniency is the order of the parts inside a
GROUP_CONCAT, which SPARQL leaves open and which follows each store's
iteration order. Then:

- latency: each query --runs times, one at a time, the two servers
  alternating request by request (which goes first swaps every run), so a
  change in the machine's load falls on both alike; p50 and p95 per query,
  and ASK {} as each server's fixed cost per request;
- throughput: --clients threads, each with its own keep-alive connection,
  cycling through the queries for --duration seconds, each server in turn,
  --rounds times (alternating); median requests/s, p50/p95 of all requests;
- breakdown (after both servers stop): where our endpoint's time goes,
  measured in this process on the same store: the read-only check, the engine
  alone, the engine with Oxigraph's own JSON writer, the worker's `answer`
  (our Python serialisation) and `answer` through a one-worker QueryPool
  (pickling and the pipe), next to the HTTP p50. It runs at another moment
  than the HTTP timings, so on a busy machine only differences of a
  millisecond or more between the two mean anything.

Everything runs on the machine's cores, the load generator included (Python
threads, one GIL), so absolute requests/s are a floor; the ratio is the figure.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from timing import median_seconds

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JSON_RESULTS = "application/sparql-results+json"
FLOOR = "ASK {} (the fixed cost of a request)"


# --- servers ---------------------------------------------------------------------------------

@dataclass
class Server:
    """A server this script started: its name, query path, port and process."""

    name: str
    path: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    stop_signal: signal.Signals = signal.SIGTERM

    def stop(self) -> None:
        """Its stop signal to its process group (regimegraph: SIGINT, so it closes its
        worker pool in a finally), then SIGKILL if it is still there after 10 s."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, self.stop_signal)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(name: str, path: str, command: list[str], work: Path, port: int,
          stop_signal: signal.Signals = signal.SIGTERM) -> Server:
    """Start a server in its own session (so Ctrl-C here reaches it only through stop).

    SIGINT goes back to its default in the child: a shell starts a background
    job with SIGINT ignored, and regimegraph must see it to stop its workers.
    """
    log = work / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, preexec_fn=_default_sigint)
    return Server(name, path, port, process, log, stop_signal)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_until_answering(server: Server, timeout: float) -> float:
    """Seconds until the server answers ASK {} with 200; exits with its log if it dies."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:]
            sys.exit(f"bench_serve: {server.name} exited ({server.process.returncode}):\n{tail}")
        try:
            status, _ = request(http.client.HTTPConnection("127.0.0.1", server.port, timeout=5),
                                server.path, "ASK {}")
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"bench_serve: {server.name} did not answer within {timeout:.0f} s (see {server.log})")


def request(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    """One SPARQL protocol GET on a (keep-alive) connection; the whole body is read."""
    conn.request("GET", f"{path}?{urlencode({'query': query})}",
                 headers={"Accept": JSON_RESULTS})
    response = conn.getresponse()
    body = response.read()
    return response.status, body


# --- data ------------------------------------------------------------------------------------

def data_files(size: str | None, work: Path, reuse: Path | None) -> list[Path]:
    """The generated record files to serve (none without --size)."""
    if not size:
        return []
    out = reuse or work / f"generated-{size}"
    if not (out / "manifest.json").exists():
        subprocess.run([str(BIN / "regimegraph"), "generate", "--triples", size, "--seed", "2026",
                        "--out", str(out), "--quiet"], check=True)
    return sorted(p for p in out.iterdir() if p.suffix in (".ttl", ".nt", ".nq", ".trig"))


def merged_quads(dump: Path, work: Path) -> tuple[Path, int]:
    """Our workers' exact quads (named graphs and the merged default graph) as N-Quads."""
    import pyoxigraph as ox

    from regimegraph.store import memory_store

    store = memory_store(dump)
    merged = work / "served-with-default-graph.nq"
    with merged.open("wb") as out:
        ox.serialize(store, output=out, format=ox.RdfFormat.N_QUADS)
    return merged, len(store)


def load_into_disk_store(merged: Path, work: Path) -> Path:
    """`oxigraph load` into a fresh on-disk store (RocksDB) for serve-read-only."""
    location = work / "oxigraph-db"
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file",
                    str(merged)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return location


def post_into_memory_server(server: Server, merged: Path) -> None:
    """Load the quads into an in-memory `oxigraph serve` through its graph store endpoint."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=3600)
    with merged.open("rb") as body:
        conn.request("POST", "/store", body=body, headers={
            "Content-Type": "application/n-quads", "Content-Length": str(merged.stat().st_size)})
        response = conn.getresponse()
        text = response.read()
    conn.close()
    if response.status >= 300:
        sys.exit(f"bench_serve: loading the Oxigraph server failed: HTTP {response.status} "
                 f"{text[:200]!r}")


# --- answers ---------------------------------------------------------------------------------

def canonical(body: bytes, loose: bool = False) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The variables and the sorted rows of a JSON result, blank node labels blanked.

    `loose` also sorts the parts of literals joined by "; " (the queries'
    GROUP_CONCAT separator): SPARQL leaves the order inside GROUP_CONCAT open,
    and the two stores iterate in different orders.
    """
    document = json.loads(body)
    variables = tuple(document["head"].get("vars", ()))
    if "boolean" in document:
        return variables, [(document["boolean"],)]
    rows = []
    for binding in document["results"]["bindings"]:
        row: list[tuple[Any, ...] | None] = []
        for name in variables:
            term = binding.get(name)
            if term is None:
                row.append(None)
            elif term["type"] == "bnode":
                row.append(("bnode",))
            else:
                value = term["value"]
                if loose and term["type"] == "literal":
                    value = "; ".join(sorted(value.split("; ")))
                row.append((term["type"], value, term.get("datatype", ""),
                            term.get("xml:lang", "")))
        rows.append(tuple(row))
    return variables, sorted(rows, key=repr)


def differences(servers: list[Server], queries: dict[str, str]) -> dict[str, str]:
    """For each query whose answers differ between the servers, how they differ."""
    found: dict[str, str] = {}
    for name, text in queries.items():
        bodies = []
        for server in servers:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
            status, body = request(conn, server.path, text)
            conn.close()
            if status != 200:
                found[name] = f"{server.name} answered HTTP {status}: {body[:200]!r}"
                break
            bodies.append(body)
        if name in found:
            continue
        exact = [canonical(body) for body in bodies]
        if exact[0] == exact[1]:
            print(f"  same answer: {name} ({len(exact[0][1])} rows)", flush=True)
        elif canonical(bodies[0], loose=True) == canonical(bodies[1], loose=True):
            print(f"  same answer up to the order inside GROUP_CONCAT (open in SPARQL): "
                  f"{name} ({len(exact[0][1])} rows)", flush=True)
        else:
            mismatched = sum(a != b for a, b in zip(exact[0][1], exact[1][1], strict=False))
            found[name] = (f"{len(exact[0][1])} vs {len(exact[1][1])} rows, "
                           f"{mismatched} sorted rows differ; variables {exact[0][0]} vs "
                           f"{exact[1][0]}")
    return found


# --- timing ----------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed(conn: http.client.HTTPConnection, path: str, query: str) -> float:
    started = time.perf_counter()
    status, body = request(conn, path, query)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"HTTP {status} for a benchmark query: {body[:200]!r}")
    return elapsed


def latencies(servers: list[Server], queries: dict[str, str], runs: int,
              warmup: int) -> dict[str, dict[str, list[float]]]:
    """Per query and server, `runs` sequential request times (s), servers interleaved."""
    conns = {s.name: http.client.HTTPConnection("127.0.0.1", s.port, timeout=300)
             for s in servers}
    times: dict[str, dict[str, list[float]]] = {q: {s.name: [] for s in servers}
                                                for q in queries}
    for run in range(-warmup, runs):
        for name, text in queries.items():
            order = servers if run % 2 == 0 else servers[::-1]
            for server in order:
                elapsed = timed(conns[server.name], server.path, text)
                if run >= 0:
                    times[name][server.name].append(elapsed)
    for conn in conns.values():
        conn.close()
    return times


@dataclass
class Load:
    """One throughput run: completed requests, their latencies and the wall time."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def load(server: Server, queries: list[str], clients: int, duration: float) -> Load:
    """`clients` threads, each on its own keep-alive connection, for `duration` seconds."""
    result = Load()
    lock = threading.Lock()
    stop_at = time.perf_counter() + duration

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
        mine: list[float] = []
        errors = 0
        i = index
        while time.perf_counter() < stop_at:
            try:
                mine.append(timed(conn, server.path, queries[i % len(queries)]))
            except (OSError, RuntimeError, http.client.HTTPException):
                errors += 1
                conn.close()
            i += 1
        conn.close()
        with lock:
            result.latencies.extend(mine)
            result.errors += errors

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def breakdown(dump: Path, queries: dict[str, str], repeat: int) -> dict[str, tuple[float, ...]]:
    """Where a request's time goes, measured in this process on a store like a worker's.

    Per query: the read-only check, the engine alone, the engine with
    Oxigraph's own JSON writer, the worker's `answer` (check, engine, our
    Python serialisation), and the same job through a one-worker QueryPool
    (adds pickling and the pipe hop to another process). Under FLOOR, ASK {}
    through the pool (the other columns are 0 for it).
    """
    import pyoxigraph as ox

    from regimegraph.namespaces import PREFIXES
    from regimegraph.readonly import refusal
    from regimegraph.store import memory_store
    from regimegraph.web.pool import Job, QueryPool, answer

    store = memory_store(dump)
    pool = QueryPool(dump, size=1, timeout=300)
    pool.start(wait=True)
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    out: dict[str, tuple[float, ...]] = {}
    try:
        for name, text in {**queries, FLOOR: "ASK {}"}.items():
            job = Job(query=text, base_iri="http://127.0.0.1/sparql", accept=JSON_RESULTS,
                      max_rows=10**9, prefixes=tuple(prefixes.items()))

            def hop(job: Job = job) -> object:
                return pool.run(job)

            if name == FLOOR:
                out[name] = (0.0, 0.0, 0.0, 0.0, median_seconds(hop, repeat))
                continue

            def engine(text: str = text) -> object:
                return list(store.query(text, prefixes=prefixes))  # type: ignore[arg-type]

            def native(text: str = text) -> object:
                result = store.query(text, prefixes=prefixes)
                assert isinstance(result, ox.QuerySolutions)
                return result.serialize(format=ox.QueryResultsFormat.JSON)

            def check(text: str = text) -> object:
                return refusal(text)

            def ours(job: Job = job) -> object:
                return answer(store, job)

            out[name] = tuple(median_seconds(f, repeat)
                              for f in (check, engine, native, ours, hop))
    finally:
        pool.close()
    return out


# --- report ----------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def versions() -> str:
    from importlib.metadata import version

    import pyoxigraph

    import regimegraph

    oxigraph = subprocess.run([str(BIN / "oxigraph"), "--version"], capture_output=True,
                              text=True).stdout.strip()
    return (f"regimegraph {regimegraph.__version__}; Python {platform.python_version()}; "
            f"pyoxigraph {pyoxigraph.__version__}; {oxigraph} (PyPI `oxigraph`); "
            f"Flask {version('flask')}; waitress {version('waitress')}; "
            f"{os.cpu_count()} CPUs, {platform.machine()}, Linux {platform.release()}")


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", help="also serve generated records of about this many "
                        "triples (regimegraph generate --triples, e.g. 1M)")
    parser.add_argument("--generated", type=Path, help="reuse this `regimegraph generate` "
                        "output folder (with --size) instead of generating again")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per query and "
                        "server (default 20)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--clients", type=int, nargs="+", default=[4],
                        help="concurrent clients for the throughput runs (default 4)")
    parser.add_argument("--duration", type=float, default=10.0,
                        help="seconds per throughput run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="throughput runs per server")
    parser.add_argument("--workers", type=int, default=2,
                        help="regimegraph serve --workers (default 2, its default)")
    parser.add_argument("--oxigraph-store", choices=("disk", "memory"), default="disk",
                        help="disk: `oxigraph serve-read-only` on a store made by `oxigraph "
                        "load` (default); memory: `oxigraph serve` with no --location, "
                        "loaded by POST /store, like our workers' in-memory stores")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 3 runs, 1 round of 2 s, 2 clients")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.warmup, args.rounds, args.duration, args.clients = 3, 1, 1, 2.0, [2]
    for name in ("runs", "rounds", "workers"):
        if getattr(args, name) < 1:
            sys.exit(f"bench_serve: --{name} must be at least 1")
    if shutil.which("oxigraph", path=str(BIN)) is None:
        sys.exit(f"bench_serve: no oxigraph CLI in {BIN}: .venv/bin/pip install oxigraph")
    print(f"# {' '.join([Path(sys.argv[0]).name, *sys.argv[1:]])}")
    print(f"load average at start: {loadavg()}")
    print(versions(), flush=True)
    work = Path(tempfile.mkdtemp(prefix="regimegraph-bench-serve-"))
    servers: list[Server] = []
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("bench_serve: terminated"))
    try:
        run(args, work, servers)
    finally:
        for server in servers:
            server.stop()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path, servers: list[Server]) -> None:
    from regimegraph.config import Settings
    from regimegraph.namespaces import sparql_prologue
    from regimegraph.web.dataset import served_dump

    files = data_files(args.size, work, args.generated)
    started = time.perf_counter()
    dump = served_dump(Settings(data_files=tuple(files)))
    merged, quads = merged_quads(dump, work)
    if args.oxigraph_store == "disk":
        location = load_into_disk_store(merged, work)
        ox_cmd = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location)]
    else:
        ox_cmd = [str(BIN / "oxigraph"), "serve"]
    print(f"data: {dump.name} ({quads:,} quads with the merged default graph), "
          f"{len(files)} generated files; prepared in {time.perf_counter() - started:.1f} s",
          flush=True)

    ours_port, ox_port = free_port(), free_port()
    ours_cmd = [str(BIN / "regimegraph"), "serve", "--port", str(ours_port),
                "--workers", str(args.workers), "--max-rows", "1000000",
                "--query-timeout", "300", *(a for f in files for a in ("--data", str(f)))]
    ox_cmd += ["--bind", f"127.0.0.1:{ox_port}"]
    print("$ " + " ".join(ours_cmd))
    print("$ " + " ".join(ox_cmd), flush=True)
    servers.append(start("regimegraph", "/sparql", ours_cmd, work, ours_port, signal.SIGINT))
    servers.append(start("oxigraph", "/query", ox_cmd, work, ox_port))
    for server in servers:
        print(f"{server.name} answering after {wait_until_answering(server, 600):.1f} s",
              flush=True)
    if args.oxigraph_store == "memory":
        started = time.perf_counter()
        post_into_memory_server(servers[1], merged)
        print(f"oxigraph (in memory) loaded by POST /store in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    merged.unlink()

    queries = {p.stem: sparql_prologue() + p.read_text(encoding="utf-8")
               for p in sorted((ROOT / "queries").glob("*.rq"))}
    print("comparing answers:", flush=True)
    differ = differences(servers, queries)
    for name, how in differ.items():
        print(f"  DIFFERENT ANSWERS, not timed: {name}: {how}")
    timed_queries = {k: v for k, v in queries.items() if k not in differ}
    if not timed_queries:
        sys.exit("bench_serve: no query gives the same answer on both servers")

    print(f"\nload average before latency runs: {loadavg()}", flush=True)
    # ASK {} does no work in either engine: its time is each server's fixed cost per request.
    times = latencies(servers, {**timed_queries, FLOOR: "ASK {}"}, args.runs, args.warmup)
    print(f"\nLatency, one request at a time, {args.runs} runs (ms):\n")
    print("| query | ours p50 | ours p95 | Oxigraph p50 | Oxigraph p95 | p50 ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    ours_p50 = {}
    for name, by_server in times.items():
        ours, theirs = by_server["regimegraph"], by_server["oxigraph"]
        ours_p50[name] = statistics.median(ours)
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(f"| {name} | {ms(statistics.median(ours))} | {ms(percentile(ours, 0.95))} | "
              f"{ms(statistics.median(theirs))} | {ms(percentile(theirs, 0.95))} | "
              f"{ratio:.2f}\N{MULTIPLICATION SIGN} |", flush=True)

    print(f"\nload average before throughput runs: {loadavg()}", flush=True)
    print(f"\nThroughput, all timed queries in turn, {args.duration:g} s runs, "
          f"{args.rounds} rounds per server (requests/s median of rounds; ms over all):\n")
    print("| server | clients | requests/s | p50 ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    mix = list(timed_queries.values())
    for clients in args.clients:
        runs: dict[str, list[Load]] = {s.name: [] for s in servers}
        for round_ in range(args.rounds):
            for server in servers if round_ % 2 == 0 else servers[::-1]:
                runs[server.name].append(load(server, mix, clients, args.duration))
        for server in servers:
            done = runs[server.name]
            every = [t for r in done for t in r.latencies]
            rate = statistics.median(r.rate for r in done)
            p50 = ms(statistics.median(every)) if every else "-"
            p95 = ms(percentile(every, 0.95)) if every else "-"
            print(f"| {server.name} | {clients} | {rate:,.1f} | {p50} | {p95} | "
                  f"{sum(r.errors for r in done)} |", flush=True)

    for server in servers:
        server.stop()
    print(f"\nWhere our time goes, in this process on the same store (median of "
          f"{max(3, args.runs // 2)}, ms; HTTP p50 from the latency table):\n")
    print("| query | read-only check | engine | engine + Oxigraph JSON | answer(): check, "
          "engine, JSON | answer() via a worker (pickle + pipe) | HTTP p50 | HTTP "
          "minus worker (Flask, waitress, TCP) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (check, engine, native, ours_answer, hop) in breakdown(
            dump, timed_queries, max(3, args.runs // 2)).items():
        print(f"| {name} | {ms(check)} | {ms(engine)} | {ms(native)} | {ms(ours_answer)} | "
              f"{ms(hop)} | {ms(ours_p50[name])} | {ms(ours_p50[name] - hop)} |", flush=True)
    print(f"\nload average at end: {loadavg()}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("bench_serve: interrupted")
