"""The pattern corpus: realistic pattern defects each caught by its rule; correct pods left alone.

tests/fixtures/patterns/defects/*.yaml open with `# expect: PAT-RULE-ID` (the rule that must
fire, as a warning or an error); tests/fixtures/patterns/correct/*.yaml are correct but tricky
designs on which no PAT rule may raise a warning or an error (info is fine).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from designer.pod.manifest import load_manifest
from designer.pod.rules.lint import lint

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "patterns"
_EXPECT = re.compile(r"^# expect: (PAT-[A-Z0-9-]+)\s*$", re.MULTILINE)


def _cases(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).glob("*.yaml"))


def _pattern_findings(path: Path) -> list[tuple[str, str, str]]:
    manifest = load_manifest(path.read_bytes())
    findings = lint(manifest.document, companions=manifest.companions, line_map=manifest.line_map)
    return [(f.rule, f.severity, f"{f.path}: {f.message}") for f in findings if f.rule.startswith("PAT-")]


@pytest.mark.parametrize("path", _cases("defects"), ids=lambda p: p.stem)
def test_it_catches_the_defect_with_its_rule(path: Path) -> None:
    match = _EXPECT.search(path.read_text(encoding="utf-8"))
    assert match, f"{path.name} has no '# expect: PAT-...' line"
    found = _pattern_findings(path)
    assert any(rule == match[1] and severity in ("warning", "error") for rule, severity, _ in found), found


@pytest.mark.parametrize("path", _cases("correct"), ids=lambda p: p.stem)
def test_it_raises_nothing_on_a_correct_design(path: Path) -> None:
    assert [f for f in _pattern_findings(path) if f[1] != "info"] == []
