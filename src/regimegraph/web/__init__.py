"""The web application: a SPARQL 1.1 endpoint and pages for people.

`create_app(settings)` builds it (Flask's application factory; no
module-level app): the served dataset is prepared once, kept on
`app.extensions["regimegraph"]`, and each feature is a blueprint: `sparql`
(the protocol endpoint) and `pages` (HTML pages, resource dereferencing,
dumps).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Flask

from ..config import Settings
from ..store import memory_store
from .dataset import served_dump


@dataclass
class Service:
    """What the blueprints share: settings, the dump workers load, a store for pages."""

    settings: Settings
    dump: Path
    store: ox.Store


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    dump = served_dump(settings)
    app.extensions["regimegraph"] = Service(settings=settings, dump=dump,
                                            store=memory_store(dump))
    from . import pages, sparql

    sparql.init_app(app)
    pages.init_app(app)
    return app


def service(app: Flask) -> Service:
    found = app.extensions["regimegraph"]
    assert isinstance(found, Service)
    return found
