"""The app under waitress on 127.0.0.1 (an OS-assigned port), for tests that use real clients.

tests/test_browser.py (headless Chromium) and tests/test_roqet.py (rasqal's roqet)
import this. Each test module starts its own server, as tests/test_sparql_security.py
does; the knowledge base comes from the session's private REGIMEGRAPH_CACHE
(the `kb` fixture in conftest.py), so request `kb` before starting one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from regimegraph.config import Settings
from regimegraph.web import create_app
from regimegraph.web.server import Background

OXFORDSHIRE = "https://w3id.org/regimegraph/id/council/E10000025"
SCRIPT_LABEL = "<script>alert(1)</script>"
SCRIPT_RESOURCE = "https://w3id.org/regimegraph/id/council/X99000001"
SCRIPT_PATH = "/id/council/X99000001"


@contextmanager
def running(settings: Settings | None = None) -> Iterator[Background]:
    """Serve the app built from settings (default: the bundled knowledge base) until exit."""
    server = Background(create_app(settings or Settings(workers=2)))
    try:
        yield server
    finally:
        _drop_connections(server)
        server.close()


def _drop_connections(server: Background) -> None:
    """Close the connections and the listening socket on waitress's own loop thread.

    waitress's loop runs until its last connection closes, so a browser's idle
    keep-alive connection would hold Background.close() for its whole 5 s join;
    and closing sockets from another thread while the loop polls them can raise
    EBADF on the loop's thread. Closing them all from a trigger thunk on the loop
    thread empties its map, the loop returns, and Background.close() (whose
    closes are idempotent) then only stops the worker pool.
    """
    from waitress.channel import HTTPChannel

    waitress = server.server

    def close_all() -> None:
        for channel in list(waitress._map.values()):
            if isinstance(channel, HTTPChannel):
                channel.handle_close()
        waitress.close()

    waitress.trigger.pull_trigger(close_all)
    server.thread.join(5)


def script_turtle(folder: Path) -> Path:
    """A Turtle file whose one resource has a <script> element as its rdfs:label."""
    path = folder / "script-label.ttl"
    path.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix rg: <https://w3id.org/regimegraph/def#> .\n"
        f'<{SCRIPT_RESOURCE}> a rg:Council ;\n'
        f'    rdfs:label "{SCRIPT_LABEL}" ;\n'
        '    rg:gssCode "X99000001" .\n',
        encoding="utf-8")
    return path
