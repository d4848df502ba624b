"""Pages for people, resource dereferencing and dumps."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
