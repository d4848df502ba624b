"""Reading rule fixtures' headers, shared by the obligation and rule test suites.

A fixture opens with comment lines that say what it is and what must happen:

    # Invalid: <why>                         (or  # Valid: <why>)
    # Expect: rgsh:<property shape> <severity>   (or  # Expect: none)
    # Message: <text the finding's message must contain>   (optional)
"""

from __future__ import annotations

from pathlib import Path

from regimegraph.namespaces import RGSH
from regimegraph.validator import Finding


def header(path: Path) -> dict[str, str]:
    """The fixture's leading `# Key: text` lines as a dict."""
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        key, _, text = line[2:].partition(": ")
        fields[key] = text
    return fields


def assert_expected_finding(fired: list[Finding], fields: dict[str, str]) -> Finding:
    """The finding an invalid fixture's `# Expect:` line names, checked; returned for more."""
    shape, severity = fields["Expect"].split()
    expected = str(RGSH[shape.removeprefix("rgsh:")])
    matching = [f for f in fired if f.shape == expected]
    assert matching, f"{shape} did not fire; fired: {[(f.shape, f.message) for f in fired]}"
    assert {f.severity for f in matching} == {severity}
    finding = matching[0]
    assert "{" not in finding.message, "every placeholder is filled"
    if "Message" in fields:
        assert fields["Message"] in finding.message, finding.message
    return finding
