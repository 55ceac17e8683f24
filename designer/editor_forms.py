"""The editor's form fields: layout and labels over pod.forms_model, and posted fields -> document.

Post names: `pod-<field>`, `c<g><i>-<field>` for a container (g = i for initContainers, c for
containers, i = index), `v<i>-<field>` for a volume; <field> is forms_model's dotted name, plus
`role`, `volumeMounts` and `envFrom`, which this module reads and writes itself (one a line).
A field the form cannot show exactly (env with valueFrom, a probe with two handlers...) is shown
as "edit in YAML", is never posted and so never touched.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from designer.pod import edits, forms_model
from designer.pod.findings import Finding
from designer.pod.form_lines import (
    CODEC_FIELDS,
    LIST_CODECS,
    VOLUME_CODECS,
    write_container_list,
    write_volume_list,
)
from designer.pod.roles import Role, explain_roles_for, is_native_sidecar
from designer.pod.workloads import pod_spec

GROUPS = {"initContainers": "i", "containers": "c"}
BOOL_CHOICES = [("", "(not set)"), ("true", "true"), ("false", "false")]

# name -> label, widget, help. Unknown names get a text input labelled by their name.
LABELS: dict[str, tuple[str, str, str]] = {
    "name": ("Name", "text", ""),
    "namespace": ("Namespace", "text", ""),
    "labels": ("Labels", "textarea", "key=value, one a line"),
    "annotations": ("Annotations", "textarea", "key=value, one a line"),
    "restartPolicy": ("Restart policy", "select", ""),
    "shareProcessNamespace": ("Share process namespace", "bool", ""),
    "serviceAccountName": ("Service account", "text", ""),
    "terminationGracePeriodSeconds": ("Termination grace period (s)", "number", ""),
    "hostNetwork": ("Host network", "bool", "the pod uses the node's network namespace"),
    "imagePullSecrets": ("Image pull secrets", "textarea", "one secret name a line"),
    "nodeSelector": ("Node selector", "textarea", "key=value, one a line"),
    "securityContext.runAsNonRoot": ("Run as non-root", "bool", ""),
    "securityContext.runAsUser": ("Run as user (UID)", "number", ""),
    "securityContext.runAsGroup": ("Run as group (GID)", "number", ""),
    "securityContext.fsGroup": ("fsGroup", "number", ""),
    "securityContext.seccompProfile.type": ("Seccomp profile", "select", ""),
    "role": ("Role", "select", ""),
    "image": ("Image", "text", "registry/name:tag"),
    "imagePullPolicy": ("Image pull policy", "select", ""),
    "command": ("Command", "textarea", "one argument a line (replaces the image's entrypoint)"),
    "args": ("Arguments", "textarea", "one argument a line"),
    "workingDir": ("Working directory", "text", ""),
    "ports": ("Ports", "textarea", "8080/TCP name=http hostPort=80, one a line"),
    "env": (
        "Environment",
        "textarea",
        "NAME=value, or NAME <- secret|configMap NAME KEY, field PATH, resource NAME, file VOLUME PATH KEY",
    ),
    "envFrom": ("Environment from", "textarea", "configMap NAME or secret NAME, then prefix=X optional=true"),
    "volumeMounts": ("Volume mounts", "textarea", "VOLUME /mount/path, then ro, subPath=x; one a line"),
    "securityContext.privileged": ("Privileged", "bool", ""),
    "securityContext.allowPrivilegeEscalation": ("Allow privilege escalation", "bool", ""),
    "securityContext.readOnlyRootFilesystem": ("Read-only root filesystem", "bool", ""),
    "securityContext.capabilities.add": (
        "Capabilities to add",
        "textarea",
        "one a line, e.g. NET_BIND_SERVICE",
    ),
    "securityContext.capabilities.drop": ("Capabilities to drop", "textarea", "one a line, e.g. ALL"),
    "terminationMessagePolicy": ("Termination message policy", "select", ""),
    "type": ("Type", "select", "other kinds (nfs, csi, ephemeral, ...) are edited in YAML"),
    "emptyDir.medium": ("Medium", "select", ""),
    "emptyDir.sizeLimit": ("Size limit", "text", "e.g. 64Mi"),
    "configMap.name": ("ConfigMap name", "text", ""),
    "configMap.items": ("Items", "textarea", "key=path, one a line"),
    "configMap.defaultMode": ("Default mode", "text", "octal, e.g. 0644"),
    "configMap.optional": ("Optional", "bool", ""),
    "secret.secretName": ("Secret name", "text", ""),
    "secret.items": ("Items", "textarea", "key=path, one a line"),
    "secret.defaultMode": ("Default mode", "text", "octal, e.g. 0400"),
    "secret.optional": ("Optional", "bool", ""),
    "persistentVolumeClaim.claimName": ("Claim name", "text", ""),
    "persistentVolumeClaim.readOnly": ("Read only", "bool", ""),
    "hostPath.path": ("Host path", "text", ""),
    "hostPath.type": ("Host path type", "select", ""),
    "downwardAPI.items": (
        "Items",
        "textarea",
        "PATH <- field metadata.labels, or PATH <- resource limits.cpu containerName=app",
    ),
    "projected.sources": (
        "Sources",
        "textarea",
        "configMap NAME, secret NAME, or serviceAccountToken PATH expirationSeconds=3600",
    ),
    "downwardAPI.defaultMode": ("Default mode", "text", "octal, e.g. 0644"),
    "projected.defaultMode": ("Default mode", "text", "octal, e.g. 0440"),
}
CHOICES: dict[str, list[str]] = {
    "restartPolicy": ["", "Always", "OnFailure", "Never"],
    "imagePullPolicy": ["", "Always", "IfNotPresent", "Never"],
    "securityContext.seccompProfile.type": ["", "RuntimeDefault", "Localhost", "Unconfined"],
    "terminationMessagePolicy": ["", "File", "FallbackToLogsOnError"],
    "emptyDir.medium": ["", "Memory"],
    "hostPath.type": [
        "",
        "DirectoryOrCreate",
        "Directory",
        "FileOrCreate",
        "File",
        "Socket",
        "CharDevice",
        "BlockDevice",
    ],
    "probe.handler": ["", "httpGet", "tcpSocket", "exec", "grpc"],
    "hook.handler": ["", "exec", "httpGet", "tcpSocket", "sleep"],
    "httpGet.scheme": ["", "HTTP", "HTTPS"],
}
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOOKS = ("postStart", "preStop")


@dataclass
class FormField:
    name: str  # the post name
    id: str
    label: str
    widget: str  # text | number | textarea | select | yaml
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    help: str = ""
    error: str = ""
    rows: int = 3

    def html(self) -> SafeString:
        """The field's markup: label, control, help and error, every value escaped.

        Built here rather than in a template: a 12-container pod has about a thousand fields
        and the template engine would spend tens of milliseconds on them at every structural
        action (see bench/editor.py).
        """
        e = escape
        described = " ".join(
            x for x in (f"{self.id}-help" if self.help else "", f"{self.id}-error" if self.error else "") if x
        )
        aria = (f' aria-describedby="{described}"' if described else "") + (
            ' aria-invalid="true"' if self.error else ""
        )
        attrs = f'id="{e(self.id)}" name="{e(self.name)}"{aria}'
        if self.widget == "yaml":
            head = f'<span class="label">{e(self.label)}</span>'
            control = (
                f'<p id="{e(self.id)}" class="yaml-only"><small>Set in a form the fields cannot show: '
                '<a href="#yaml-text">edit it in YAML</a>.</small></p>'
            )
        else:
            head = f'<label for="{e(self.id)}">{e(self.label)}</label>'
            if self.widget == "textarea":
                control = f'<textarea {attrs} rows="{self.rows}" spellcheck="false" class="code">\n{e(self.value)}</textarea>'
            elif self.widget == "select":
                options = "".join(
                    f'<option value="{e(v)}"{" selected" if v == self.value else ""}>{e(t)}</option>'
                    for v, t in self.choices
                )
                control = f"<select {attrs}>{options}</select>"
            else:
                numeric = ' inputmode="numeric"' if self.widget == "number" else ""
                control = f'<input type="text"{numeric} {attrs} value="{e(self.value)}" spellcheck="false">'
        help_text = (
            f'<small id="{e(self.id)}-help">{e(self.help)}</small>'
            if self.help and self.widget != "yaml"
            else ""
        )
        error = (
            f'<small class="field-error" id="{e(self.id)}-error">{e(self.error)}</small>'
            if self.error
            else ""
        )
        css = f"field field-{self.widget}" + (" has-error" if self.error else "")
        return mark_safe(f'<div class="{css}">{head}{control}{help_text}{error}</div>')  # noqa: S308 (escaped above)


@dataclass
class FieldGroup:
    title: str
    fields: list[FormField]
    open: bool = True


def _dom(prefix: str, key: str) -> str:
    return f"f-{prefix}-{re.sub(r'[^A-Za-z0-9_-]', '-', key)}"


def _label(key: str) -> tuple[str, str, str]:
    if key in LABELS:
        return LABELS[key]
    last = key.rsplit(".", 1)[-1]
    if last == "handler":
        return ("Handler", "select", "")
    if last in ("command",):
        return ("Command", "textarea", "one argument a line")
    if last == "scheme":
        return ("Scheme", "select", "")
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", last).replace("-", " ")
    widget = "number" if last.endswith(("Seconds", "Threshold")) or last == "port" else "text"
    return (words[:1].upper() + words[1:], widget, "")


def _choices(key: str, value: str) -> list[tuple[str, str]]:
    last = key.rsplit(".", 1)[-1]
    if key.startswith("lifecycle.") and last == "handler":
        options = CHOICES["hook.handler"]
    elif last == "handler":
        options = CHOICES["probe.handler"]
    elif last == "scheme":
        options = CHOICES["httpGet.scheme"]
    elif key == "type":
        options = ["", *forms_model.VOLUME_TYPES, *VOLUME_CODECS]
    else:
        options = CHOICES.get(key, [""])
    result = [(o, o or "(not set)") for o in options]
    if value not in options:
        result.append((value, value))  # a value the list does not know stays selectable
    return result


def make_field(prefix: str, key: str, shown: dict[str, str], errors: dict[str, str]) -> FormField:
    label, widget, help_text = _label(key)
    name = f"{prefix}-{key}"
    if key not in shown:
        return FormField(name, _dom(prefix, key), label, "yaml", help="this value can only be edited in YAML")
    value = shown[key]
    result = FormField(
        name, _dom(prefix, key), label, widget, value, help=help_text, error=errors.get(name, "")
    )
    if widget == "bool":
        result.widget, result.choices = "select", list(BOOL_CHOICES)
    elif widget == "select":
        result.choices = _choices(key, value)
    elif widget == "textarea":
        result.rows = max(2, min(12, value.count("\n") + 2))
    return result


# --- sections ------------------------------------------------------------------------------


def _role_reasons(working: Any) -> dict[str, tuple[str, str]]:
    """Why each container has its role ("Why main: ..."), for the roles the inference agrees with;
    a role the user chose needs no explanation."""
    try:
        explained = explain_roles_for(working.document, working.companions)
    except Exception:  # an explanation must never break the editor
        return {}
    return {name: (role.value, reason) for name, (role, reason) in explained.items()}


def _reason(reasons: dict[str, tuple[str, str]], name: str, role: str) -> str:
    inferred, reason = reasons.get(name, ("", ""))
    return reason if inferred == role else ""


def _container_groups(
    prefix: str, container: dict[str, Any], role: str, init: bool, errors: dict[str, str]
) -> list[FieldGroup]:
    shown = forms_model.container_fields(container)
    shown["role"] = role
    shown.pop("env", None)  # env is shown here, with valueFrom of every kind
    for key, (fmt, _) in LIST_CODECS.items():
        text = fmt(container[key]) if key in container else ""
        if text is not None:
            shown[key] = text

    def fields(keys: list[str]) -> list[FormField]:
        return [make_field(prefix, k, shown, errors) for k in keys]

    role_field = make_field(prefix, "role", shown, errors)
    native = is_native_sidecar(container)
    allowed = (
        ["init"]
        if init and not native
        else (
            ["sidecar", "adapter", "ambassador", "mesh-proxy"]
            if init
            else ["main", "sidecar", "adapter", "ambassador", "mesh-proxy"]
        )
    )
    role_field.choices = [(r, r) for r in allowed] + ([(role, role)] if role not in allowed else [])
    general = [
        *fields(["name"]),
        role_field,
        *fields(["image", "imagePullPolicy", "command", "args", "workingDir"]),
    ]
    if init:
        general += fields(["restartPolicy"])
    groups = [
        FieldGroup("General", general),
        FieldGroup("Ports and environment", fields(["ports", "env", "envFrom"])),
        FieldGroup("Volume mounts", fields(["volumeMounts"])),
        FieldGroup(
            "Resources",
            fields(
                [
                    f"resources.{k}.{r}"
                    for k in ("requests", "limits")
                    for r in ("cpu", "memory", "ephemeral-storage")
                ]
            ),
            open=False,
        ),
    ]
    for probe in PROBES:
        keys = [k for k, _ in forms_model.probe_fields(probe)]
        groups.append(FieldGroup(_label(probe)[0], fields([f"{probe}.handler", *keys]), open=False))
    for hook in HOOKS:
        keys = [k for k, _ in forms_model.hook_fields(hook)]
        groups.append(
            FieldGroup(f"Lifecycle: {hook}", fields([f"lifecycle.{hook}.handler", *keys]), open=False)
        )
    security = [k for k, _ in forms_model.CONTAINER_FIELDS if k.startswith("securityContext.")]
    groups.append(FieldGroup("Security context", fields(security), open=False))
    groups.append(FieldGroup("Termination", fields(["terminationMessagePolicy"]), open=False))
    return groups


def _as_list(value: Any) -> list[Any]:
    """A list field of the spec, or [] when it is malformed (a tampered or odd document)."""
    return value if isinstance(value, list) else []


# Full forms for this many containers (and volumes); past that the page would grow to tens of
# megabytes (a 1,000-container import drew 38 MB), so the rest are listed and edited in YAML.
FORM_LIMIT = 40


def form_sections(working: Any, errors: dict[str, str], with_fields: bool = True) -> dict[str, Any]:
    """The pod, container and volume forms of a working copy, in document order.

    Without fields only the heads (summary and action buttons) are built: the preview redraws
    those of an item renamed in its form, the fields being typed in staying as they are.
    """
    document = working.document
    spec = pod_spec(document)
    roles = working.roles
    pod: dict[str, Any] = {"fields": []}
    if with_fields:  # heads only: twice per keystroke in the live preview, so nothing more
        pod_shown = forms_model.pod_fields(document)
        pod["fields"] = [make_field("pod", k, pod_shown, errors) for k in forms_model.POD_FIELDS]
    containers: list[dict[str, Any]] = []
    step = 0
    reasons = _role_reasons(working) if with_fields else {}
    for group, letter in GROUPS.items():
        for index, c in enumerate(_as_list(spec.get(group))):
            if not isinstance(c, dict):
                continue
            name = str(c.get("name", ""))
            native = is_native_sidecar(c)
            init = group == "initContainers"
            if init and not native:
                step += 1
            role = roles.get(name, "init" if init and not native else "sidecar")
            prefix = f"c{letter}{index}"
            yaml_only = len(containers) >= FORM_LIMIT
            with_groups = with_fields and not yaml_only
            containers.append(
                {
                    "dom_id": container_dom_id(group, c),
                    "name": name,
                    "image": str(c.get("image", "")),
                    "group": group,
                    "index": index,
                    "prefix": prefix,
                    "role": role,
                    "role_reason": _reason(reasons, name, role) if with_groups else "",
                    "native": native,
                    "init": init,
                    "step": step,
                    "groups": _container_groups(prefix, c, role, init, errors) if with_groups else [],
                    "yaml_only": yaml_only,
                    "has_error": any(k.startswith(prefix + "-") for k in errors),
                    "open": role == "main" or any(k.startswith(prefix + "-") for k in errors),
                }
            )
    volumes: list[dict[str, Any]] = []
    for index, v in enumerate(_as_list(spec.get("volumes"))):
        if not isinstance(v, dict):
            continue
        if len(volumes) >= FORM_LIMIT:
            name = str(v.get("name", ""))
            kind = next((k for k in v if k != "name"), "?")
            volumes.append(
                {"dom_id": f"form-volume-{name or index}", "name": name, "type": kind, "index": index}
                | {"prefix": f"v{index}", "fields": [], "yaml_only": True}
            )
            continue
        shown = forms_model.volume_fields(v)
        kind = shown.get("type", "")
        if not with_fields:
            volumes.append(
                {
                    "dom_id": f"form-volume-{v.get('name', index)}",
                    "name": str(v.get("name", "")),
                    "type": kind or next((k for k in v if k != "name"), "?"),
                    "index": index,
                    "prefix": f"v{index}",
                    "fields": [],
                }
            )
            continue
        keys = ["name", "type"]
        if kind in VOLUME_CODECS:
            key, (fmt, _) = VOLUME_CODECS[kind]
            text = (
                fmt((v.get(kind) or {}).get(key.split(".", 1)[1])) if isinstance(v.get(kind), dict) else None
            )
            if text is not None:
                shown[key] = text
            keys.append(key)
        keys += [k for k, _ in forms_model.VOLUME_FIELDS if kind and k.startswith(kind + ".")]
        volumes.append(
            {
                "dom_id": f"form-volume-{v.get('name', index)}",
                "name": str(v.get("name", "")),
                "type": kind or next((k for k in v if k != "name"), "?"),
                "index": index,
                "prefix": f"v{index}",
                "fields": [make_field(f"v{index}", k, shown, errors) for k in keys],
            }
        )
    return {"pod": pod, "containers": containers, "volumes": volumes, "limit": FORM_LIMIT}


# --- posted fields -> working copy ---------------------------------------------------------


def _by_prefix(post: Any) -> dict[str, dict[str, str]]:
    """Posted fields grouped by form: {'cc0': {'image': ...}, 'pod': {...}, 'v1': {...}}."""
    result: dict[str, dict[str, str]] = {}
    for key in post:
        prefix, sep, name = key.partition("-")
        if sep and name:
            result.setdefault(prefix, {})[name] = str(post.get(key))
    return result


def _apply(
    apply: Any, obj: dict[str, Any], fields: dict[str, str], prefix: str, errors: dict[str, str]
) -> dict[str, Any]:
    """Apply all fields at once; on a bad value apply them one by one to name each bad field."""
    try:
        applied: dict[str, Any] = apply(obj, fields)
        return applied
    except edits.EditError:
        pass
    result = obj
    for key, value in fields.items():
        try:
            result = apply(result, {key: value})
        except edits.EditError as exc:
            errors[f"{prefix}-{key}"] = str(exc)
    return result


def apply_fields(working: Any, post: Any) -> tuple[Any, dict[str, str]]:
    """The working copy with every posted field written back; field errors by post name.

    Order matters: pod fields, then containers (a rename cascades into annotations), then
    volumes (a rename cascades into the mounts just written).
    """
    from designer.editor import WorkingCopy

    errors: dict[str, str] = {}
    document = working.document
    roles = working.role_map
    posted_forms = _by_prefix(post)
    pod_posted = posted_forms.get("pod", {})
    if pod_posted:
        document = _apply(forms_model.apply_pod_fields, document, pod_posted, "pod", errors)
    document = copy.deepcopy(document) if document is working.document else document
    spec = pod_spec(document)
    renames: list[tuple[str, str, str]] = []
    for group, letter in GROUPS.items():
        items = spec.get(group)
        if not isinstance(items, list):
            continue
        for index, c in enumerate(items):
            prefix = f"c{letter}{index}"
            posted = dict(posted_forms.get(prefix, {}))
            if not isinstance(c, dict) or not posted:
                continue
            role = posted.pop("role", None)
            new_name = posted.pop("name", None)
            lists = {key: posted.pop(key) for key in LIST_CODECS if key in posted}
            updated = _apply(forms_model.apply_container_fields, c, posted, prefix, errors)
            for key, text in lists.items():
                try:
                    updated = write_container_list(updated, key, text)
                except edits.EditError as exc:
                    errors[f"{prefix}-{key}"] = str(exc)
            items[index] = updated
            name = str(c.get("name", ""))
            current_role = roles.get(name)
            if role and (current_role is None or role != current_role.value):
                try:
                    roles = edits.set_role(roles, name, Role(role))
                except ValueError:
                    errors[f"{prefix}-role"] = f"{role!r} is not a role"
            if new_name is not None and new_name.strip() != name:
                renames.append((prefix, name, new_name.strip()))
    for prefix, old, new in renames:
        try:
            document, roles = edits.rename_container(document, roles, old, new)
        except edits.EditError as exc:
            errors[f"{prefix}-name"] = str(exc)
    spec = pod_spec(document)
    volume_renames: list[tuple[str, str, str]] = []
    for index, v in enumerate(_as_list(spec.get("volumes"))):
        prefix = f"v{index}"
        posted = dict(posted_forms.get(prefix, {}))
        if not isinstance(v, dict) or not posted:
            continue
        new_name = posted.pop("name", None)
        mine = {key: posted.pop(key) for key in [k for k in posted if k in CODEC_FIELDS]}
        kind = posted.get("type", "")
        if kind in VOLUME_CODECS and kind not in v:
            # A source forms_model does not switch to: start it empty (mounts keep the name).
            posted.pop("type")
            from designer.editor import NEW_VOLUMES

            spec["volumes"][index] = {"name": v.get("name"), **copy.deepcopy(NEW_VOLUMES[kind])}
            continue
        if kind in VOLUME_CODECS:
            posted.pop("type")
        updated = _apply(forms_model.apply_volume_fields, v, posted, prefix, errors)
        for key, text in mine.items():
            try:
                updated = write_volume_list(updated, key, text)
            except edits.EditError as exc:
                errors[f"{prefix}-{key}"] = str(exc)
        spec["volumes"][index] = updated
        if new_name is not None and new_name.strip() != v.get("name"):
            volume_renames.append((prefix, str(v.get("name")), new_name.strip()))
    for prefix, old, new in volume_renames:
        try:
            document = edits.rename_volume(document, old, new)
        except edits.EditError as exc:
            errors[f"{prefix}-name"] = str(exc)
    result = WorkingCopy(document, working.companions, {}, working.base)
    result.set_roles(roles)
    result.normalise()
    return result, errors


# --- findings -> fields ----------------------------------------------------------------------

_CONTAINER_PATH = re.compile(r"(?:^|\.)(initContainers|containers)\[(\d+)\]\.?(.*)$")
_VOLUME_PATH = re.compile(r"(?:^|\.)volumes\[(\d+)\]\.?(.*)$")
_INDEX = re.compile(r"\[[^\]]*\]")


# The findings panel anchors every finding on every keystroke, and the same paths come back each
# time: remember the answers (the key tuples are the module's constants below).
@functools.lru_cache(maxsize=4096)
def _best_key(rest: str, keys: tuple[str, ...]) -> str | None:
    plain = _INDEX.sub("", rest)
    best = None
    for key in keys:
        if (plain == key or plain.startswith(key + ".")) and (best is None or len(key) > len(best)):
            best = key
    return best


CONTAINER_KEYS = (
    *(k for k, _ in forms_model.CONTAINER_FIELDS),
    *forms_model.CONTAINER_HANDLERS,
    "role",
    "volumeMounts",
    "envFrom",
)
VOLUME_KEYS = ("name", "type", *(k for k, _ in forms_model.VOLUME_FIELDS))
# The pod fields by the path of their value below the pod template: 'spec.hostNetwork' -> 'hostNetwork'.
POD_PATHS = {
    (f"spec.{path}" if anchor == "spec" else path): key
    for key, (anchor, path, _) in forms_model.POD_FIELDS.items()
}
POD_KEYS = tuple(POD_PATHS)
_TEMPLATE_PREFIX = re.compile(r"^(spec\.template\.|spec\.jobTemplate\.spec\.template\.|template\.)")


def container_dom_id(group: str, container: dict[str, Any]) -> str:
    """The id of a container's form: the diagram's node id with 'form-' in front."""
    name = str(container.get("name", ""))
    return (
        f"form-init-{name}"
        if group == "initContainers" and not is_native_sidecar(container)
        else f"form-container-{name}"
    )


def _anchor(finding: Finding, spec: dict[str, Any]) -> tuple[str, str]:
    """(form section id, field id) a finding links to; the field id may be '' (section only)."""
    match = _CONTAINER_PATH.search(finding.path)
    if match:
        group, index = match.group(1), int(match.group(2))
        items = spec.get(group)
        if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
            key = _best_key(match.group(3), CONTAINER_KEYS)
            prefix = f"c{GROUPS[group]}{index}"
            return container_dom_id(group, items[index]), _dom(prefix, key) if key else ""
    match = _VOLUME_PATH.search(finding.path)
    if match:
        index = int(match.group(1))
        volumes = spec.get("volumes")
        if isinstance(volumes, list) and index < len(volumes) and isinstance(volumes[index], dict):
            key = _best_key(match.group(2), VOLUME_KEYS)
            section = f"form-volume-{volumes[index].get('name', index)}"
            return section, _dom(f"v{index}", key) if key else ""
    tail = _TEMPLATE_PREFIX.sub("", finding.path)
    key = _best_key(tail, POD_KEYS)
    return "form-pod", _dom("pod", POD_PATHS[key]) if key else ""


# Findings drawn in the panel at most: a 1,000-container import has over 10,000 of them, and the
# panel is re-rendered on every keystroke. The counts and the downloads (bundle.zip, the lint
# API and CLI) always hold all of them.
FINDINGS_LIMIT = 300


def findings_groups(findings: list[Finding], document: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings grouped by container, worst first, each with the form section and field it is about."""
    spec = pod_spec(document)
    order = {"error": 0, "warning": 1, "info": 2}
    groups: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        section_id, field_id = _anchor(finding, spec)
        # Plain dicts: the findings panel is re-rendered on every keystroke, and dict lookups are
        # the cheapest thing a Django template can resolve.
        groups.setdefault(finding.container or "", []).append(
            {
                "severity": finding.severity,
                "rule": finding.rule,
                "path": finding.path,
                "message": finding.message,
                "hint": finding.hint,
                "line": finding.line,
                "waived": finding.waived,
                "section": section_id,
                "field": field_id,
                "href": field_id or section_id,
            }
        )
    result = []
    budget, rest = FINDINGS_LIMIT, 0
    for name, items in sorted(groups.items(), key=lambda kv: (_worst(kv[1], order), kv[0] != "", kv[0])):
        ranked = sorted(items, key=lambda i: (i["waived"] is not None, order.get(i["severity"], 3)))
        # Worst groups come first, so what is cut is the least urgent; the counts stay complete.
        shown, budget = ranked[: max(budget, 0)], budget - len(ranked)
        if shown:
            result.append({"name": name, "items": shown, "hidden": len(ranked) - len(shown)})
        else:
            rest += len(ranked)
    if rest:
        result.append({"name": "", "items": [], "hidden": rest, "rest": True})
    return result


def _worst(items: list[dict[str, Any]], order: dict[str, int]) -> int:
    """Groups with unwaived errors come first, then warnings: what needs fixing is on top."""
    return min((order.get(i["severity"], 3) for i in items if i["waived"] is None), default=3)
