"""SARIF 2.1.0 output for code-scanning UIs (GitHub, GitLab, Azure DevOps).

One run, one tool ("pod-designer"), a rule entry per rule ID seen, a result per finding (follow-on
findings included) with the file and line. Waived findings carry an external suppression with
the waiver's reason, so the UI shows them as dismissed instead of hiding them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from designer.pod.findings import Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
RULES_URI = "https://github.com/pod-designer/pod-designer/blob/main/shared/RULES.md"


def _rule(rule: str, help_uri: Callable[[str], str], doc: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": rule, "name": rule, "helpUri": help_uri(rule)}
    if doc is not None:
        entry["shortDescription"] = {"text": doc.summary}
        entry["defaultConfiguration"] = {"level": _LEVELS.get(doc.severity, "note")}
    return entry


def _flatten(findings: list[Finding]) -> list[Finding]:
    result: list[Finding] = []
    for finding in findings:
        result.append(finding)
        result.extend(_flatten(list(finding.caused)))
    return result


def _default_help_uri(rule: str) -> str:
    return f"{RULES_URI}#{rule.lower()}"


def to_sarif(
    files: list[tuple[str, list[Finding]]],
    version: str = "0.1.0",
    *,
    documents: list[dict[str, Any]] | None = None,
    help_uri: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """The SARIF log (a JSON-compatible dict) for (file name, findings) pairs.

    documents[i], when given, says which document of a multi-document file files[i] is
    ({document, kind, name}); it goes into each result's properties and logical location.
    help_uri(rule) is each rule's page (default: the catalogue).
    """
    from designer.pod.rules.reference import rule as documented

    rule_ids: list[str] = []
    results: list[dict[str, Any]] = []
    for position, (uri, findings) in enumerate(files):
        document = documents[position] if documents is not None else None
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
            if document is not None:
                result["properties"] = dict(document)
                where = f"documents[{document['document']}]"
                result["locations"][0]["logicalLocations"].insert(
                    0,
                    {
                        "name": f"{document['kind']}/{document['name']}",
                        "fullyQualifiedName": where,
                        "kind": "object",
                    },
                )
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
                            _rule(rule, help_uri or _default_help_uri, documented(rule)) for rule in rule_ids
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
