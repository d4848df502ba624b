"""Which store the knowledge base lives in: one setting, parsed from one string.

The setting is read, in this order, from the `--store` option, the
REGIMEGRAPH_STORE environment variable, the `store` key of `regimegraph.toml`
in the working directory, and the default (`memory`). A wrong value is reported
with where it came from, so a user knows which of the four to fix.

    memory                 Oxigraph in this process, loaded from the cached build (default)
    rdflib                 an rdflib Dataset in this process (the pure-Python reference engine)
    oxigraph:PATH          an Oxigraph store on disk, written by `build`, reopened instantly
    http(s)://HOST/PATH    a SPARQL 1.1 server: its query endpoint, then options after `#`,
                           joined by `&` (the fragment is never sent to the server):
        #update=URL        the update endpoint (default: the query URL with a final /query
                           replaced by /update, otherwise the query URL itself)
        #gsp=URL           the Graph Store HTTP Protocol endpoint that loads the staging
                           graphs, faster than INSERT DATA (default: found from the
                           server's name, Oxigraph's /store or Virtuoso's /sparql-graph-crud;
                           INSERT DATA for a server not known)
        #gsp=none          load with INSERT DATA only
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from ..errors import UsageError

Kind = Literal["memory", "rdflib", "oxigraph", "remote"]
ENV = "REGIMEGRAPH_STORE"
CONFIG_FILE = "regimegraph.toml"
GSP_DETECT = ""  # #gsp= not given: found from the server's name when loading (remote.py)
GSP_NONE = "none"  # #gsp=none: INSERT DATA only
OPTIONS_HELP = "#update=URL and #gsp=URL or none"
KINDS_HELP = "memory, rdflib, oxigraph:PATH or a SPARQL endpoint URL (http://... or https://...)"


@dataclass(frozen=True)
class StoreSpec:
    """A parsed store setting; `text` is what the user wrote, for messages."""

    kind: Kind
    text: str
    path: Path | None = None  # oxigraph: the store's directory
    url: str = ""  # remote: the query endpoint (without the #fragment)
    update_url: str = ""  # remote: the update endpoint
    gsp_url: str = ""  # remote: the Graph Store endpoint, GSP_DETECT or GSP_NONE

    def describe(self) -> str:
        """The store in a message: 'the Oxigraph store at PATH', 'the SPARQL store at URL'."""
        if self.kind == "oxigraph":
            return f"the Oxigraph store at {self.path}"
        if self.kind == "remote":
            return f"the SPARQL store at {without_password(self.url)}"
        return f"the {self.kind} store"

    @property
    def local(self) -> bool:
        """Whether the store lives in this process (built from the cached dump)."""
        return self.kind in ("memory", "rdflib")


MEMORY = StoreSpec(kind="memory", text="memory")


def parse_spec(text: str, where: str = "store", base: Path | None = None) -> StoreSpec:
    """Parse one store setting; `where` names its source in errors, `base` anchors a PATH."""
    raw = text.strip()
    lowered = raw.lower()
    if lowered in ("", "memory"):
        return MEMORY
    if lowered == "rdflib":
        return StoreSpec(kind="rdflib", text=raw)
    if lowered.startswith("oxigraph:"):
        location = raw[len("oxigraph:"):]
        if not location:
            raise UsageError(f"{where}: {raw!r}: oxigraph: needs a directory, as oxigraph:PATH")
        path = Path(location).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        return StoreSpec(kind="oxigraph", text=raw, path=path)
    if lowered.startswith(("http://", "https://")):
        return _remote(raw, where)
    raise UsageError(f"{where}: {raw!r} is not a store: expected {KINDS_HELP}")


def _remote(raw: str, where: str) -> StoreSpec:
    try:
        parts = urlsplit(raw)
        host = parts.hostname
    except ValueError as error:  # an unclosed [IPv6] host
        raise UsageError(f"{where}: {raw!r}: not a URL: {error}") from None
    if not host:
        raise UsageError(f"{where}: {raw!r}: the URL has no host")
    url = urlunsplit(parts._replace(fragment=""))
    options = {"update": "", "gsp": GSP_DETECT}
    for key, value in parse_qsl(parts.fragment, keep_blank_values=True):
        if key not in options:
            raise UsageError(f"{where}: {raw!r}: unknown option #{key}= (only {OPTIONS_HELP})")
        options[key] = value.strip()
    update, gsp = options["update"], options["gsp"]
    if update and not _is_http(update):
        raise UsageError(f"{where}: {raw!r}: #update= must be an http(s):// URL")
    if gsp.lower() == GSP_NONE:
        gsp = GSP_NONE
    elif gsp and not _is_http(gsp):
        raise UsageError(f"{where}: {raw!r}: #gsp= must be an http(s):// URL or none")
    if not update:
        path = parts.path
        update = (urlunsplit(parts._replace(path=path[: -len("query")] + "update", fragment=""))
                  if path.endswith("/query") else url)
    return StoreSpec(kind="remote", text=raw, url=url, update_url=update, gsp_url=gsp)


def _is_http(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # an unclosed [IPv6] host
        return False


def without_password(url: str) -> str:
    """The URL for a message: a password in it shown as ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


_option: str | None = None


def use_option(value: str | None) -> None:
    """Record the `--store` option of the running command (it outranks every other source)."""
    global _option
    _option = value


def option() -> str | None:
    """The running command's `--store` option, if any (passed on to a serving process)."""
    return _option


def configured(environ: dict[str, str] | None = None, cwd: Path | None = None) -> StoreSpec:
    """The store setting in force: --store, then REGIMEGRAPH_STORE, then regimegraph.toml."""
    if _option is not None:
        return parse_spec(_option, "--store")
    env = os.environ if environ is None else environ
    if env.get(ENV, "").strip():
        return parse_spec(env[ENV], ENV)
    found = read_config(cwd)
    if found is None:
        return MEMORY
    return _from_file(*found)


def read_config(cwd: Path | None = None) -> tuple[Path, dict[str, object]] | None:
    """regimegraph.toml in the working directory, parsed, with its path; None if absent.

    Shared by every setting the file holds (store here, records in sources.py).
    """
    config = (cwd or Path.cwd()) / CONFIG_FILE
    if not config.is_file():
        return None
    try:
        return config, tomllib.loads(config.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{config}: not valid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{config}: cannot be read: {error}") from None


def _from_file(config: Path, data: dict[str, object]) -> StoreSpec:
    value = data.get("store")
    if value is None:
        return MEMORY
    if not isinstance(value, str):
        raise UsageError(f"{config}: store: expected a string such as \"memory\", "
                         f"not {type(value).__name__}")
    return parse_spec(value, f"{config}: store", base=config.parent)
