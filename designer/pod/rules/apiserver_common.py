"""Shared pieces of the apiserver layer: what container checks know of the pod, message texts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from designer.pod.findings import Finding
from designer.pod.rules import fieldpath as fp
from designer.pod.rules import gates


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


_PORT_NAME_CHARS = re.compile(r"^[-a-z0-9]+\Z")
_HAS_LETTER = re.compile(r"[a-z]")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*\Z")
# A character outside printable ASCII (32-126), or "=": not allowed in a relaxed env name.
_NOT_RELAXED_ENV_CHAR = re.compile(r"[^\x20-\x3c\x3e-\x7e]")
ENV_NAME_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
    "and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', "
    "regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
)
RELAXED_ENV_NAME_MSG = (
    "a valid environment variable name must consist only of printable ASCII characters other than '='"
)
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+\Z")
CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  "
    "or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
HTTP_HEADER_RE = re.compile(r"^[-A-Za-z0-9]+\Z")
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
CONVERTIBLE_FIELD_PATHS = {
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
SUBSCRIPTED_PATH = re.compile(r"^([^\[]+)\['(.*)'\]\Z")
EPHEMERAL_FORBIDDEN = (
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
    if gates.enabled("RelaxedEnvironmentVariableValidation", version):
        return [RELAXED_ENV_NAME_MSG] if _NOT_RELAXED_ENV_CHAR.search(name) else []
    return [] if _ENV_NAME.match(name) else [ENV_NAME_MSG]


def config_key_errors(key: str) -> list[str]:
    """IsConfigMapKey: the key of a configMap/secret key selector."""
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
