"""Benchmark what the hop to a query worker costs, after the machine has been idle.

Run from the repository root:

    .venv/bin/python benchmarks/bench_pool_hop.py [--runs 300] [--gaps 0 2 20]

Why: `regimegraph serve` runs every query in a worker process (web/pool.py),
the only way to stop a query at its time limit, since pyoxigraph cannot
interrupt one. The hop is cheap back to back, yet requests one at a time
with pauses between them (as bench_serve.py's latency runs make them) paid
much more for it: a process woken from idle is slow to run on a virtual
machine. This measures, for each pause (ms) between requests:

- pipe: a bare round trip of a 3.7 KB message over a multiprocessing Pipe to a
  process that echoes it (the least any worker hop can cost);
- pool: `QueryPool.run` of `ASK {}` on a one-worker pool over a 3-triple
  dump, minus `answer()` of the same job in this process (the hop alone:
  pickling, the pipe both ways, waking the worker and then this thread).

Medians of --runs requests per pause, in ms.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from timing import loadavg


def echo(conn: Connection) -> None:
    while (message := conn.recv()) is not None:
        conn.send(message)


def median_ms(action: Callable[[], object], runs: int, pause: float) -> float:
    times = []
    for _ in range(runs):
        if pause:
            time.sleep(pause)
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--gaps", type=float, nargs="+", default=[0, 2, 20],
                        help="pauses between requests, ms")
    args = parser.parse_args()

    from regimegraph.store import memory_store
    from regimegraph.web.pool import Job, QueryPool, answer

    print(f"load average at start: {loadavg()}")
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    echoer = context.Process(target=echo, args=(theirs,), daemon=True)
    echoer.start()
    message = ("x" * 3700, 0)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "data.nq"
        dump.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o> .\n" for i in range(3)),
                        encoding="utf-8")
        store = memory_store(dump)
        pool = QueryPool(dump, size=1, timeout=30)
        pool.start()
        job = Job(query="ASK {}", base_iri="http://127.0.0.1/sparql",
                  accept="application/sparql-results+json")
        try:
            print("\n| pause between requests (ms) | pipe round trip | pool.run | answer() here "
                  "| the hop (pool.run - answer) |")
            print("|---:|---:|---:|---:|---:|")
            for gap in args.gaps:
                pause = gap / 1000

                def pipe() -> object:
                    ours.send(message)
                    return ours.recv()

                trip = median_ms(pipe, args.runs, pause)
                run = median_ms(lambda: pool.run(job), args.runs, pause)
                here = median_ms(lambda: answer(store, job), args.runs, pause)
                print(f"| {gap:g} | {trip:.3f} | {run:.3f} | {here:.3f} | {run - here:.3f} |")
        finally:
            pool.close()
            ours.send(None)
            echoer.join(5)
    print(f"\nload average at end: {loadavg()}")


if __name__ == "__main__":
    main()
