"""The `regimegraph` command: thin click commands over the modules.

Exit codes, relied on by CI users: 0 success, 1 findings at the failing
severity (check), 2 bad input or usage, 3 an internal error (a bug: set
REGIMEGRAPH_DEBUG=1 to see its traceback). Errors are one line on stderr.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .engines import DEFAULT_ENGINE, ENGINES
from .errors import EXIT_USAGE, RegimegraphError, UsageError

F = TypeVar("F", bound=Callable[..., Any])
EXIT_INTERNAL = 3


def _fail(message: str, code: int) -> None:
    click.echo(f"regimegraph: error: {message}", err=True)
    sys.exit(code)


def friendly_errors(command: F) -> F:
    """Turn our errors into one line and an exit code; never show a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except RegimegraphError as error:
            _fail(str(error), error.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as error:
            if os.environ.get("REGIMEGRAPH_DEBUG"):
                raise
            _fail(
                f"internal error: {type(error).__name__}: {error} "
                "(a bug; rerun with REGIMEGRAPH_DEBUG=1 for details)",
                EXIT_INTERNAL,
            )

    return wrapper  # type: ignore[return-value]


@click.group()
@click.version_option(__version__, prog_name="regimegraph")
def main() -> None:
    """A knowledge graph and rules engine for English social care inspection regimes."""
    # rdflib logs a traceback when a record holds an impossible date (2003-02-30);
    # the integrity rules report that record as a finding, so the log is noise.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


def store_option(command: F) -> F:
    """`--store`: which store the command reads (docs/stores.md), in force while it runs."""

    @wraps(command)
    def wrapper(*args: Any, store: str | None = None, **kwargs: Any) -> Any:
        from .stores import use_option

        use_option(store)
        try:
            return command(*args, **kwargs)
        finally:
            use_option(None)

    return click.option(  # type: ignore[return-value]
        "--store", metavar="STORE",
        help="memory (default), rdflib, oxigraph:PATH or a SPARQL endpoint URL; "
             "also REGIMEGRAPH_STORE or regimegraph.toml (docs/stores.md).")(wrapper)


def records_option(command: F) -> F:
    """`--records`: more record folders in the knowledge base (sources.py), while it runs."""

    @wraps(command)
    def wrapper(*args: Any, records: tuple[Path, ...] = (), **kwargs: Any) -> Any:
        from .sources import use_option

        use_option(records or None)
        try:
            return command(*args, **kwargs)
        finally:
            use_option(None)

    return click.option(  # type: ignore[return-value]
        "--records", metavar="FOLDER", multiple=True, type=click.Path(path_type=Path),
        help="Also build these record folders into the knowledge base (repeatable); "
             "also REGIMEGRAPH_RECORDS or records in regimegraph.toml (docs/stores.md).")(wrapper)


def _progress(quiet: bool) -> Callable[[str], None] | None:
    if quiet:
        return None
    from .kb import stderr_progress

    return stderr_progress


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the built knowledge base to this file (.nq or .trig).",
)
@click.option("--force", is_flag=True, help="Rebuild even if no source changed.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@store_option
@records_option
@friendly_errors
def build(output: Path | None, force: bool, quiet: bool) -> None:
    """Build the bundled knowledge base: load, import, reason, cache.

    Later commands reuse the cached build until a source file changes. With
    --store oxigraph:PATH or a SPARQL endpoint URL, the build is also loaded
    into that store, atomically: an interrupted build leaves the previous one.
    """
    from .kb import load_into
    from .stores import configured

    kb, written = load_into(configured(), rebuild=force, progress=_progress(quiet))
    info = kb.info
    if output is not None:
        from .export import export_dump

        export_dump(kb, output)
    if quiet:
        return
    click.echo(
        f"knowledge base {info.digest[:16]} ({info.triples:,} quads in "
        f"{len(info.graphs)} named graphs)"
    )
    click.echo(
        f"  OWL RL closure: {info.closure_input_triples:,} quads in, "
        f"{info.closure_inferred_triples:,} inferred, {info.closure_seconds:.1f} s"
    )
    click.echo(f"  build time: {info.build_seconds:.1f} s; cached at {kb.dump}")
    if not kb.spec.local:
        click.echo(f"  store: {kb.spec.describe()} ({'loaded' if written else 'up to date'})")
    if info.import_problems:
        click.echo(
            f"  {len(info.import_problems)} table rows need attention "
            "(imported partly or not at all):"
        )
        for problem in info.import_problems:
            click.echo(f"    {problem}")


@main.command()
@click.argument("sparql", required=False)
@click.option(
    "--file",
    "-f",
    "query_file",
    type=click.Path(path_type=Path),
    help="Read the query from this file (e.g. queries/*.rq).",
)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld"]),
    help="table/csv/tsv/json/xml for SELECT and ASK; turtle/nt/jsonld for "
    "CONSTRUCT and DESCRIBE (table shows those as Turtle).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the results to this file instead of standard output.",
)
@store_option
@records_option
@friendly_errors
def query(sparql: str | None, query_file: Path | None, fmt: str, output: Path | None) -> None:
    """Run a read-only SPARQL query over the bundled knowledge base.

    The default graph is the union of all graphs, and the project's prefixes
    (rg:, council:, regime:, ...) are predeclared.
    """
    from .kb import open_kb
    from .query import execute, render

    if (sparql is None) == (query_file is None):
        raise UsageError("give a query as an argument or with --file, not both or neither")
    if query_file is not None:
        try:
            sparql = query_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UsageError(f"{query_file}: no such file") from None
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"{query_file}: cannot be read: {error}") from None
    assert sparql is not None
    kb = open_kb(progress=_progress(False))
    payload = render(execute(kb.backend, sparql), fmt)
    if output is not None:
        output.write_bytes(payload)
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()


def _check_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--today {value!r}: expected a date as YYYY-MM-DD") from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json", "junit", "sarif"]),
              help="text for people; json (docs/check-report.schema.json); junit for "
                   "GitLab and Jenkins; sarif for GitHub code scanning.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file instead of standard output.")
@click.option("--fail-on", default="violation", show_default=True,
              type=click.Choice(["violation", "warning", "info"]),
              help="Exit 1 when a finding of this severity or worse is reported.")
@click.option("--today", "today", metavar="YYYY-MM-DD",
              help="The date deadlines are judged on (default: today), for repeatable runs.")
@click.option("--rules", type=click.Path(file_okay=False, path_type=Path),
              help="Use the shapes and derivations in this folder instead of the bundled rules.")
@click.option("--engine", default=DEFAULT_ENGINE, show_default=True,
              envvar="REGIMEGRAPH_ENGINE", type=click.Choice(ENGINES),
              help="SHACL engine: sparql (SHACL Core as SPARQL, in the check's own store), "
                   "turbo (pyshacl-turbo) or pyshacl (the reference); auto runs sparql where "
                   "it can, turbo elsewhere. All give the same findings on every rule fixture.")
@store_option
@records_option
@friendly_errors
def check(paths: tuple[Path, ...], fmt: str, output: Path | None, fail_on: str,
          today: str | None, rules: Path | None, engine: str) -> None:
    """Check inspection records against the statutory obligations and consistency rules.

    PATHS are record files or folders (Turtle, TriG, N-Triples, N-Quads,
    JSON-LD), checked together with the ontology and reference data; with no
    PATH, the bundled knowledge base. Exit 0 when nothing reaches --fail-on,
    1 when findings do, 2 on bad input.
    """
    from .checker import check as run_check
    from .report import exit_code, render

    if rules is not None and not rules.is_dir():
        raise UsageError(f"--rules {rules}: no such folder")
    from . import sources

    if paths and sources.record_folders_option():
        raise UsageError("--records adds folders to the knowledge base, which check reads "
                         "when no PATHS are given; to check folders on their own, give them "
                         "as PATHS")
    result = run_check(list(paths) or None, _check_date(today), rules=rules, engine=engine)
    colour = output is None and fmt == "text" and sys.stdout.isatty() and not os.environ.get(
        "NO_COLOR")
    text = render(result, fmt, colour=colour)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{output}: cannot be written: {error}") from None
    else:
        click.echo(text, nl=not text.endswith("\n"))
    sys.exit(exit_code(result, fail_on))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--data", "data_files", multiple=True, type=click.Path(path_type=Path),
              help="Also serve this RDF file (repeatable); N-Quads and TriG keep their graphs.")
@click.option("--no-kb", is_flag=True, help="Do not serve the bundled knowledge base.")
@click.option("--query-timeout", type=float, metavar="SECONDS",
              help="Seconds a query may run (default 10).")
@click.option("--max-rows", type=int, help="Most result rows returned (default 10000).")
@click.option("--workers", type=int, help="Queries run at once (default 2).")
@click.option("--cors", "cors_origins", metavar="ORIGIN",
              help="Access-Control-Allow-Origin ('*' by default, '' for none).")
@click.option("--base-url", metavar="URL", help="Public base URL when behind a proxy.")
@click.option("--debug", is_flag=True, help="Use Flask's development server (not for production).")
@store_option
@records_option
@friendly_errors
def serve(host: str, port: int, data_files: tuple[Path, ...], no_kb: bool,
          query_timeout: float | None, max_rows: int | None, workers: int | None,
          cors_origins: str | None, base_url: str | None, debug: bool) -> None:
    """Serve the knowledge base: a SPARQL 1.1 endpoint at /sparql and pages for people.

    Read-only and safe to expose: updates, LOAD and SERVICE are refused, each
    query has a time limit and a row limit. Settings also come from
    REGIMEGRAPH_* environment variables (docs/sparql.md).
    """
    from .config import Settings
    from .web.server import serve as run_server

    for path in data_files:
        if not path.is_file():
            raise UsageError(f"--data {path}: no such file")
    settings = Settings.from_env(
        query_timeout=query_timeout, max_rows=max_rows, workers=workers,
        cors_origins=cors_origins, base_url=base_url,
        include_kb=False if no_kb else None, data_files=data_files or None)
    run_server(settings, host=host, port=port, debug=debug, echo=click.echo)


from .extract.command import extract  # noqa: E402 (needs friendly_errors above)

main.add_command(extract)

from .generate.command import generate  # noqa: E402 (needs friendly_errors above)

main.add_command(generate)

__all__ = ["EXIT_USAGE", "main"]
