"""kube-apiserver's container validation (validation.go: validateContainerCommon and friends).

Every function takes (value, path, ...) and returns findings; a value of the wrong type is
skipped (the schema layer reports it), nothing here raises on strange input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, as_str, child, index


@dataclass
class PodInfo:
    """What container validation needs to know about the pod around it."""

    version: tuple[int, int]
    volumes: dict[str, dict[str, Any]] = field(default_factory=dict)  # registered (error-free) volumes
    broken_volumes: set[str] = field(default_factory=set)  # names of volumes that had errors
    cascade: dict[str, list[Finding]] = field(default_factory=dict)  # mount Not found per broken volume
    restart_policy: str = "Always"
    grace_period: int | None = 30
    host_users: bool = True
    claim_names: set[str] = field(default_factory=set)
    is_pod: bool = True


_PORT_NAME_CHARS = re.compile(r"^[-a-z0-9]+$")
_HAS_LETTER = re.compile(r"[a-z]")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
ENV_NAME_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
    "and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
    "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
)
RELAXED_ENV_NAME_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters other than '='"
)
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
    "or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
_HTTP_HEADER = re.compile(r"^[-A-Za-z0-9]+$")
PORT_RANGE_MSG = "must be between 1 and 65535, inclusive"
ID_RANGE_MSG = "must be between 0 and 2147483647, inclusive"
NONNEG_MSG = "must be greater than or equal to 0"
ENV_FIELD_PATHS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
_CONVERTIBLE_FIELD_PATHS = {
    "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
    "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs", "spec.host",
}  # fmt: skip
RESOURCE_FIELD_PATHS = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)
_SUBSCRIPTED = re.compile(r"^([^\[]+)\['(.*)'\]$")
_EPHEMERAL_FORBIDDEN = (
    "ports",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
)
_HOST_PORT_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")


def port_name_errors(name: str) -> list[str]:
    """IsValidPortName: an IANA_SVC_NAME (RFC 6335)."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not _PORT_NAME_CHARS.match(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _HAS_LETTER.search(name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def env_name_errors(name: str, version: tuple[int, int]) -> list[str]:
    """Legacy C-identifier-ish names before v1.32; any printable ASCII but '=' after (KEP-4369)."""
    if version >= (1, 32):
        if any(not (32 <= ord(ch) <= 126) or ch == "=" for ch in name):
            return [RELAXED_ENV_NAME_MSG]
        return []
    return [] if _ENV_NAME.match(name) else [ENV_NAME_MSG]


def config_key_errors(key: str) -> list[str]:
    errs = []
    if len(key) > 253:
        errs.append("must be no more than 253 characters")
    if not _CONFIG_KEY.match(key):
        errs.append(CONFIG_KEY_MSG)
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def local_descending_path(rule: str, value: str, path: str, container: str | None) -> list[Finding]:
    """validateLocalDescendingPath: relative, no '..' element."""
    out = []
    if value.startswith("/"):
        out.append(fp.invalid(rule, path, value, "must be a relative path", container=container))
    if ".." in value.replace("\\", "/").split("/"):
        out.append(fp.invalid(rule, path, value, "must not contain '..'", container=container))
    return out


# --- identity ---------------------------------------------------------------------------------


def validate_container_name(ctr: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    """Container name is required and a DNS-1123 label."""
    value = as_str(ctr.get("name"))
    if not value:
        return [fp.required("K8S-CTR-NAME-REQUIRED", child(path, "name"), container=name)]
    return [
        fp.invalid(
            "K8S-CTR-NAME-DNS1123",
            child(path, "name"),
            value,
            msg,
            container=name,
            hint="Use lower-case letters, digits and '-', e.g. 'log-shipper'.",
        )
        for msg in fp.is_dns1123_label(value)
    ]


def validate_image(ctr: dict[str, Any], path: str, name: str | None, info: PodInfo) -> list[Finding]:
    """image is required; on a Pod it must not have leading or trailing whitespace."""
    image = ctr.get("image")
    if not isinstance(image, str) or not image:
        if image is None or image == "":
            return [fp.required("K8S-CTR-IMAGE-REQUIRED", child(path, "image"), container=name)]
        return []
    if info.is_pod and image != image.strip():
        return [
            fp.invalid(
                "K8S-CTR-IMAGE-WHITESPACE",
                child(path, "image"),
                image,
                "must not have leading or trailing whitespace",
                container=name,
            )
        ]
    return []


def validate_pull_policy(ctr: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    value = ctr.get("imagePullPolicy")
    if isinstance(value, str) and value not in ("Always", "IfNotPresent", "Never"):
        return [
            fp.not_supported(
                "K8S-CTR-PULL-POLICY",
                child(path, "imagePullPolicy"),
                value,
                ["Always", "IfNotPresent", "Never"],
                container=name,
            )
        ]
    return []


def validate_termination_message_policy(ctr: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    value = ctr.get("terminationMessagePolicy")
    if isinstance(value, str) and value not in ("File", "FallbackToLogsOnError"):
        return [
            fp.not_supported(
                "K8S-CTR-TERMMSG",
                child(path, "terminationMessagePolicy"),
                value,
                ["File", "FallbackToLogsOnError"],
                container=name,
            )
        ]
    return []


# --- ports ------------------------------------------------------------------------------------


def validate_ports(ports: Any, path: str, name: str | None) -> list[Finding]:
    """validateContainerPorts: names, numbers, protocol; names unique within the container."""
    out: list[Finding] = []
    names: set[str] = set()
    for i, port in enumerate(as_list(ports)):
        if not isinstance(port, dict):
            continue
        ip = index(path, i)
        port_name = port.get("name")
        if isinstance(port_name, str) and port_name:
            errs = port_name_errors(port_name)
            for msg in errs:
                out.append(
                    fp.invalid("K8S-PORT-NAME-FORMAT", child(ip, "name"), port_name, msg, container=name)
                )
            if not errs and port_name in names:
                out.append(fp.duplicate("K8S-PORT-NAME-UNIQUE", child(ip, "name"), port_name, container=name))
            names.add(port_name)
        number = port.get("containerPort")
        if number is None or number == 0:
            out.append(fp.required("K8S-PORT-NUMBER", child(ip, "containerPort"), container=name))
        elif as_int(number) is not None and not 1 <= number <= 65535:
            out.append(
                fp.invalid(
                    "K8S-PORT-NUMBER", child(ip, "containerPort"), number, PORT_RANGE_MSG, container=name
                )
            )
        host = as_int(port.get("hostPort"))
        if host and not 1 <= host <= 65535:
            out.append(
                fp.invalid(
                    "K8S-PORT-HOSTPORT-RANGE", child(ip, "hostPort"), host, PORT_RANGE_MSG, container=name
                )
            )
        protocol = port.get("protocol")
        if isinstance(protocol, str) and protocol not in ("TCP", "UDP", "SCTP"):
            out.append(
                fp.not_supported(
                    "K8S-PORT-PROTOCOL",
                    child(ip, "protocol"),
                    protocol,
                    ["SCTP", "TCP", "UDP"],
                    container=name,
                    hint="Protocols are case-sensitive: TCP, UDP or SCTP.",
                )
            )
    return out


def host_port_conflicts(
    containers: list[tuple[dict[str, Any], str]], group_path: str, seen: set[str], rule: str
) -> list[Finding]:
    """AccumulateUniqueHostPorts: protocol/hostIP/hostPort unique over the given containers."""
    out = []
    for ctr, ctr_path in containers:
        for j, port in enumerate(as_list(ctr.get("ports"))):
            if not isinstance(port, dict):
                continue
            host = as_int(port.get("hostPort"))
            if not host:
                continue
            key = f"{as_str(port.get('protocol'))}/{as_str(port.get('hostIP'))}/{host}"
            if key in seen:
                out.append(
                    fp.duplicate(
                        rule,
                        child(index(child(ctr_path, "ports"), j), "hostPort"),
                        key,
                        container=as_str(ctr.get("name")) or None,
                    )
                )
            seen.add(key)
    return out


# --- env --------------------------------------------------------------------------------------


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
    sub = _SUBSCRIPTED.match(field_path)
    if sub:
        base = sub.group(1)
        if base in ("metadata.annotations", "metadata.labels"):
            return []
        return [
            fp.invalid(
                rule,
                child(path, "fieldPath"),
                field_path,
                f"error converting fieldPath: field label does not support subscript: {field_path}",
                container=name,
            )
        ]
    if field_path not in _CONVERTIBLE_FIELD_PATHS:
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
    quantity = fp.parse_quantity(divisor)
    if resource.endswith(".cpu"):
        if quantity not in (fp.parse_quantity("1m"), 1):
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
            fp.parse_quantity(q)
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
        for msg in fp.is_dns1123_subdomain(as_str(ref_name)):
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
                for msg in fp.is_dns1123_subdomain(ref_name):
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


# --- probes and lifecycle ---------------------------------------------------------------------


def validate_port_num_or_name(value: Any, path: str, rule: str, name: str | None) -> list[Finding]:
    """ValidatePortNumOrName: 1..65535 or an IANA_SVC_NAME."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [] if 1 <= value <= 65535 else [fp.invalid(rule, path, value, PORT_RANGE_MSG, container=name)]
    if isinstance(value, str):
        if not value:
            return [fp.invalid(rule, path, 0, PORT_RANGE_MSG, container=name)]
        return [fp.invalid(rule, path, value, msg, container=name) for msg in port_name_errors(value)]
    if value is None:
        return [fp.invalid(rule, path, 0, PORT_RANGE_MSG, container=name)]
    return []


def validate_handler_fields(kind: str, action: dict[str, Any], path: str, name: str | None) -> list[Finding]:
    """validateExecAction, validateHTTPGetAction, tcpSocket and grpc ports."""
    rule = "K8S-PROBE-HANDLER-FIELDS"
    out: list[Finding] = []
    if kind == "exec":
        if not as_list(action.get("command")) and not isinstance(action.get("command"), str | int | dict):
            out.append(fp.required(rule, child(path, "command"), container=name))
    elif kind == "httpGet":
        if action.get("path") in (None, ""):
            out.append(fp.required(rule, child(path, "path"), container=name))
        out += validate_port_num_or_name(action.get("port"), child(path, "port"), rule, name)
        scheme = action.get("scheme")
        if isinstance(scheme, str) and scheme not in ("HTTP", "HTTPS"):
            out.append(
                fp.not_supported(rule, child(path, "scheme"), scheme, ["HTTP", "HTTPS"], container=name)
            )
        for j, header in enumerate(as_list(action.get("httpHeaders"))):
            header_name = as_dict(header).get("name")
            if isinstance(header_name, str) and not _HTTP_HEADER.match(header_name):
                out.append(
                    fp.invalid(
                        rule,
                        child(index(child(path, "httpHeaders"), j), "name"),
                        header_name,
                        "a valid HTTP header must consist of alphanumeric characters or '-' "
                        "(e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
                        container=name,
                    )
                )
    elif kind == "tcpSocket":
        out += validate_port_num_or_name(action.get("port"), child(path, "port"), rule, name)
    elif kind == "grpc":
        port = action.get("port")
        if as_int(port) is not None and not 1 <= port <= 65535 or port is None:
            out.append(
                fp.invalid(
                    rule, child(path, "port"), port if port is not None else 0, PORT_RANGE_MSG, container=name
                )
            )
    return out


def validate_handler(
    handler: dict[str, Any],
    path: str,
    kinds: tuple[str, ...],
    rule: str,
    name: str | None,
    grace: int | None,
    version: tuple[int, int],
) -> list[Finding]:
    """validateHandler / validateLifecycleHandler: exactly one handler type."""
    out: list[Finding] = []
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if not isinstance(action, dict):
            continue
        if count > 0:
            out.append(
                fp.forbidden(
                    rule, child(path, kind), "may not specify more than 1 handler type", container=name
                )
            )
            continue
        count += 1
        if kind == "sleep":
            out += validate_sleep(action, child(path, kind), name, grace, version)
        else:
            out += validate_handler_fields(kind, action, child(path, kind), name)
    if count == 0:
        out.append(fp.required(rule, path, "must specify a handler type", container=name))
    return out


def validate_sleep(
    action: dict[str, Any], path: str, name: str | None, grace: int | None, version: tuple[int, int]
) -> list[Finding]:
    """validateSleepAction: 0 < seconds <= terminationGracePeriodSeconds (0 allowed from v1.33)."""
    seconds = as_int(action.get("seconds"))
    if seconds is None and action.get("seconds") is not None:
        return []
    seconds = seconds or 0
    if grace is None:
        return []
    allow_zero = version >= (1, 33)
    low_ok = seconds >= 0 if allow_zero else seconds > 0
    if low_ok and seconds <= grace:
        return []
    detail = (
        f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"
        if allow_zero
        else f"must be greater than 0 and less than terminationGracePeriodSeconds ({grace})"
    )
    return [fp.invalid("K8S-LIFECYCLE-HANDLER", path, seconds, detail, container=name)]


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def validate_probe(
    probe: dict[str, Any], path: str, kind: str, name: str | None, info: PodInfo
) -> list[Finding]:
    """validateProbe plus the liveness/startup/readiness specific rules."""
    out = validate_handler(
        probe, path, _PROBE_HANDLERS, "K8S-PROBE-ONE-HANDLER", name, info.grace_period, info.version
    )
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        value = as_int(probe.get(key))
        if value is not None and value < 0:
            out.append(fp.invalid("K8S-PROBE-NONNEG", child(path, key), value, NONNEG_MSG, container=name))
    tgps = probe.get("terminationGracePeriodSeconds")
    if kind == "readinessProbe":
        if tgps is not None:
            out.append(
                fp.invalid(
                    "K8S-PROBE-TGPS",
                    child(path, "terminationGracePeriodSeconds"),
                    tgps,
                    "must not be set for readinessProbes",
                    container=name,
                )
            )
    elif as_int(tgps) is not None and tgps <= 0:
        out.append(
            fp.invalid(
                "K8S-PROBE-TGPS",
                child(path, "terminationGracePeriodSeconds"),
                tgps,
                "must be greater than 0",
                container=name,
            )
        )
    success = as_int(probe.get("successThreshold"))
    if kind in ("livenessProbe", "startupProbe") and success is not None and success != 1:
        out.append(
            fp.invalid(
                "K8S-PROBE-SUCCESS-1", child(path, "successThreshold"), success, "must be 1", container=name
            )
        )
    return out


def validate_probes_and_lifecycle(
    ctr: dict[str, Any], path: str, name: str | None, info: PodInfo
) -> list[Finding]:
    """Probes and lifecycle hooks of a regular container or a native sidecar."""
    out: list[Finding] = []
    lifecycle = ctr.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            handler = lifecycle.get(hook)
            if isinstance(handler, dict):
                out += validate_handler(
                    handler,
                    child(child(path, "lifecycle"), hook),
                    _LIFECYCLE_HANDLERS,
                    "K8S-LIFECYCLE-HANDLER",
                    name,
                    info.grace_period,
                    info.version,
                )
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = ctr.get(kind)
        if isinstance(probe, dict):
            out += validate_probe(probe, child(path, kind), kind, name, info)
    return out


# --- resources --------------------------------------------------------------------------------


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
            or fp.is_dns1123_subdomain(prefix) != []
            or not _HOST_PORT_QUALIFIED.match(rest)
            or resource.startswith("requests.")
        ):
            return ["doesn't follow extended resource name standard"]
    return []


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
        for resource, quantity in values.items():
            rp = fp.key(group_path, str(resource))
            for msg in resource_name_errors(str(resource)):
                out.append(fp.invalid("K8S-RES-NAME", rp, str(resource), msg, container=name))
            value = fp.parse_quantity(quantity)
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
                    fp.invalid(
                        "K8S-RES-QUANTITY", rp, fp.format_quantity(quantity), NONNEG_MSG, container=name
                    )
                )
            elif not _is_native(str(resource)) and value.denominator != 1:
                out.append(
                    fp.invalid(
                        "K8S-RES-QUANTITY",
                        rp,
                        fp.format_quantity(quantity),
                        "must be an integer",
                        container=name,
                    )
                )
            if str(resource) in ("cpu", "memory"):
                cpu_or_memory = True
            if str(resource).startswith("hugepages-"):
                hugepages = True
            if group == "limits":
                parsed_limits[str(resource)] = value
                continue
            limit = parsed_limits.get(str(resource))
            if str(resource) in limits and limit is not None:
                limit_text = fp.format_quantity(limits[resource])
                if value != limit and not _overcommit_allowed(str(resource)):
                    out.append(
                        fp.invalid(
                            "K8S-RES-NONOVERCOMMIT",
                            req_path,
                            fp.format_quantity(quantity),
                            f"must be equal to {resource} limit of {limit_text}",
                            container=name,
                        )
                    )
                elif value > limit:
                    out.append(
                        fp.invalid(
                            "K8S-RES-REQ-LE-LIMIT",
                            req_path,
                            fp.format_quantity(quantity),
                            f"must be less than or equal to {resource} limit of {limit_text}",
                            container=name,
                        )
                    )
            elif str(resource) not in limits and not _overcommit_allowed(str(resource)):
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
    """validateResourceClaimNames: each container claim names a spec.resourceClaims entry."""
    out = []
    for i, claim in enumerate(as_list(as_dict(resources).get("claims"))):
        claim_name = as_dict(claim).get("name")
        if claim_name in (None, ""):
            out.append(
                fp.required("K8S-RES-CLAIMS", child(index(child(path, "claims"), i), "name"), container=name)
            )
        elif isinstance(claim_name, str) and claim_name not in claim_names:
            out.append(
                fp.not_found("K8S-RES-CLAIMS", index(child(path, "claims"), i), claim_name, container=name)
            )
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


# --- volume mounts and devices ----------------------------------------------------------------


def validate_volume_mounts(ctr: dict[str, Any], path: str, name: str | None, info: PodInfo) -> list[Finding]:
    """ValidateVolumeMounts; Not found for a broken volume goes to info.cascade, not the result."""
    out: list[Finding] = []
    mount_paths: set[str] = set()
    devices = [as_dict(d) for d in as_list(ctr.get("volumeDevices"))]
    device_names = {as_str(d.get("name")) for d in devices}
    device_paths = {as_str(d.get("devicePath")) for d in devices}
    privileged = as_dict(ctr.get("securityContext")).get("privileged") is True
    for i, mount in enumerate(as_list(ctr.get("volumeMounts"))):
        if not isinstance(mount, dict):
            continue
        ip = index(path, i)
        mount_name = mount.get("name")
        if mount_name in (None, ""):
            out.append(fp.required("K8S-MOUNT-NAME-REQUIRED", child(ip, "name"), container=name))
        if isinstance(mount_name, str) or mount_name is None:
            vol_name = as_str(mount_name)
            if vol_name not in info.volumes:
                finding = fp.not_found(
                    "K8S-MOUNT-VOLUME-EXISTS",
                    child(ip, "name"),
                    vol_name,
                    container=name,
                    hint="Declare the volume in spec.volumes or fix the mount's name.",
                )
                if vol_name in info.broken_volumes:
                    info.cascade.setdefault(vol_name, []).append(finding)
                else:
                    out.append(finding)
        mount_path = mount.get("mountPath")
        if mount_path in (None, ""):
            out.append(fp.required("K8S-MOUNT-PATH-REQUIRED", child(ip, "mountPath"), container=name))
        elif isinstance(mount_path, str):
            if mount_path in mount_paths:
                out.append(
                    fp.invalid(
                        "K8S-MOUNT-PATH-UNIQUE",
                        child(ip, "mountPath"),
                        mount_path,
                        "must be unique",
                        container=name,
                    )
                )
            mount_paths.add(mount_path)
            if mount_path in device_paths:
                out.append(
                    fp.invalid(
                        "K8S-MOUNT-DEVICE",
                        child(ip, "mountPath"),
                        mount_path,
                        "must not already exist as a path in volumeDevices",
                        container=name,
                    )
                )
        if isinstance(mount_name, str) and mount_name and mount_name in device_names:
            out.append(
                fp.invalid(
                    "K8S-MOUNT-DEVICE",
                    child(ip, "name"),
                    mount_name,
                    "must not already exist in volumeDevices",
                    container=name,
                )
            )
        sub_path = as_str(mount.get("subPath"))
        sub_expr = as_str(mount.get("subPathExpr"))
        volume = info.volumes.get(as_str(mount_name))
        if volume is not None and isinstance(volume.get("image"), dict):
            for key, value in (("subPath", sub_path), ("subPathExpr", sub_expr)):
                if value:
                    out.append(
                        fp.invalid(
                            "K8S-MOUNT-SUBPATH",
                            child(ip, key),
                            value,
                            "not allowed in image volume sources",
                            container=name,
                        )
                    )
        # validation.go reports these at volumeMounts.<field>, with no index.
        if sub_path:
            out += local_descending_path("K8S-MOUNT-SUBPATH", sub_path, child(path, "subPath"), name)
        if sub_expr:
            if sub_path:
                out.append(
                    fp.invalid(
                        "K8S-MOUNT-SUBPATH",
                        child(path, "subPathExpr"),
                        sub_expr,
                        "subPathExpr and subPath are mutually exclusive",
                        container=name,
                    )
                )
            out += local_descending_path("K8S-MOUNT-SUBPATH", sub_expr, child(path, "subPathExpr"), name)
        propagation = mount.get("mountPropagation")
        if isinstance(propagation, str):
            if propagation not in ("Bidirectional", "HostToContainer", "None"):
                out.append(
                    fp.not_supported(
                        "K8S-MOUNT-PROPAGATION",
                        child(path, "mountPropagation"),
                        propagation,
                        ["Bidirectional", "HostToContainer", "None"],
                        container=name,
                    )
                )
            elif propagation == "Bidirectional" and not privileged:
                out.append(
                    fp.forbidden(
                        "K8S-MOUNT-PROPAGATION",
                        child(path, "mountPropagation"),
                        "Bidirectional mount propagation is available only to privileged containers",
                        container=name,
                    )
                )
        rro = mount.get("recursiveReadOnly")
        if isinstance(rro, str) and rro != "Disabled":
            rro_path = child(path, "recursiveReadOnly")
            if rro not in ("Enabled", "IfPossible"):
                out.append(
                    fp.not_supported(
                        "K8S-MOUNT-RRO", rro_path, rro, ["Disabled", "IfPossible", "Enabled"], container=name
                    )
                )
            else:
                if mount.get("readOnly") is not True:
                    out.append(
                        fp.forbidden(
                            "K8S-MOUNT-RRO",
                            rro_path,
                            "may only be specified when readOnly is true",
                            container=name,
                        )
                    )
                if isinstance(propagation, str) and propagation != "None":
                    out.append(
                        fp.forbidden(
                            "K8S-MOUNT-RRO",
                            rro_path,
                            "may only be specified when mountPropagation is None or not specified",
                            container=name,
                        )
                    )
    return out


def validate_volume_devices(ctr: dict[str, Any], path: str, name: str | None, info: PodInfo) -> list[Finding]:
    """ValidateVolumeDevices: block devices come from PVC or ephemeral volumes."""
    out: list[Finding] = []
    rule = "K8S-MOUNT-DEVICE"
    mounts = [as_dict(m) for m in as_list(ctr.get("volumeMounts"))]
    mount_names = {as_str(m.get("name")) for m in mounts}
    mount_paths = {as_str(m.get("mountPath")) for m in mounts}
    names: set[str] = set()
    paths: set[str] = set()
    for i, device in enumerate(as_list(ctr.get("volumeDevices"))):
        if not isinstance(device, dict):
            continue
        ip = index(path, i)
        dev_name = as_str(device.get("name"))
        dev_path = as_str(device.get("devicePath"))
        volume = info.volumes.get(dev_name)
        if not dev_name:
            out.append(fp.required(rule, child(ip, "name"), container=name))
        if dev_name and dev_name in names:
            out.append(fp.invalid(rule, child(ip, "name"), dev_name, "must be unique", container=name))
        if volume is not None and not (
            isinstance(volume.get("persistentVolumeClaim"), dict) or isinstance(volume.get("ephemeral"), dict)
        ):
            out.append(
                fp.invalid(
                    rule,
                    child(ip, "name"),
                    dev_name,
                    "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
                    container=name,
                )
            )
        if volume is None:
            out.append(fp.not_found(rule, child(ip, "name"), dev_name, container=name))
        if not dev_path:
            out.append(fp.required(rule, child(ip, "devicePath"), container=name))
        if dev_path and dev_path in paths:
            out.append(fp.invalid(rule, child(ip, "devicePath"), dev_path, "must be unique", container=name))
        if dev_path and ".." in dev_path.split("/"):
            out.append(
                fp.invalid(
                    rule,
                    child(ip, "devicePath"),
                    dev_path,
                    "can not contain backsteps ('..')",
                    container=name,
                )
            )
        else:
            paths.add(dev_path)
        if dev_name and dev_name in mount_names:
            out.append(
                fp.invalid(
                    rule,
                    child(ip, "name"),
                    dev_name,
                    "must not already exist in volumeMounts",
                    container=name,
                )
            )
        if dev_path and dev_path in mount_paths:
            out.append(
                fp.invalid(
                    rule,
                    child(ip, "devicePath"),
                    dev_path,
                    "must not already exist as a path in volumeMounts",
                    container=name,
                )
            )
        if dev_name:
            names.add(dev_name)
    return out


# --- the container as a whole -----------------------------------------------------------------


def validate_container_common(ctr: dict[str, Any], path: str, info: PodInfo) -> list[Finding]:
    """validateContainerCommon: what every kind of container must satisfy."""
    name = as_str(ctr.get("name")) or None
    out = validate_container_name(ctr, path, name)
    out += validate_image(ctr, path, name, info)
    out += validate_termination_message_policy(ctr, path, name)
    out += validate_ports(ctr.get("ports"), child(path, "ports"), name)
    out += validate_env(ctr.get("env"), child(path, "env"), name, info.version)
    out += validate_env_from(ctr.get("envFrom"), child(path, "envFrom"), name, info.version)
    out += validate_volume_mounts(ctr, child(path, "volumeMounts"), name, info)
    out += validate_volume_devices(ctr, child(path, "volumeDevices"), name, info)
    out += validate_pull_policy(ctr, path, name)
    out += validate_resources(ctr.get("resources"), child(path, "resources"), name)
    out += validate_resource_claims(ctr.get("resources"), child(path, "resources"), name, info.claim_names)
    out += validate_resize_policy(
        ctr.get("resizePolicy"), child(path, "resizePolicy"), name, info.restart_policy
    )
    out += validate_security_context(
        ctr.get("securityContext"), child(path, "securityContext"), name, info.host_users
    )
    return out


def _restart_rules_enabled(version: tuple[int, int]) -> bool:
    """ContainerRestartRules (KEP-5307): alpha v1.34 (off), beta v1.35 (on by default)."""
    return version >= (1, 35)


def _sidecars_enabled(version: tuple[int, int]) -> bool:
    """SidecarContainers: alpha v1.28 (off by default), beta v1.29 (on), GA v1.33."""
    return version >= (1, 29)


def validate_containers(containers: Any, path: str, info: PodInfo) -> list[Finding]:
    """validateContainers: at least one; names unique; probes; no restartPolicy (before v1.35)."""
    items = [(c, index(path, i)) for i, c in enumerate(as_list(containers)) if isinstance(c, dict)]
    if not as_list(containers):
        return [
            fp.required(
                "K8S-CTRS-REQUIRED",
                path,
                hint="Add a regular container: a pod of native sidecars alone is invalid.",
            )
        ]
    out: list[Finding] = []
    names: set[str] = set()
    for ctr, ctr_path in items:
        name = as_str(ctr.get("name")) or None
        out += validate_container_common(ctr, ctr_path, info)
        ctr_name = as_str(ctr.get("name"))
        if ctr_name in names:
            out.append(fp.duplicate("K8S-CTR-NAME-UNIQUE", child(ctr_path, "name"), ctr_name, container=name))
        names.add(ctr_name)
        out += validate_probes_and_lifecycle(ctr, ctr_path, name, info)
        restart = ctr.get("restartPolicy")
        if restart is not None:
            if not _restart_rules_enabled(info.version):
                out.append(
                    fp.forbidden(
                        "K8S-CTR-RESTARTPOLICY-FORBIDDEN",
                        child(ctr_path, "restartPolicy"),
                        "may not be set for non-init containers",
                        container=name,
                        hint="restartPolicy: Always belongs on an init container (a native sidecar).",
                    )
                )
            elif isinstance(restart, str) and restart not in ("Always", "OnFailure", "Never"):
                out.append(
                    fp.not_supported(
                        "K8S-CTR-RESTARTPOLICY-FORBIDDEN",
                        child(ctr_path, "restartPolicy"),
                        restart,
                        ["Always", "Never", "OnFailure"],
                        container=name,
                    )
                )
    out += host_port_conflicts(items, path, set(), "K8S-HOSTPORT-CONFLICT")
    return out


def validate_init_containers(init: Any, containers: Any, path: str, info: PodInfo) -> list[Finding]:
    """validateInitContainers: names unique with regular containers; sidecar-only fields."""
    names = {as_str(c.get("name")) for c in as_list(containers) if isinstance(c, dict)}
    out: list[Finding] = []
    for i, ctr in enumerate(as_list(init)):
        if not isinstance(ctr, dict):
            continue
        ctr_path = index(path, i)
        name = as_str(ctr.get("name")) or None
        out += validate_container_common(ctr, ctr_path, info)
        restart = ctr.get("restartPolicy")
        restart_always = False
        if restart is not None:
            rp = child(ctr_path, "restartPolicy")
            if not _sidecars_enabled(info.version):
                out.append(
                    fp.forbidden(
                        "K8S-INIT-RESTARTPOLICY-VALUE",
                        rp,
                        f"may not be set for init containers before v1.29 (target v{info.version[0]}.{info.version[1]}: "
                        "the SidecarContainers feature gate is off by default)",
                        container=name,
                    )
                )
            else:
                allowed = (
                    ["Always", "Never", "OnFailure"] if _restart_rules_enabled(info.version) else ["Always"]
                )
                if restart not in allowed:
                    out.append(
                        fp.not_supported(
                            "K8S-INIT-RESTARTPOLICY-VALUE",
                            rp,
                            restart,
                            allowed,
                            container=name,
                            hint="Only restartPolicy: Always is allowed: it makes a native sidecar.",
                        )
                    )
                restart_always = restart == "Always"
        ctr_name = as_str(ctr.get("name"))
        if ctr_name in names:
            out.append(fp.duplicate("K8S-CTR-NAME-UNIQUE", child(ctr_path, "name"), ctr_name, container=name))
        elif ctr_name:
            names.add(ctr_name)
        # Init containers run one after another: host ports are checked per container, at index 0.
        out += host_port_conflicts([(ctr, index(path, 0))], path, set(), "K8S-INIT-HOSTPORT")
        if restart_always:
            out += validate_probes_and_lifecycle(ctr, ctr_path, name, info)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if ctr.get(key) is not None:
                    out.append(
                        fp.forbidden(
                            "K8S-INIT-PROBES-FORBIDDEN",
                            child(ctr_path, key),
                            "may not be set for init containers without restartPolicy=Always",
                            container=name,
                            hint="Add restartPolicy: Always to make it a native sidecar, or remove it.",
                        )
                    )
        if as_list(ctr.get("resizePolicy")) and not (restart_always and info.version >= (1, 33)):
            out.append(
                fp.invalid(
                    "K8S-CTR-RESIZE-POLICY",
                    child(ctr_path, "resizePolicy"),
                    ctr.get("resizePolicy"),
                    "must not be set for init containers",
                    container=name,
                )
            )
    return out


def validate_ephemeral_containers(
    ephemeral: Any, spec: dict[str, Any], path: str, info: PodInfo
) -> list[Finding]:
    """validateEphemeralContainers: unique names, an existing target, a restricted field set."""
    others = {
        as_str(c.get("name"))
        for key in ("containers", "initContainers")
        for c in as_list(spec.get(key))
        if isinstance(c, dict)
    }
    seen: set[str] = set()
    out: list[Finding] = []
    for i, ctr in enumerate(as_list(ephemeral)):
        if not isinstance(ctr, dict):
            continue
        ctr_path = index(path, i)
        name = as_str(ctr.get("name")) or None
        out += validate_container_common(ctr, ctr_path, info)
        ctr_name = as_str(ctr.get("name"))
        if ctr_name in others or ctr_name in seen:
            out.append(fp.duplicate("K8S-CTR-NAME-UNIQUE", child(ctr_path, "name"), ctr_name, container=name))
        seen.add(ctr_name)
        target = ctr.get("targetContainerName")
        if isinstance(target, str) and target and target not in others:
            out.append(
                fp.not_found("K8S-EPH-FIELDS", child(ctr_path, "targetContainerName"), target, container=name)
            )
        for key in _EPHEMERAL_FORBIDDEN:
            if ctr.get(key) is not None:
                out.append(
                    fp.forbidden(
                        "K8S-EPH-FIELDS",
                        child(ctr_path, key),
                        "cannot be set for an Ephemeral Container",
                        container=name,
                    )
                )
        for j, mount in enumerate(as_list(ctr.get("volumeMounts"))):
            for key in ("subPath", "subPathExpr"):
                if as_str(as_dict(mount).get(key)):
                    out.append(
                        fp.forbidden(
                            "K8S-EPH-FIELDS",
                            child(index(child(ctr_path, "volumeMounts"), j), key),
                            "cannot be set for an Ephemeral Container",
                            container=name,
                        )
                    )
    return out
