"""kube-apiserver's probe and lifecycle validation (validateProbe, validateHandler, sleep)."""

from __future__ import annotations

from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates
from designer.pod.rules.apiserver_common import (
    HTTP_HEADER_RE,
    NONNEG_MSG,
    PORT_RANGE_MSG,
    PodInfo,
    port_name_errors,
)
from designer.pod.rules.fieldpath import as_dict, as_int, as_list, child


def validate_port_num_or_name(value: Any, path: str, rule: str, name: str | None) -> list[Finding]:
    """ValidatePortNumOrName: 1..65535 or an IANA_SVC_NAME."""
    if isinstance(value, bool):
        return []
    if as_int(value) is not None:  # an integral float too: kubectl sends 80.0 as 80
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
        for header in as_list(action.get("httpHeaders")):
            header_name = as_dict(header).get("name")
            if isinstance(header_name, str) and not HTTP_HEADER_RE.match(header_name):
                out.append(
                    fp.invalid(
                        rule,
                        child(path, "httpHeaders"),  # validateHTTPHeaders: no index, no .name
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
        number = as_int(port)
        if number is not None and not 1 <= number <= 65535 or port is None:
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
    allow_zero = gates.enabled("PodLifecycleSleepActionAllowZero", version)
    low_ok = seconds >= 0 if allow_zero else seconds > 0
    if low_ok and seconds <= grace:
        return []
    if allow_zero:  # PodLifecycleSleepActionAllowZero: beta (on) in v1.33
        detail = f"must be non-negative and less than terminationGracePeriodSeconds ({grace})"
    else:
        detail = f"must be greater than 0 and less than terminationGracePeriodSeconds ({grace})"
        if version >= (1, 32):  # the gate exists (alpha, off) and the message points at it
            detail += ". Please enable PodLifecycleSleepActionAllowZero feature gate if you need a sleep of zero duration."
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
    elif (seconds := as_int(tgps)) is not None and seconds <= 0:
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
