"""Benchmark `regimegraph build` into a real SPARQL server through a user's rebuilds.

Run from the repository root:

    .venv/bin/python benchmarks/bench_server_build.py --server oxigraph|virtuoso --records DIR
        [--virtuoso-setting KEY=VALUE ...] [--cache DIR] [--work DIR]
        [--steps empty,same,edit,back,renamed]

for example, at 1M (the sequence of benchmarks/RESULTS.md, "Building into the
Oxigraph server at 1M (session 4)"):

    .venv/bin/regimegraph generate --triples 1M --seed 2026 --out /tmp/gen1m
    .venv/bin/python benchmarks/bench_server_build.py --server oxigraph --records /tmp/gen1m \\
        --work /tmp/bench-server-1m --cache /tmp/bench-server-1m/cache

It starts the server new and empty (tests/store_servers.py: the Oxigraph server
from the virtualenv, or Debian's Virtuoso, on 127.0.0.1 with its data under
WORK), then runs, each as a user would, in a child process with a private
cache (REGIMEGRAPH_CACHE, default WORK/cache), from WORK (so no
regimegraph.toml is found) and without REGIMEGRAPH_STORE or REGIMEGRAPH_RECORDS:

    regimegraph build --records DIR --store URL              # empty: into the empty server
    regimegraph build --records DIR --store URL              # same: nothing to write
    mkdir -p WORK/edit && cp -r DIR WORK/edit/NAME           # the same folder name: same graphs
    sed -i 's/"2015-11-1\\([0-9]\\)"/"2015-11-2\\1"/g' WORK/edit/NAME/business-001.ttl
    regimegraph build --records WORK/edit/NAME --store URL   # edit: those dates edited
    regimegraph build --records DIR --store URL              # back: to the original
    cp -r WORK/edit/NAME WORK/NAME-edit                      # a new folder name: new graphs
    regimegraph build --records WORK/NAME-edit --store URL   # renamed: new graphs, old gone

(NAME is DIR's folder name.) The server is stopped at the end, also after an
error or Ctrl-C; its data directory is deleted, its logs kept in WORK.

Each step gives the wall seconds (interpreter start-up and imports included),
the child's peak RSS (wait4), the server process's peak RSS so far (VmHWM of
/proc/PID/status: for both servers the process started is the server itself,
which this checks), the exit code, and the child's progress lines (stderr),
each time-stamped from the step's start as it arrives: they are printed, saved
to WORK/STEP.log, and give the time to the switch ("switching:"), of the switch
(to "switched:") and after it, to the end (dropping the staging graphs and
the graphs gone: "switched:" is the last line), and whether the knowledge base
was built (its "building" line) or found in the cache. The steps share the
server and the cache, so the order matters: `same` follows `empty`, and so on.
A failed `empty` ends the run. A first run builds the knowledge base three
times (DIR, the edit and the renamed folder: a source's cache key is its path,
size and mtime, and the edited file keeps the original's mtime); a later run
with the same --work and --cache finds all three cached, so the build of the
knowledge base (5 minutes at 10M) is paid once and the steps measure the
store. Results go by hand into benchmarks/RESULTS.md with the versions printed
here.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO

import pyoxigraph

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [str(Path(sys.executable).with_name("regimegraph"))]
sys.path.insert(0, str(ROOT / "tests"))

from store_servers import Server, oxigraph_server, virtuoso_server  # noqa: E402

STEPS = ["empty", "same", "edit", "back", "renamed"]
EDITED_FILE = "business-001.ttl"
DATE = re.compile(rb'"2015-11-1([0-9])"')
PREFIX = "regimegraph: "
SAID = re.compile(r"\s*(OWL RL closure|build time|store):")  # stdout lines worth printing


@dataclass
class Step:
    """One `regimegraph build` and what it cost."""

    name: str
    records: Path
    load: float
    seconds: float = 0.0
    client_mb: int = 0
    server_mb: int | None = None
    exit: int | None = None
    lines: list[tuple[float, str]] = field(default_factory=list)

    def built(self) -> str:
        """Whether the knowledge base was built ("yes") or taken from the cache ("no")."""
        return "yes" if self.at("building the knowledge base") is not None else "no"

    def at(self, marker: str) -> float | None:
        """When the first progress line beginning with `marker` came, or None."""
        for seconds, line in self.lines:
            if line.removeprefix(PREFIX).startswith(marker):
                return seconds
        return None

    def switch(self) -> float | None:
        """Seconds from "switching:" to "switched:", or None without a switch."""
        switching, switched = self.at("switching:"), self.at("switched:")
        if switching is None or switched is None:
            return None
        return switched - switching

    def after(self) -> float | None:
        """Seconds from "switched:" to the end (dropping what is gone), or None."""
        switched = self.at("switched:")
        return None if switched is None else self.seconds - switched


def run(command: list[str], cwd: Path | None = None, count: int = 1) -> str:
    """A command's first `count` lines of output (stdout or stderr), or why there are none."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unavailable ({error})"
    lines = (done.stdout + done.stderr).decode(errors="replace").strip().splitlines()
    return "; ".join(line.strip() for line in lines[:count]) if lines else (
        f"no output (exit {done.returncode})")


def versions(server: str) -> None:
    """Print what the figures depend on: interpreter, libraries, server and commit."""
    try:
        ours = metadata.version("regimegraph")
    except metadata.PackageNotFoundError:
        ours = "not installed"
    print(f"python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__}, "
          f"regimegraph {ours}, {os.cpu_count()} cores, {platform.machine()}, "
          f"Linux {platform.release()}")
    if server == "oxigraph":
        binary = Path(sys.executable).with_name("oxigraph")
        print(f"the Oxigraph server: {run([str(binary), '--version'])} ({binary})")
    else:
        print(f"Virtuoso: {run(['virtuoso-t', '-?'], count=2)}; Debian virtuoso-opensource "
              f"{run(['dpkg-query', '-W', '-f', '${Version}', 'virtuoso-opensource'])}")
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT)
    changed = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                             text=True, check=False).stdout.splitlines()
    state = f"dirty: {', '.join(line[3:] for line in changed)}" if changed else "clean"
    print(f"regimegraph commit {commit}, tree {state}")


def kib(pid: int, key: str) -> int | None:
    """A field of /proc/PID/status in KiB (VmHWM: peak RSS so far), or None if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def children(pid: int) -> list[int]:
    """The process's child processes (every thread's)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def describe_server(server: Server) -> None:
    """Say which process the server's RSS is read from, and whether it has children."""
    assert server.process is not None
    pid = server.process.pid
    name = Path(f"/proc/{pid}/comm").read_text().strip()
    others = children(pid)
    print(f"{server.name} at {server.store}: pid {pid} ({name}), "
          f"{f'child processes {others} (not counted)' if others else 'no child processes'}; "
          f"data and logs in {server.data}")


def edited_copy(records: Path, work: Path) -> Path:
    """WORK/edit/NAME: the records with November 2015's 1x dates made 2x, in EDITED_FILE."""
    folder = work / "edit" / records.name
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(records, folder)
    edited = folder / EDITED_FILE
    if not edited.exists():
        sys.exit(f"{records} has no {EDITED_FILE} to edit")
    text, count = DATE.subn(rb'"2015-11-2\1"', edited.read_bytes())
    edited.write_bytes(text)
    # The cache key of a source is its path, size and mtime: keeping the original's
    # mtime (the size is the same) lets a later run with the same --work and --cache
    # find this build cached, as it finds DIR's.
    original = (records / EDITED_FILE).stat()
    os.utime(edited, ns=(original.st_atime_ns, original.st_mtime_ns))
    print(f"edited {count:,} date(s) \"2015-11-1D\" to \"2015-11-2D\" in {edited}")
    if count == 0:
        print("  (nothing edited: the `edit` step will build the same triples under that name)")
    return folder


def build(step: Step, store: str, env: dict[str, str], work: Path, log: IO[str]) -> None:
    """Run `regimegraph build` for the step, time-stamping its progress lines as they come."""
    args = [*COMMAND, "build", "--records", str(step.records), "--store", store]
    print(f"$ {' '.join(args)}", file=log, flush=True)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(args, env=env, cwd=work, stdout=out, stderr=subprocess.PIPE)
        try:
            assert child.stderr is not None
            for raw in child.stderr:
                seconds = time.perf_counter() - started
                line = raw.decode(errors="replace").rstrip("\n")
                step.lines.append((seconds, line))
                print(f"  {seconds:8.2f} s  {line}", flush=True)
                print(f"{seconds:8.2f} s  {line}", file=log, flush=True)
            _pid, status, usage = os.wait4(child.pid, 0)
            step.seconds = time.perf_counter() - started
            child.returncode = step.exit = os.waitstatus_to_exitcode(status)
            step.client_mb = usage.ru_maxrss // 1024
        finally:
            if child.returncode is None:  # interrupted: leave no build running
                child.kill()
                child.wait()
        out.seek(0)
        printed = out.read().decode(errors="replace").strip()
    print(f"{step.seconds:8.2f} s  exit {step.exit}", file=log)
    if printed:
        print(f"stdout:\n{printed}", file=log)
        for line in printed.splitlines():
            if SAID.match(line):
                print(f"  stdout: {line.strip()}")


def summary(step: Step) -> str:
    """The step's figures on one line, with the durations between its progress markers."""
    parts = [f"{step.seconds:.1f} s", f"knowledge base built: {step.built()}",
             f"client peak {step.client_mb:,} MB",
             f"server peak {mb(step.server_mb)} MB", f"exit {step.exit}"]
    switching, switched = step.at("switching:"), step.at("switched:")
    if switching is not None:
        parts.append(f"to 'switching:' {switching:.1f} s")
    if switching is not None and switched is not None:
        parts.append(f"switch {switched - switching:.2f} s")
    if switched is not None:
        parts.append(f"'switched:' to the end {step.seconds - switched:.1f} s")
    if switching is None and switched is None:
        parts.append("no switch")
    if step.lines:
        parts.append(f"last line to the end {step.seconds - step.lines[-1][0]:.1f} s")
    return ", ".join(parts)


def mb(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def table(steps: list[Step]) -> None:
    print("\n| step | load avg at start | total s | kb built | switch s | after switch s "
          "| client peak MB | server peak MB | exit |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for step in steps:
        switch, after = step.switch(), step.after()
        print(f"| {step.name} | {step.load:.2f} | {step.seconds:.1f} | {step.built()} | "
              f"{'-' if switch is None else f'{switch:.2f}'} | "
              f"{'-' if after is None else f'{after:.1f}'} | {step.client_mb:,} | "
              f"{mb(step.server_mb)} | {step.exit} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["oxigraph", "virtuoso"], required=True)
    parser.add_argument("--records", type=Path, required=True,
                        help="a record folder (`regimegraph generate` output)")
    parser.add_argument("--virtuoso-setting", action="append", default=[], metavar="KEY=VALUE",
                        help="a virtuoso.ini line to replace or add (repeatable)")
    parser.add_argument("--cache", type=Path,
                        help="REGIMEGRAPH_CACHE for the builds, kept (default: WORK/cache)")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated, run in the order given (default {','.join(STEPS)})")
    parser.add_argument("--work", type=Path,
                        help="folder for the copies, logs and server (default: a new temp dir)")
    args = parser.parse_args()
    steps = args.steps.split(",")
    if unknown := [s for s in steps if s not in STEPS]:
        parser.error(f"unknown steps {unknown}; known: {STEPS}")
    if args.virtuoso_setting and args.server != "virtuoso":
        parser.error("--virtuoso-setting is for --server virtuoso")
    if any("=" not in item for item in args.virtuoso_setting):
        parser.error("--virtuoso-setting takes KEY=VALUE")
    settings = dict(item.split("=", 1) for item in args.virtuoso_setting)
    records = args.records.resolve()
    if not records.is_dir():
        parser.error(f"{records} is not a folder")
    work = (args.work or Path(tempfile.mkdtemp(prefix="regimegraph-bench-server-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    cache = (args.cache or work / "cache").resolve()
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` as Ctrl-C

    versions(args.server)
    print(f"records {records}; work {work}; cache {cache} "
          f"({'exists' if cache.exists() else 'new'})"
          + (f"; Virtuoso settings {settings}" if settings else ""))
    env = {key: value for key, value in os.environ.items()
           if key not in ("REGIMEGRAPH_STORE", "REGIMEGRAPH_RECORDS")}
    env["REGIMEGRAPH_CACHE"] = str(cache)

    base = Path(tempfile.mkdtemp(prefix=f"{args.server}-", dir=work))
    server = oxigraph_server(base) if args.server == "oxigraph" else virtuoso_server(base,
                                                                                     settings)
    if server is None:
        sys.exit(f"the {args.server} server is not installed")
    done: list[Step] = []
    interrupted = False
    try:
        server.start()
        describe_server(server)
        edited: Path | None = None
        for name in steps:
            if name == "edit":
                edited = edited_copy(records, work)
            if name == "renamed":
                renamed = work / f"{records.name}-edit"
                shutil.rmtree(renamed, ignore_errors=True)
                shutil.copytree(edited or edited_copy(records, work), renamed)
            folder = {"edit": edited, "renamed": work / f"{records.name}-edit"}.get(name, records)
            assert folder is not None
            load = os.getloadavg()
            step = Step(name, folder, load[0])
            print(f"\n## {name}: {folder}, load average {load[0]:.2f} {load[1]:.2f} "
                  f"{load[2]:.2f}", flush=True)
            path = work / f"{name}.log"
            with open(path, "w") as log:
                build(step, server.store, env, work, log)
            assert server.process is not None
            step.server_mb = (None if (peak := kib(server.process.pid, "VmHWM")) is None
                              else peak // 1024)
            rss = kib(server.process.pid, "VmRSS")
            done.append(step)
            print(f"{name}: {summary(step)}; server RSS now {mb(rss and rss // 1024)} MB")
            print(f"log: {path}")
            if step.exit != 0:
                print(f"{name} FAILED (exit {step.exit}); its last lines:")
                for _seconds, line in step.lines[-10:]:
                    print(f"    {line}")
                if name == "empty":
                    print("stopping: the later steps need the first build in the server")
                    break
            if server.process.poll() is not None:
                print(f"stopping: {server.name} exited ({server.process.returncode}):\n"
                      f"{server.tail()}")
                break
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted", file=sys.stderr)
    finally:
        server.stop()
        for kept in [server.log, *server.data.glob("*.log")]:
            if kept.exists():
                shutil.copy(kept, work / f"{args.server}-server-{kept.name}")
        shutil.rmtree(base, ignore_errors=True)
        print(f"\n{server.name} stopped; its logs: {work}/{args.server}-server-*")
    table(done)
    if interrupted:
        sys.exit(130)
    if any(step.exit != 0 for step in done):
        sys.exit(1)


if __name__ == "__main__":
    main()
