"""The app under waitress on 127.0.0.1 (an OS-assigned port), for tests that use real clients.

tests/test_browser.py (headless Chromium) and tests/test_roqet.py (rasqal's roqet)
import this. Each test module starts its own server, as tests/test_sparql_security.py
does; the knowledge base comes from the session's private REGIMEGRAPH_CACHE
(the `kb` fixture in conftest.py), so request `kb` before starting one.
"""

from __future__ import annotations

import http.client
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
    with server:
        yield server


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


def http_request(port: int, method: str, path: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None,
                 timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """One request to 127.0.0.1:port on a connection of its own: status, headers, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
