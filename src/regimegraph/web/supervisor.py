"""`regimegraph serve`: a supervisor holding the socket, and the process that serves.

Why two processes: queries run on the request's own thread (inline.py), and
pyoxigraph cannot stop one, so a query past its time limit can only be ended
with the process it runs in. The supervisor binds the listening socket once
and starts a serving process (multiprocessing 'spawn'), handing it the socket.
When that process reports a query past its limit (its client already has its
503), the supervisor starts a successor on the same socket; once the successor
is ready, the old process is told to stop: it stops accepting, lets its other
requests finish (up to the time limit), and exits, ending the runaway query.
No connection is refused meanwhile: the socket stays open in the supervisor,
and one process or the other accepts. A serving process that dies is replaced.

Ctrl-C or SIGTERM to the supervisor stops everything.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import RegimegraphError
from .inline import InlineRunner
from .server import InFlight, cannot_listen, create_server, url_of

log = logging.getLogger(__name__)

READY = "ready"
OVERRUN = "overrun"
STOP = "stop"
FAILED = "failed"
ENDED = "ended"  # not a message: what a process's sentinel says


class ServeFailed(RegimegraphError):
    """The serving process could not start; carries its message and exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Launch:
    """What a serving process needs to build the same app (picklable)."""

    settings: Settings
    store_option: str | None
    records_option: tuple[Path, ...] | None


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port (0: any free port); a port in use is a UsageError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as error:
        sock.close()
        raise cannot_listen(host, port, error) from None
    return sock


class _Child:
    """One serving process and the supervisor's end of its pipe."""

    def __init__(self, context: Any, launch: Launch, sock: socket.socket) -> None:
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=child_main, args=(launch, sock, theirs),
                                       name="regimegraph-serve", daemon=False)
        self.process.start()
        theirs.close()
        self.stopping = False  # nothing more to hear from it
        self.ended = False  # its exit has been seen (its sentinel fired)

    def send(self, message: str) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(message)

    def end(self, grace: float) -> None:
        """Make sure the process is gone: asked to stop, then terminated, then killed."""
        self.process.join(grace)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


def supervise(launch: Launch, host: str, port: int, echo: Callable[[str], None]) -> None:
    """Serve until interrupted, replacing the serving process after each overrun."""
    sock = listen(host, port)
    url = url_of(host, sock.getsockname()[1])

    def on_term(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    supervision = _Supervision(launch, sock)
    try:
        _wait_ready(supervision.serving)
        echo(f"regimegraph: serving {url} (SPARQL endpoint {url}sparql); Ctrl-C to stop")
        while True:
            supervision.step()
    except KeyboardInterrupt:
        pass
    finally:
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C waits
        signal.signal(signal.SIGTERM, previous)
        supervision.stop()
        sock.close()
        signal.signal(signal.SIGINT, interrupt)


class _Supervision:
    """The serving process, its successor while one starts, and those finishing."""

    def __init__(self, launch: Launch, sock: socket.socket) -> None:
        self.launch = launch
        self.sock = sock
        self.context = multiprocessing.get_context("spawn")
        self.serving = self._start()
        self.successor: _Child | None = None
        self.leaving: list[_Child] = []

    def _start(self) -> _Child:
        return _Child(self.context, self.launch, self.sock)

    def everyone(self) -> list[_Child]:
        return [self.serving, *([self.successor] if self.successor else []), *self.leaving]

    def step(self, timeout: float = 5) -> None:
        """Wait for one round of messages and exits, and act on each."""
        watched: dict[Any, tuple[_Child, str]] = {}
        for child in self.everyone():
            if not child.ended:
                watched[child.process.sentinel] = (child, ENDED)
            if not child.stopping:
                watched[child.conn] = (child, "said")
        for handle in wait(list(watched), timeout=timeout):
            child, what = watched[handle]
            message = _receive(child) if what == "said" else ENDED
            if message is not None:
                self._handle(child, message)

    def _handle(self, child: _Child, message: Any) -> None:
        if message == ENDED:
            child.ended = True
            child.process.join(5)  # reaped, so its exit code is known
        if isinstance(message, tuple) and message[0] == FAILED:
            log.error("regimegraph: error: %s", message[1])
        elif child is self.serving and message in (OVERRUN, ENDED):
            if self.successor is None:
                reason = ("a query ran past its time limit" if message == OVERRUN
                          else f"it ended (exit code {child.process.exitcode})")
                log.warning("regimegraph: serving process %s: %s; starting a fresh one",
                            child.process.pid, reason)
                self.successor = self._start()
        elif child is self.successor and message == READY:
            self._hand_over(child)
        elif child is self.successor and message == ENDED:
            log.error("regimegraph: the fresh serving process failed to start (exit code %s); "
                      "trying again in 5 s", child.process.exitcode)
            child.end(0)
            time.sleep(5)
            self.successor = self._start()
        elif child in self.leaving and message == ENDED:
            self.leaving.remove(child)
            child.end(0)

    def _hand_over(self, successor: _Child) -> None:
        """The successor answers: the serving process stops accepting and finishes."""
        old = self.serving
        old.stopping = True
        old.send(STOP)
        self.leaving.append(old)
        self.serving, self.successor = successor, None
        log.warning("regimegraph: serving process %s answers; %s finishes its requests and "
                    "exits", successor.process.pid, old.process.pid)

    def stop(self) -> None:
        everyone = self.everyone()
        for child in everyone:
            child.process.terminate()
        for child in everyone:
            child.end(5)


def _wait_ready(child: _Child) -> None:
    """Wait for the first serving process; its startup error becomes ours."""
    while True:
        ready = wait([child.conn, child.process.sentinel])
        if child.conn in ready:
            message = _receive(child)
            if message == READY:
                return
            if isinstance(message, tuple) and message[0] == FAILED:
                child.end(5)
                raise ServeFailed(message[1], message[2])
        if child.process.sentinel in ready and not child.conn.poll():
            child.end(0)
            raise ServeFailed(f"the serving process failed to start (exit code "
                              f"{child.process.exitcode}); see the messages above", 1)


def _receive(child: _Child) -> Any:
    try:
        return child.conn.recv()
    except (EOFError, OSError):
        child.stopping = True  # nothing more to hear; its sentinel says when it has gone
        return None


# --- the serving process ----------------------------------------------------------------------

def child_main(launch: Launch, sock: socket.socket, conn: Connection) -> None:
    """A serving process: the app under waitress on the supervisor's socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the supervisor, which stops us
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    sending = threading.Lock()

    def say(message: object) -> None:
        with sending, contextlib.suppress(OSError):
            conn.send(message)

    try:
        server, flight, runner = _build(launch, sock, lambda: say(OVERRUN))
    except RegimegraphError as error:
        say((FAILED, str(error), error.exit_code))
        os._exit(error.exit_code)
    except Exception as error:  # a bug: the supervisor reports it as one line
        log.exception("the serving process failed to start")
        say((FAILED, f"internal error: {type(error).__name__}: {error}", 3))
        os._exit(3)
    threading.Thread(target=_listen_for_stop, args=(conn, server, flight, runner, launch.settings),
                     name="supervisor-pipe", daemon=True).start()
    say(READY)
    try:
        server.run()
    finally:
        os._exit(0)  # a runaway query's thread cannot be joined: end the process


def _build(launch: Launch, sock: socket.socket,
           on_overrun: Callable[[], None]) -> tuple[Any, InFlight, InlineRunner]:
    from .. import sources
    from ..stores import use_option
    from . import create_app
    from .sparql import start_runner

    use_option(launch.store_option)
    sources.use_option(launch.records_option)
    app = create_app(launch.settings)
    flight = InFlight(app)
    server = create_server(app, sockets=[sock], wsgi=flight)
    return server, flight, start_runner(app, on_overrun=on_overrun)


def _listen_for_stop(conn: Connection, server: Any, flight: InFlight, runner: InlineRunner,
                     settings: Settings) -> None:
    """On STOP (a successor answers) or a lost supervisor: stop accepting, drain, exit."""
    try:
        while conn.recv() != STOP:
            pass
    except (EOFError, OSError):
        pass
    flight.draining = True
    server.trigger.pull_trigger(server.close)  # stop accepting (on waitress's own thread)
    deadline = time.monotonic() + settings.query_timeout + 5
    while time.monotonic() < deadline and flight.count > runner.overrunning():
        time.sleep(0.05)
    os._exit(0)
