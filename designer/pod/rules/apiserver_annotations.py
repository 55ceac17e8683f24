"""Annotations kube-apiserver reads as pod settings (ValidatePodSpecificAnnotations, validation.go).

A handful of annotation keys are not free text: the apiserver validates their values against
the pod spec, on a Pod (`metadata.annotations`) and on a workload's pod template
(`spec.template.annotations`):

- `kubernetes.io/config.mirror` only on a pod bound to a node (spec.nodeName);
- `scheduler.alpha.kubernetes.io/tolerations` is a JSON list of valid tolerations;
- `controller.kubernetes.io/pod-deletion-cost` is a 32-bit integer written canonically;
- `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/*`
  name a seccomp profile (reported at `annotations.<key>`, a Child path, as the server prints it);
- `container.apparmor.security.beta.kubernetes.io/<container>` names an existing container and an
  AppArmor profile, and (validateAppArmorAnnotationsAndFieldsMatchOnCreate, AppArmorFields on)
  agrees with the container's effective appArmorProfile field.

For a Pod, kube-apiserver first syncs the deprecated AppArmor annotation into a container that
has no field of its own (registry/core/pod applyAppArmorVersionSkew), so only a container whose
own field contradicts the annotation is refused; a template is not synced, so there the
container inherits the pod-level field and an annotation that overrides it is refused
(kubernetes/kubernetes#128306).
"""

from __future__ import annotations

import json
import re
from typing import Any

from designer.pod.findings import Finding
from designer.pod.model import ALL_GROUPS, PodView
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates
from designer.pod.rules.apiserver_common import local_descending_path
from designer.pod.rules.apiserver_scheduling import validate_tolerations
from designer.pod.rules.fieldpath import as_dict, as_str, child

RULE = "K8S-POD-ANNOTATIONS"  # the values it parses; the keys are K8S-META-ANNOTATIONS
MIRROR = "kubernetes.io/config.mirror"
TOLERATIONS = "scheduler.alpha.kubernetes.io/tolerations"
DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"
APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
APPARMOR_RUNTIME_DEFAULT = "runtime/default"
APPARMOR_UNCONFINED = "unconfined"
APPARMOR_LOCALHOST = "localhost/"
INT32 = (-(2**31), 2**31 - 1)
# GetDeletionCostFromPodAnnotations: no "+", no leading zero (except "0" itself), then ParseInt.
_DELETION_COST = re.compile(r"(-[0-9]+|0|[1-9][0-9]*)")


def _deletion_cost_ok(value: str) -> bool:
    if not _DELETION_COST.fullmatch(value):
        return False
    return INT32[0] <= int(value) <= INT32[1]


def _seccomp_profile(value: str, path: str) -> list[Finding]:
    """ValidateSeccompProfile on an annotation value."""
    if value in ("runtime/default", "docker/default", "unconfined"):
        return []
    if value.startswith("localhost/"):
        return local_descending_path(RULE, value[len("localhost/") :], path, None)
    return [fp.invalid(RULE, path, value, "must be a valid seccomp profile")]


def _tolerations(value: str, path: str, version: tuple[int, int]) -> list[Finding]:
    """ValidateTolerationsInPodAnnotations: the JSON list, then each toleration."""
    try:
        parsed = json.loads(value)
    except ValueError as err:  # Go's json error text differs; the path and the value are the server's
        return [fp.invalid(RULE, path, TOLERATIONS, f"invalid JSON: {err}")]
    if not isinstance(parsed, list):
        return [
            fp.invalid(
                RULE, path, TOLERATIONS, "json: cannot unmarshal into Go value of type []core.Toleration"
            )
        ]
    # each toleration as spec.tolerations is checked (K8S-POD-TOLERATIONS), at annotations.<key>[i]
    return validate_tolerations(parsed, child(path, TOLERATIONS), version)


def validate_pod_specific_annotations(
    annotations: Any, spec: dict[str, Any], path: str, version: tuple[int, int]
) -> list[Finding]:
    """ValidatePodSpecificAnnotations: path is the annotations' path (metadata.annotations or
    spec.template.annotations)."""
    annotations = as_dict(annotations)
    out: list[Finding] = []
    if MIRROR in annotations and not as_str(spec.get("nodeName")):
        out.append(
            fp.invalid(
                RULE,
                fp.key(path, MIRROR),
                as_str(annotations[MIRROR]),
                "must set spec.nodeName if mirror pod annotation is set",
            )
        )
    if isinstance(annotations.get(TOLERATIONS), str) and annotations[TOLERATIONS]:
        out += _tolerations(annotations[TOLERATIONS], path, version)
    cost = annotations.get(DELETION_COST)
    if isinstance(cost, str) and not _deletion_cost_ok(cost):
        out.append(fp.invalid(RULE, fp.key(path, DELETION_COST), cost, "must be a 32bit integer"))
    if isinstance(annotations.get(SECCOMP_POD), str):
        out += _seccomp_profile(annotations[SECCOMP_POD], child(path, SECCOMP_POD))
    names = {as_str(ctr.get("name")) for ctr in PodView(spec).containers(*ALL_GROUPS)}
    for key, value in annotations.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue
        if key.startswith(SECCOMP_CONTAINER_PREFIX):
            out += _seccomp_profile(value, child(path, key))
        if key.startswith(APPARMOR_PREFIX):
            container = key[len(APPARMOR_PREFIX) :]
            if container not in names:
                out.append(fp.invalid(RULE, fp.key(path, key), container, "container not found"))
            if value not in ("", APPARMOR_RUNTIME_DEFAULT, APPARMOR_UNCONFINED) and not value.startswith(
                APPARMOR_LOCALHOST
            ):
                out.append(
                    fp.invalid(
                        RULE,
                        fp.key(path, key),
                        value,
                        f"invalid AppArmor profile name: {fp.format_value(value)}",
                    )
                )
    return out


def annotation_as_field(annotation: str) -> dict[str, Any] | None:
    """apparmorFieldForAnnotation: the field an annotation value stands for (None: none)."""
    if annotation == APPARMOR_UNCONFINED:
        return {"type": "Unconfined"}
    if annotation == APPARMOR_RUNTIME_DEFAULT:
        return {"type": "RuntimeDefault"}
    if annotation.startswith(APPARMOR_LOCALHOST) and annotation != APPARMOR_LOCALHOST:
        return {"type": "Localhost", "localhostProfile": annotation[len(APPARMOR_LOCALHOST) :]}
    return None


def _same_profile(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is b
    return as_str(a.get("type")) == as_str(b.get("type")) and a.get("localhostProfile") == b.get(
        "localhostProfile"
    )


def validate_apparmor_annotations_match_fields(
    annotations: Any, spec: dict[str, Any], spec_path: str, version: tuple[int, int], is_pod: bool
) -> list[Finding]:
    """validateAppArmorAnnotationsAndFieldsMatchOnCreate (AppArmorFields on, not for Windows pods)."""
    if not gates.enabled("AppArmorFields", version):
        return []
    if as_str(as_dict(spec.get("os")).get("name")) == "windows":
        return []
    annotations = as_dict(annotations)
    pod_profile = as_dict(spec.get("securityContext")).get("appArmorProfile")
    pod_profile = pod_profile if isinstance(pod_profile, dict) else None
    rule = "K8S-SC-PROFILES"
    out: list[Finding] = []
    for slot in PodView(spec).slots(*ALL_GROUPS):
        ctr = slot.container
        name = as_str(ctr.get("name"))
        annotation = annotations.get(APPARMOR_PREFIX + name)
        if not isinstance(annotation, str):
            continue
        own = as_dict(ctr.get("securityContext")).get("appArmorProfile")
        own = own if isinstance(own, dict) else None
        if own is None and is_pod:
            # applyAppArmorVersionSkew copies a valid annotation that differs from the pod-level
            # profile into the container's field before validation: then they agree.
            synced = annotation_as_field(annotation)
            if synced is not None and not _same_profile(synced, pod_profile):
                continue
        profile = own if own is not None else pod_profile
        if profile is None:
            continue
        at = child(child(slot.path(spec_path), "securityContext"), "appArmorProfile")
        kind = profile.get("type")
        if (
            kind == "Unconfined"
            and annotation != APPARMOR_UNCONFINED
            or kind == "RuntimeDefault"
            and annotation != APPARMOR_RUNTIME_DEFAULT
            or kind == "Localhost"
            and not annotation.startswith(APPARMOR_LOCALHOST)
        ):
            mismatch = "type"
        elif kind == "Localhost" and annotation[len(APPARMOR_LOCALHOST) :] != profile.get("localhostProfile"):
            mismatch = "localhostProfile"
        else:
            continue
        what = "type" if mismatch == "type" else "profile"
        out.append(
            fp.forbidden(
                rule,
                child(at, mismatch),
                f"apparmor {what} in annotation and field must match",
                hint=f"Drop the deprecated annotation {APPARMOR_PREFIX}{name}; the appArmorProfile field replaces it.",
                container=name or None,
            )
        )
    return out
