"""examples/: the example records repository, its CI workflow and its pre-commit hook.

- The golden test compares the JSON report on examples/records with
  tests/golden/examples-report.json, byte for byte. When a rule, a message or
  the report format changes on purpose, regenerate it and review the diff:

      REGIMEGRAPH_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_examples.py

  (the test rewrites the file, then fails saying so, so it never passes
  silently), or, from the repository root,
  `regimegraph check examples/records --format json --today 2026-11-23
  --output tests/golden/examples-report.json`.
- The findings the examples' README lists are reported, and no violation or
  warning that it does not list.
- The GitHub Actions workflow's `regimegraph check` steps are run, as written,
  in a copy of the examples folder.
- The pre-commit hook is validated, run as pre-commit runs it, and run by
  pre-commit itself (the offline `repo: local` variant), with no network.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from regimegraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RECORDS = EXAMPLES / "records"
GOLDEN = ROOT / "tests" / "golden" / "examples-report.json"
WORKFLOW = EXAMPLES / ".github" / "workflows" / "regimegraph-check.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
PRE_COMMIT_CONFIG = EXAMPLES / ".pre-commit-config.yaml"
REPORT_SCHEMA = ROOT / "docs" / "check-report.schema.json"
SARIF_SCHEMA = ROOT / "tests" / "sarif" / "sarif-schema-2.1.0.json"
TODAY = "2026-11-23"
REGEN = "REGIMEGRAPH_REGEN_GOLDEN"

# Record files that pass: nothing worse than information.
CLEAN = ["bathnes-annual-review-2003.ttl", "oxfordshire-cqc-la-assessment-2025.ttl"]

BIN = Path(sys.executable).parent  # the virtualenv's bin: regimegraph, pre-commit
FULL_SHA = re.compile(r"^[\w.\-/]+@[0-9a-f]{40}$")


def tool_env(tmp_path: Path | None = None) -> dict[str, str]:
    """The environment a CI step or a hook runs in: the venv's tools first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    if tmp_path is not None:
        env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")  # never the user's cache
    env.pop("NO_COLOR", None)
    env["PRE_COMMIT_COLOR"] = "never"
    return env


def require_tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    if found is None:
        pytest.skip(f"{name} is not installed next to {sys.executable}")
    return found


def readme_table() -> list[tuple[str, str, str]]:
    """(file under examples/, rule, severity) for each row of the README's table."""
    rows = []
    for line in (EXAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`records/"):
            rows.append((cells[0].strip("`"), cells[2].strip("`"), cells[3]))
    return rows


def workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def workflow_steps() -> list[dict[str, Any]]:
    [job] = workflow()["jobs"].values()
    steps = job["steps"]
    assert isinstance(steps, list)
    return steps


def check_steps() -> list[dict[str, Any]]:
    return [step for step in workflow_steps() if "regimegraph check" in step.get("run", "")]


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a workflow step's script the way GitHub runs `run:` on Linux."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not available")
    return subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the golden report -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, bytes]:
    """`regimegraph check examples/records --format json`, run from the repository root."""
    target = tmp_path_factory.mktemp("golden") / "examples-report.json"
    patcher = pytest.MonkeyPatch()
    patcher.chdir(ROOT)  # record paths in the report are relative to the working directory
    try:
        result = CliRunner().invoke(
            main,
            [
                "check",
                "examples/records",
                "--format",
                "json",
                "--today",
                TODAY,
                "--output",
                str(target),
            ],
        )
    finally:
        patcher.undo()
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert target.is_file(), (result.exit_code, result.output)
    return result.exit_code, target.read_bytes()


@pytest.fixture(scope="module")
def report(report_run: tuple[int, bytes]) -> dict[str, Any]:
    loaded = json.loads(report_run[1])
    assert isinstance(loaded, dict)
    return loaded


def test_the_report_matches_the_golden_file(report_run: tuple[int, bytes]) -> None:
    _, produced = report_run
    if os.environ.get(REGEN) == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(produced)
        pytest.fail(f"{REGEN}=1: rewrote {GOLDEN.relative_to(ROOT)}; review the diff, unset it")
    assert GOLDEN.is_file(), f"no golden report; run with {REGEN}=1 to write it"
    expected = GOLDEN.read_bytes()
    hint = f"the examples' report changed; if on purpose, rerun with {REGEN}=1 and review"
    assert json.loads(produced) == json.loads(expected), hint
    assert produced == expected, hint


def test_the_report_is_portable_and_valid(report: dict[str, Any]) -> None:
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(report)
    assert report["checkDate"] == TODAY
    assert report["summary"]["files"] == len(list(RECORDS.glob("*.ttl")))
    files = {f["location"]["file"] for f in report["findings"] if f["location"]}
    assert files and all(file.startswith("examples/records/") for file in files)
    assert str(ROOT) not in json.dumps(report)  # no machine's paths


def test_the_examples_fail_the_check(report_run: tuple[int, bytes]) -> None:
    assert report_run[0] == 1


def test_every_problem_the_readme_lists_is_reported(report: dict[str, Any]) -> None:
    table = readme_table()
    assert len(table) >= 8, "the README's table of deliberate problems was not found"
    reported = {
        (f["location"]["file"], f["rule"], f["severity"])
        for f in report["findings"]
        if f["location"]
    }
    for file, rule, severity in table:
        assert (f"examples/{file}", rule, severity) in reported, (file, rule, severity)
    listed = {(f"examples/{file}", rule, severity) for file, rule, severity in table}
    unlisted = {row for row in reported if row[2] != "info"} - listed
    assert not unlisted, f"violations or warnings the README does not list: {unlisted}"
    summary = report["summary"]
    counts = (
        f"reports {summary['violation']} violations, {summary['warning']} "
        f"warning and {summary['info']} information findings"
    )
    readme = " ".join((EXAMPLES / "README.md").read_text(encoding="utf-8").split())
    assert counts in readme, f"update the counts in examples/README.md: {counts}"


def test_each_kind_of_problem_is_there(report: dict[str, Any]) -> None:
    by_rule = {(f["rule"], f["severity"]) for f in report["findings"]}
    assert {
        ("rgsh:O1", "violation"),
        ("rgsh:O1", "info"),
        ("rgsh:O6b", "violation"),
        ("rgsh:S42", "warning"),
        ("rgsh:CqcRatingAgreesWithScores", "violation"),
        ("rgsh:JudgmentValueOnScale", "violation"),
        ("rgsh:DocumentDatesInOrder", "violation"),
    } <= by_rule
    messages = " ".join(f["message"] for f in report["findings"])
    assert "30 days late" in messages  # Oxfordshire's letter
    assert "days overdue" in messages  # Wokingham's letter
    statute = [f for f in report["findings"] if f["rule"] == "rgsh:O6b"]
    assert statute and all(f["legalForce"]["label"] == "statute" for f in statute)
    [target] = [f for f in report["findings"] if f["rule"] == "rgsh:S42"]
    assert target["legalForce"]["label"] == "local target"


def test_the_clean_records_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        main, ["check", *(f"examples/records/{name}" for name in CLEAN), "--today", TODAY]
    )
    assert result.exit_code == 0, result.output
    assert "0 violations, 0 warnings" in result.output


# --- the GitHub Actions workflow --------------------------------------------------------------


def test_the_workflow_is_what_a_records_repository_needs() -> None:
    flow = workflow()
    triggers = flow["on"] if "on" in flow else flow[True]  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) >= {"push", "pull_request"}
    steps = workflow_steps()
    for step in steps:
        if "uses" in step:
            assert FULL_SHA.match(step["uses"]), f"pin {step['uses']} by full commit SHA"
    [python] = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert str(python["with"]["python-version"]) == "3.11"
    assert any("pip install regimegraph" in s.get("run", "") for s in steps)
    [upload] = [s for s in steps if "codeql-action/upload-sarif@" in s.get("uses", "")]
    assert "always()" in upload["if"]
    assert upload["with"]["sarif_file"] == "regimegraph.sarif"
    job = next(iter(flow["jobs"].values()))
    assert job["permissions"]["security-events"] == "write"
    for step in check_steps():
        assert "--today" not in step["run"]  # CI judges on the day it runs


def test_the_workflow_check_steps_run(tmp_path: Path, report: dict[str, Any]) -> None:
    require_tool("regimegraph")
    repo = tmp_path / "records-repo"
    shutil.copytree(EXAMPLES, repo)
    env = tool_env(tmp_path)
    steps = check_steps()
    assert len(steps) == 3, [s.get("name") for s in steps]
    outcomes = {}
    for step in steps:
        done = run_step(step["run"], repo, env)
        outcomes[step["name"]] = done
    sarif_step, junit_step, gate = steps
    assert "--format sarif --output regimegraph.sarif" in sarif_step["run"]
    assert "--format junit" in junit_step["run"]
    assert "--format" not in gate["run"] and "||" not in gate["run"]

    # The report steps pass with findings (exit 1 is accepted): the gate decides.
    assert outcomes[sarif_step["name"]].returncode == 0, outcomes[sarif_step["name"]].stderr
    assert outcomes[junit_step["name"]].returncode == 0, outcomes[junit_step["name"]].stderr
    sarif = json.loads((repo / "regimegraph.sarif").read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    assert run["invocations"][0]["executionSuccessful"] is True
    results = run["results"]
    assert results
    for result in results:
        [location] = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert artifact["uri"].startswith("records/") and artifact["uri"].endswith(".ttl")
        assert (repo / artifact["uri"]).is_file()
        assert location["physicalLocation"]["region"]["startLine"] >= 1
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["rgsh:O6b"] == "error" and levels["rgsh:S42"] == "warning"

    junit = ET.parse(repo / "regimegraph-junit.xml").getroot()
    summary = report["summary"]
    assert int(junit.get("failures", "0")) == summary["violation"] + summary["warning"]

    [keep] = [s for s in workflow_steps() if "upload-artifact@" in s.get("uses", "")]
    for kept in keep["with"]["path"].split():
        assert (repo / kept).is_file(), kept

    failing = outcomes[gate["name"]]
    assert failing.returncode == 1, failing.stderr
    assert f"Violations ({summary['violation']})" in failing.stdout
    assert "records/norfolk-ofsted-apa-2007.ttl:" in failing.stdout


# --- the pre-commit hook ----------------------------------------------------------------------


def manifest_hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    [hook] = [h for h in hooks if h["id"] == "regimegraph-check"]
    assert isinstance(hook, dict)
    return hook


def test_pre_commit_accepts_the_manifest_and_the_config(tmp_path: Path) -> None:
    pre_commit = require_tool("pre-commit")
    env = tool_env(tmp_path)
    for command, path in (("validate-manifest", HOOKS), ("validate-config", PRE_COMMIT_CONFIG)):
        done = subprocess.run(
            [pre_commit, command, str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        assert "warning" not in (done.stdout + done.stderr).lower(), (command, done.stdout)
    hook = manifest_hook()
    assert hook["language"] == "python"
    assert hook["entry"] == "regimegraph check"
    assert hook["pass_filenames"] is True and hook["require_serial"] is True
    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))
    used = [h["id"] for repo in config["repos"] if repo["repo"] != "local" for h in repo["hooks"]]
    assert used == ["regimegraph-check"]


def test_the_hook_runs_as_pre_commit_runs_it() -> None:
    """The manifest's entry, then the matching files, in one run (require_serial)."""
    require_tool("regimegraph")
    hook = manifest_hook()
    files = sorted(
        p.relative_to(EXAMPLES).as_posix()
        for p in EXAMPLES.rglob("*")
        if p.is_file() and re.search(hook["files"], p.relative_to(EXAMPLES).as_posix())
    )
    assert files == sorted(f"records/{p.name}" for p in RECORDS.glob("*.ttl"))
    command = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    command[0] = str(BIN / command[0])
    env = tool_env()
    failing = subprocess.run(
        [*command, *files],
        cwd=EXAMPLES,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert failing.returncode == 1, failing.stderr
    assert "records/wokingham-annual-review-2003.ttl:" in failing.stdout
    passing = subprocess.run(
        [*command, *(f"records/{name}" for name in CLEAN)],
        cwd=EXAMPLES,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert passing.returncode == 0, (passing.stdout, passing.stderr)


def test_pre_commit_runs_the_local_hook_offline(tmp_path: Path, report: dict[str, Any]) -> None:
    """`pre-commit run` itself, with the config's `repo: local` variant (nothing to download)."""
    pre_commit = require_tool("pre-commit")
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not available")
    repo = tmp_path / "records-repo"
    shutil.copytree(EXAMPLES, repo)
    config = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))
    config["repos"] = [r for r in config["repos"] if r["repo"] == "local"]
    (repo / "offline-pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    env = tool_env(tmp_path)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    for inherited in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):  # e.g. run from a git hook
        env.pop(inherited, None)
    subprocess.run([git, "init", "-q"], cwd=repo, env=env, check=True, timeout=60)
    subprocess.run([git, "add", "-A"], cwd=repo, env=env, check=True, timeout=60)

    def pre_commit_run(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [pre_commit, "run", "--config", "offline-pre-commit-config.yaml", "--files", *files],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    every = sorted(f"records/{p.name}" for p in RECORDS.glob("*.ttl"))
    failing = pre_commit_run(*every, "README.md")
    assert failing.returncode == 1, (failing.stdout, failing.stderr)
    assert "regimegraph check (installed)" in failing.stdout and "Failed" in failing.stdout
    assert f"Violations ({report['summary']['violation']})" in failing.stdout
    passing = pre_commit_run(*(f"records/{name}" for name in CLEAN))
    assert passing.returncode == 0, (passing.stdout, passing.stderr)
    assert "Passed" in passing.stdout
