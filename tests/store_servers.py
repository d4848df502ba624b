"""Real SPARQL servers for the store tests, started on 127.0.0.1 and stopped after.

The Oxigraph server comes from PyPI (`oxigraph`, the test extra); Virtuoso from
Debian (`virtuoso-opensource`, installed by .ci/run). Each runs on free ports
with a temporary data directory. A missing server skips its tests, unless
REGIMEGRAPH_REQUIRE_SERVERS is set (as .ci/run does): then it fails them, so CI
can never pass by skipping.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

STARTUP_SECONDS = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def missing(what: str) -> None:
    """Skip a test needing `what`, or fail it when servers are required (CI)."""
    if os.environ.get("REGIMEGRAPH_REQUIRE_SERVERS"):
        pytest.fail(f"{what} is required (REGIMEGRAPH_REQUIRE_SERVERS is set) but missing")
    pytest.skip(f"{what} is not installed")


@dataclass
class Server:
    """A SPARQL server process: its store setting, and how to stop and restart it."""

    name: str
    store: str  # the --store value
    command: list[str]
    data: Path
    probe: str  # a URL answering 200 when the server is up
    log: Path
    process: subprocess.Popen[bytes] | None = None
    after_start: list[list[str]] = field(default_factory=list)

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.command, cwd=self.data, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode} at start; "
                                   f"log: {self.log}:\n{self.tail()}")
            if _answers(self.probe):
                for command in self.after_start:
                    subprocess.run(command, cwd=self.data, check=True, capture_output=True,
                                   timeout=60)
                return
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {self.probe} within "
                           f"{STARTUP_SECONDS:.0f} s; log: {self.log}:\n{self.tail()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-15:])
        except OSError:
            return "(no log)"


@contextlib.contextmanager
def running(found: Server | None, what: str) -> Iterator[Server]:
    """A server started for a test module and stopped after; `what` names it when missing."""
    if found is None:
        missing(what)
    assert found is not None
    found.start()
    try:
        yield found
    finally:
        found.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def oxigraph_server(base: Path) -> Server | None:
    """The Oxigraph server from the virtualenv (PyPI package `oxigraph`), or None."""
    found = Path(sys.executable).with_name("oxigraph")
    binary = str(found) if found.exists() else shutil.which("oxigraph")
    if binary is None:
        return None
    data = base / "oxigraph"
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    return Server(
        name="the Oxigraph server", store=f"{url}/query",
        command=[binary, "serve", "--location", str(data / "db"), "--bind", f"127.0.0.1:{port}"],
        data=data, probe=f"{url}/query?{urlencode({'query': 'ASK {}'})}", log=data / "log.txt")


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {data}/virtuoso.db
ErrorLogFile = {data}/virtuoso.log
LockFile = {data}/virtuoso.lck
TransactionFile = {data}/virtuoso.trx
xa_persistent_file = {data}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {data}/virtuoso-temp.db
TransactionFile = {data}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {data}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {data}
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 120
"""


def virtuoso_server(base: Path, settings: dict[str, str] | None = None) -> Server | None:
    """Debian's Virtuoso 7 (`virtuoso-opensource`), or None if it is not installed.

    `settings` replace or add lines of virtuoso.ini ({"ResultSetMaxRows": "10000"}),
    each in the section of the line it replaces, or in [Parameters].
    """
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        return None
    data = base / "virtuoso"
    data.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.format(data=data, sql_port=sql_port, http_port=http_port)
    for key, value in (settings or {}).items():
        lines = ini.splitlines()
        found = [i for i, line in enumerate(lines) if line.split("=")[0].strip() == key]
        at = found[0] if found else lines.index("[Parameters]") + 1
        lines[at : at + bool(found)] = [f"{key} = {value}"]
        ini = "\n".join(lines) + "\n"
    (data / "virtuoso.ini").write_text(ini)
    url = f"http://127.0.0.1:{http_port}/sparql"
    # The anonymous SPARQL user may only read until it is granted SPARQL_UPDATE.
    grant = [isql, f"127.0.0.1:{sql_port}", "dba", "dba",
             'exec=grant SPARQL_UPDATE to "SPARQL";']
    return Server(
        name="Virtuoso", store=url,
        command=[binary, "+foreground", "+configfile", str(data / "virtuoso.ini")],
        data=data, probe=f"{url}?{urlencode({'query': 'ASK {}'})}", log=data / "log.txt",
        after_start=[grant])


def numbered_records(folder: Path, count: int, *, file: str, subject: str, value: str) -> Path:
    """A record folder of one N-Triples file of `count` numbered triples, one subject each.

    `<{subject}{i}> <https://example.org/p> "{value} {i}"`: big enough to pass
    a server's result page, or to make a build differ, and quick to write.
    """
    folder.mkdir()
    (folder / file).write_text(
        "".join(f'<{subject}{i}> <https://example.org/p> "{value} {i}" .\n'
                for i in range(count)), encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Each real server in turn, started for the test module and stopped after it.

    A module that imports this fixture runs each of its tests against both.
    """
    base = tmp_path_factory.mktemp(request.param)
    found = (oxigraph_server if request.param == "oxigraph" else virtuoso_server)(base)
    with running(found, f"the {request.param} server") as started:
        yield started
