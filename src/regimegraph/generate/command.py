"""The `regimegraph generate` command (registered in cli.py)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..cli import friendly_errors
from ..errors import UsageError


@click.option("--triples", "-n", "size", default="1M", show_default=True, metavar="SIZE",
              help="About how many triples: 1000000, 100k, 1M, 10M.")
@click.option("--seed", default=2026, show_default=True, type=int,
              help="The same seed and size give the same files, byte for byte.")
@click.option("--out", "-o", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the records and manifest.json into.")
@click.option("--break-rate", default=0.01, show_default=True, type=float,
              help="Share of the records a rule examines that break one.")
@click.option("--council", "only", multiple=True, metavar="GSS",
              help="Only this council (repeatable): a small England for quick runs.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@friendly_errors
def _generate(size: str, seed: int, out: Path, break_rate: float, only: tuple[str, ...],
              quiet: bool) -> None:
    """Write a seeded, realistic England to check, load and query (issue #5).

    Every upper-tier council of the register, every regime in its years, and
    meetings and Section 42 enquiries sampled to reach the size; about 1% of
    records break a rule, each listed in OUT/manifest.json with the rule and
    the node a check reports.
    """
    from . import generate as run

    triples = _size(size)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a folder")
    started = time.perf_counter()
    result = run(out, triples, seed=seed, break_rate=break_rate, only=only or None)
    if quiet:
        return
    click.echo(
        f"{result.triples:,} triples for {result.councils} councils in "
        f"{len(result.files)} files under {out} ({time.perf_counter() - started:.1f} s); "
        f"{result.breaks:,} planted rule breaks in {out / 'manifest.json'}"
    )


# Typed here, not inferred through the decorators: cli.py imports this module
# while it is itself being imported.
generate: click.Command = click.command("generate")(_generate)


def _size(text: str) -> int:
    from . import parse_size

    value = parse_size(text)
    if value <= 0:
        raise UsageError(f"--triples {text!r}: expected a positive size")
    return value
