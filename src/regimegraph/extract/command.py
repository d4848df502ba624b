"""The `regimegraph extract` command (registered in cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import friendly_errors
from ..errors import UsageError


@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the records to this file instead of standard output.",
)
@click.option(
    "--format",
    "fmt",
    default="turtle",
    show_default=True,
    type=click.Choice(["turtle", "json"]),
    help="turtle, or json (JSON-LD: loadable like any record file).",
)
@click.option("--quiet", "-q", is_flag=True, help="Do not print the review summary.")
@click.option(
    "--council",
    metavar="NAME",
    help="The council the papers are from, when they never name it (e.g. pages "
    "saved from its own site); resolved through the council register.",
)
@friendly_errors
def _extract(
    files: tuple[Path, ...], out: Path | None, fmt: str, quiet: bool, council: str | None
) -> None:
    """Read committee papers (.txt, .htm/.html, .docx) and write their records.

    Each record cites the excerpt it was read from (character span and rule).
    The review summary on standard error lists what each paper yielded and what
    was seen but not settled (an unknown council, a date without a year, a
    regime the project does not model). Never uses the network.
    """
    from . import extract_paths

    for path in files:
        if not path.is_file():
            raise UsageError(f"{path}: no such file")
    result = extract_paths(files, council=council)
    payload = result.graph.serialize(format="json-ld" if fmt == "json" else "turtle")
    if out is not None:
        try:
            out.write_text(payload, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"{out}: cannot be written: {error}") from None
    else:
        sys.stdout.write(payload)
        sys.stdout.flush()
    if not quiet:
        for line in result.review:
            click.echo(line, err=True)


# Declared with its type, so the command line can import it despite the import cycle.
extract: click.Command = click.command(name="extract")(_extract)
