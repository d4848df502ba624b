"""Reading rule fixtures' headers, shared by the obligation and rule test suites.

A fixture opens with comment lines that say what it is and what must happen:

    # Invalid: <why>                         (or  # Valid: <why>)
    # Expect: rgsh:<property shape> <severity>   (or  # Expect: none)
    # Message: <text the finding's message must contain>   (optional)
"""

from __future__ import annotations

from pathlib import Path


def header(path: Path) -> dict[str, str]:
    """The fixture's leading `# Key: text` lines as a dict."""
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        key, _, text = line[2:].partition(": ")
        fields[key] = text
    return fields
