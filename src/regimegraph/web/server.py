"""Running the web application: waitress in production, Flask's server with --debug.

waitress is a pure-Python production WSGI server (no C build, runs on every
platform the project does). It serves requests on threads; queries themselves
run in the worker processes of pool.py, so a slow query never holds the GIL or
the server. One log line per request: method, path, status, duration.
"""

from __future__ import annotations

import errno
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask

from ..config import Settings
from ..errors import UsageError

log = logging.getLogger("regimegraph.access")


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

        body = self.app(environ, recording)
        return self._logged(body, environ, status, started)

    def _logged(self, body: Iterable[bytes], environ: dict[str, Any], status: list[str],
                started: float) -> Iterator[bytes]:
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            log.info("%s %s %s %s %.1f ms", environ.get("REMOTE_ADDR", "-"),
                     environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                     status[0] if status else "-", (time.perf_counter() - started) * 1000)


def create_server(app: Flask, host: str, port: int, access_log: bool = True) -> Any:
    """A waitress server bound to host:port (0: any free port); a port in use is a UsageError."""
    from waitress import create_server as waitress_server

    from ..web import service

    threads = max(4, service(app).settings.workers + 4)
    if port:
        _check_port(host, port)  # waitress leaks its socket when the bind fails
    try:
        return waitress_server(RequestLog(app) if access_log else app, host=host, port=port,
                               threads=threads, ident="regimegraph")
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is in use: stop what uses it or "
                             "choose another with --port") from None
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def url_of(server: Any, host: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{server.effective_port}/"


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, debug: bool = False,
          echo: Callable[[str], None] = print) -> None:
    """Serve until interrupted (the `regimegraph serve` command)."""
    from . import create_app
    from .sparql import start_pool, stop_pool

    app = create_app(settings)
    if debug:
        _check_port(host, port)
        start_pool(app)
        echo(f"regimegraph: serving http://{host}:{port}/ (SPARQL endpoint /sparql; "
             "Flask development server, --debug)")
        try:
            app.run(host=host, port=port, debug=True, use_reloader=False, threaded=True)
        finally:
            stop_pool(app)
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    server = create_server(app, host, port)
    start_pool(app)
    url = url_of(server, host)
    echo(f"regimegraph: serving {url} (SPARQL endpoint {url}sparql); Ctrl-C to stop")
    try:
        server.run()
    finally:
        server.close()
        stop_pool(app)


def _check_port(host: str, port: int) -> None:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f"port {port} on {host} is in use: stop what uses it or "
                                 "choose another with --port") from None
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None


class Background:
    """The app under waitress on a thread, on 127.0.0.1 and an OS-assigned port (for tests)."""

    def __init__(self, app: Flask, access_log: bool = False) -> None:
        from .sparql import start_pool

        self.app = app
        self.server = create_server(app, "127.0.0.1", 0, access_log=access_log)
        self.port = int(self.server.effective_port)
        self.url = f"http://127.0.0.1:{self.port}"
        start_pool(app)
        self.thread = threading.Thread(target=self.server.run, name="waitress", daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving at once, then stop the worker pool.

        waitress's loop runs until its last connection closes, so a client's
        idle keep-alive connection would hold the join for its whole timeout;
        and closing sockets from another thread while the loop polls them can
        raise EBADF on the loop's thread. So every connection and the listening
        socket are closed by a thunk run on the loop's own thread.
        """
        from waitress.channel import HTTPChannel

        from .sparql import stop_pool

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
        stop_pool(self.app)

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
