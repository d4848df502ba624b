"""`regimegraph serve` keeps its time limit: a runaway query is answered, and its process replaced.

Runs the real command (supervisor and serving process, web/supervisor.py) on
the bundled knowledge base with a short time limit, and sends it queries that
would run for hours. How fast a successor starts is measured, not asserted
(docs/sparql.md); what is checked is what a client and an operator rely on.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from live_server import http_request
from regimegraph.kb import KnowledgeBase

TIMEOUT = 1.5
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GSS = "SELECT ?gss WHERE { council:E10000025 rg:gssCode ?gss }"
COMMAND = [sys.executable, "-c", "from regimegraph.cli import main; main()", "serve",
           "--port", "0", "--query-timeout", str(TIMEOUT), "--workers", "2"]


class Served:
    """The command running, its port, and every line it has written to stderr."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(COMMAND, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.said: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True).start()
        first = self.process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, (first, self.said)
        self.port = int(found.group(1))

    def _read(self, stream: Any) -> None:
        try:
            for line in stream:
                self.said.append(line.rstrip("\n"))
        except ValueError:  # closed by stop()
            pass

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        return http_request(self.port, method, path, body, headers, timeout=60)

    def query(self, text: str) -> tuple[int, dict[str, str], bytes]:
        return self.request("POST", "/sparql", urlencode({"query": text}).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "Accept": "application/sparql-results+json"})

    def gss(self) -> list[str]:
        status, _, body = self.query(GSS)
        assert status == 200, body
        return [b["gss"]["value"] for b in json.loads(body)["results"]["bindings"]]

    def wait_for(self, pattern: str, after: int = 0) -> re.Match[str]:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for line in self.said[after:]:
                found = re.search(pattern, line)
                if found:
                    return found
            time.sleep(0.05)
        raise AssertionError(f"no line like {pattern!r} in {self.said}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def served(kb: KnowledgeBase) -> Iterator[Served]:
    running = Served()
    yield running
    running.stop()


def gone(pid: int) -> bool:
    """Whether a process has exited and been reaped (a zombie still answers os.kill)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_a_runaway_gets_503_and_its_process_is_replaced(served: Served) -> None:
    before = len(served.said)
    status, headers, body = served.query(RUNAWAY)
    assert status == 503, body
    assert b"ran past the 1.5 s time limit" in body and headers["Retry-After"] == "2"
    assert served.gss() == ["E10000025"]  # answered at once, by one process or the other
    old = int(served.wait_for(r"serving process (\d+): a query ran past its time limit; "
                              r"starting a fresh one", before).group(1))
    replaced = served.wait_for(r"serving process (\d+) answers; (\d+) finishes", before)
    assert int(replaced.group(2)) == old and int(replaced.group(1)) != old
    assert gone(old), "the process running the runaway query did not end"
    assert served.gss() == ["E10000025"]


def test_runaways_in_every_slot_at_once_are_all_answered(served: Served) -> None:
    before = len(served.said)
    outcomes: list[tuple[int, bytes]] = []

    def send(path: str) -> None:
        if path == "/sparql":
            status, _, body = served.query(RUNAWAY)
        else:  # the query page runs queries the same way, with the same limit
            status, _, body = served.request("GET", "/query?" + urlencode({"query": RUNAWAY}))
        outcomes.append((status, body))

    threads = [threading.Thread(target=send, args=(path,)) for path in ("/sparql", "/query")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in outcomes] == [503, 503], outcomes
    assert all(b"time limit" in body for _, body in outcomes)
    served.wait_for(r"serving process \d+ answers", before)
    assert served.gss() == ["E10000025"]


def serving_processes(supervisor: int) -> set[int]:
    """The supervisor's children that serve (not multiprocessing's resource tracker)."""
    return {pid for pid in children(supervisor)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()}


def test_a_serving_process_that_dies_is_replaced(served: Served) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to find the serving process")
    deadline = time.monotonic() + 60  # a process replaced earlier may still be finishing
    while len(serving_processes(served.process.pid)) != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    before = len(served.said)
    [pid] = serving_processes(served.process.pid)
    os.kill(pid, signal.SIGKILL)
    served.wait_for(rf"serving process {pid}: it ended \(exit code -9\); starting a fresh one",
                    before)
    served.wait_for(r"serving process \d+ answers", before)
    assert served.gss() == ["E10000025"]
    assert pid not in serving_processes(served.process.pid)


def test_sigterm_stops_the_supervisor_and_every_serving_process(kb: KnowledgeBase) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to find the serving processes")
    running = Served()
    try:
        assert running.gss() == ["E10000025"]
        serving = serving_processes(running.process.pid)
        assert len(serving) == 1
        running.process.send_signal(signal.SIGTERM)
        assert running.process.wait(30) == 0
        assert all(gone(pid) for pid in serving)
    finally:
        running.stop()


def test_a_serving_process_that_cannot_start_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    command = [*COMMAND, "--no-kb", "--data", str(bad)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert str(bad) in done.stderr and "Traceback" not in done.stderr
