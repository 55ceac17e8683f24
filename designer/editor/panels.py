"""What the editor's panels show, from a working copy: the forms, the findings by field.

Each request builds the sections once (panels.sections) and the templates draw them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from designer.editor import document_fields
from designer.editor.fields import (
    CONTAINER,
    HOOKS,
    POD,
    PROBE_TITLES,
    PROBES,
    VOLUME,
    hook_keys,
    probe_keys,
)
from designer.editor.posted import GROUPS, container_prefix
from designer.editor.state import WorkingCopy
from designer.editor.widgets import FormField, dom_id, make_field
from designer.pod.findings import Finding
from designer.pod.roles import explain_roles_for, is_native_sidecar
from designer.pod.workloads import pod_spec


@dataclass
class FieldGroup:
    title: str
    fields: list[FormField]
    open: bool = True


# --- sections ------------------------------------------------------------------------------


def _role_reasons(working: WorkingCopy) -> dict[str, tuple[str, str]]:
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
    shown = document_fields.container_fields(container)
    shown["role"] = role

    def fields(keys: list[str]) -> list[FormField]:
        return [make_field(prefix, CONTAINER[k], shown, errors) for k in keys]

    role_field = make_field(prefix, CONTAINER["role"], shown, errors)
    native = is_native_sidecar(container)
    if init and not native:
        allowed = ["init"]
    elif init:
        allowed = ["sidecar", "adapter", "ambassador", "mesh-proxy"]
    else:
        allowed = ["main", "sidecar", "adapter", "ambassador", "mesh-proxy"]
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
        FieldGroup("Resources", fields([k for k in CONTAINER if k.startswith("resources.")]), open=False),
    ]
    for probe in PROBES:
        groups.append(FieldGroup(PROBE_TITLES[probe], fields(probe_keys(probe)), open=False))
    for hook in HOOKS:
        groups.append(FieldGroup(f"Lifecycle: {hook}", fields(hook_keys(hook)), open=False))
    security = [k for k in CONTAINER if k.startswith("securityContext.")]
    groups.append(FieldGroup("Security context", fields(security), open=False))
    groups.append(FieldGroup("Termination", fields(["terminationMessagePolicy"]), open=False))
    return groups


def _as_list(value: Any) -> list[Any]:
    """A list field of the spec, or [] when it is malformed (a tampered or odd document)."""
    return value if isinstance(value, list) else []


# Full forms for this many containers (and volumes); past that the page would grow to tens of
# megabytes (a 1,000-container import drew 38 MB), so the rest are listed and edited in YAML.
FORM_LIMIT = 40
# Past this many containers, a container's or volume's fields are drawn when its section is
# opened (htmx asks for them; without JavaScript a link reloads the page with them): ~80 fields
# each made the page of a 12-container pod 460 KB. Those with an error are drawn at once; the
# main container's section is open and asks for its fields as the page loads.
LAZY_ABOVE = 4


def form_sections(
    working: WorkingCopy,
    errors: dict[str, str],
    with_fields: bool = True,
    expanded: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The pod, container and volume forms of a working copy, in document order.

    Without fields only the heads (summary and action buttons) are built: the preview redraws
    those of an item renamed in its form, the fields being typed in staying as they are.
    `expanded`: the prefixes of containers whose fields are drawn although the pod is large.
    """
    document = working.document
    spec = pod_spec(document)
    roles = working.roles
    lazy = sum(len(_as_list(spec.get(group))) for group in GROUPS) > LAZY_ABOVE
    pod_lazy = lazy and POD_PREFIX not in expanded and not any(k.startswith("pod-") for k in errors)
    pod: dict[str, Any] = {"fields": [], "lazy": pod_lazy, "open": lazy and POD_PREFIX in expanded}
    if with_fields and not pod_lazy:  # heads only: twice per keystroke in the live preview
        pod_shown = document_fields.pod_fields(document)
        pod["fields"] = [make_field(POD_PREFIX, row, pod_shown, errors) for row in POD.values()]
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
            has_error = any(k.startswith(prefix + "-") for k in errors)
            collapsed = lazy and not yaml_only and not has_error and prefix not in expanded
            with_groups = with_fields and not yaml_only and not collapsed
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
                    "lazy": collapsed,
                    "has_error": has_error,
                    "open": role == "main" or has_error or (lazy and prefix in expanded),
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
        shown = document_fields.volume_fields(v)
        kind = shown.get("type", "")
        keys = ["name", "type"] + [k for k in VOLUME if kind and k.startswith(kind + ".")]
        prefix = f"v{index}"
        has_error = any(k.startswith(prefix + "-") for k in errors)
        collapsed = lazy and not has_error and prefix not in expanded
        volumes.append(
            {
                "dom_id": f"form-volume-{v.get('name', index)}",
                "name": str(v.get("name", "")),
                "type": kind or next((k for k in v if k != "name"), "?"),
                "index": index,
                "prefix": prefix,
                "fields": [make_field(prefix, VOLUME[k], shown, errors) for k in keys]
                if with_fields and not collapsed
                else [],
                "lazy": collapsed,
                "open": has_error or (lazy and prefix in expanded),
            }
        )
    return {"pod": pod, "containers": containers, "volumes": volumes, "limit": FORM_LIMIT}


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


CONTAINER_KEYS = tuple(CONTAINER)
VOLUME_KEYS = tuple(VOLUME)
# The pod fields by the path of their value below the pod template: 'spec.hostNetwork' -> 'hostNetwork'.
POD_PATHS = {(f"spec.{row.path}" if row.anchor == "spec" else row.path): key for key, row in POD.items()}
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
            prefix = container_prefix(group, index)
            return container_dom_id(group, items[index]), dom_id(prefix, key) if key else ""
    match = _VOLUME_PATH.search(finding.path)
    if match:
        index = int(match.group(1))
        volumes = spec.get("volumes")
        if isinstance(volumes, list) and index < len(volumes) and isinstance(volumes[index], dict):
            key = _best_key(match.group(2), VOLUME_KEYS)
            section = f"form-volume-{volumes[index].get('name', index)}"
            return section, dom_id(f"v{index}", key) if key else ""
    tail = _TEMPLATE_PREFIX.sub("", finding.path)
    key = _best_key(tail, POD_KEYS)
    return "form-pod", dom_id("pod", POD_PATHS[key]) if key else ""


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
    hinted: set[tuple[str, str]] = set()
    for name, items in sorted(groups.items(), key=lambda kv: (_worst(kv[1], order), kv[0] != "", kv[0])):
        ranked = sorted(items, key=lambda i: (i["waived"] is not None, order.get(i["severity"], 3)))
        # Worst groups come first, so what is cut is the least urgent; the counts stay complete.
        shown, budget = ranked[: max(budget, 0)], budget - len(ranked)
        for item in shown:
            # A hint is said once: the same advice under each of twelve containers was noise
            # (and 6 KB of the page). Its rule's page has it too.
            said = (item["rule"], item["hint"])
            item["hint"] = "" if said in hinted else item["hint"]
            hinted.add(said)
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


def single_quoted(text: str) -> SafeString:
    """Text for an HTML attribute written in single quotes: only &, <, > and ' are escaped.

    A DOT text is mostly double quotes: escaped as &quot; they made the diagram's attribute half
    again as large (43 KB instead of 28 KB at 12 containers), and it is sent on every keystroke.
    """
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;")
    return mark_safe(escaped)  # noqa: S308 - escaped just above for a single-quoted attribute


def waivable(groups: list[dict[str, Any]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The findings the one "Waive" form can name, by container in panel order: (group label,
    [(rule:container, rule)]).

    One form for the panel, not one per finding: 57 of them made a 12-container pod's page
    30 KB heavier. Info findings need no waiver, and a rule is waived per container.
    """
    result = []
    for group in groups:
        name = group["name"]
        rules: dict[str, str] = {}
        for item in group["items"]:
            if item["waived"] is None and item["severity"] != "info" and item["rule"] != "INTERNAL":
                rules.setdefault(f"{item['rule']}:{name}", item["rule"])
        if rules:
            result.append((f"container {name}" if name else "the pod", list(rules.items())))
    return result


def page_context(state: Any, design: Any, with_forms: bool = True, shown_digest: str = "") -> dict[str, Any]:
    """What the templates need beyond the state: form sections, findings, choices, action lists.

    The form sections are built once per request: in full when the forms are drawn (the whole
    page, or after an action, YAML or undo), else only their heads, to redraw the heads a typed
    rename or role change made stale. shown_digest is the digest of the findings panel the
    browser shows; when the findings have not changed the preview leaves that panel out.
    """
    from django.urls import reverse

    from designer.editor.editing import item_head_key
    from designer.editor.state import NEW_VOLUMES
    from designer.models import K8S_VERSIONS, PSS_CHOICES
    from designer.pod.actions import ACTIONS
    from designer.pod.workloads import WORKLOAD_KINDS

    groups = findings_groups(state.analysis.findings, state.working.document)
    digest = hashlib.sha1(json.dumps(groups, sort_keys=True).encode(), usedforsecurity=False).hexdigest()[:16]
    sections = form_sections(
        state.working, state.field_errors, with_fields=with_forms, expanded=state.expanded
    )
    changed_heads: dict[str, list[dict[str, Any]]] = {"containers": [], "volumes": []}
    if not with_forms and state.drawn_heads:
        for kind in changed_heads:
            changed_heads[kind] = [
                item
                for item in sections[kind]
                if state.drawn_heads.get(item["prefix"]) != item_head_key(item)
            ]
    return {
        "preview_url": reverse("designer:preview", args=[design.pk]),
        "sections": sections,
        "expanded": ",".join(sorted(state.expanded)),
        "changed_heads": changed_heads,
        "findings_groups": groups,
        "findings_digest": digest,
        "findings_unchanged": digest == shown_digest,
        "pod_has_error": any(k.startswith("pod-") for k in state.field_errors),
        "versions": K8S_VERSIONS,
        "pss_choices": PSS_CHOICES,
        "pattern_actions": list(ACTIONS.values()),
        "volume_types": list(NEW_VOLUMES),
        "kinds": list(WORKLOAD_KINDS),
        "doc_kind": str(state.working.document.get("kind") or "Pod"),
        "waivable": waivable(groups),
        "diagram_dot": single_quoted(state.analysis.dot or ""),
        "lifecycle_dot": single_quoted(state.analysis.lifecycle_dot or ""),
        "lifecycle_shown": LIFECYCLE in state.expanded,
    }


def item_section(working: WorkingCopy, prefix: str) -> tuple[str, dict[str, Any]] | None:
    """The pod's, one container's or one volume's section with its fields (a lazily drawn one
    being opened): ("pod", "container" or "volume", the section); None if absent or past the
    form limit."""
    sections = form_sections(working, {}, expanded=frozenset([prefix]))
    if prefix == POD_PREFIX:
        return "pod", sections["pod"]
    for c in sections["containers"]:
        if c["prefix"] == prefix and c["groups"]:
            return "container", c
    for v in sections["volumes"]:
        if v["prefix"] == prefix and v["fields"]:
            return "volume", v
    return None


# The start/stop drawing, drawn when its section opens: its DOT was 7 KB of every page and preview.
LIFECYCLE = "lifecycle"
# The pod's own fields (a large pod draws them when "Pod settings" opens, as for its containers).
POD_PREFIX = "pod"


def expanded_prefixes(value: str) -> frozenset[str]:
    """The `open` parameter: what the page draws in full although it is closed at first: container
    and volume prefixes ('cc3,ci0,v2'), the pod's fields (POD_PREFIX) and the start/stop drawing
    (LIFECYCLE)."""
    return frozenset(
        p
        for p in value.split(",")[:200]
        if p in (LIFECYCLE, POD_PREFIX) or re.fullmatch(r"c[ci]\d{1,5}|v\d{1,5}", p)
    )
