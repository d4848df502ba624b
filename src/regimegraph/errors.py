"""The errors a user can cause, each carrying the exit code the CLI returns.

The command line catches `RegimegraphError` and prints `str(error)` as one
line: so every message names the file, line or field at fault and says what
was wrong, and nothing else reaches the user as a traceback.
"""

from __future__ import annotations

from pathlib import Path

EXIT_FINDINGS = 1
EXIT_USAGE = 2


class RegimegraphError(Exception):
    """A problem with the user's input or request; `exit_code` says how to exit."""

    exit_code: int = EXIT_USAGE


class InputError(RegimegraphError):
    """A file that cannot be read or parsed; names the file and, if known, where."""

    def __init__(
        self,
        path: Path | str,
        reason: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        self.column = column
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {reason}")


class QueryError(RegimegraphError):
    """A SPARQL query that cannot be parsed or is not allowed."""


class UsageError(RegimegraphError):
    """A command used wrongly: a missing path, an unknown format."""


class ShapesError(RegimegraphError):
    """A shapes graph the SHACL engine rejects (an unsupported or malformed rule).

    `failure` keeps the engine's own exception for tools that compare with it.
    """

    def __init__(self, message: str, failure: Exception | None = None) -> None:
        self.failure = failure
        super().__init__(message)
