"""The editor's form fields: layout and labels over pod.forms_model, and posted fields -> document.

Post names: `pod-<field>`, `c<g><i>-<field>` for a container (g = i for initContainers, c for
containers, i = index), `v<i>-<field>` for a volume; <field> is forms_model's dotted name, plus
`role`, `volumeMounts` and `envFrom`, which this module reads and writes itself (one a line).
A field the form cannot show exactly (env with valueFrom, a probe with two handlers...) is shown
as "edit in YAML", is never posted and so never touched.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from designer.pod import edits, forms_model
from designer.pod.findings import Finding
from designer.pod.roles import Role, is_native_sidecar
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
        else (["sidecar", "adapter", "ambassador"] if init else ["main", "sidecar", "adapter", "ambassador"])
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
        keys = (
            [k for k, _ in forms_model._probe_fields(probe)] if hasattr(forms_model, "_probe_fields") else []
        )
        groups.append(FieldGroup(_label(probe)[0], fields([f"{probe}.handler", *keys]), open=False))
    for hook in HOOKS:
        keys = [k for k, _ in forms_model._hook_fields(hook)] if hasattr(forms_model, "_hook_fields") else []
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


def form_sections(working: Any, errors: dict[str, str]) -> dict[str, Any]:
    """The pod, container and volume forms of a working copy, in document order."""
    document = working.document
    spec = pod_spec(document)
    roles = working.roles
    pod_shown = forms_model.pod_fields(document)
    pod = {"fields": [make_field("pod", k, pod_shown, errors) for k in forms_model.POD_FIELDS]}
    containers = []
    step = 0
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
            containers.append(
                {
                    "dom_id": container_dom_id(group, c),
                    "name": name,
                    "image": str(c.get("image", "")),
                    "group": group,
                    "index": index,
                    "role": role,
                    "native": native,
                    "init": init,
                    "step": step,
                    "groups": [] if yaml_only else _container_groups(prefix, c, role, init, errors),
                    "yaml_only": yaml_only,
                    "has_error": any(k.startswith(prefix + "-") for k in errors),
                    "open": role == "main" or any(k.startswith(prefix + "-") for k in errors),
                }
            )
    volumes = []
    for index, v in enumerate(_as_list(spec.get("volumes"))):
        if not isinstance(v, dict):
            continue
        if len(volumes) >= FORM_LIMIT:
            name = str(v.get("name", ""))
            kind = next((k for k in v if k != "name"), "?")
            volumes.append(
                {"dom_id": f"form-volume-{name or index}", "name": name, "type": kind, "index": index}
                | {"fields": [], "yaml_only": True}
            )
            continue
        shown = forms_model.volume_fields(v)
        kind = shown.get("type", "")
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
        return apply(obj, fields)
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
                    updated = _write_list(updated, key, text)
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
            source, _, field_name = key.partition(".")
            fmt, parse = VOLUME_CODECS[source][1]
            if not isinstance(updated.get(source), dict):
                continue
            try:
                updated = _write_source_list(updated, source, field_name, text, fmt, parse)
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


def _write_list(container: dict[str, Any], key: str, text: str) -> dict[str, Any]:
    """Write one of LIST_CODECS' fields back: unchanged text leaves the list as it was."""
    fmt, parse = LIST_CODECS[key]
    current = container.get(key)
    shown = fmt(current) if current is not None else ""
    text = text.replace("\r\n", "\n").strip("\n")  # browsers post textareas with CRLF
    if shown is not None and text == shown:
        return container
    if shown is None and not text.strip():
        return container  # never posted for values the form cannot show; be safe anyway
    result = copy.deepcopy(container)
    items = parse(text)
    if not items:
        result.pop(key, None)
        return result
    pool = [i for i in current or [] if isinstance(i, dict)] if isinstance(current, list) else []
    merged = []
    for item in items:
        match = next((o for o in pool if o == item), None)
        if match is not None:
            pool.remove(match)
        merged.append(copy.deepcopy(match) if match is not None else item)
    result[key] = merged
    return result


# --- volumeMounts and envFrom, one a line ----------------------------------------------------

_PLAIN = re.compile(r"^\S+$")


def format_mounts(mounts: Any) -> str | None:
    """'logs /var/log/app ro subPath=x' lines; None when a mount has more than the form shows."""
    if mounts is None:
        return ""
    if not isinstance(mounts, list):
        return None
    lines = []
    for m in mounts:
        if not isinstance(m, dict) or not set(m) <= {"name", "mountPath", "readOnly", "subPath"}:
            return None
        name, path = m.get("name"), m.get("mountPath")
        if not (
            isinstance(name, str) and _PLAIN.match(name) and isinstance(path, str) and _PLAIN.match(path)
        ):
            return None
        words = [name, path]
        if "readOnly" in m:
            if not isinstance(m["readOnly"], bool):
                return None
            words.append("ro" if m["readOnly"] else "rw")
        if "subPath" in m:
            if not (isinstance(m["subPath"], str) and _PLAIN.match(m["subPath"])):
                return None
            words.append(f"subPath={m['subPath']}")
        lines.append(" ".join(words))
    return "\n".join(lines)


def parse_mounts(text: str) -> list[dict[str, Any]]:
    result = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if len(words) < 2:
            raise edits.EditError(f"volumeMounts: {line.strip()!r}: expected VOLUME /mount/path")
        mount: dict[str, Any] = {"name": words[0], "mountPath": words[1]}
        for word in words[2:]:
            if word in ("ro", "rw"):
                mount["readOnly"] = word == "ro"
            elif word.startswith("subPath="):
                mount["subPath"] = word.partition("=")[2]
            else:
                raise edits.EditError(f"volumeMounts: {word!r}: expected ro, rw or subPath=")
        result.append(mount)
    return result


def format_env_from(sources: Any) -> str | None:
    """'configMap NAME prefix=X optional=true' lines; None when a source has more than that."""
    if sources is None:
        return ""
    if not isinstance(sources, list):
        return None
    lines = []
    for s in sources:
        if not isinstance(s, dict):
            return None
        refs = [k for k in s if k in ("configMapRef", "secretRef")]
        if len(refs) != 1 or not set(s) <= {refs[0], "prefix"}:
            return None
        ref = s[refs[0]]
        if (
            not isinstance(ref, dict)
            or not set(ref) <= {"name", "optional"}
            or not isinstance(ref.get("name"), str)
        ):
            return None
        if not _PLAIN.match(ref["name"]):
            return None
        words = ["configMap" if refs[0] == "configMapRef" else "secret", ref["name"]]
        if "prefix" in s:
            if not (isinstance(s["prefix"], str) and _PLAIN.match(s["prefix"])):
                return None
            words.append(f"prefix={s['prefix']}")
        if "optional" in ref:
            if not isinstance(ref["optional"], bool):
                return None
            words.append(f"optional={'true' if ref['optional'] else 'false'}")
        lines.append(" ".join(words))
    return "\n".join(lines)


def parse_env_from(text: str) -> list[dict[str, Any]]:
    result = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if len(words) < 2 or words[0] not in ("configMap", "secret"):
            raise edits.EditError(f"envFrom: {line.strip()!r}: expected configMap NAME or secret NAME")
        source: dict[str, Any] = {}
        ref: dict[str, Any] = {"name": words[1]}
        for word in words[2:]:
            key, _, value = word.partition("=")
            if key == "prefix":
                source["prefix"] = value
            elif key == "optional" and value in ("true", "false"):
                ref["optional"] = value == "true"
            else:
                raise edits.EditError(f"envFrom: {word!r}: expected prefix=X or optional=true")
        result.append({"configMapRef" if words[0] == "configMap" else "secretRef": ref, **source})
    return result


_ENV_NAME = re.compile(r"^[^\s=]+$")
_VALUE_FROM = re.compile(r"^([^\s=]+)\s+<-\s+(\S+)\s*(.*)$")
# valueFrom kind -> (the word in the form, positional keys, optional key=value keys)
_ENV_SOURCES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "secretKeyRef": ("secret", ("name", "key"), ("optional",)),
    "configMapKeyRef": ("configMap", ("name", "key"), ("optional",)),
    "fieldRef": ("field", ("fieldPath",), ("apiVersion",)),
    "resourceFieldRef": ("resource", ("resource",), ("containerName", "divisor")),
    "fileKeyRef": ("file", ("volumeName", "path", "key"), ("optional",)),
}
_ENV_WORDS = {word: kind for kind, (word, _, _) in _ENV_SOURCES.items()}


def format_env(env: Any) -> str | None:
    """One variable a line: 'NAME=value', 'NAME', or 'NAME <- secret S KEY optional=true',
    '<- configMap C KEY', '<- field metadata.name', '<- resource limits.cpu containerName=app
    divisor=1Mi', '<- file VOLUME PATH KEY'; None when an entry has more than that."""
    if not isinstance(env, list):
        return None
    lines = []
    for item in env:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not _ENV_NAME.match(item["name"])
        ):
            return None
        name = item["name"]
        if set(item) == {"name"}:
            lines.append(name)
        elif set(item) == {"name", "value"} and isinstance(item["value"], str) and "\n" not in item["value"]:
            if "\r" in item["value"]:
                return None
            lines.append(f"{name}={item['value']}")
        elif (
            set(item) == {"name", "valueFrom"}
            and isinstance(item["valueFrom"], dict)
            and len(item["valueFrom"]) == 1
        ):
            ((kind, ref),) = item["valueFrom"].items()
            if kind not in _ENV_SOURCES or not isinstance(ref, dict):
                return None
            word, positional, optional = _ENV_SOURCES[kind]
            if not set(positional) <= set(ref) or not set(ref) <= {*positional, *optional}:
                return None
            words = [name, "<-", word]
            for key in positional:
                if not (isinstance(ref[key], str) and _PLAIN.match(ref[key])):
                    return None
                words.append(ref[key])
            for key in optional:
                if key in ref:
                    value = ref[key]
                    if isinstance(value, bool):
                        words.append(f"{key}={'true' if value else 'false'}")
                    elif isinstance(value, str) and _PLAIN.match(value) and value not in ("true", "false"):
                        words.append(f"{key}={value}")
                    else:
                        return None
            # Only keys in the canonical order round-trip exactly; anything else stays in YAML.
            if list(ref) != [k for k in (*positional, *optional) if k in ref]:
                return None
            lines.append(" ".join(words))
        else:
            return None
    return "\n".join(lines)


def parse_env(text: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _VALUE_FROM.match(line.strip())
        if match:
            name, word, rest = match.groups()
            if word not in _ENV_WORDS:
                raise edits.EditError(f"env: {word!r}: expected one of {', '.join(_ENV_WORDS)}")
            kind = _ENV_WORDS[word]
            _, positional, optional = _ENV_SOURCES[kind]
            values = rest.split()
            if len(values) < len(positional):
                raise edits.EditError(
                    f"env: {line.strip()!r}: {word} needs {' '.join(k.upper() for k in positional)}"
                )
            ref: dict[str, Any] = dict(zip(positional, values, strict=False))
            for word_ in values[len(positional) :]:
                key, sep, value = word_.partition("=")
                if not sep or key not in optional:
                    raise edits.EditError(
                        f"env: {word_!r}: expected {' or '.join(k + '=' for k in optional)}"
                    )
                ref[key] = value == "true" if key == "optional" else value
            result.append({"name": name, "valueFrom": {kind: ref}})
        else:
            name, sep, value = line.partition("=")
            if not name.strip():
                raise edits.EditError(f"env: {line!r}: expected NAME=value")
            result.append({"name": name.strip(), "value": value} if sep else {"name": name.strip()})
    return result


# Container list fields this module shows and writes itself: field -> (format, parse).
LIST_CODECS: dict[str, tuple[Any, Any]] = {
    "env": (format_env, parse_env),
    "envFrom": (format_env_from, parse_env_from),
    "volumeMounts": (format_mounts, parse_mounts),
}


def _write_source_list(
    volume: dict[str, Any], source: str, key: str, text: str, fmt: Any, parse: Any
) -> dict[str, Any]:
    current = volume[source].get(key)
    shown = fmt(current) if current is not None else ""
    text = text.replace("\r\n", "\n").strip("\n")
    if (shown is not None and text == shown) or (shown is None and not text.strip()):
        return volume
    result = copy.deepcopy(volume)
    items = parse(text)
    old = [i for i in current if isinstance(i, dict)] if isinstance(current, list) else []
    merged = []
    for item in items:
        match = next((o for o in old if o == item), None)
        if match is not None:
            old.remove(match)
        merged.append(copy.deepcopy(match) if match is not None else item)
    if merged:
        result[source][key] = merged
    else:
        result[source].pop(key, None)
    return result


# --- downwardAPI items and projected sources, one a line ------------------------------------

_ITEM_SOURCES = {"fieldRef": ("field", ("fieldPath",)), "resourceFieldRef": ("resource", ("resource",))}
_ITEM_OPTIONAL = {"fieldRef": ("apiVersion",), "resourceFieldRef": ("containerName", "divisor")}


def format_downward_items(items: Any) -> str | None:
    """'labels <- field metadata.labels' / 'cpu <- resource limits.cpu containerName=app' lines."""
    if not isinstance(items, list):
        return None
    lines = []
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("path"), str)
            or not _PLAIN.match(item["path"])
        ):
            return None
        refs = [k for k in item if k in _ITEM_SOURCES]
        if len(refs) != 1 or list(item) != ["path", refs[0]] or not isinstance(item[refs[0]], dict):
            return None
        kind, ref = refs[0], item[refs[0]]
        word, (first,) = _ITEM_SOURCES[kind]
        order = [first, *_ITEM_OPTIONAL[kind]]
        if first not in ref or list(ref) != [k for k in order if k in ref]:
            return None
        if not all(isinstance(ref[k], str) and _PLAIN.match(ref[k]) for k in ref):
            return None
        extra = [f"{k}={ref[k]}" for k in order[1:] if k in ref]
        lines.append(" ".join([item["path"], "<-", word, ref[first], *extra]))
    return "\n".join(lines)


def parse_downward_items(text: str) -> list[dict[str, Any]]:
    result = []
    words_of = {word: kind for kind, (word, _) in _ITEM_SOURCES.items()}
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if len(words) < 4 or words[1] != "<-" or words[2] not in words_of:
            raise edits.EditError(
                f"items: {line.strip()!r}: expected PATH <- field FIELDPATH or PATH <- resource NAME"
            )
        kind = words_of[words[2]]
        ref: dict[str, Any] = {_ITEM_SOURCES[kind][1][0]: words[3]}
        for word in words[4:]:
            key, sep, value = word.partition("=")
            if not sep or key not in _ITEM_OPTIONAL[kind]:
                raise edits.EditError(
                    f"items: {word!r}: expected {' or '.join(k + '=' for k in _ITEM_OPTIONAL[kind])}"
                )
            ref[key] = value
        result.append({"path": words[0], kind: ref})
    return result


def format_projected_sources(sources: Any) -> str | None:
    """'configMap NAME', 'secret NAME', 'serviceAccountToken PATH expirationSeconds=3600 audience=x'."""
    if not isinstance(sources, list):
        return None
    lines = []
    for source in sources:
        if not isinstance(source, dict) or len(source) != 1:
            return None
        ((kind, body),) = source.items()
        if not isinstance(body, dict):
            return None
        if kind in ("configMap", "secret") and list(body) == ["name"] and isinstance(body["name"], str):
            if not _PLAIN.match(body["name"]):
                return None
            lines.append(f"{kind} {body['name']}")
        elif (
            kind == "serviceAccountToken" and isinstance(body.get("path"), str) and _PLAIN.match(body["path"])
        ):
            order = ["path", "expirationSeconds", "audience"]
            if list(body) != [k for k in order if k in body]:
                return None
            words = [kind, body["path"]]
            if "expirationSeconds" in body:
                if not isinstance(body["expirationSeconds"], int) or isinstance(
                    body["expirationSeconds"], bool
                ):
                    return None
                words.append(f"expirationSeconds={body['expirationSeconds']}")
            if "audience" in body:
                if not (isinstance(body["audience"], str) and _PLAIN.match(body["audience"])):
                    return None
                words.append(f"audience={body['audience']}")
            lines.append(" ".join(words))
        else:
            return None
    return "\n".join(lines)


def parse_projected_sources(text: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] in ("configMap", "secret") and len(words) == 2:
            result.append({words[0]: {"name": words[1]}})
        elif words[0] == "serviceAccountToken" and len(words) >= 2:
            body: dict[str, Any] = {"path": words[1]}
            for word in words[2:]:
                key, sep, value = word.partition("=")
                if key == "expirationSeconds" and sep and value.isdigit():
                    body[key] = int(value)
                elif key == "audience" and sep and value:
                    body[key] = value
                else:
                    raise edits.EditError(f"sources: {word!r}: expected expirationSeconds=N or audience=X")
            result.append(
                {
                    "serviceAccountToken": dict(
                        sorted(
                            body.items(),
                            key=lambda kv: ["path", "expirationSeconds", "audience"].index(kv[0]),
                        )
                    )
                }
            )
        else:
            raise edits.EditError(
                f"sources: {line.strip()!r}: expected configMap NAME, secret NAME or serviceAccountToken PATH"
            )
    return result


# Volume sources whose forms this module draws: type -> (field, (format, parse)).
VOLUME_CODECS: dict[str, tuple[str, tuple[Any, Any]]] = {
    "downwardAPI": ("downwardAPI.items", (format_downward_items, parse_downward_items)),
    "projected": ("projected.sources", (format_projected_sources, parse_projected_sources)),
}
CODEC_FIELDS = {key for key, _ in VOLUME_CODECS.values()}


# --- findings -> fields ----------------------------------------------------------------------

_CONTAINER_PATH = re.compile(r"(?:^|\.)(initContainers|containers)\[(\d+)\]\.?(.*)$")
_VOLUME_PATH = re.compile(r"(?:^|\.)volumes\[(\d+)\]\.?(.*)$")
_INDEX = re.compile(r"\[[^\]]*\]")


def _best_key(rest: str, keys: list[str]) -> str | None:
    plain = _INDEX.sub("", rest)
    best = None
    for key in keys:
        if (plain == key or plain.startswith(key + ".")) and (best is None or len(key) > len(best)):
            best = key
    return best


CONTAINER_KEYS = [
    *(k for k, _ in forms_model.CONTAINER_FIELDS),
    *forms_model.CONTAINER_HANDLERS,
    "role",
    "volumeMounts",
    "envFrom",
]
VOLUME_KEYS = ["name", "type", *(k for k, _ in forms_model.VOLUME_FIELDS)]
# The pod fields by the path of their value below the pod template: 'spec.hostNetwork' -> 'hostNetwork'.
POD_PATHS = {
    (f"spec.{path}" if anchor == "spec" else path): key
    for key, (anchor, path, _) in forms_model.POD_FIELDS.items()
}
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
    key = _best_key(tail, list(POD_PATHS))
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
