"""kube-apiserver's resources and securityContext validation (per container)."""

from __future__ import annotations

import dataclasses
import json
from decimal import ROUND_CEILING, Decimal
from typing import Any

from designer.pod.findings import Finding
from designer.pod.quantity import as_written, canonical, is_integer, quantity_or_none
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import names
from designer.pod.rules.apiserver_common import (
    ID_RANGE_MSG,
    NONNEG_MSG,
    local_descending_path,
)
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index


def _is_native(resource: str) -> bool:
    return "/" not in resource or "kubernetes.io/" in resource


def _overcommit_allowed(resource: str) -> bool:
    return _is_native(resource) and not resource.startswith("hugepages-")


def resource_name_errors(resource: str) -> list[str]:
    """validateContainerResourceName."""
    if "/" not in resource:
        if resource in ("cpu", "memory", "ephemeral-storage") or resource.startswith("hugepages-"):
            return []
        return ["must be a standard resource for containers"]
    if not _is_native(resource):
        prefix, _, rest = resource.partition("/")
        if (
            not rest
            or names.is_dns1123_subdomain(prefix) != []
            or not names.QUALIFIED_NAME_RE.match(rest)
            or resource.startswith("requests.")
        ):
            return ["doesn't follow extended resource name standard"]
    return []


def hugepage_divisible(resource: str, value: Decimal) -> bool:
    """IsHugePageResourceValueDivisible: a whole number of pages of the size the name gives."""
    size = quantity_or_none(resource.removeprefix("hugepages-"))
    if size is None or size <= 0 or not is_integer(size):
        return False
    pages = value.to_integral_value(rounding=ROUND_CEILING)  # Quantity.Value() rounds up
    return pages % size == 0


def _binary(quantity: Any) -> bool:
    """Written with a binary suffix (1Gi): Quantity.String() keeps the BinarySI format."""
    return isinstance(quantity, str) and quantity.strip().endswith("i")


def validate_resources(resources: Any, path: str, name: str | None) -> list[Finding]:
    """ValidateResourceRequirements: names, quantities, request <= limit, non-overcommitable, hugepages."""
    res = as_dict(resources)
    out: list[Finding] = []
    limits = as_dict(res.get("limits"))
    requests = as_dict(res.get("requests"))
    lim_path, req_path = child(path, "limits"), child(path, "requests")
    cpu_or_memory = False
    hugepages = False
    parsed_limits: dict[str, Any] = {}
    for group, values, group_path in (("limits", limits, lim_path), ("requests", requests, req_path)):
        for key, quantity in values.items():
            resource = str(key)
            rp = fp.key(group_path, resource)
            for msg in resource_name_errors(resource):
                out.append(fp.invalid("K8S-RES-NAME", rp, resource, msg, container=name))
            value = quantity_or_none(quantity)
            if value is None:
                if isinstance(quantity, str):
                    out.append(
                        fp.invalid(
                            "K8S-RES-QUANTITY",
                            rp,
                            quantity,
                            "quantities must match the regular expression "
                            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                            container=name,
                        )
                    )
                continue
            if value < 0:
                out.append(
                    fp.invalid("K8S-RES-QUANTITY", rp, as_written(quantity), NONNEG_MSG, container=name)
                )
            elif not _is_native(resource) and not is_integer(value):
                out.append(
                    fp.invalid(
                        "K8S-RES-QUANTITY",
                        rp,
                        as_written(quantity),
                        "must be an integer",
                        container=name,
                    )
                )
            if resource in ("cpu", "memory"):
                cpu_or_memory = True
            if resource.startswith("hugepages-"):
                hugepages = True
                if not hugepage_divisible(resource, value):
                    text = canonical(value, binary=_binary(quantity))
                    out.append(
                        fp.invalid(
                            "K8S-RES-HUGEPAGES",
                            rp,
                            text,
                            f"{text} is not positive integer multiple of {resource}",
                            container=name,
                        )
                    )
            if group == "limits":
                parsed_limits[resource] = value
                continue
            limit = parsed_limits.get(resource)
            if resource in limits and limit is not None:
                limit_text = as_written(limits[key])
                if value != limit and not _overcommit_allowed(resource):
                    out.append(
                        fp.invalid(
                            "K8S-RES-NONOVERCOMMIT",
                            req_path,
                            as_written(quantity),
                            f"must be equal to {resource} limit of {limit_text}",
                            container=name,
                        )
                    )
                elif value > limit:
                    out.append(
                        fp.invalid(
                            "K8S-RES-REQ-LE-LIMIT",
                            req_path,
                            as_written(quantity),
                            f"must be less than or equal to {resource} limit of {limit_text}",
                            container=name,
                        )
                    )
            elif resource not in limits and not _overcommit_allowed(resource):
                out.append(
                    fp.required(
                        "K8S-RES-NONOVERCOMMIT",
                        lim_path,
                        "Limit must be set for non overcommitable resources",
                        container=name,
                    )
                )
    if hugepages and not cpu_or_memory:
        out.append(fp.forbidden("K8S-RES-HUGEPAGES", path, "HugePages require cpu or memory", container=name))
    return out


def validate_resource_claims(
    resources: Any, path: str, name: str | None, claim_names: set[str]
) -> list[Finding]:
    """validateResourceClaimNames: each container claim (name[/request]) once, naming a pod claim."""
    rule = "K8S-RES-CLAIMS"
    out = []
    seen: set[str] = set()
    for i, claim in enumerate(as_list(as_dict(resources).get("claims"))):
        at = index(child(path, "claims"), i)
        claim = as_dict(claim)
        claim_name = claim.get("name")
        if claim_name in (None, ""):
            out.append(fp.required(rule, at, container=name))
            continue
        if not isinstance(claim_name, str):
            continue
        key = claim_name
        request = claim.get("request")
        if isinstance(request, str) and request:
            out += [
                fp.invalid(rule, child(at, "request"), request, msg, container=name)
                for msg in names.is_dns1123_label(request)
            ]
            key += "/" + request
        if key in seen:
            out.append(fp.duplicate(rule, at, key, container=name))
        seen.add(key)
        if claim_name not in claim_names:
            known = sorted(c for c in claim_names if c)
            detail = "must be one of the names in pod.spec.resourceClaims" + (
                ": " + ", ".join(known) if known else " which is empty"
            )
            missing = fp.not_found(rule, at, claim_name, container=name)
            out.append(dataclasses.replace(missing, message=f"{missing.message}: {detail}"))
    return out


def _go_pod_resource_claim(claim: dict[str, Any]) -> str:
    """The claim as Go's %#v prints a core.PodResourceClaim (a set pointer shown by its value)."""

    def pointer(key: str) -> str:
        value = claim.get(key)
        return "(*string)(nil)" if value is None else f"(*string)({json.dumps(str(value))})"

    return (
        f"core.PodResourceClaim{{Name:{json.dumps(as_str(claim.get('name')))}, "
        f"ResourceClaimName:{pointer('resourceClaimName')}, "
        f"ResourceClaimTemplateName:{pointer('resourceClaimTemplateName')}}}"
    )


def validate_pod_resource_claims(claims: Any, path: str) -> list[Finding]:
    """validatePodResourceClaims: unique DNS-label names, exactly one source, valid source names."""
    rule = "K8S-RES-CLAIMS"
    out: list[Finding] = []
    seen: set[str] = set()
    for i, claim in enumerate(as_list(claims)):
        if not isinstance(claim, dict):
            continue
        at = index(path, i)
        claim_name = claim.get("name")
        if claim_name in (None, ""):
            out.append(fp.required(rule, child(at, "name")))
        elif isinstance(claim_name, str):
            if claim_name in seen:
                out.append(fp.duplicate(rule, child(at, "name"), claim_name))
            else:
                out += [
                    fp.invalid(rule, child(at, "name"), claim_name, msg)
                    for msg in names.is_dns1123_label(claim_name)
                ]
                seen.add(claim_name)
        by_name, by_template = claim.get("resourceClaimName"), claim.get("resourceClaimTemplateName")
        shown = f"Invalid value: {_go_pod_resource_claim(claim)}"
        if by_name is not None and by_template is not None:
            out.append(
                Finding(
                    rule=rule,
                    severity="error",
                    path=at,
                    message=f"{shown}: at most one of `resourceClaimName` or `resourceClaimTemplateName` "
                    "may be specified",
                )
            )
        if by_name is None and by_template is None:
            out.append(
                Finding(
                    rule=rule,
                    severity="error",
                    path=at,
                    message=f"{shown}: must specify one of: `resourceClaimName`, `resourceClaimTemplateName`",
                )
            )
        for key, value in (("resourceClaimName", by_name), ("resourceClaimTemplateName", by_template)):
            if isinstance(value, str):
                out += [
                    fp.invalid(rule, child(at, key), value, msg) for msg in names.is_dns1123_subdomain(value)
                ]
    return out


def validate_resize_policy(
    policies: Any, path: str, name: str | None, pod_restart_policy: str
) -> list[Finding]:
    """validateResizePolicy: cpu/memory once each; NotRequired/RestartContainer."""
    out: list[Finding] = []
    seen: set[str] = set()
    for i, policy in enumerate(as_list(policies)):
        if not isinstance(policy, dict):
            continue
        resource = policy.get("resourceName")
        restart = policy.get("restartPolicy")
        if isinstance(resource, str) and resource in seen:
            out.append(fp.duplicate("K8S-CTR-RESIZE-POLICY", index(path, i), resource, container=name))
        if isinstance(resource, str):
            seen.add(resource)
        if resource in (None, ""):
            out.append(fp.required("K8S-CTR-RESIZE-POLICY", path, container=name))
        elif isinstance(resource, str) and resource not in ("cpu", "memory"):
            out.append(
                fp.not_supported("K8S-CTR-RESIZE-POLICY", path, resource, ["cpu", "memory"], container=name)
            )
        if restart in (None, ""):
            out.append(fp.required("K8S-CTR-RESIZE-POLICY", path, container=name))
        elif isinstance(restart, str) and restart not in ("NotRequired", "RestartContainer"):
            out.append(
                fp.not_supported(
                    "K8S-CTR-RESIZE-POLICY",
                    path,
                    restart,
                    ["NotRequired", "RestartContainer"],
                    container=name,
                )
            )
        if pod_restart_policy == "Never" and isinstance(restart, str) and restart != "NotRequired":
            out.append(
                fp.invalid(
                    "K8S-CTR-RESIZE-POLICY",
                    path,
                    restart,
                    "must be 'NotRequired' when `restartPolicy` is 'Never'",
                    container=name,
                )
            )
    return out


# --- security context -------------------------------------------------------------------------


def validate_profile(profile: Any, path: str, what: str, name: str | None) -> list[Finding]:
    """validateSeccompProfileField / ValidateAppArmorProfileField."""
    if not isinstance(profile, dict):
        return []
    rule = "K8S-SC-PROFILES"
    kind = profile.get("type")
    local = profile.get("localhostProfile")
    out = []
    if kind in (None, ""):
        out.append(fp.required(rule, child(path, "type"), container=name))
    elif isinstance(kind, str) and kind not in ("Localhost", "RuntimeDefault", "Unconfined"):
        out.append(
            fp.not_supported(
                rule, child(path, "type"), kind, ["Localhost", "RuntimeDefault", "Unconfined"], container=name
            )
        )
    if kind == "Localhost":
        if local in (None, ""):
            out.append(
                fp.required(
                    rule,
                    child(path, "localhostProfile"),
                    f"must be set when {what} type is Localhost",
                    container=name,
                )
            )
        elif isinstance(local, str) and what == "seccomp":
            out += local_descending_path(rule, local, child(path, "localhostProfile"), name)
    elif local is not None:
        out.append(
            fp.invalid(
                rule,
                child(path, "localhostProfile"),
                profile,
                f"can only be set when {what} type is Localhost",
                container=name,
            )
        )
    return out


def validate_security_context(sc: Any, path: str, name: str | None, host_users: bool) -> list[Finding]:
    """ValidateSecurityContext (container level)."""
    if not isinstance(sc, dict):
        return []
    out: list[Finding] = []
    for key in ("runAsUser", "runAsGroup"):
        value = as_int(sc.get(key))
        if value is not None and not 0 <= value <= fp.INT32_MAX:
            out.append(fp.invalid("K8S-SC-IDS", child(path, key), value, ID_RANGE_MSG, container=name))
    proc = sc.get("procMount")
    if isinstance(proc, str):
        if proc not in ("Default", "Unmasked"):
            out.append(
                fp.not_supported(
                    "K8S-SC-PROCMOUNT",
                    child(path, "procMount"),
                    proc,
                    ["Default", "Unmasked"],
                    container=name,
                )
            )
        elif proc == "Unmasked" and host_users:
            out.append(
                fp.invalid(
                    "K8S-SC-PROCMOUNT",
                    child(path, "procMount"),
                    proc,
                    "`hostUsers` must be false to use `Unmasked`",
                    container=name,
                )
            )
    out += validate_profile(sc.get("seccompProfile"), child(path, "seccompProfile"), "seccomp", name)
    out += validate_profile(sc.get("appArmorProfile"), child(path, "appArmorProfile"), "AppArmor", name)
    if sc.get("allowPrivilegeEscalation") is False:
        if sc.get("privileged") is True:
            out.append(
                fp.invalid(
                    "K8S-SC-APE-PRIV",
                    path,
                    sc,
                    "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                    container=name,
                )
            )
        adds = as_list(as_dict(sc.get("capabilities")).get("add"))
        if "CAP_SYS_ADMIN" in adds:
            out.append(
                fp.invalid(
                    "K8S-SC-APE-PRIV",
                    path,
                    sc,
                    "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                    container=name,
                )
            )
    return out
