"""Settings for serving the knowledge base: every limit declared once, with a default and a reason.

Each setting can be overridden by an environment variable `REGIMEGRAPH_<NAME>`
(upper case) and by a `regimegraph serve` option; `Settings.help()` lists them
for the documentation, so the docs and the code cannot drift.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import UsageError


@dataclass(frozen=True)
class Settings:
    """How `regimegraph serve` behaves. Frozen: an app's settings never change under it."""

    query_timeout: float = field(default=10.0, metadata={
        "help": "Seconds a query may run; then the client gets 503 and the serving process "
                "is replaced (the only way to end the query)."})
    max_rows: int = field(default=10_000, metadata={
        "help": "Most result rows (or triples) returned; a longer result is cut and says so."})
    max_request_bytes: int = field(default=1_000_000, metadata={
        "help": "Largest request body accepted (413 above it)."})
    workers: int = field(default=2, metadata={
        "help": "Queries run at once (threads of the serving process); one more waits "
                "up to the time limit for a free slot, then gets 503."})
    cors_origins: str = field(default="*", metadata={
        "help": "Access-Control-Allow-Origin for /sparql and data ('' to send none)."})
    base_url: str = field(default="", metadata={
        "help": "Public base URL when behind a proxy (for sd:endpoint and links); "
                "default: from each request."})
    include_kb: bool = field(default=True, metadata={
        "help": "Serve the bundled knowledge base (serve --no-kb turns it off)."})
    data_files: tuple[Path, ...] = field(default=(), metadata={
        "help": "More RDF files to serve; N-Quads and TriG keep their named graphs."})
    store: str = field(default="", metadata={
        "help": "The store queries run in (docs/stores.md); default: --store, "
                "REGIMEGRAPH_STORE, regimegraph.toml, memory."})

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then REGIMEGRAPH_* variables, then explicit overrides (CLI options)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"REGIMEGRAPH_{f.name.upper()}")
            if raw is None or f.name in ("data_files", "store"):  # store: see stores/spec.py
                continue
            values[f.name] = _parse(f.name, raw, type(f.default))
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(cls(), **values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.query_timeout <= 0:
            raise UsageError(f"query timeout must be positive, not {self.query_timeout}")
        if self.max_rows < 1 or self.max_request_bytes < 1 or self.workers < 1:
            raise UsageError("max_rows, max_request_bytes and workers must be at least 1")
        if not self.include_kb and not self.data_files:
            raise UsageError("nothing to serve: --no-kb needs at least one --data FILE")

    @classmethod
    def help(cls) -> dict[str, str]:
        return {f.name: f.metadata["help"] for f in fields(cls)}


def _parse(name: str, raw: str, kind: type) -> object:
    try:
        if kind is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        return kind(raw)
    except ValueError:
        raise UsageError(
            f"REGIMEGRAPH_{name.upper()}={raw!r}: expected a {kind.__name__}") from None
