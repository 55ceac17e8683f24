"""`python -m designer.pod lint FILE|DIR... [--k8s-version 1.33] [--pss LEVEL] [--format text|json|sarif] [--choose N]`.

Every workload of each file is linted (a multi-document stream or a `List`: a Helm output's
Deployment and its test Pod both), the other documents of the stream being its companions;
`--choose N` narrows each file to its document N. A directory stands for every *.yaml, *.yml and
*.json under it (files there that hold no workload, such as a chart's values.yaml, are skipped).

Exit status: 0 no unwaived errors, 1 errors found, 2 an input could not be read (or bad usage).
FILE may be `-` for standard input. Roles: `--roles name=role,...`, then the pod's annotations
(pod-designer/roles, kubectl.kubernetes.io/default-container), then inference from the wiring.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from designer.pod.findings import Finding, count_by_severity

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m designer.pod lint",
        description="Validate Kubernetes workload manifests: API-server rules, patterns, practices.",
    )
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="YAML or JSON manifest, or a directory of them; '-' reads stdin",
    )
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
        "--choose", type=int, default=None, help="index of the document to lint in a multi-document file"
    )
    parser.add_argument(
        "--base-url", default=None, help="site of the web app: findings link to BASE_URL/rules/<ID>/"
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


def _lint_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of lint_stream() the command line sets (one line per option)."""
    return {
        "choose": args.choose,
        "pss": args.pss,
        "stated_roles": _stated_roles(args.roles),
    }


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as handle:
        return handle.read()


def _inputs(names: list[str]) -> list[tuple[str, bool]]:
    """(file, named) for each argument, a directory expanded into its manifests (named=False)."""
    inputs: list[tuple[str, bool]] = []
    for name in names:
        if name != "-" and os.path.isdir(name):
            found = []
            for folder, subfolders, files in os.walk(name):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                found += [os.path.join(folder, f) for f in files if f.lower().endswith(MANIFEST_SUFFIXES)]
            inputs += [(path, False) for path in sorted(found)]
        else:
            inputs.append((name, True))
    return inputs


# One linted workload: the file, its DocumentResult (index, kind, name), its findings.
Result = tuple[str, Any, list[Finding]]


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    from designer.pod.manifest import ManifestError
    from designer.pod.rules.context import parse_version
    from designer.pod.rules.stream import NoWorkload, lint_stream

    try:
        version = parse_version(args.k8s_version)
        _stated_roles(args.roles)  # a malformed --roles is bad usage (exit 2) before any file is read
    except ValueError as error:
        print(f"lint: {error}", file=sys.stderr)
        return 2
    unreadable = False
    results: list[Result] = []
    for name, named in _inputs(args.files):
        label = "<stdin>" if name == "-" else name
        try:
            documents = lint_stream(_read(name), version=version, **_lint_options(args))
        except OSError as error:
            print(f"{label}: cannot read: {error.strerror or error}", file=sys.stderr)
            unreadable = True
            continue
        except NoWorkload as error:
            if named:
                print(f"{label}: {error}", file=sys.stderr)
                unreadable = True
            else:  # found in a directory: a chart's values.yaml, a kustomization, a ConfigMap
                print(f"{label}: skipped: {error.message}", file=sys.stderr)
            continue
        except ManifestError as error:
            print(f"{label}: {error}", file=sys.stderr)
            unreadable = True
            continue
        results += [(label, document, document.findings) for document in documents]
    _print(args.format, results, args.base_url)
    if unreadable:
        return 2
    return 1 if any(f.counts_as_error for _, _, findings in results for f in findings) else 0


def _text_line(name: str, finding: Finding, depth: int = 0, document: str = "") -> list[str]:
    where = f"{name}:{finding.line}" if finding.line is not None else name
    waived = f" (waived: {finding.waived})" if finding.waived is not None else ""
    indent = "  " * depth
    path = f"{finding.path}: " if finding.path else ""
    lines = [
        f"{indent}{where}: {document}{finding.severity.upper()} {path}{finding.message} [{finding.rule}]{waived}"
    ]
    for child in finding.caused:
        lines.extend(_text_line(name, child, depth + 1, document))
    return lines


def _print(output_format: str, results: list[Result], base_url: str | None) -> None:
    from designer.pod.rules.reference import help_uri

    if output_format == "json":
        data: Any = []
        for name, document, findings in results:
            entry: dict[str, Any] = {
                "file": name,
                "document": document.position,
                "kind": document.kind,
                "name": document.name,
            }
            entry["findings"] = [_with_help(f.as_dict(), base_url) for f in findings]
            data.append(entry)
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if output_format == "sarif":
        from designer.pod.rules.sarif import to_sarif

        documents = [{"document": doc.position, "kind": doc.kind, "name": doc.name} for _, doc, _ in results]
        log = to_sarif(
            [(name, findings) for name, _, findings in results],
            documents=documents,
            help_uri=(lambda rule: help_uri(base_url, rule)) if base_url else None,
        )
        print(json.dumps(log, indent=2, ensure_ascii=False))
        return
    totals = {"error": 0, "warning": 0, "info": 0}
    waived = 0
    per_file: dict[str, list[Any]] = {}
    for name, document, _ in results:
        per_file.setdefault(name, []).append(document)
    for name, document, findings in results:
        # Name the document only where the file holds several workloads: `file:12: #1 Pod/test ERROR`.
        label = f"{document.label} " if len(per_file[name]) > 1 else ""
        for finding in findings:
            for line in _text_line(name, finding, document=label):
                print(line)
        for severity, count in count_by_severity(findings).items():
            totals[severity] += count
        waived += sum(1 for f in findings if f.waived is not None)
    files, workloads = len(per_file), len(results)
    counted = f"{files} file{'s' if files != 1 else ''}"
    if workloads != files:
        counted += f" ({workloads} workloads)"
    print(
        f"{counted}: {totals['error']} error(s), {totals['warning']} warning(s), "
        f"{totals['info']} info, {waived} waived"
    )


def _with_help(data: dict[str, Any], base_url: str | None) -> dict[str, Any]:
    if base_url:
        from designer.pod.rules.reference import help_uri

        data["help_uri"] = help_uri(base_url, data["rule"])
        data["caused"] = [_with_help(child, base_url) for child in data["caused"]]
    return data
