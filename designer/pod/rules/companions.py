"""The companions layer: the stream's other documents (Service, ConfigMap, Secret, ...).

Each companion is decoded against its kind's official schema of the target version (the strict
JSON schemas kubernetes-validate ships, as the schema layer does for the workload), and its
metadata is checked as ValidateObjectMeta does: a name valid for its kind, labels, annotations;
a ConfigMap's or Secret's data as ValidateConfigMap/ValidateSecret do (companion_data.py), a
Service's ports and selector as ValidateService does (companion_service.py), a
PodDisruptionBudget's spec (companion_pdb.py).
Findings sit at `companions[i].<field>`; a kind without an official schema (a custom resource)
is left alone.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import companion_data, companion_pdb, companion_service, names
from designer.pod.rules import fieldpath as fp
from designer.pod.rules.context import LintContext
from designer.pod.rules.schema import _definitions, _findings, fast_check_for_file, validator_for_file

# Kinds whose names are DNS-1035 labels (ValidateServiceName) or DNS labels; the rest: subdomains.
_DNS1035_NAMED = {"Service"}
_LABEL_NAMED = {"Namespace"}


def schema_file(api_version: str, kind: str) -> str:
    """'v1', 'Service' -> 'service-v1.json'; 'networking.k8s.io/v1', 'Ingress' -> 'ingress-networking-v1.json'."""
    group, _, version = api_version.rpartition("/")
    group = group.split(".")[0]
    suffix = f"{group}-{version}" if group else version
    return f"{kind.lower()}-{suffix}.json"


def _name_errors(name: str, kind: str) -> list[str]:
    if kind in _DNS1035_NAMED:
        return names.is_dns1035_label(name)
    if kind in _LABEL_NAMED:
        return names.is_dns1123_label(name)
    return names.is_dns1123_subdomain(name)


def _metadata(document: dict[str, Any], kind: str, prefix: str) -> list[Finding]:
    meta = fp.as_dict(document.get("metadata"))
    path = fp.child(prefix, "metadata")
    out: list[Finding] = []
    name = meta.get("name")
    if name in (None, "") and not fp.as_str(meta.get("generateName")):
        out.append(fp.required("K8S-META-NAME", fp.child(path, "name"), "name or generateName is required"))
    elif isinstance(name, str):
        out += [
            fp.invalid("K8S-META-NAME", fp.child(path, "name"), name, m) for m in _name_errors(name, kind)
        ]
    out += names.validate_labels("K8S-META-LABELS", meta.get("labels"), fp.child(path, "labels"))
    out += names.validate_annotations(
        "K8S-META-ANNOTATIONS", meta.get("annotations"), fp.child(path, "annotations")
    )
    return out


def check_companion(document: dict[str, Any], position: int, version: tuple[int, int]) -> list[Finding]:
    """Schema and metadata findings for one companion, at companions[position]."""
    api_version, kind = document.get("apiVersion"), document.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return []
    filename = schema_file(api_version, kind)
    fast_check = fast_check_for_file(version, filename)
    if fast_check is None:
        return []  # no official schema: a custom resource
    prefix = f"companions[{position}]"
    label = f"{kind} {fp.as_str(fp.as_dict(document.get('metadata')).get('name')) or '(unnamed)'}"
    out: list[Finding] = []
    definitions = _definitions(version)
    validator = None if fast_check(document) else validator_for_file(version, filename)
    if validator is not None:  # the fast test rejected it: list every error (python jsonschema)
        for error in validator.iter_errors(document):
            for finding in _findings(error, fp.as_dict(validator.schema), definitions, kind):
                path = f"{prefix}.{finding.path}" if finding.path else prefix
                out.append(dataclasses.replace(finding, path=path, message=f"{label}: {finding.message}"))
    out += _metadata(document, kind, prefix)
    out += [
        dataclasses.replace(f, message=f"{label}: {f.message}")
        for f in [
            *companion_data.validate(document, prefix),
            *companion_service.validate(document, prefix),
            *companion_pdb.validate(document, prefix, version),
        ]
    ]
    return sorted(out, key=lambda f: f.path)


def check(ctx: LintContext) -> list[Finding]:
    version = (int(ctx.version[0]), int(ctx.version[1]))
    out: list[Finding] = []
    for position, document in enumerate(ctx.companions):
        out += check_companion(document, position, version)
    return out
