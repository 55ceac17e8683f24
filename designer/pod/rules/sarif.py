"""SARIF 2.1.0 output for code-scanning UIs (GitHub, GitLab, Azure DevOps).

One run, one tool ("pod-designer"), a rule entry per rule ID seen, a result per finding (follow-on
findings included) with the file and line. Waived findings carry an external suppression with
the waiver's reason, so the UI shows them as dismissed instead of hiding them.
"""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
RULES_URI = "https://github.com/pod-designer/pod-designer/blob/main/shared/RULES.md"


def _flatten(findings: list[Finding]) -> list[Finding]:
    result: list[Finding] = []
    for finding in findings:
        result.append(finding)
        result.extend(_flatten(list(finding.caused)))
    return result


def to_sarif(files: list[tuple[str, list[Finding]]], version: str = "0.1.0") -> dict[str, Any]:
    """The SARIF log (a JSON-compatible dict) for (file name, findings) pairs."""
    rule_ids: list[str] = []
    results: list[dict[str, Any]] = []
    for uri, findings in files:
        for finding in _flatten(findings):
            if finding.rule not in rule_ids:
                rule_ids.append(finding.rule)
            text = f"{finding.path}: {finding.message}" if finding.path else finding.message
            result: dict[str, Any] = {
                "ruleId": finding.rule,
                "level": _LEVELS.get(finding.severity, "note"),
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": {"startLine": max(1, finding.line or 1)},
                        },
                        "logicalLocations": [{"fullyQualifiedName": finding.path or "(document)"}],
                    }
                ],
            }
            if finding.waived is not None:
                result["suppressions"] = [{"kind": "external", "justification": finding.waived}]
            results.append(result)
    rule_ids.sort()
    index = {rule: i for i, rule in enumerate(rule_ids)}
    for result in results:
        result["ruleIndex"] = index[result["ruleId"]]
    return {
        "version": "2.1.0",
        "$schema": SARIF_SCHEMA,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pod-designer",
                        "version": version,
                        "informationUri": RULES_URI,
                        "rules": [
                            {"id": rule, "name": rule, "helpUri": f"{RULES_URI}#{rule.lower()}"}
                            for rule in rule_ids
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
