"""`python -m designer.pod lint FILE... [--k8s-version 1.33] [--pss LEVEL] [--format text|json|sarif] [--choose N]`.

Exit status: 0 no unwaived errors, 1 errors found, 2 an input could not be read (or bad usage).
FILE may be `-` for standard input. Roles: `--roles name=role,...`, then the pod's annotations
(pod-designer/roles, kubectl.kubernetes.io/default-container), then inference from the wiring.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from designer.pod.findings import Finding, count_by_severity


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m designer.pod lint",
        description="Validate Kubernetes workload manifests: API-server rules, patterns, practices.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="YAML or JSON manifest; '-' reads stdin")
    parser.add_argument(
        "--k8s-version", default=None, help="target Kubernetes version, e.g. 1.33 (default: newest)"
    )
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument(
        "--pss",
        choices=("privileged", "baseline", "restricted"),
        default=None,
        help="PodSecurity level the namespace enforces: its violations are errors K8S-PSS-*",
    )
    parser.add_argument(
        "--choose", type=int, default=None, help="index of the workload in a multi-document file"
    )
    parser.add_argument(
        "--roles",
        default=None,
        metavar="NAME=ROLE,...",
        help="state container roles (main, sidecar, adapter, ambassador, mesh-proxy, init); others are inferred",
    )
    return parser


def _stated_roles(text: str | None) -> dict[str, str]:
    """'app=main,proxy=ambassador' -> {'app': 'main', 'proxy': 'ambassador'} (ValueError if malformed)."""
    from designer.pod.roles import Role

    result: dict[str, str] = {}
    for item in (text or "").split(","):
        name, sep, role = item.strip().partition("=")
        if not item.strip():
            continue
        if not sep or not name.strip() or role.strip() not in {r.value for r in Role}:
            raise ValueError(
                f"--roles: {item.strip()!r} is not NAME=ROLE (roles: {', '.join(r.value for r in Role)})"
            )
        result[name.strip()] = role.strip()
    return result


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as handle:
        return handle.read()


def _text_line(name: str, finding: Finding, depth: int = 0) -> list[str]:
    where = f"{name}:{finding.line}" if finding.line is not None else name
    waived = f" (waived: {finding.waived})" if finding.waived is not None else ""
    indent = "  " * depth
    path = f"{finding.path}: " if finding.path else ""
    lines = [f"{indent}{where}: {finding.severity.upper()} {path}{finding.message} [{finding.rule}]{waived}"]
    for child in finding.caused:
        lines.extend(_text_line(name, child, depth + 1))
    return lines


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    from designer.pod.manifest import ManifestError, load_manifest
    from designer.pod.rules.context import parse_version
    from designer.pod.rules.lint import lint

    try:
        version = parse_version(args.k8s_version)
        stated = _stated_roles(args.roles)
    except ValueError as error:
        print(f"lint: {error}", file=sys.stderr)
        return 2
    unreadable = False
    results: list[tuple[str, list[Finding]]] = []
    for name in args.files:
        label = "<stdin>" if name == "-" else name
        try:
            manifest = load_manifest(_read(name), choose=args.choose)
        except OSError as error:
            print(f"{label}: cannot read: {error.strerror or error}", file=sys.stderr)
            unreadable = True
            continue
        except ManifestError as error:
            print(f"{label}: {error}", file=sys.stderr)
            unreadable = True
            continue
        roles = None
        if stated:
            from designer.pod.roles import Role, roles_for

            pinned = {name: Role(role) for name, role in stated.items()}
            roles = roles_for(manifest.document, manifest.companions, pinned)
        findings = lint(
            manifest.document,
            version=version,
            roles=roles,
            line_map=manifest.line_map,
            companions=manifest.companions,
            pss=args.pss,
        )
        results.append((label, findings))
    _print(args.format, results)
    if unreadable:
        return 2
    return 1 if any(f.counts_as_error for _, findings in results for f in findings) else 0


def _print(output_format: str, results: list[tuple[str, list[Finding]]]) -> None:
    if output_format == "json":
        data: Any = [
            {"file": name, "findings": [f.as_dict() for f in findings]} for name, findings in results
        ]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if output_format == "sarif":
        from designer.pod.rules.sarif import to_sarif

        print(json.dumps(to_sarif(results), indent=2, ensure_ascii=False))
        return
    totals = {"error": 0, "warning": 0, "info": 0}
    waived = 0
    for name, findings in results:
        for finding in findings:
            for line in _text_line(name, finding):
                print(line)
        for severity, count in count_by_severity(findings).items():
            totals[severity] += count
        waived += sum(1 for f in findings if f.waived is not None)
    files = len(results)
    print(
        f"{files} file{'s' if files != 1 else ''}: {totals['error']} error(s), {totals['warning']} warning(s), "
        f"{totals['info']} info, {waived} waived"
    )
