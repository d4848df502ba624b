"""Running the web application: waitress in production, Flask's server with --debug.

waitress is a pure-Python production WSGI server (no C build, runs on every
platform the project does). It serves requests on threads, and a query runs on
the thread of its request (inline.py; pyoxigraph releases the GIL while it
evaluates). `regimegraph serve` runs it in a serving process under a
supervisor (supervisor.py), which replaces the process when a query runs past
its time limit. One log line per request: method, path, status, duration.

waitress is given one hook (`_Channel`): each request's environ carries an
`AnswerNow` for its connection, by which the query watchdog answers a client
whose query overran while the request's thread is still inside the engine.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from http import HTTPStatus
from typing import Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.task import WSGITask

from ..config import Settings
from ..errors import UsageError
from .inline import ANSWER_NOW, AnswerNow

log = logging.getLogger("regimegraph.access")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def answer_now(channel: Any) -> AnswerNow:
    """Send a whole response on a waitress connection from any thread, then end it.

    Only while the request's task has written nothing (its thread is inside
    the engine): the bytes go straight to the socket, and the write side is
    shut, so the client reads the response and the end of the connection.
    waitress reads nothing more from a connection whose request is running.
    """

    def send(status: int, headers: Sequence[tuple[str, str]], body: bytes) -> None:
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
                 *(f"{name}: {value}" for name, value in headers),
                 f"Content-Length: {len(body)}", "Connection: close", "Server: regimegraph"]
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        sock = channel.socket
        sock.settimeout(5)  # the loop leaves this connection alone while its task runs
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)

    return send


class _Task(WSGITask):
    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        environ[ANSWER_NOW] = answer_now(self.channel)
        return environ


class _Channel(HTTPChannel):
    task_class = _Task


class InFlight:
    """WSGI middleware counting requests in progress; once draining, each says Connection: close.

    A serving process told to stop (supervisor.py) waits for this count to fall
    to its runaway queries before it exits, and tells keep-alive clients to
    reconnect (to its successor).
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.count = 0
        self.draining = False
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def closing(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if self.draining:
                headers = [*(h for h in headers if h[0].lower() != "connection"),
                           ("Connection", "close")]
            return start_response(status, headers, exc_info)

        with self._lock:
            self.count += 1
        try:
            body = self.app(environ, closing)
        except BaseException:
            self._done()
            raise
        return _then(body, self._done)

    def _done(self) -> None:
        with self._lock:
            self.count -= 1


class RequestLog:
    """WSGI middleware: one line per request when its response has been sent."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        started = time.perf_counter()
        status: list[str] = []

        def recording(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[:] = [code.split(" ", 1)[0]]
            return start_response(code, headers, exc_info)

        def logged() -> None:
            log.info("%s %s %s %s %.1f ms", environ.get("REMOTE_ADDR", "-"),
                     environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                     status[0] if status else "-", (time.perf_counter() - started) * 1000)

        return _then(self.app(environ, recording), logged)


def _then(body: Iterable[bytes], done: Callable[[], None]) -> Iterator[bytes]:
    """The response body, closed as WSGI asks, then `done` called: when it has been sent."""
    try:
        yield from body
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
        done()


def create_server(app: Flask, host: str = "127.0.0.1", port: int = 0, access_log: bool = True,
                  sockets: list[socket.socket] | None = None,
                  wsgi: WSGIApp | None = None) -> Any:
    """A waitress server on host:port (0: any free port) or on `sockets` already listening.

    A port in use is a UsageError. `wsgi` (middleware around `app`) is served
    in its place, inside the access log; `app` still gives the settings.
    """
    from waitress import create_server as waitress_server

    from ..web import service

    threads = max(4, service(app).settings.workers + 4)
    served: WSGIApp = app if wsgi is None else wsgi
    if access_log:
        served = RequestLog(served)
    if port and not sockets:
        _check_port(host, port)  # waitress leaks its socket when the bind fails
    try:
        if sockets:
            server = waitress_server(served, sockets=sockets, threads=threads,
                                     ident="regimegraph")
        else:
            server = waitress_server(served, host=host, port=port, threads=threads,
                                     ident="regimegraph")
        server.channel_class = _Channel
        return server
    except OSError as error:
        raise cannot_listen(host, port, error) from None


def cannot_listen(host: str, port: int, error: OSError) -> UsageError:
    """Why host:port cannot be listened on, as the one line the command prints."""
    if error.errno == errno.EADDRINUSE:
        return UsageError(f"port {port} on {host} is in use: stop what uses it or "
                          "choose another with --port")
    return UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}")


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, debug: bool = False,
          echo: Callable[[str], None] = print) -> None:
    """Serve until interrupted (the `regimegraph serve` command)."""
    from .. import sources
    from ..stores import spec
    from .supervisor import Launch, supervise

    if not debug:
        logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
        launch = Launch(settings, spec.option(), sources.record_folders_option() or None)
        supervise(launch, host, port, echo)
        return
    from . import create_app
    from .sparql import start_runner, stop_runner

    app = create_app(settings)
    _check_port(host, port)
    start_runner(app)
    echo(f"regimegraph: serving http://{host}:{port}/ (SPARQL endpoint /sparql; "
         "Flask development server, --debug)")
    try:
        app.run(host=host, port=port, debug=True, use_reloader=False, threaded=True)
    finally:
        stop_runner(app)


def _check_port(host: str, port: int) -> None:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise cannot_listen(host, port, error) from None


class Background:
    """The app under waitress on a thread, on 127.0.0.1 and an OS-assigned port (for tests).

    No supervisor: a query past its time limit is answered (503) but runs on
    in this process until it ends, so tests send their runaways to a real
    `regimegraph serve` (tests/test_serve_supervisor.py).
    """

    def __init__(self, app: Flask, access_log: bool = False) -> None:
        from .sparql import start_runner

        self.app = app
        self.server = create_server(app, "127.0.0.1", 0, access_log=access_log)
        self.port = int(self.server.effective_port)
        self.url = f"http://127.0.0.1:{self.port}"
        start_runner(app)
        self.thread = threading.Thread(target=self.server.run, name="waitress", daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving at once, then stop the query runner.

        waitress's loop runs until its last connection closes, so a client's
        idle keep-alive connection would hold the join for its whole timeout;
        and closing sockets from another thread while the loop polls them can
        raise EBADF on the loop's thread. So every connection and the listening
        socket are closed by a thunk run on the loop's own thread.
        """
        from waitress.channel import HTTPChannel

        from .sparql import stop_runner

        server = self.server

        def close_all() -> None:
            for channel in list(server._map.values()):  # waitress's socket map
                if isinstance(channel, HTTPChannel):
                    channel.handle_close()
            server.close()

        if self.thread.is_alive():
            server.trigger.pull_trigger(close_all)
            self.thread.join(5)
        server.close()
        stop_runner(self.app)

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
