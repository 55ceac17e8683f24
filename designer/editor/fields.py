"""The editor's field table: one row per form field (key, label, widget, codec, help, choices).

The key is the dotted path of the value inside the object the form edits (`image`,
`resources.limits.memory`, `livenessProbe.httpGet.port`), so one input maps to one place in the
document; pod fields also name their anchor (the document root, the pod template or the pod
spec). Rows without a codec are pseudo-fields the editor handles itself: a container's `role`,
a probe's or hook's `handler` (choosing one removes the other handlers) and a volume's `type`
(its source). Everything that draws, reads or writes a field looks it up here.
"""

from __future__ import annotations

from dataclasses import dataclass

from designer.editor import lines
from designer.editor.values import (
    BOOL,
    INT,
    INT_OR_STR,
    ITEMS,
    KV,
    LINES,
    NAMES,
    OCTAL,
    PORTS,
    QUANTITY,
    STR,
    Kind,
)


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    codec: Kind | None
    widget: str = "text"  # text | number | textarea | select | bool
    help: str = ""
    choices: tuple[str, ...] = ()
    anchor: str = ""  # pod fields: root | template | spec
    path: str = ""  # pod fields: the path below the anchor


def _table(*rows: Field) -> dict[str, Field]:
    return {row.key: row for row in rows}


PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOOKS = ("postStart", "preStop")
PROBE_HANDLERS = ("httpGet", "tcpSocket", "exec", "grpc")
HOOK_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
_SCHEMES = ("", "HTTP", "HTTPS")


def _probe(probe: str) -> list[Field]:
    return [
        Field(f"{probe}.handler", "Handler", None, "select", choices=("", *PROBE_HANDLERS)),
        Field(f"{probe}.httpGet.path", "Path", STR),
        Field(f"{probe}.httpGet.port", "Port", INT_OR_STR, "number"),
        Field(f"{probe}.httpGet.scheme", "Scheme", STR, "select", choices=_SCHEMES),
        Field(f"{probe}.tcpSocket.port", "Port", INT_OR_STR, "number"),
        Field(f"{probe}.grpc.port", "Port", INT, "number"),
        Field(f"{probe}.exec.command", "Command", LINES, "textarea", "one argument a line"),
        Field(f"{probe}.initialDelaySeconds", "Initial delay seconds", INT, "number"),
        Field(f"{probe}.periodSeconds", "Period seconds", INT, "number"),
        Field(f"{probe}.timeoutSeconds", "Timeout seconds", INT, "number"),
        Field(f"{probe}.successThreshold", "Success threshold", INT, "number"),
        Field(f"{probe}.failureThreshold", "Failure threshold", INT, "number"),
    ]


def _hook(hook: str) -> list[Field]:
    base = f"lifecycle.{hook}"
    return [
        Field(f"{base}.handler", "Handler", None, "select", choices=("", *HOOK_HANDLERS)),
        Field(f"{base}.exec.command", "Command", LINES, "textarea", "one argument a line"),
        Field(f"{base}.httpGet.path", "Path", STR),
        Field(f"{base}.httpGet.port", "Port", INT_OR_STR, "number"),
        Field(f"{base}.tcpSocket.port", "Port", INT_OR_STR, "number"),
        Field(f"{base}.sleep.seconds", "Seconds", INT, "number"),
    ]


PROBE_TITLES = {
    "livenessProbe": "Liveness probe",
    "readinessProbe": "Readiness probe",
    "startupProbe": "Startup probe",
}
_RESOURCES = [
    Field(f"resources.{kind}.{res}", f"{kind.capitalize()}: {res}", QUANTITY)
    for kind in ("requests", "limits")
    for res in ("cpu", "memory", "ephemeral-storage")
]

CONTAINER = _table(
    Field("name", "Name", STR),
    Field("role", "Role", None, "select"),
    Field("image", "Image", STR, help="registry/name:tag"),
    Field(
        "imagePullPolicy", "Image pull policy", STR, "select", choices=("", "Always", "IfNotPresent", "Never")
    ),
    Field("command", "Command", LINES, "textarea", "one argument a line (replaces the image's entrypoint)"),
    Field("args", "Arguments", LINES, "textarea", "one argument a line"),
    Field("workingDir", "Working directory", STR),
    Field("restartPolicy", "Restart policy", STR, "select", choices=("", "Always", "OnFailure", "Never")),
    Field("ports", "Ports", PORTS, "textarea", "8080/TCP name=http hostPort=80, one a line"),
    Field(
        "env",
        "Environment",
        lines.ENV,
        "textarea",
        "NAME=value, or NAME <- secret|configMap NAME KEY, field PATH, resource NAME, file VOLUME PATH KEY",
    ),
    Field(
        "envFrom",
        "Environment from",
        lines.ENV_FROM,
        "textarea",
        "configMap NAME or secret NAME, then prefix=X optional=true",
    ),
    Field(
        "volumeMounts",
        "Volume mounts",
        lines.MOUNTS,
        "textarea",
        "VOLUME /mount/path, then ro, subPath=x; one a line",
    ),
    *_RESOURCES,
    *[row for probe in PROBES for row in _probe(probe)],
    *[row for hook in HOOKS for row in _hook(hook)],
    Field("securityContext.runAsNonRoot", "Run as non-root", BOOL, "bool"),
    Field("securityContext.runAsUser", "Run as user (UID)", INT, "number"),
    Field("securityContext.runAsGroup", "Run as group (GID)", INT, "number"),
    Field("securityContext.privileged", "Privileged", BOOL, "bool"),
    Field("securityContext.allowPrivilegeEscalation", "Allow privilege escalation", BOOL, "bool"),
    Field("securityContext.readOnlyRootFilesystem", "Read-only root filesystem", BOOL, "bool"),
    Field(
        "securityContext.capabilities.add",
        "Capabilities to add",
        LINES,
        "textarea",
        "one a line, e.g. NET_BIND_SERVICE",
    ),
    Field(
        "securityContext.capabilities.drop", "Capabilities to drop", LINES, "textarea", "one a line, e.g. ALL"
    ),
    Field(
        "securityContext.seccompProfile.type",
        "Seccomp profile",
        STR,
        "select",
        choices=("", "RuntimeDefault", "Localhost", "Unconfined"),
    ),
    Field(
        "terminationMessagePolicy",
        "Termination message policy",
        STR,
        "select",
        choices=("", "File", "FallbackToLogsOnError"),
    ),
)
# pseudo-field -> (path of the object holding the handler, the handler keys)
CONTAINER_HANDLERS: dict[str, tuple[str, tuple[str, ...]]] = {
    **{f"{p}.handler": (p, PROBE_HANDLERS) for p in PROBES},
    **{f"lifecycle.{h}.handler": (f"lifecycle.{h}", HOOK_HANDLERS) for h in HOOKS},
}


def _pod(
    key: str,
    label: str,
    codec: Kind,
    anchor: str,
    path: str,
    widget: str = "text",
    help: str = "",
    choices: tuple[str, ...] = (),
) -> Field:
    return Field(key, label, codec, widget, help, choices, anchor, path)


POD = _table(
    _pod("name", "Name", STR, "root", "metadata.name"),
    _pod("namespace", "Namespace", STR, "root", "metadata.namespace"),
    _pod("labels", "Labels", KV, "template", "metadata.labels", "textarea", "key=value, one a line"),
    _pod(
        "annotations",
        "Annotations",
        KV,
        "template",
        "metadata.annotations",
        "textarea",
        "key=value, one a line",
    ),
    _pod(
        "restartPolicy",
        "Restart policy",
        STR,
        "spec",
        "restartPolicy",
        "select",
        choices=("", "Always", "OnFailure", "Never"),
    ),
    _pod("shareProcessNamespace", "Share process namespace", BOOL, "spec", "shareProcessNamespace", "bool"),
    _pod("serviceAccountName", "Service account", STR, "spec", "serviceAccountName"),
    _pod(
        "terminationGracePeriodSeconds",
        "Termination grace period (s)",
        INT,
        "spec",
        "terminationGracePeriodSeconds",
        "number",
    ),
    _pod(
        "hostNetwork",
        "Host network",
        BOOL,
        "spec",
        "hostNetwork",
        "bool",
        "the pod uses the node's network namespace",
    ),
    _pod(
        "imagePullSecrets",
        "Image pull secrets",
        NAMES,
        "spec",
        "imagePullSecrets",
        "textarea",
        "one secret name a line",
    ),
    _pod("nodeSelector", "Node selector", KV, "spec", "nodeSelector", "textarea", "key=value, one a line"),
    _pod(
        "securityContext.runAsNonRoot",
        "Run as non-root",
        BOOL,
        "spec",
        "securityContext.runAsNonRoot",
        "bool",
    ),
    _pod(
        "securityContext.runAsUser", "Run as user (UID)", INT, "spec", "securityContext.runAsUser", "number"
    ),
    _pod(
        "securityContext.runAsGroup",
        "Run as group (GID)",
        INT,
        "spec",
        "securityContext.runAsGroup",
        "number",
    ),
    _pod("securityContext.fsGroup", "fsGroup", INT, "spec", "securityContext.fsGroup", "number"),
    _pod(
        "securityContext.seccompProfile.type",
        "Seccomp profile",
        STR,
        "spec",
        "securityContext.seccompProfile.type",
        "select",
        choices=("", "RuntimeDefault", "Localhost", "Unconfined"),
    ),
)

# The sources the type menu switches between with fields; other kinds are edited in YAML.
VOLUME_TYPES = ("emptyDir", "configMap", "secret", "persistentVolumeClaim", "hostPath")
# Sources the form lists by their items: switching to one starts it from a template.
LISTED_VOLUME_TYPES = ("downwardAPI", "projected")
VOLUME = _table(
    Field("name", "Name", STR),
    Field(
        "type",
        "Type",
        None,
        "select",
        "other kinds (nfs, csi, ephemeral, ...) are edited in YAML",
        ("", *VOLUME_TYPES, *LISTED_VOLUME_TYPES),
    ),
    Field("emptyDir.medium", "Medium", STR, "select", choices=("", "Memory")),
    Field("emptyDir.sizeLimit", "Size limit", QUANTITY, help="e.g. 64Mi"),
    Field("configMap.name", "ConfigMap name", STR),
    Field("configMap.items", "Items", ITEMS, "textarea", "key=path, one a line"),
    Field("configMap.defaultMode", "Default mode", OCTAL, help="octal, e.g. 0644"),
    Field("configMap.optional", "Optional", BOOL, "bool"),
    Field("secret.secretName", "Secret name", STR),
    Field("secret.items", "Items", ITEMS, "textarea", "key=path, one a line"),
    Field("secret.defaultMode", "Default mode", OCTAL, help="octal, e.g. 0400"),
    Field("secret.optional", "Optional", BOOL, "bool"),
    Field("persistentVolumeClaim.claimName", "Claim name", STR),
    Field("persistentVolumeClaim.readOnly", "Read only", BOOL, "bool"),
    Field("hostPath.path", "Host path", STR),
    Field(
        "hostPath.type",
        "Host path type",
        STR,
        "select",
        choices=(
            "",
            "DirectoryOrCreate",
            "Directory",
            "FileOrCreate",
            "File",
            "Socket",
            "CharDevice",
            "BlockDevice",
        ),
    ),
    Field(
        "downwardAPI.items",
        "Items",
        lines.DOWNWARD_ITEMS,
        "textarea",
        "PATH <- field metadata.labels, or PATH <- resource limits.cpu containerName=app",
    ),
    Field("downwardAPI.defaultMode", "Default mode", OCTAL, help="octal, e.g. 0644"),
    Field(
        "projected.sources",
        "Sources",
        lines.PROJECTED_SOURCES,
        "textarea",
        "configMap NAME, secret NAME, or serviceAccountToken PATH expirationSeconds=3600",
    ),
    Field("projected.defaultMode", "Default mode", OCTAL, help="octal, e.g. 0440"),
)


def probe_keys(probe: str) -> list[str]:
    """The keys of one probe's fields, its handler menu first."""
    return [row.key for row in _probe(probe)]


def hook_keys(hook: str) -> list[str]:
    """The keys of one lifecycle hook's fields, its handler menu first."""
    return [row.key for row in _hook(hook)]
