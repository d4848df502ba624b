"""Benchmark `regimegraph build` at scale: time and peak memory per store and size.

Run from the repository root:

    .venv/bin/python benchmarks/bench_build.py --sizes 100k 1M [--stores memory oxigraph]
        [--server URL] [--generated SIZE=DIR ...] [--runs 1]

For each size it generates England (`regimegraph generate --seed 2026`, or
reuses --generated SIZE=DIR), then for each store runs, as a user would, in a
child process with a private cache and on-disk store:

- `build --records DIR --store S`: cold (empty cache), the whole build (sources,
  closure, dump) and loading it into the store;
- `query --records DIR --store S "SELECT (COUNT(*) ...)"`: reopening that build
  for a first query, which is what every later command pays.

Each line gives wall seconds and the child's peak RSS (getrusage), so the
figures include interpreter start-up and imports (~1 s). A memory or rdflib
store is the cached dump itself: its build is the same as memory's, and only
its reopen differs. `--server URL` adds a SPARQL server (started by you;
overwritten). Results go by hand into benchmarks/RESULTS.md with the versions
printed here.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [str(Path(sys.executable).with_name("regimegraph"))]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def timed(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB of this child alone (wait4), and its stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(args, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"{' '.join(args)} failed ({child.returncode}): {err.read().decode()}")
        return seconds, usage.ru_maxrss // 1024, out.read().decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["100k", "1M"])
    parser.add_argument("--stores", nargs="+", default=["memory", "rdflib", "oxigraph"])
    parser.add_argument("--server", action="append", default=[],
                        help="a SPARQL query endpoint URL (repeatable)")
    parser.add_argument("--generated", action="append", default=[], metavar="SIZE=DIR",
                        help="reuse a `regimegraph generate` output for SIZE")
    parser.add_argument("--runs", type=int, default=1, help="runs of each, median taken")
    args = parser.parse_args()
    reused = dict(item.split("=", 1) for item in args.generated)
    work = Path(tempfile.mkdtemp(prefix="regimegraph-bench-build-"))
    print(f"python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print("| records | store | build s | build peak MB | reopen + first query s "
          "| reopen peak MB | quads |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        folder = Path(reused[size]) if size in reused else work / f"england-{size}"
        if size not in reused:
            subprocess.run([*COMMAND, "generate", "--triples", size, "--seed", "2026",
                            "--out", str(folder), "--quiet"], check=True)
        for store in [*args.stores, *args.server]:
            builds, reopens = [], []
            for run in range(args.runs):
                env = {**os.environ, "REGIMEGRAPH_CACHE": str(work / f"cache-{run}")}
                spec = f"oxigraph:{work / 'store'}" if store == "oxigraph" else store
                shutil.rmtree(work / f"cache-{run}", ignore_errors=True)
                shutil.rmtree(work / "store", ignore_errors=True)
                builds.append(timed([*COMMAND, "build", "--records", str(folder),
                                     "--store", spec, "--quiet"], env))
                reopens.append(timed([*COMMAND, "query", "--records", str(folder),
                                      "--store", spec, "--format", "csv", COUNT], env))
            build = statistics.median(b[0] for b in builds)
            reopen = statistics.median(r[0] for r in reopens)
            quads = reopens[0][2].splitlines()[-1]
            print(f"| {size} | {store} | {build:.1f} | {max(b[1] for b in builds):,} | "
                  f"{reopen:.1f} | {max(r[1] for r in reopens):,} | {int(quads):,} |",
                  flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
