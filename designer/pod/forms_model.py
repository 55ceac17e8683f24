"""The editor's flat form fields <-> the document: pure and lossless.

Field names are the dotted path of the value inside the object they edit, so one HTML input
maps to one place in the document: `image`, `resources.limits.memory`,
`livenessProbe.httpGet.port`, `securityContext.runAsUser`. A few fields are pseudo-fields:

  <probe>.handler / lifecycle.<hook>.handler   httpGet | tcpSocket | exec | grpc | sleep | ""
                                               (choosing one removes the other handlers; ""
                                               removes the whole probe/hook)
  type (volumes)                               emptyDir | configMap | secret | ... (the source)

Values are text. Lists and maps use one item a line:
  command, args, exec.command        one argument a line
  ports                              `8080/TCP name=http hostPort=80 hostIP=1.2.3.4`
                                     (protocol, name, hostPort, hostIP optional)
  env                                `NAME=value` (values stay strings)
  labels, annotations, nodeSelector  `key=value`
  imagePullSecrets                   one secret name a line
  capabilities.add/drop              one capability a line
  items (configMap/secret volumes)   `key=path`
  defaultMode                        octal, e.g. 0644
Booleans are `true`/`false`; numbers become ints.

The contract that makes a round trip lossless (`apply_x_fields(x, x_fields(x)) == x`, key
order included):
  * x_fields emits a field only when the form can show its value exactly; a value it cannot
    (env with valueFrom, an argument with a line break...) is left out, and the editor offers
    YAML for it. A field missing from `fields` is never touched by apply_x_fields; neither is
    a field posted empty whose current value the form cannot show.
  * apply_x_fields leaves a field alone when its text equals what x_fields shows for the
    current value (so `cpu: 1` stays an int, `"1"` stays a string), sets it otherwise (new
    keys go last, existing keys keep their place), and removes the key when the text is empty
    (and the parents that this leaves empty).
Impossible input (a word where a number belongs) raises EditError naming the field.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer.pod.edits import EditError
from designer.pod.workloads import WORKLOAD_KINDS, template_keys

_MISSING = object()


# --- value kinds: format(value) -> str | None (None: the form cannot show it), parse(text) ----


def _fmt_str(v: Any) -> str | None:
    return v if isinstance(v, str) and "\n" not in v and "\r" not in v and v.strip() == v and v else None


def _parse_str(text: str, field: str) -> Any:
    return text


def _fmt_int(v: Any) -> str | None:
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else None


def _parse_int(text: str, field: str) -> Any:
    try:
        return int(text)
    except ValueError:
        raise EditError(f"{field}: {text!r} is not a whole number") from None


def _fmt_bool(v: Any) -> str | None:
    return ("true" if v else "false") if isinstance(v, bool) else None


def _parse_bool(text: str, field: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "yes", "on", "1"):
        return True
    if lowered in ("false", "no", "off", "0"):
        return False
    raise EditError(f"{field}: {text!r} is not true or false")


def _fmt_quantity(v: Any) -> str | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return str(v)
    return _fmt_str(v)


def _parse_quantity(text: str, field: str) -> Any:
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    return text


def _fmt_int_or_str(v: Any) -> str | None:
    if isinstance(v, str) and v.isascii() and v.isdigit():
        return None  # "8080" as a string would come back as an int
    return _fmt_int(v) if isinstance(v, int) else _fmt_str(v)


def _parse_int_or_str(text: str, field: str) -> Any:
    # ASCII only: '²'.isdigit() is true and int('²') fails; '٣' would become 3.
    return int(text) if text.isascii() and text.isdigit() else text


def _fmt_octal(v: Any) -> str | None:
    return f"0{v:o}" if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def _parse_octal(text: str, field: str) -> Any:
    try:
        return int(text, 8) if text.startswith("0") and len(text) > 1 else int(text)
    except ValueError:
        raise EditError(f"{field}: {text!r} is not a file mode such as 0644") from None


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")


def _fmt_lines(v: Any) -> str | None:
    if not isinstance(v, list) or not v or not all(isinstance(i, str) for i in v):
        return None
    if any("\n" in i or "\r" in i for i in v) or v[0] == "" or v[-1] == "":
        return None
    return "\n".join(v)


def _parse_lines(text: str, field: str) -> Any:
    return _lines(text)


def _fmt_names(v: Any) -> str | None:
    """imagePullSecrets: [{name: x}, ...] -> one name a line."""
    if not isinstance(v, list) or not v:
        return None
    if not all(isinstance(i, dict) and list(i) == ["name"] and _fmt_str(i["name"]) for i in v):
        return None
    return "\n".join(i["name"] for i in v)


def _parse_names(text: str, field: str) -> Any:
    return [{"name": line.strip()} for line in _lines(text) if line.strip()]


def _fmt_kv(v: Any) -> str | None:
    if not isinstance(v, dict) or not v:
        return None
    lines = []
    for key, value in v.items():
        if not isinstance(key, str) or "=" in key or _fmt_str(key) is None:
            return None
        if not isinstance(value, str) or "\n" in value or "\r" in value or value != value.strip():
            return None
        lines.append(f"{key}={value}")
    return "\n".join(lines)


def _parse_kv(text: str, field: str) -> Any:
    result: dict[str, str] = {}
    for line in _lines(text):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise EditError(f"{field}: {line!r} is not key=value")
        result[key.strip()] = value.strip()
    return result


def _fmt_env(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return None
    lines = []
    for item in v:
        if not isinstance(item, dict) or not set(item) <= {"name", "value"} or "name" not in item:
            return None
        name, value = item["name"], item.get("value", _MISSING)
        if _fmt_str(name) is None or "=" in name:
            return None
        if value is _MISSING:
            lines.append(name)
        elif isinstance(value, str) and "\n" not in value and "\r" not in value:
            lines.append(f"{name}={value}")
        else:
            return None
    return "\n".join(lines)


def _parse_env(text: str, field: str) -> Any:
    result = []
    for line in _lines(text):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        result.append({"name": name.strip(), "value": value} if sep else {"name": name.strip()})
    return result


_PORT_KEYS = ("containerPort", "protocol", "name", "hostPort", "hostIP")


def _fmt_ports(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return None
    lines = []
    for p in v:
        if (
            not isinstance(p, dict)
            or not set(p) <= set(_PORT_KEYS)
            or _fmt_int(p.get("containerPort")) is None
        ):
            return None
        line = str(p["containerPort"])
        if "protocol" in p:
            if _fmt_str(p["protocol"]) is None:
                return None
            line += f"/{p['protocol']}"
        for key in ("name", "hostPort", "hostIP"):
            if key in p:
                text = _fmt_int(p[key]) if key == "hostPort" else _fmt_str(p[key])
                if text is None or " " in text:
                    return None
                line += f" {key}={text}"
        lines.append(line)
    return "\n".join(lines)


def _parse_ports(text: str, field: str) -> Any:
    result = []
    for line in _lines(text):
        words = line.split()
        if not words:
            continue
        number, _, protocol = words[0].partition("/")
        port: dict[str, Any] = {"containerPort": _parse_int(number, field)}
        if protocol:
            port["protocol"] = protocol
        for word in words[1:]:
            key, sep, value = word.partition("=")
            if not sep or key not in ("name", "hostPort", "hostIP"):
                raise EditError(f"{field}: {word!r}: expected name=, hostPort= or hostIP=")
            port[key] = _parse_int(value, field) if key == "hostPort" else value
        result.append(port)
    return result


def _fmt_items(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return None
    lines = []
    for item in v:
        if not isinstance(item, dict) or set(item) != {"key", "path"}:
            return None
        key, path = _fmt_str(item["key"]), _fmt_str(item["path"])
        if key is None or path is None or "=" in key:
            return None
        lines.append(f"{key}={path}")
    return "\n".join(lines)


def _parse_items(text: str, field: str) -> Any:
    return [{"key": k, "path": v} for k, v in _parse_kv(text, field).items()]


@dataclass(frozen=True)
class Kind:
    fmt: Callable[[Any], str | None]
    parse: Callable[[str, str], Any]


STR = Kind(_fmt_str, _parse_str)
INT = Kind(_fmt_int, _parse_int)
BOOL = Kind(_fmt_bool, _parse_bool)
QUANTITY = Kind(_fmt_quantity, _parse_quantity)
INT_OR_STR = Kind(_fmt_int_or_str, _parse_int_or_str)
OCTAL = Kind(_fmt_octal, _parse_octal)
LINES = Kind(_fmt_lines, _parse_lines)
NAMES = Kind(_fmt_names, _parse_names)
KV = Kind(_fmt_kv, _parse_kv)
ENV = Kind(_fmt_env, _parse_env)
PORTS = Kind(_fmt_ports, _parse_ports)
ITEMS = Kind(_fmt_items, _parse_items)


# --- field tables --------------------------------------------------------------------------

_PROBE_HANDLERS = ("httpGet", "tcpSocket", "exec", "grpc")
_HOOK_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")


def probe_fields(probe: str) -> list[tuple[str, Kind]]:
    """The fields of one probe, every handler's included (the form shows the chosen one's)."""
    return [
        (f"{probe}.httpGet.path", STR),
        (f"{probe}.httpGet.port", INT_OR_STR),
        (f"{probe}.httpGet.scheme", STR),
        (f"{probe}.tcpSocket.port", INT_OR_STR),
        (f"{probe}.grpc.port", INT),
        (f"{probe}.exec.command", LINES),
        (f"{probe}.initialDelaySeconds", INT),
        (f"{probe}.periodSeconds", INT),
        (f"{probe}.timeoutSeconds", INT),
        (f"{probe}.successThreshold", INT),
        (f"{probe}.failureThreshold", INT),
    ]


def hook_fields(hook: str) -> list[tuple[str, Kind]]:
    """The fields of one lifecycle hook (postStart, preStop), every handler's included."""
    base = f"lifecycle.{hook}"
    return [
        (f"{base}.exec.command", LINES),
        (f"{base}.httpGet.path", STR),
        (f"{base}.httpGet.port", INT_OR_STR),
        (f"{base}.tcpSocket.port", INT_OR_STR),
        (f"{base}.sleep.seconds", INT),
    ]


CONTAINER_FIELDS: list[tuple[str, Kind]] = [
    ("name", STR),
    ("image", STR),
    ("imagePullPolicy", STR),
    ("command", LINES),
    ("args", LINES),
    ("workingDir", STR),
    ("ports", PORTS),
    ("env", ENV),
    *[
        (f"resources.{kind}.{res}", QUANTITY)
        for kind in ("requests", "limits")
        for res in ("cpu", "memory", "ephemeral-storage")
    ],
    *[f for probe in ("livenessProbe", "readinessProbe", "startupProbe") for f in probe_fields(probe)],
    *[f for hook in ("postStart", "preStop") for f in hook_fields(hook)],
    ("securityContext.runAsNonRoot", BOOL),
    ("securityContext.runAsUser", INT),
    ("securityContext.runAsGroup", INT),
    ("securityContext.privileged", BOOL),
    ("securityContext.allowPrivilegeEscalation", BOOL),
    ("securityContext.readOnlyRootFilesystem", BOOL),
    ("securityContext.capabilities.add", LINES),
    ("securityContext.capabilities.drop", LINES),
    ("securityContext.seccompProfile.type", STR),
    ("restartPolicy", STR),
    ("terminationMessagePolicy", STR),
]
# pseudo-field -> (path of the object holding the handler, the handler keys)
CONTAINER_HANDLERS: dict[str, tuple[str, tuple[str, ...]]] = {
    **{f"{p}.handler": (p, _PROBE_HANDLERS) for p in ("livenessProbe", "readinessProbe", "startupProbe")},
    **{f"lifecycle.{h}.handler": (f"lifecycle.{h}", _HOOK_HANDLERS) for h in ("postStart", "preStop")},
}

# Pod fields: name -> (anchor, path, kind). Anchors: the document root, the pod template, the pod spec.
POD_FIELDS: dict[str, tuple[str, str, Kind]] = {
    "name": ("root", "metadata.name", STR),
    "namespace": ("root", "metadata.namespace", STR),
    "labels": ("template", "metadata.labels", KV),
    "annotations": ("template", "metadata.annotations", KV),
    "restartPolicy": ("spec", "restartPolicy", STR),
    "shareProcessNamespace": ("spec", "shareProcessNamespace", BOOL),
    "serviceAccountName": ("spec", "serviceAccountName", STR),
    "terminationGracePeriodSeconds": ("spec", "terminationGracePeriodSeconds", INT),
    "hostNetwork": ("spec", "hostNetwork", BOOL),
    "imagePullSecrets": ("spec", "imagePullSecrets", NAMES),
    "nodeSelector": ("spec", "nodeSelector", KV),
    "securityContext.runAsNonRoot": ("spec", "securityContext.runAsNonRoot", BOOL),
    "securityContext.runAsUser": ("spec", "securityContext.runAsUser", INT),
    "securityContext.runAsGroup": ("spec", "securityContext.runAsGroup", INT),
    "securityContext.fsGroup": ("spec", "securityContext.fsGroup", INT),
    "securityContext.seccompProfile.type": ("spec", "securityContext.seccompProfile.type", STR),
}

VOLUME_TYPES = ("emptyDir", "configMap", "secret", "persistentVolumeClaim", "hostPath")
VOLUME_FIELDS: list[tuple[str, Kind]] = [
    ("name", STR),
    ("emptyDir.medium", STR),
    ("emptyDir.sizeLimit", QUANTITY),
    ("configMap.name", STR),
    ("configMap.items", ITEMS),
    ("configMap.defaultMode", OCTAL),
    ("configMap.optional", BOOL),
    ("secret.secretName", STR),
    ("secret.items", ITEMS),
    ("secret.defaultMode", OCTAL),
    ("secret.optional", BOOL),
    ("persistentVolumeClaim.claimName", STR),
    ("persistentVolumeClaim.readOnly", BOOL),
    ("hostPath.path", STR),
    ("hostPath.type", STR),
    # Their items and sources are lists the web layer edits one a line; the mode is a plain field.
    ("downwardAPI.defaultMode", OCTAL),
    ("projected.defaultMode", OCTAL),
]


# --- path helpers --------------------------------------------------------------------------


def _get(node: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def _set(node: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[keys[-1]] = value


def _delete(node: dict[str, Any], path: str) -> None:
    """Remove the key at path, and the parents this leaves empty."""
    keys = path.split(".")
    chain = [node]
    for key in keys[:-1]:
        child = chain[-1].get(key)
        if not isinstance(child, dict):
            return
        chain.append(child)
    if keys[-1] not in chain[-1]:
        return
    del chain[-1][keys[-1]]
    for depth in range(len(keys) - 1, 0, -1):
        if chain[depth]:
            break
        del chain[depth - 1][keys[depth - 1]]


def _merge_items(old: Any, new: list[Any]) -> list[Any]:
    """Reuse equal old items (keeping their key order) in a new list of dicts."""
    if not isinstance(old, list):
        return new
    pool = [item for item in old if isinstance(item, dict)]
    result = []
    for item in new:
        match = next((o for o in pool if o == item), None)
        if match is not None:
            pool.remove(match)
            result.append(copy.deepcopy(match))
        else:
            result.append(item)
    return result


def _read(obj: dict[str, Any], path: str, kind: Kind) -> str | None:
    """The text a field shows: '' when absent, None when the form cannot show the value."""
    value = _get(obj, path)
    return "" if value is _MISSING else kind.fmt(value)


def _write(obj: dict[str, Any], path: str, kind: Kind, text: str, field: str) -> None:
    current = _get(obj, path)
    shown = "" if current is _MISSING else kind.fmt(current)
    text = text.strip() if kind not in (LINES, ENV, KV) else text.strip("\r\n")
    if shown is not None and text == shown:
        return
    if text == "" or (kind in (LINES, ENV, KV, PORTS, NAMES, ITEMS) and not text.strip()):
        if shown is not None:  # an empty post for a value the form could not show: leave it
            _delete(obj, path)
        return
    value = kind.parse(text, field)
    if isinstance(value, list) and not isinstance(current, str):
        value = _merge_items(current, value)
    if isinstance(current, dict) and isinstance(value, dict) and current == value:
        return
    _set(obj, path, value)


def _write_handler(obj: dict[str, Any], base: str, handlers: tuple[str, ...], text: str, field: str) -> None:
    holder = _get(obj, base)
    current = _handler_of(holder, handlers)
    text = text.strip()
    if current is not None and text == current:
        return
    if text == "":
        if current is not None or (isinstance(holder, dict) and not any(h in holder for h in handlers)):
            _delete(obj, base)
        return
    if text not in handlers:
        raise EditError(f"{field}: {text!r} is not one of {', '.join(handlers)}")
    if not isinstance(holder, dict):
        _set(obj, base, {text: {}})
        return
    for other in handlers:
        if other != text:
            holder.pop(other, None)
    holder.setdefault(text, {})


def _handler_of(holder: Any, handlers: tuple[str, ...]) -> str | None:
    if not isinstance(holder, dict):
        return None
    present = [h for h in handlers if h in holder]
    return present[0] if len(present) == 1 else None


# --- public API ----------------------------------------------------------------------------


def container_fields(container: dict[str, Any]) -> dict[str, str]:
    """The values the editor shows for a container (fields it cannot show exactly are left out)."""
    result: dict[str, str] = {}
    for name, kind in CONTAINER_FIELDS:
        text = _read(container, name, kind)
        if text is not None:
            result[name] = text
    for name, (base, handlers) in CONTAINER_HANDLERS.items():
        holder = _get(container, base)
        if holder is _MISSING:
            result[name] = ""
        else:
            handler = _handler_of(holder, handlers)
            if handler is not None:
                result[name] = handler
    return result


def apply_container_fields(container: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """A copy of the container with the posted fields written back (others untouched)."""
    result = copy.deepcopy(container)
    for name, kind in CONTAINER_FIELDS:
        if name in fields:
            _write(result, name, kind, fields[name], name)
    for name, (base, handlers) in CONTAINER_HANDLERS.items():
        if name in fields:
            _write_handler(result, base, handlers, fields[name], name)
    return result


def _anchor(document: dict[str, Any], anchor: str, create: bool) -> dict[str, Any] | None:
    node: Any = document
    keys: tuple[str, ...] = ()
    kind = document.get("kind")
    if anchor in ("template", "spec") and isinstance(kind, str) and kind in WORKLOAD_KINDS:
        keys = template_keys(kind)
    if anchor == "spec":
        keys = (*keys, "spec")
    for key in keys:
        child = node.get(key) if isinstance(node, dict) else None
        if not isinstance(child, dict):
            if not create or not isinstance(node, dict):
                return None
            child = {}
            node[key] = child
        node = child
    return node if isinstance(node, dict) else None


def pod_fields(document: dict[str, Any]) -> dict[str, str]:
    """The values the editor shows for the pod (name/namespace of the workload itself)."""
    result: dict[str, str] = {}
    for name, (anchor, path, kind) in POD_FIELDS.items():
        node = _anchor(document, anchor, create=False)
        text = "" if node is None else _read(node, path, kind)
        if text is not None:
            result[name] = text
    return result


def apply_pod_fields(document: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """A copy of the document with the posted pod fields written back (others untouched)."""
    result = copy.deepcopy(document)
    for name, (anchor, path, kind) in POD_FIELDS.items():
        if name not in fields:
            continue
        node = _anchor(result, anchor, create=bool(fields[name].strip()))
        if node is not None:
            _write(node, path, kind, fields[name], name)
    return result


def _volume_type(volume: dict[str, Any]) -> str | None:
    sources = [k for k in volume if k != "name"]
    return sources[0] if len(sources) == 1 else None


def volume_fields(volume: dict[str, Any]) -> dict[str, str]:
    """The values the editor shows for a volume; `type` names its source (any kind)."""
    result: dict[str, str] = {}
    for name, kind in VOLUME_FIELDS:
        text = _read(volume, name, kind)
        if text is not None:
            result[name] = text
    source = _volume_type(volume)
    if source is not None:
        result["type"] = source
    return result


def apply_volume_fields(volume: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """A copy of the volume with the posted fields written back; a new `type` replaces the source."""
    result = copy.deepcopy(volume)
    chosen = fields.get("type", "").strip()
    current = _volume_type(volume)
    switching = bool(chosen) and chosen != current
    if switching and chosen not in VOLUME_TYPES:
        raise EditError(
            f"type: {chosen!r} is not one of {', '.join(VOLUME_TYPES)} (edit other kinds as YAML)"
        )
    for name, kind in VOLUME_FIELDS:
        if name not in fields:
            continue
        source = name.split(".", 1)[0]
        if switching and source != "name" and source != chosen:
            continue  # fields of the source being replaced
        _write(result, name, kind, fields[name], name)
    if switching:
        for key in [k for k in result if k not in ("name", chosen)]:
            del result[key]
        result.setdefault(chosen, {})
    elif current is not None and current not in result:
        result[current] = {}  # emptying the last field keeps the source itself (emptyDir: {})
    return result
