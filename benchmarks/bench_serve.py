"""Benchmark `regimegraph serve` against the Oxigraph server on the same data (issue #5).

Run from the repository root:

    .venv/bin/python benchmarks/bench_serve.py [--size 1M] [--runs 20] [--clients 4]
        [--duration 10] [--rounds 3] [--oxigraph-store disk|memory] [--quick]
        [--generated DIR] [--ours-store oxigraph:PATH|memory [--oxigraph-db DIR]]

It starts both servers itself on free 127.0.0.1 ports and stops them at the
end (also on Ctrl-C or an error): `regimegraph serve` (waitress, queries on
the request's thread, web/inline.py) over the bundled knowledge base, and the
Oxigraph server over the very quads our server holds: the served N-Quads dump plus its default
graph, materialised as the merge of every named graph exactly as store.py
does (so no --union-default-graph, which counts a triple once per graph
holding it, oxigraph#1919). `--oxigraph-store disk` (the default) runs
`oxigraph serve-read-only` on a store made by `oxigraph load` (RocksDB);
`memory` runs `oxigraph serve` without a location, loaded by POST /store,
which holds the data in memory as our server does. With --size,
`regimegraph generate --seed 2026` records of that size are added to both
(`serve --data`).

`--ours-store oxigraph:PATH` serves ours from the on-disk store instead, as
docs/stores.md "At scale" advises past a few hundred thousand triples (with
--data the serving process holds the data in memory, ~10 GB at 10M):
`regimegraph build --store oxigraph:PATH --records DIR` (which reuses the store
when it already holds this build), then `regimegraph serve --store
oxigraph:PATH --records DIR`; the Oxigraph server gets every quad of that very
generation, read back from it. `--ours-store memory` serves that same build
(records built in) from memory, to tell the store's share from the data's.
`--oxigraph-db DIR` keeps the Oxigraph server's store between runs (reused
while it holds the same build). Each server is
started alone, and the time to its first answer is printed; at the end, the
peak RSS of each server's process tree (supervisor and serving process).

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
  alone, the engine with Oxigraph's own JSON writer, `answer` (our Python
  serialisation) and `answer` through the InlineRunner that serve uses (its
  slot and the watchdog's bookkeeping), next to the HTTP p50. It runs at
  another moment than the HTTP timings, so on a busy machine only differences of a
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
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from timing import loadavg, median_seconds

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
        """Its stop signal to its process group (regimegraph: SIGINT, so its supervisor
        stops the serving process), then SIGKILL if it is still there after 10 s."""
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
    job with SIGINT ignored, and regimegraph must see it to stop its serving process.
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


def process_tree(root: int) -> list[int]:
    """The pid and every descendant's (found by each process's parent in /proc/PID/stat)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # the command name may hold spaces and brackets: fields start after the last ')'
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, ()))
    return found


def memory_of(server: Server) -> tuple[float, float, int]:
    """Peak RSS summed over the server's process tree (MB), its RSS now (MB), processes.

    The sum of each process's VmHWM: an upper bound of the tree's peak at one
    moment (processes may peak at different times). A serving process replaced
    after a query timeout takes its peak with it.
    """
    peak = now = 0.0
    pids = process_tree(server.process.pid)
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = dict(line.split(":", 1) for line in
                          Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
            peak += int(fields.get("VmHWM", "0 kB").split()[0]) / 1024
            now += int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    return peak, now, len(pids)


def request(conn: http.client.HTTPConnection, path: str, query: str) -> tuple[int, bytes]:
    """One SPARQL protocol GET on a (keep-alive) connection; the whole body is read."""
    conn.request("GET", f"{path}?{urlencode({'query': query})}",
                 headers={"Accept": JSON_RESULTS})
    response = conn.getresponse()
    body = response.read()
    return response.status, body


# --- data ------------------------------------------------------------------------------------

def generated_folder(size: str | None, work: Path, reuse: Path | None) -> Path | None:
    """The `regimegraph generate` output folder to serve (None without --size)."""
    if not size:
        return None
    out = reuse or work / f"generated-{size}"
    if not (out / "manifest.json").exists():
        subprocess.run([str(BIN / "regimegraph"), "generate", "--triples", size, "--seed", "2026",
                        "--out", str(out), "--quiet"], check=True)
    return out


def data_files(folder: Path | None) -> list[Path]:
    """The record files of a generated folder, for `serve --data` (none without one)."""
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".ttl", ".nt", ".nq", ".trig"))


def check_store_option(text: str) -> None:
    """Exit with one line unless --ours-store is oxigraph:PATH or memory (before any work)."""
    from regimegraph.errors import UsageError
    from regimegraph.stores import parse_spec

    try:
        spec = parse_spec(text, "--ours-store")
    except UsageError as error:
        sys.exit(f"bench_serve: {error}")
    if spec.kind not in ("oxigraph", "memory"):
        sys.exit(f"bench_serve: --ours-store {text}: expected oxigraph:PATH or memory")


def build_ours(store: str, folder: Path | None) -> tuple[Path, float, str]:
    """`regimegraph build [--store oxigraph:PATH] [--records DIR]`: what `serve` will read.

    For oxigraph:PATH, the generation directory the build made current; for
    memory, the cached build's N-Quads dump, which the serving process loads. The
    build reuses what it finds when the digest (sources, records by name,
    size and time) is the same, so only a change makes it work again.
    Returns that path, the seconds the command took and what it did.
    """
    from regimegraph.kb import cached_build
    from regimegraph.sources import use_option
    from regimegraph.stores import parse_spec
    from regimegraph.stores.ondisk import current_generation

    spec = parse_spec(store, "--ours-store")  # checked by check_store_option
    before = current_generation(spec.path) if spec.path else None
    command = [str(BIN / "regimegraph"), "build", "--store", store, "--quiet",
               *(["--records", str(folder)] if folder else [])]
    print("$ " + " ".join(command), flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench_serve: the build failed ({done.returncode}): "
                 f"{(done.stderr or done.stdout).strip()[-500:]}")
    # ru_maxrss of waited-for children: the build is by far the largest child so far.
    peak = f"peak RSS {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MB"
    if spec.path is None:
        use_option((folder,) if folder else None)
        dump, _ = cached_build()  # the one the command just made or found
        return dump, seconds, peak
    generation = current_generation(spec.path)
    if generation is None:
        sys.exit(f"bench_serve: {store}: no generation after the build")
    return generation, seconds, "reused" if generation == before else f"built, {peak}"


def generation_quads(generation: Path, work: Path) -> tuple[Path, int]:
    """Every quad of an on-disk generation (its default graph included) as N-Quads.

    Read from the generation itself, so the Oxigraph server gets exactly what
    our server queries, streamed (a 10M store never sits in this process).
    """
    import pyoxigraph as ox

    store = ox.Store.read_only(str(generation))
    count = 0

    def counted() -> Iterator[ox.Quad]:
        nonlocal count
        for quad in store.quads_for_pattern(None, None, None, None):
            count += 1
            yield quad

    merged = work / "served-with-default-graph.nq"
    with merged.open("wb") as out:
        ox.serialize(counted(), output=out, format=ox.RdfFormat.N_QUADS)
    return merged, count


def merged_quads(dump: Path, work: Path) -> tuple[Path, int]:
    """Our server's exact quads (named graphs and the merged default graph) as N-Quads."""
    import pyoxigraph as ox

    from regimegraph.store import memory_store

    store = memory_store(dump)
    merged = work / "served-with-default-graph.nq"
    with merged.open("wb") as out:
        ox.serialize(store, output=out, format=ox.RdfFormat.N_QUADS)
    return merged, len(store)


def loaded_from(location: Path) -> Path:
    """The note beside a reusable Oxigraph server store naming the generation it holds."""
    return location.parent / f"{location.name}.loaded-from"


def load_into_disk_store(merged: Path, location: Path, source: str = "") -> float:
    """`oxigraph load` into a fresh on-disk store (RocksDB) for serve-read-only; seconds.

    With a `source` (the build the quads came from), a note beside the store
    lets a later run with the same --oxigraph-db reuse it: a 10M load takes
    minutes. The note is written (empty) before loading and marks the folder
    as this script's: a non-empty folder without one is refused, not emptied.
    """
    note = loaded_from(location)
    if location.is_dir() and any(location.iterdir()) and not note.exists():
        sys.exit(f"bench_serve: --oxigraph-db {location}: not empty and not made by "
                 "this script (no .loaded-from note beside it); give a new folder")
    note.write_text("")
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(location), "--file",
                    str(merged)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    note.write_text(source)
    return time.perf_counter() - started


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


def breakdown(dump: Path, queries: dict[str, str], repeat: int,
              store_text: str = "") -> dict[str, tuple[float, ...]]:
    """Where a request's time goes, measured in this process on a store like the server's.

    Per query: the read-only check, the engine alone, the engine with
    Oxigraph's own JSON writer, `answer` (check, engine, our Python
    serialisation), and the same job through the InlineRunner `serve` uses.
    Under FLOOR, ASK {} through the runner (the other columns are 0 for it).
    With `store_text` (--ours-store), the on-disk store is opened read-only,
    as `serve` does, and `dump` is not read.
    """
    import pyoxigraph as ox

    from regimegraph.namespaces import prefix_iris
    from regimegraph.readonly import refusal
    from regimegraph.store import memory_store
    from regimegraph.stores import OxigraphStore, parse_spec
    from regimegraph.stores.ondisk import open_read_only
    from regimegraph.web.answers import Job, answer
    from regimegraph.web.inline import InlineRunner

    if store_text:
        path = parse_spec(store_text).path
        assert path is not None
        store = open_read_only(path)
    else:
        store = memory_store(dump)
    pool = InlineRunner(OxigraphStore(store), slots=1, timeout=300)
    prefixes = prefix_iris()
    out: dict[str, tuple[float, ...]] = {}
    try:
        for name, text in {**queries, FLOOR: "ASK {}"}.items():
            job = Job(query=text, base_iri="http://127.0.0.1/sparql", accept=JSON_RESULTS,
                      max_rows=10**9, prefixes=tuple(prefixes.items()))

            def hop(job: Job = job) -> object:
                return pool.run(job, lambda *_: None)

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
                        "loaded by POST /store, like our in-memory store")
    parser.add_argument("--ours-store", metavar="oxigraph:PATH|memory",
                        help="build the generated records into the knowledge base (`regimegraph "
                        "build --store S --records DIR`, reused when current) and serve ours "
                        "with `serve --store S --records DIR` instead of --data: oxigraph:PATH "
                        "on disk, or memory (the serving process loads that build)")
    parser.add_argument("--oxigraph-db", type=Path, metavar="DIR",
                        help="with --ours-store and --oxigraph-store disk: keep the Oxigraph "
                        "server's store here and reuse it while it holds the same build")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 3 runs, 1 round of 2 s, 2 clients")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.warmup, args.rounds, args.duration, args.clients = 3, 1, 1, 2.0, [2]
    for name in ("runs", "rounds", "workers"):
        if getattr(args, name) < 1:
            sys.exit(f"bench_serve: --{name} must be at least 1")
    if args.ours_store:
        check_store_option(args.ours_store)
    if args.oxigraph_db and not (args.ours_store and args.oxigraph_store == "disk"):
        sys.exit("bench_serve: --oxigraph-db goes with --ours-store and --oxigraph-store disk")
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

    folder = generated_folder(args.size, work, args.generated)
    files = [] if args.ours_store else data_files(folder)
    started = time.perf_counter()
    location = args.oxigraph_db or work / "oxigraph-db"
    on_disk = bool(args.ours_store) and args.ours_store.strip().lower() != "memory"
    if args.ours_store:
        built, seconds, what = build_ours(args.ours_store, folder)
        print(f"our store: {args.ours_store}, {built.name} ({what}; {seconds:.1f} s)",
              flush=True)
        # on disk, `built` is the generation, which our server and the breakdown open
        dump = built
    else:
        dump = served_dump(Settings(data_files=tuple(files)))
    source = str(dump) if args.ours_store else ""  # what a kept --oxigraph-db was loaded from
    note = loaded_from(location)
    reuse = (args.oxigraph_store == "disk" and bool(args.oxigraph_db) and bool(source)
             and location.is_dir() and note.exists() and note.read_text() == source)
    merged: Path | None = None
    if reuse:
        print(f"oxigraph: reusing {location} (loaded from {source})", flush=True)
    else:
        merged, quads = generation_quads(dump, work) if on_disk else merged_quads(dump, work)
        print(f"data: {dump.name}: {quads:,} quads with the merged default graph, "
              f"{len(files) if files else 'no'} --data files; written in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        if args.oxigraph_store == "disk":
            print(f"oxigraph load: {load_into_disk_store(merged, location, source):.1f} s",
                  flush=True)
    if args.oxigraph_store == "disk":
        ox_cmd = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(location)]
    else:
        ox_cmd = [str(BIN / "oxigraph"), "serve"]

    ours_port, ox_port = free_port(), free_port()
    ours_cmd = [str(BIN / "regimegraph"), "serve", "--port", str(ours_port),
                "--workers", str(args.workers), "--max-rows", "1000000",
                "--query-timeout", "300", *(a for f in files for a in ("--data", str(f)))]
    if args.ours_store:
        ours_cmd += ["--store", args.ours_store,
                     *(["--records", str(folder)] if folder else [])]
    ox_cmd += ["--bind", f"127.0.0.1:{ox_port}"]
    # One after the other, so each start-up time is its own, not a share of two cores.
    for name, path, command, port, stop_with in (
            ("regimegraph", "/sparql", ours_cmd, ours_port, signal.SIGINT),
            ("oxigraph", "/query", ox_cmd, ox_port, signal.SIGTERM)):
        print("$ " + " ".join(command), flush=True)
        servers.append(start(name, path, command, work, port, stop_with))
        print(f"{name} answering after {wait_until_answering(servers[-1], 1800):.1f} s "
              f"(start to the first 200 to ASK {{}})", flush=True)
    if args.oxigraph_store == "memory":
        assert merged is not None
        started = time.perf_counter()
        post_into_memory_server(servers[1], merged)
        print(f"oxigraph (in memory) loaded by POST /store in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    if merged is not None:
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

    print("\nMemory at the end (peak = the sum of VmHWM over the process tree):\n")
    print("| server | processes | peak RSS MB | RSS now MB |")
    print("|---|---:|---:|---:|")
    for server in servers:
        peak, now, count = memory_of(server)
        print(f"| {server.name} | {count} | {peak:,.0f} | {now:,.0f} |", flush=True)
    for server in servers:
        server.stop()
    print(f"\nWhere our time goes, in this process on the same store (median of "
          f"{max(3, args.runs // 2)}, ms; HTTP p50 from the latency table):\n")
    print("| query | read-only check | engine | engine + Oxigraph JSON | answer(): check, "
          "engine, JSON | answer() via the runner | HTTP p50 | HTTP "
          "minus runner (endpoint, waitress, TCP) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (check, engine, native, ours_answer, hop) in breakdown(
            dump, timed_queries, max(3, args.runs // 2),
            args.ours_store if on_disk else "").items():
        print(f"| {name} | {ms(check)} | {ms(engine)} | {ms(native)} | {ms(ours_answer)} | "
              f"{ms(hop)} | {ms(ours_p50[name])} | {ms(ours_p50[name] - hop)} |", flush=True)
    print(f"\nload average at end: {loadavg()}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("bench_serve: interrupted")
