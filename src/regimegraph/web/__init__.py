"""The web application: a SPARQL 1.1 endpoint and pages for people.

`create_app(settings)` builds it (Flask's application factory; no
module-level app): the served dataset is prepared once, kept on
`app.extensions["regimegraph"]`. The protocol endpoint (`sparql`) is a plain
WSGI application in front of Flask, for speed (sparql.py says why); the pages
(`pages`: HTML pages, resource dereferencing, dumps) are Flask blueprints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Flask

from ..config import Settings
from ..errors import UsageError
from ..store import memory_store
from ..stores import MEMORY, StoreSpec, configured, parse_spec
from .dataset import served_dump


@dataclass
class Service:
    """What the blueprints share: settings, the served dump, a store for pages.

    `spec` is the store /sparql and /query ask (docs/stores.md). The pages read
    `store`: the on-disk Oxigraph store itself, otherwise `dump` in memory: the
    local build for memory and rdflib, and for a SPARQL server the build it
    held at start-up (dataset.served_dump), so pages and /sparql agree.
    """

    settings: Settings
    dump: Path
    store: ox.Store
    spec: StoreSpec = MEMORY


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    spec = parse_spec(settings.store, "store") if settings.store else configured()
    if spec.kind != "memory" and settings.data_files:
        raise UsageError(f"--data serves files from the memory store only, not from "
                         f"{spec.describe()}: load them there, or leave out --store")
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    dump = served_dump(settings, spec)
    if spec.kind == "oxigraph":
        from ..kb import open_kb

        store = open_kb(store=spec).store  # built or brought up to date if needed
    else:
        store = memory_store(dump)
    app.extensions["regimegraph"] = Service(settings=settings, dump=dump, store=store, spec=spec)
    from . import pages, sparql

    sparql.init_app(app)
    pages.init_app(app)
    return app


def service(app: Flask) -> Service:
    found = app.extensions["regimegraph"]
    assert isinstance(found, Service)
    return found
