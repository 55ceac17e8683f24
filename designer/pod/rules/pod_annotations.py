"""The annotations kube-apiserver reads on a pod or pod template: ValidatePodSpecificAnnotations.

Besides the key syntax every object's annotations follow (K8S-META-ANNOTATIONS), a few
annotations carry values the apiserver parses, on a Pod and on every pod template (Deployment,
Job, ..., and a StatefulSet's template at every version, through
ValidatePodTemplateSpecForStatefulSet): the mirror-pod marker, the legacy tolerations annotation,
the pod deletion cost, and the deprecated seccomp and AppArmor annotations. Older charts still
carry the last two, and a typo in an AppArmor annotation's container name rejects the object.

Paths as the server prints them: `annotations[key]` for the keyed ones, but the seccomp ones
with the key appended as a plain child (`annotations.seccomp.security.alpha.kubernetes.io/pod`).

Rule ID: K8S-POD-ANNOTATIONS (error).
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules.apiserver_scheduling import validate_tolerations
from designer.pod.rules.fieldpath import as_dict, as_list, as_str, child

RULE = "K8S-POD-ANNOTATIONS"
MIRROR = "kubernetes.io/config.mirror"
TOLERATIONS = "scheduler.alpha.kubernetes.io/tolerations"
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
_SECCOMP_NAMED = ("runtime/default", "docker/default", "unconfined")
_APPARMOR_NAMED = ("", "runtime/default", "unconfined")
_INT32 = (-(2**31), 2**31 - 1)


def validate(annotations: Any, spec: dict[str, Any], path: str, version: tuple[int, int]) -> list[Finding]:
    """ValidatePodSpecificAnnotations on a pod's (or template's) annotations at `path`."""
    annotations = {str(k): v for k, v in as_dict(annotations).items() if isinstance(v, str)}
    out: list[Finding] = []
    if MIRROR in annotations and not as_str(spec.get("nodeName")):
        detail = "must set spec.nodeName if mirror pod annotation is set"
        out.append(fp.invalid(RULE, fp.key(path, MIRROR), annotations[MIRROR], detail))
    if annotations.get(TOLERATIONS):
        out += _tolerations(annotations[TOLERATIONS], path, version)
    if DELETION_COST in annotations and not _is_int32(annotations[DELETION_COST]):
        value = annotations[DELETION_COST]
        out.append(fp.invalid(RULE, fp.key(path, DELETION_COST), value, "must be a 32bit integer"))
    for key, value in annotations.items():
        if key == SECCOMP_POD or key.startswith(SECCOMP_CONTAINER_PREFIX):
            out += _seccomp_profile(value, child(path, key))
    containers = _container_names(spec)
    for key, value in annotations.items():
        if not key.startswith(APPARMOR_PREFIX):
            continue
        name = key[len(APPARMOR_PREFIX) :]
        if name not in containers:
            out.append(fp.invalid(RULE, fp.key(path, key), name, "container not found"))
        if value not in _APPARMOR_NAMED and not value.startswith("localhost/"):
            detail = f'invalid AppArmor profile name: "{value}"'
            out.append(fp.invalid(RULE, fp.key(path, key), value, detail))
    return out


def _is_int32(text: str) -> bool:
    """GetDeletionCostFromPodAnnotations: no sign but '-', no leading zero, within int32."""
    if not text or not (text[0] == "-" or text == "0" or "1" <= text[0] <= "9"):
        return False
    digits = text[1:] if text[0] == "-" else text
    if not digits.isascii() or not digits.isdigit():
        return False
    return _INT32[0] <= int(text) <= _INT32[1]


def _seccomp_profile(value: str, path: str) -> list[Finding]:
    """ValidateSeccompProfile: a named profile, or localhost/<relative path without '..'>."""
    if value in _SECCOMP_NAMED:
        return []
    if not value.startswith("localhost/"):
        return [fp.invalid(RULE, path, value, "must be a valid seccomp profile")]
    local = value[len("localhost/") :]
    if posixpath.isabs(local):
        return [fp.invalid(RULE, path, local, "must be a relative path")]
    if ".." in local.split("/"):
        return [fp.invalid(RULE, path, local, "must not contain '..'")]
    return []


def _tolerations(text: str, path: str, version: tuple[int, int]) -> list[Finding]:
    """ValidateTolerationsInPodAnnotations: a JSON list of tolerations, each valid."""
    try:
        tolerations = json.loads(text)
    except ValueError as error:
        return [fp.invalid(RULE, path, TOLERATIONS, f"not a JSON list of tolerations: {error}")]
    if not isinstance(tolerations, list) or not all(isinstance(t, dict) for t in tolerations):
        return [fp.invalid(RULE, path, TOLERATIONS, "not a JSON list of tolerations")]
    return validate_tolerations(tolerations, child(path, TOLERATIONS), version)


def _container_names(spec: dict[str, Any]) -> set[str]:
    """podSpecHasContainer visits init, regular and ephemeral containers."""
    return {
        as_str(as_dict(c).get("name"))
        for group in ("initContainers", "containers", "ephemeralContainers")
        for c in as_list(spec.get(group))
    }
