"""ConfigMap and Secret data, as kube-apiserver decodes and validates it (ValidateConfigMap, ValidateSecret).

The mistakes users make with the configuration a pod mounts: a Secret's `data` holding plain
text instead of base64 (the decoder rejects the object: "illegal base64 data"), a key with a `/`
(a file path is not a key: mount it with `items`), the same key in a ConfigMap's `data` and
`binaryData`, more than 1 MiB in all, and a typed Secret without the keys its type requires
(kubernetes.io/tls needs tls.crt and tls.key, ...). A Secret's `stringData` is merged into its
`data` before validation, so its keys are checked, and reported, as `data` keys.

Paths are the companion's (`companions[i].data[key]`). Rule ID: K8S-CONFIG-DATA (error).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules.apiserver_common import config_key_errors
from designer.pod.rules.fieldpath import as_dict, child

RULE = "K8S-CONFIG-DATA"
MAX_SIZE = 1024 * 1024  # core.MaxSecretSize, the limit for a ConfigMap too
_BASE64_HINT = "data values are base64-encoded; put plain text under stringData instead"
# Secret types -> the data keys they require (each alone), and the JSON ones
_REQUIRED_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
}
_JSON_KEYS = {"kubernetes.io/dockercfg": ".dockercfg", "kubernetes.io/dockerconfigjson": ".dockerconfigjson"}


def _decoded(value: Any) -> bytes | None:
    """The bytes of a base64 data value as Go's encoding/json decodes them (None: it cannot)."""
    if not isinstance(value, str):
        return None
    text = value.replace("\r", "").replace("\n", "")  # the only characters Go's decoder skips
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _keys(rule_path: str, group: str, mapping: dict[str, Any]) -> list[Finding]:
    path = child(rule_path, group)
    return [
        fp.invalid(RULE, fp.key(path, str(k)), str(k), msg)
        for k in mapping
        for msg in config_key_errors(str(k))
    ]


def _undecodable(prefix: str, group: str, mapping: dict[str, Any]) -> list[Finding]:
    out = []
    for name, value in mapping.items():
        if isinstance(value, str) and _decoded(value) is None:
            detail = "illegal base64 data: the value is not base64"
            out.append(
                fp.invalid(
                    RULE, fp.key(child(prefix, group), str(name)), "<redacted>", detail, hint=_BASE64_HINT
                )
            )
    return out


def validate_configmap(document: dict[str, Any], prefix: str) -> list[Finding]:
    data = as_dict(document.get("data"))
    binary = as_dict(document.get("binaryData"))
    out = _undecodable(prefix, "binaryData", binary)
    out += _keys(prefix, "data", data)
    out += [
        fp.invalid(
            RULE, fp.key(child(prefix, "data"), str(k)), str(k), "duplicate of key present in binaryData"
        )
        for k in data
        if k in binary
    ]
    out += _keys(prefix, "binaryData", binary)
    size = sum(len(str(v).encode()) for v in data.values()) + sum(
        len(_decoded(v) or b"") for v in binary.values()
    )
    if size > MAX_SIZE:
        out.append(fp.too_long(RULE, prefix, f"may not be more than {MAX_SIZE} bytes"))
    return out


def validate_secret(document: dict[str, Any], prefix: str) -> list[Finding]:
    data_path = child(prefix, "data")
    raw = as_dict(document.get("data"))
    out = _undecodable(prefix, "data", raw)
    # stringData overwrites data (the v1 conversion), then everything is validated as data
    data: dict[str, bytes] = {str(k): _decoded(v) or b"" for k, v in raw.items()}
    data.update({str(k): str(v).encode() for k, v in as_dict(document.get("stringData")).items()})
    out += _keys(prefix, "data", data)
    if sum(len(v) for v in data.values()) > MAX_SIZE:
        out.append(fp.too_long(RULE, data_path, f"may not be more than {MAX_SIZE} bytes"))
    kind = document.get("type")
    meta_annotations = as_dict(as_dict(document.get("metadata")).get("annotations"))
    if kind == "kubernetes.io/service-account-token" and not meta_annotations.get(
        "kubernetes.io/service-account.name"
    ):
        path = fp.key(child(prefix, "metadata.annotations"), "kubernetes.io/service-account.name")
        out.append(fp.required(RULE, path))
    elif kind == "kubernetes.io/basic-auth" and "username" not in data and "password" not in data:
        out += [fp.required(RULE, fp.key(data_path, k)) for k in ("username", "password")]
    elif kind == "kubernetes.io/ssh-auth":
        if not data.get("ssh-privatekey"):
            out.append(fp.required(RULE, fp.key(data_path, "ssh-privatekey")))
    elif isinstance(kind, str) and kind in _REQUIRED_KEYS:
        missing = [k for k in _REQUIRED_KEYS[kind] if k not in data]
        out += [fp.required(RULE, fp.key(data_path, k)) for k in missing]
        json_key = _JSON_KEYS.get(kind)
        if json_key and not missing and not _is_json_object(data[json_key]):
            detail = "not a JSON object"
            out.append(fp.invalid(RULE, fp.key(data_path, json_key), "<secret contents redacted>", detail))
    return out


def _is_json_object(content: bytes) -> bool:
    """json.Unmarshal into a map: an object, or null."""
    try:
        return isinstance(json.loads(content), dict | None)
    except (ValueError, UnicodeDecodeError):
        return False


def validate(document: dict[str, Any], prefix: str) -> list[Finding]:
    """The data checks of a v1 ConfigMap or Secret companion ([] for other kinds)."""
    if document.get("apiVersion") != "v1":
        return []
    if document.get("kind") == "ConfigMap":
        return validate_configmap(document, prefix)
    if document.get("kind") == "Secret":
        return validate_secret(document, prefix)
    return []
