"""The oracle corpus (tests/fixtures/oracle, copied from shared/oracle): how a case is compared.

Each case was judged by a real kube-apiserver v1.33.5; its README says how a lint result is
compared with a verdict. This module is that comparison, written once for the three folders.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from designer.pod.findings import Finding
from designer.pod.manifest import ManifestError, load_manifest

ORACLE = Path(__file__).resolve().parents[2] / "fixtures" / "oracle"
GAPS = Path(__file__).resolve().parent / "oracle_gaps"
_GO_UNINDEXED = re.compile(r"\[[^\]]*\]")


@functools.cache
def verdicts(folder: str, version: str = "") -> dict[str, Any]:
    name = f"verdicts-v{version}.json" if version else "verdicts.json"
    cases: dict[str, Any] = json.loads((ORACLE / folder / name).read_text(encoding="utf-8"))["cases"]
    return cases


def case_names(folder: str) -> list[str]:
    return sorted(verdicts(folder))


@functools.cache
def known_gaps(folder: str) -> frozenset[str]:
    """Cases the project does not agree on yet (oracle_gaps/<folder>.txt): a ratchet, not a waiver.

    A case listed there is a strict xfail, so fixing it fails the run until its line is removed;
    the list only ever shrinks. For pss/ a line is "case level".
    """
    path = GAPS / f"{folder}.txt"
    if not path.exists():
        return frozenset()
    lines = (line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line)


def gap_marked(folder: str, *keys: str) -> Any:
    """A pytest param for one case, a strict xfail when it is in the folder's known gaps."""
    import pytest

    marks = []
    if " ".join(keys) in known_gaps(folder):
        marks.append(pytest.mark.xfail(strict=True, reason=f"known gap: oracle_gaps/{folder}.txt"))
    return pytest.param(*keys, marks=marks, id="-".join(keys))


def case_text(folder: str, case: str) -> bytes:
    return (ORACLE / folder / f"{case}.yaml").read_bytes()


def error_findings(findings: list[Finding], prefix: str = "K8S-") -> list[Finding]:
    """Unwaived errors whose rule starts with prefix, follow-on (cascaded) findings included."""
    out: list[Finding] = []
    stack = list(findings)
    while stack:
        finding = stack.pop()
        if finding.rule.startswith(prefix) and finding.counts_as_error:
            out.append(finding)
        stack.extend(finding.caused)
    return out


def unindexed(path: str) -> str:
    """A Go struct field path has no list indexes and no map keys.

    spec.containers[0].ports[1].x -> spec.containers.ports.x; metadata.labels[app] -> metadata.labels.
    """
    return _GO_UNINDEXED.sub("", path)


def lint_case(folder: str, case: str, version: str = "1.33", **options: Any) -> list[Finding] | None:
    """The findings for a case (at v1.33 unless told), or None when the file is refused (a ManifestError)."""
    from designer.pod.rules.lint import lint

    try:
        manifest = load_manifest(case_text(folder, case))
    except ManifestError:
        return None
    return lint(manifest.document, version=version, line_map=manifest.line_map, **options)


def disagreement(folder: str, case: str, findings: list[Finding] | None, version: str = "") -> str | None:
    """Why the project disagrees with the apiserver on a pods/ or workloads/ case (None: it agrees).

    version names another verdict file (verdicts-v<version>.json); the default is v1.33.5's.
    """
    verdict = verdicts(folder, version)[case]
    rejected = verdict["verdict"] == "rejected" or "direct_yaml_strict" in verdict
    errors = [] if findings is None else error_findings(findings)
    if rejected != (findings is None or bool(errors)):
        ours = [f"{f.path}: {f.message} [{f.rule}]" for f in errors] or ["no K8S error"]
        return f"apiserver: {verdict['verdict']} {verdict.get('errors')}; project: {ours}"
    wanted = [e for e in verdict.get("errors", []) if e.get("path")]
    if not rejected or findings is None or not wanted:
        return None
    for expected in wanted:
        for finding in errors:
            path = unindexed(finding.path) if expected.get("unindexed") else finding.path
            if path == expected["path"]:
                return None
    return (
        f"paths differ: apiserver {[e['path'] for e in wanted]}; project {sorted({f.path for f in errors})}"
    )


def _check_key(rule: str) -> str:
    return rule.removeprefix("K8S-PSS-").replace("-", "").replace("_", "").lower()


# Where the two levels name a different variant of one control (shared/oracle/README.md).
_LEVEL_VARIANTS = {
    "capabilities": {"baseline": "capabilitiesbaseline", "restricted": "capabilitiesrestricted"},
    "seccompprofile": {"baseline": "seccompprofilebaseline", "restricted": "seccompprofilerestricted"},
    "hostprocess": {"baseline": "windowshostprocess", "restricted": "windowshostprocess"},
}


def pss_checks(findings: list[Finding], level: str) -> set[str]:
    """The upstream check ids (normalised: no case, '-' or '_') a project's K8S-PSS errors name."""
    out = set()
    for finding in error_findings(findings, "K8S-PSS-"):
        key = _check_key(finding.rule)
        out.add(_LEVEL_VARIANTS.get(key, {}).get(level, key))
    return out


def pss_disagreement(case: str, level: str, findings: list[Finding] | None) -> str | None:
    """Why the project disagrees with PodSecurity admission on a pss/ case at one level."""
    verdict = verdicts("pss")[case][level]
    if findings is None:
        return "the project could not read the case"
    ours = pss_checks(findings, level)
    forbidden = verdict["verdict"] == "forbidden"
    if forbidden != bool(ours):
        return f"{level}: admission {verdict['verdict']} {verdict['checks']}; project {sorted(ours)}"
    theirs = {_check_key(c) for c in verdict["checks"]}
    if forbidden and ours != theirs:
        return f"{level}: checks differ: admission {sorted(theirs)}; project {sorted(ours)}"
    return None
