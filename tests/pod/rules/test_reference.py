"""The rule reference covers every rule the project emits, and its examples behave.

For every entry that is not `planned`, the failing example raises the rule (with the documented
severity) and the passing example does not. A planned entry whose id now appears in the source
must drop `planned: true`, so the reference never lags behind the rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from designer.pod.manifest import load_manifest
from designer.pod.rules import reference
from designer.pod.rules.lint import lint

DESIGNER = Path(__file__).resolve().parents[3] / "designer"
# A string literal that is a whole rule id ("K8S-POD-NAME", 'PAT-MAIN-REQUIRED', "INTERNAL").
_RULE_LITERAL = re.compile(r"""["']((?:K8S|LINT|PAT)-[A-Z0-9]+(?:-[A-Z0-9]+)*|INTERNAL)["']""")
_DOCS = reference.rules()


def _emitted_ids() -> set[str]:
    found: set[str] = set()
    for path in DESIGNER.rglob("*.py"):
        found.update(_RULE_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


_EMITTED = _emitted_ids()


def _rules(text: str, options: dict[str, Any]) -> list[tuple[str, str]]:
    """(rule, severity) of every finding lint() gives the example, follow-on findings included."""
    manifest = load_manifest(text, choose=options.get("choose"))
    kwargs = {k: v for k, v in options.items() if k != "choose"}
    findings = lint(manifest.document, companions=manifest.companions, **kwargs)
    stack, result = list(findings), list[tuple[str, str]]()
    while stack:
        finding = stack.pop()
        result.append((finding.rule, finding.severity))
        stack.extend(finding.caused)
    return result


def test_it_documents_every_rule_id_in_the_source() -> None:
    missing = sorted(_EMITTED - set(_DOCS))
    assert not missing, f"add these to designer/pod/rules/reference/*.yaml: {missing}"


def test_it_documents_every_podsecurity_check() -> None:
    # K8S-PSS-<CHECK> ids are built from the upstream check ids at run time, not written as literals.
    from designer.pod.rules.pss import CHECKS, rule_id

    missing = sorted({rule_id(check.id) for check in CHECKS} - set(_DOCS))
    assert not missing, f"add these to designer/pod/rules/reference/55-k8s-pss.yaml: {missing}"


def test_a_planned_rule_that_landed_is_no_longer_planned() -> None:
    landed = sorted(rule_id for rule_id, doc in _DOCS.items() if doc.planned and rule_id in _EMITTED)
    assert not landed, f"remove `planned: true` from: {landed}"


_WITH_FAILING = [doc for doc in _DOCS.values() if doc.fails]
_WITH_PASSING = [doc for doc in _DOCS.values() if doc.passes]


def test_every_entry_has_examples_or_says_why_not() -> None:
    lacking = [doc.id for doc in _DOCS.values() if not (doc.fails and doc.passes) and not doc.no_example]
    assert not lacking, f"give a failing and a passing example, or a no_example reason: {lacking}"


def _planned_is_strict_xfail(doc: reference.RuleDoc) -> object:
    # Strict: the day a planned rule's failing example raises it, this fails and asks for
    # `planned: true` to go (ids built at run time, like K8S-PSS-<CHECK>, are caught here).
    reason = f"{doc.id} is planned, not emitted yet"
    return pytest.param(
        doc, id=doc.id, marks=pytest.mark.xfail(strict=True, reason=reason) if doc.planned else ()
    )


@pytest.mark.parametrize("doc", [_planned_is_strict_xfail(doc) for doc in _WITH_FAILING])
def test_the_failing_example_raises_its_rule(doc: reference.RuleDoc) -> None:
    found = _rules(doc.fails, doc.lint_options)
    severities = {severity for rule, severity in found if rule == doc.id}
    assert severities, f"{doc.id} not raised; got {sorted({r for r, _ in found})}"
    assert doc.severity in severities, f"{doc.id} raised as {severities}, documented as {doc.severity}"


@pytest.mark.parametrize("doc", _WITH_PASSING, ids=lambda d: d.id)
def test_the_passing_example_does_not_raise_its_rule(doc: reference.RuleDoc) -> None:
    found = _rules(doc.passes, doc.lint_options)
    assert doc.id not in {rule for rule, _ in found}


def test_the_examples_of_planned_rules_are_manifests() -> None:
    for doc in _DOCS.values():
        if doc.planned:
            for text in (doc.fails, doc.passes):
                if text:
                    load_manifest(text, choose=doc.lint_options.get("choose"))


def test_it_finds_a_rule_by_id_in_any_case() -> None:
    assert reference.rule("k8s-pod-name") is _DOCS["K8S-POD-NAME"]
    assert reference.rule("NO-SUCH-RULE") is None


def test_a_broken_entry_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text(
        "family: x\nrules:\n- id: X-1\n  severity: fatal\n  summary: s\n  explanation: e\n  source: s\n"
    )
    with pytest.raises(reference.ReferenceError, match="severity"):
        reference._load_family(bad)


def test_the_help_uri_is_the_rules_web_page() -> None:
    assert reference.help_uri("https://pods.example.org/", "PAT-PORT-CONFLICT") == (
        "https://pods.example.org/rules/PAT-PORT-CONFLICT/"
    )
