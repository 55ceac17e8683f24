"""kube-apiserver's env validation (ValidateEnv, ValidateEnvFrom, field and key selectors)."""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.quantity import quantity_or_none
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import names
from designer.pod.rules.apiserver_common import (
    CONVERTIBLE_FIELD_PATHS,
    ENV_FIELD_PATHS,
    RESOURCE_FIELD_PATHS,
    SUBSCRIPTED_PATH,
    config_key_errors,
    env_name_errors,
)
from designer.pod.rules.fieldpath import as_list, as_str, child, index


def validate_object_field_selector(
    ref: dict[str, Any], allowed: tuple[str, ...], path: str, rule: str, name: str | None
) -> list[Finding]:
    """validateObjectFieldSelector: apiVersion and a supported fieldPath (labels['k'] allowed)."""
    api_version = ref.get("apiVersion")
    field_path = ref.get("fieldPath")
    if isinstance(api_version, str) and not api_version:
        return [fp.required(rule, child(path, "apiVersion"), container=name)]
    if not field_path:
        return (
            [fp.required(rule, child(path, "fieldPath"), container=name)] if field_path in (None, "") else []
        )
    if not isinstance(field_path, str):
        return []
    if isinstance(api_version, str) and api_version != "v1":
        return [
            fp.invalid(
                rule,
                child(path, "fieldPath"),
                field_path,
                f"error converting fieldPath: unsupported pod version: {api_version}",
                container=name,
            )
        ]
    sub = SUBSCRIPTED_PATH.match(field_path)
    if sub:
        base = sub.group(1)
        if base in ("metadata.annotations", "metadata.labels"):
            # validateObjectFieldSelector: the subscript is a label or annotation key (annotations
            # compared lower-cased), reported at the fieldRef itself.
            subscript = sub.group(2).lower() if base == "metadata.annotations" else sub.group(2)
            return [
                fp.invalid(rule, path, subscript, msg, container=name)
                for msg in names.is_qualified_name(subscript)
            ]
        return [
            fp.invalid(
                rule,
                child(path, "fieldPath"),
                field_path,
                f"error converting fieldPath: field label does not support subscript: {field_path}",
                container=name,
            )
        ]
    if field_path not in CONVERTIBLE_FIELD_PATHS:
        return [
            fp.invalid(
                rule,
                child(path, "fieldPath"),
                field_path,
                f"error converting fieldPath: field label not supported: {field_path}",
                container=name,
            )
        ]
    if field_path == "spec.host":
        field_path = "spec.nodeName"
    if field_path not in allowed:
        return [fp.not_supported(rule, child(path, "fieldPath"), field_path, sorted(allowed), container=name)]
    return []


def validate_resource_field_selector(
    ref: dict[str, Any], path: str, rule: str, name: str | None, volume: bool
) -> list[Finding]:
    """validateContainerResourceFieldSelector and its divisor rules."""
    resource = ref.get("resource")
    if volume and not as_str(ref.get("containerName")):
        return [fp.required(rule, child(path, "containerName"), container=name)]
    if not resource:
        return [fp.required(rule, child(path, "resource"), container=name)] if resource in (None, "") else []
    if not isinstance(resource, str):
        return []
    hugepages = resource.startswith(("limits.hugepages-", "requests.hugepages-"))
    if resource not in RESOURCE_FIELD_PATHS and not hugepages:
        return [
            fp.not_supported(
                rule, child(path, "resource"), resource, list(RESOURCE_FIELD_PATHS), container=name
            )
        ]
    divisor = ref.get("divisor")
    if divisor in (None, "", 0, "0"):
        return []
    quantity = quantity_or_none(divisor)
    if resource.endswith(".cpu"):
        if quantity not in (quantity_or_none("1m"), 1):
            return [
                fp.invalid(
                    rule,
                    child(path, "divisor"),
                    resource,
                    "only divisor's values 1m and 1 are supported with the cpu resource",
                    container=name,
                )
            ]
    elif resource.endswith((".memory", ".ephemeral-storage")):
        allowed = [
            quantity_or_none(q)
            for q in ("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei")
        ]
        if quantity not in allowed:
            what = "memory" if resource.endswith(".memory") else "local ephemeral storage"
            return [
                fp.invalid(
                    rule,
                    child(path, "divisor"),
                    resource,
                    "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei "
                    f"are supported with the {what} resource",
                    container=name,
                )
            ]
    return []


def _validate_key_selector(ref: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    """validateConfigMapKeySelector / validateSecretKeySelector."""
    out = []
    ref_name = ref.get("name")
    if isinstance(ref_name, str) or ref_name is None:
        for msg in names.is_dns1123_subdomain(as_str(ref_name)):
            out.append(
                fp.invalid("K8S-ENV-KEYREF", child(path, "name"), as_str(ref_name), msg, container=name)
            )
    key = ref.get("key")
    if not key:
        if key in (None, ""):
            out.append(fp.required("K8S-ENV-KEYREF", child(path, "key"), container=name))
    elif isinstance(key, str):
        for msg in config_key_errors(key):
            out.append(fp.invalid("K8S-ENV-KEYREF", child(path, "key"), key, msg, container=name))
    return out


def validate_env_value_from(env: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    """validateEnvVarValueFrom: exactly one source, and no literal value beside it."""
    value_from = env.get("valueFrom")
    if not isinstance(value_from, dict):
        return []
    out: list[Finding] = []
    sources = 0
    for source in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"):
        ref = value_from.get(source)
        if not isinstance(ref, dict):
            continue
        sources += 1
        ref_path = child(path, source)
        if source == "fieldRef":
            out += validate_object_field_selector(ref, ENV_FIELD_PATHS, ref_path, "K8S-ENV-FIELDREF", name)
        elif source == "resourceFieldRef":
            out += validate_resource_field_selector(
                ref, ref_path, "K8S-ENV-RESOURCEFIELDREF", name, volume=False
            )
        elif source in ("configMapKeyRef", "secretKeyRef"):
            out += _validate_key_selector(ref, ref_path, name)
    if sources == 0:
        out.append(
            fp.invalid(
                "K8S-ENV-VALUEFROM-ONE",
                path,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
                container=name,
            )
        )
    elif as_str(env.get("value")):
        out.append(
            fp.invalid(
                "K8S-ENV-VALUEFROM-ONE",
                path,
                "",
                "may not be specified when `value` is not empty",
                container=name,
            )
        )
    elif sources > 1:
        out.append(
            fp.invalid(
                "K8S-ENV-VALUEFROM-ONE",
                path,
                "",
                "may not have more than one field specified at a time",
                container=name,
            )
        )
    return out


def validate_env(envs: Any, path: str, name: str | None, version: tuple[int, int]) -> list[Finding]:
    """ValidateEnv: names required and valid, valueFrom well formed."""
    out: list[Finding] = []
    for i, env in enumerate(as_list(envs)):
        if not isinstance(env, dict):
            continue
        ip = index(path, i)
        env_name = env.get("name")
        if env_name in (None, ""):
            out.append(fp.required("K8S-ENV-NAME", child(ip, "name"), container=name))
        elif isinstance(env_name, str):
            for msg in env_name_errors(env_name, version):
                out.append(fp.invalid("K8S-ENV-NAME", child(ip, "name"), env_name, msg, container=name))
        out += validate_env_value_from(env, child(ip, "valueFrom"), name)
    return out


def validate_env_from(sources: Any, path: str, name: str | None, version: tuple[int, int]) -> list[Finding]:
    """ValidateEnvFrom: one of configMapRef/secretRef with a valid name; a valid prefix."""
    out: list[Finding] = []
    for i, source in enumerate(as_list(sources)):
        if not isinstance(source, dict):
            continue
        ip = index(path, i)
        prefix = source.get("prefix")
        if isinstance(prefix, str) and prefix:
            for msg in env_name_errors(prefix, version):
                out.append(fp.invalid("K8S-ENVFROM", child(ip, "prefix"), prefix, msg, container=name))
        count = 0
        for ref_key in ("configMapRef", "secretRef"):
            ref = source.get(ref_key)
            if not isinstance(ref, dict):
                continue
            count += 1
            ref_name = ref.get("name")
            if ref_name in (None, ""):
                out.append(fp.required("K8S-ENVFROM", child(child(ip, ref_key), "name"), container=name))
            elif isinstance(ref_name, str):
                for msg in names.is_dns1123_subdomain(ref_name):
                    out.append(
                        fp.invalid(
                            "K8S-ENVFROM", child(child(ip, ref_key), "name"), ref_name, msg, container=name
                        )
                    )
        if count == 0:
            out.append(
                fp.invalid(
                    "K8S-ENVFROM",
                    path,
                    "",
                    "must specify one of: `configMapRef` or `secretRef`",
                    container=name,
                )
            )
        elif count > 1:
            out.append(
                fp.invalid(
                    "K8S-ENVFROM",
                    path,
                    "",
                    "may not have more than one field specified at a time",
                    container=name,
                )
            )
    return out
