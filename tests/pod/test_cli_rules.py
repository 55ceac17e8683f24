"""`python -m designer.pod rules`: the rule reference on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from designer.pod.rules import reference

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "designer.pod", "rules", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_it_lists_every_emitted_rule_with_severity_family_and_summary() -> None:
    result = run()
    assert result.returncode == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    emitted = {rule_id for rule_id, doc in reference.rules().items() if not doc.planned}
    assert set(rows) == emitted
    row = rows["PAT-PORT-CONFLICT"].split()
    assert row[1:3] == ["error", "patterns"]
    assert reference.rules()["PAT-PORT-CONFLICT"].summary in rows["PAT-PORT-CONFLICT"]


def test_all_adds_the_planned_rules() -> None:
    listed = {entry["id"] for entry in json.loads(run("--all", "--format", "json").stdout)}
    assert listed == set(reference.rules())


def test_it_explains_one_rule_with_its_examples() -> None:
    result = run("pat-port-conflict")
    doc = reference.rules()["PAT-PORT-CONFLICT"]
    assert result.returncode == 0
    assert result.stdout.startswith("PAT-PORT-CONFLICT  error  patterns")
    assert "Fails:\n    apiVersion: v1" in result.stdout and "Passes:\n" in result.stdout
    assert f"Source: {doc.source}" in result.stdout


def test_an_unknown_rule_exits_2() -> None:
    result = run("NO-SUCH-RULE")
    assert result.returncode == 2 and "NO-SUCH-RULE" in result.stderr
