"""kube-apiserver style field paths and error texts (apimachinery `field/errors.go`).

A path is a plain string: `spec.containers[0].ports[1].containerPort`, map keys as `[key]`.
The error constructors return Findings whose message is the error body without the path,
e.g. `Invalid value: 91210: must be between 1 and 65535, inclusive`.
"""

from __future__ import annotations

import json
from typing import Any

from designer.pod.findings import Finding, Severity

INT32_MAX = 2147483647
# encoding/json's floatEncoder writes a float64 below this magnitude without an exponent.
GO_JSON_INT_FLOAT_LIMIT = 1e21


def child(path: str, name: str) -> str:
    """path + '.name' (no dot when path is empty)."""
    return f"{path}.{name}" if path else name


def index(path: str, i: int) -> str:
    """path + [i]."""
    return f"{path}[{i}]"


def key(path: str, k: str) -> str:
    """path + [key] (a map key, e.g. resources.limits[cpu])."""
    return f"{path}[{k}]"


def format_value(value: Any) -> str:
    """A bad value as Go's field.Error prints it (strings quoted, numbers bare, nil as null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < GO_JSON_INT_FLOAT_LIMIT:
        return str(int(value))  # kubectl sent it as an integer (see as_int)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def _finding(
    rule: str, path: str, body: str, detail: str, hint: str, container: str | None, severity: Severity
) -> Finding:
    message = f"{body}: {detail}" if detail else body
    return Finding(rule=rule, severity=severity, path=path, message=message, hint=hint, container=container)


def required(
    rule: str, path: str, detail: str = "", *, hint: str = "", container: str | None = None
) -> Finding:
    """Required value[: detail]."""
    return _finding(rule, path, "Required value", detail, hint, container, "error")


def forbidden(
    rule: str, path: str, detail: str = "", *, hint: str = "", container: str | None = None
) -> Finding:
    """Forbidden: detail."""
    return _finding(rule, path, "Forbidden", detail, hint, container, "error")


def too_long(
    rule: str, path: str, detail: str = "", *, hint: str = "", container: str | None = None
) -> Finding:
    """Too long[: detail]."""
    return _finding(rule, path, "Too long", detail, hint, container, "error")


def invalid(
    rule: str, path: str, value: Any, detail: str = "", *, hint: str = "", container: str | None = None
) -> Finding:
    """Invalid value: <value>[: detail]."""
    return _finding(rule, path, f"Invalid value: {format_value(value)}", detail, hint, container, "error")


def duplicate(rule: str, path: str, value: Any, *, hint: str = "", container: str | None = None) -> Finding:
    """Duplicate value: <value>."""
    return _finding(rule, path, f"Duplicate value: {format_value(value)}", "", hint, container, "error")


def not_found(rule: str, path: str, value: Any, *, hint: str = "", container: str | None = None) -> Finding:
    """Not found: <value>."""
    return _finding(rule, path, f"Not found: {format_value(value)}", "", hint, container, "error")


def not_supported(
    rule: str,
    path: str,
    value: Any,
    supported: list[str] | tuple[str, ...],
    *,
    hint: str = "",
    container: str | None = None,
) -> Finding:
    """Unsupported value: <value>: supported values: "A", "B"."""
    detail = "supported values: " + ", ".join(json.dumps(s) for s in supported)
    return _finding(rule, path, f"Unsupported value: {format_value(value)}", detail, hint, container, "error")


def warning(rule: str, path: str, message: str, *, hint: str = "", container: str | None = None) -> Finding:
    """An admitted-with-warning finding (pkg/api/pod/warnings.go): the message is the warning text."""
    return Finding(rule=rule, severity="warning", path=path, message=message, hint=hint, container=container)


def as_dict(value: Any) -> dict[str, Any]:
    """value when it is a dict, else {} (a wrong type is the schema layer's finding)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """value when it is a list, else []."""
    return value if isinstance(value, list) else []


def as_str(value: Any) -> str:
    """value when it is a string, else '' (Go decodes a missing or null string as '')."""
    return value if isinstance(value, str) else ""


def as_int(value: Any) -> int | None:
    """value when it is an integer (not a bool), else None.

    An integral float counts: kubectl (sigs.k8s.io/yaml YAMLToJSON) reads `80.0` or `8e1` into a
    float64 and encoding/json's floatEncoder writes it back as `80`, so kube-apiserver decodes an
    int32 80 and range-checks it. Only from 1e21 up does floatEncoder use an exponent ("1e+21"),
    which no Go integer field decodes (the schema layer's concern), so those stay None here.
    """
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < GO_JSON_INT_FLOAT_LIMIT else None
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value
