"""The editor's Django-side glue: working copy <-> posted fields <-> domain core.

The editor is stateless on the server: the page carries the whole working copy (document,
companions, roles) as JSON in a hidden field, with the revision number the edit started from.
Each post decodes it, applies either the visible form fields (through pod.forms_model) or the
YAML tab, then the requested action (structural edit or pattern action), and analyses the result
(lint, diagram, YAML preview). Nothing here knows about HTTP; views stay thin.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from designer.pod import edits
from designer.pod.findings import Finding, count_by_severity
from designer.pod.manifest import ManifestError, dump_yaml, load_manifest
from designer.pod.roles import (
    Role,
    Roles,
    apply_role_annotations,
    decode_roles,
    roles_for,
    strip_role_annotations,
)
from designer.pod.workloads import pod_spec
from designer.revisions import Content, normalise_roles

# Fresh things the structural actions add; every name is made unique in the pod.
NEW_CONTAINER: dict[str, Any] = {
    "name": "helper",
    "image": "busybox:1.36",
    "command": ["sh", "-c", "sleep infinity"],
}
NEW_INIT_CONTAINER: dict[str, Any] = {
    "name": "init",
    "image": "busybox:1.36",
    "command": ["sh", "-c", "true"],
}
NEW_VOLUMES: dict[str, dict[str, Any]] = {
    "emptyDir": {"emptyDir": {}},
    "configMap": {"configMap": {"name": "my-config"}},
    "secret": {"secret": {"secretName": "my-secret"}},
    "persistentVolumeClaim": {"persistentVolumeClaim": {"claimName": "my-claim"}},
    "hostPath": {"hostPath": {"path": "/var/lib/data", "type": "DirectoryOrCreate"}},
    "projected": {
        "projected": {"sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]}
    },
    "downwardAPI": {
        "downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}
    },
}


class EditorInputError(ValueError):
    """The posted working copy cannot be read (tampered with or truncated)."""


@dataclass
class WorkingCopy:
    """What is being edited: a revision's content, possibly changed, and where the edit began."""

    document: dict[str, Any]
    companions: list[dict[str, Any]]
    roles: dict[str, str]
    base: int | None = None

    @classmethod
    def from_content(cls, content: Content, base: int | None) -> WorkingCopy:
        return cls(
            copy.deepcopy(content.document), copy.deepcopy(content.companions), dict(content.roles), base
        )

    @classmethod
    def decode(cls, text: str, base: str | int | None) -> WorkingCopy:
        try:
            data = json.loads(text)
            document, companions, roles = (
                data["document"],
                data.get("companions") or [],
                data.get("roles") or {},
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EditorInputError(f"the working copy cannot be read: {exc}") from None
        except RecursionError:
            raise EditorInputError("the working copy cannot be read: it is nested too deeply") from None
        if not isinstance(document, dict) or not isinstance(companions, list) or not isinstance(roles, dict):
            raise EditorInputError("the working copy has the wrong shape")
        try:
            number = int(base) if base not in (None, "") else None
        except (TypeError, ValueError):
            raise EditorInputError("the base revision number is not a number") from None
        return cls(document, companions, {str(k): str(v) for k, v in roles.items()}, number)

    def encode(self) -> str:
        # Key order is kept (json keeps dict order): unknown fields survive the round trip.
        return json.dumps(
            {"document": self.document, "companions": self.companions, "roles": self.roles},
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @property
    def role_map(self) -> Roles:
        result: Roles = {}
        for name, value in self.roles.items():
            try:
                result[name] = Role(value)
            except ValueError:
                continue
        return result

    def set_roles(self, roles: Roles) -> None:
        self.roles = {name: Role(role).value for name, role in roles.items()}

    def content(self) -> Content:
        return Content(copy.deepcopy(self.document), copy.deepcopy(self.companions), dict(self.roles))

    def normalise(self) -> None:
        """Roles for exactly the containers present (new ones inferred, removed ones dropped)."""
        self.roles = normalise_roles(self.document, self.roles)


@dataclass
class Analysis:
    """What the panels show for a working copy."""

    yaml_text: str
    findings: list[Finding]
    counts: dict[str, int]
    svg: str = ""
    render_error: str = ""
    lifecycle_svg: str = ""


def exported(working: WorkingCopy) -> dict[str, Any]:
    """The workload as downloaded and linted: the roles travel as annotations."""
    roles = working.role_map
    return apply_role_annotations(working.document, roles) if roles else working.document


def yaml_of(working: WorkingCopy) -> str:
    """The manifest as the YAML tab and the downloads show it (roles as annotations)."""
    return dump_yaml([exported(working), *working.companions])


def apply_yaml(working: WorkingCopy, text: str) -> WorkingCopy:
    """The working copy the YAML tab describes; ManifestError (line, column) when it is invalid.

    Role annotations in the YAML decide the roles; without them the current roles are kept for
    the containers that still exist and inferred for new ones.
    """
    manifest = load_manifest(text)
    document = manifest.document
    declared = decode_roles(document)
    if declared is not None:
        roles = {name: role.value for name, role in roles_for(document, manifest.companions).items()}
        document = strip_role_annotations(document)
    else:
        roles = dict(working.roles)
    result = WorkingCopy(document, list(manifest.companions), roles, working.base)
    result.normalise()
    return result


def analyse(working: WorkingCopy, version: str, draw: bool = True, pss: str | None = None) -> Analysis:
    """Lint, draw and dump the working copy: the three live panels of the editor.

    pss: the PodSecurity level the design's namespace enforces (None: not checked).
    """
    from designer.pod.diagram import build_dot, build_lifecycle_dot
    from designer.pod.rules.lint import lint

    # Lint what the YAML tab shows, so that paths and lines point into that text.
    document = exported(working)
    text = dump_yaml([document, *working.companions])
    try:
        line_map = load_manifest(text).line_map
    except ManifestError:
        line_map = None
    findings = lint(
        document,
        version=version,
        roles=working.role_map,
        line_map=line_map,
        pss=pss,
        companions=working.companions,
    )
    analysis = Analysis(text, findings, count_by_severity(findings))
    if draw:
        analysis.svg, analysis.render_error = draw_svg(
            build_dot(
                working.document, working.role_map, findings, version, pss=pss, companions=working.companions
            )
        )
        # The start/stop order only changes with the containers, so its render is mostly cached.
        analysis.lifecycle_svg, _ = draw_svg(build_lifecycle_dot(working.document, working.role_map))
    return analysis


def draw_svg(dot: str) -> tuple[str, str]:
    """(svg, "") or ("", a message for the user): a render failure never breaks the editor."""
    from designer.pod.render import RenderError, sanitize_svg

    try:
        return sanitize_svg(render_bytes(dot, "svg")).decode("utf-8"), ""
    except RenderError as exc:
        return "", f"The diagram could not be drawn: {exc}"


_cache_wired = False


def render_bytes(dot: str, fmt: str) -> bytes:
    """pod.render with the engine from settings and Django's cache shared between workers."""
    global _cache_wired
    from django.conf import settings
    from django.core.cache import cache

    from designer.pod import render

    if not _cache_wired:
        # Renders are keyed by a hash of the DOT and engine: safe to share between processes.
        # Looked up on each call, so the cache in force (CACHES, REDIS_URL) is the one used.
        render.set_shared_cache(
            lambda key: cache.get(key), lambda key, value: cache.set(key, value, 24 * 3600)
        )
        _cache_wired = True
    return render.render(dot, fmt, engine=settings.POD_DESIGNER_GRAPHVIZ or None)


# --- actions -------------------------------------------------------------------------------


def _typed_reason(post: Any, action: str) -> str:
    # One rule can fire several times for a container: each finding has its own reason box with
    # the same name, so take whichever one the user typed in.
    key = f"waive-reason:{action.partition(':')[2]}"
    values = post.getlist(key) if hasattr(post, "getlist") else [post.get(key, "")]
    return next((v for v in values if isinstance(v, str) and v.strip()), "")


def perform(working: WorkingCopy, action: str, reason: str = "") -> WorkingCopy:
    """Apply one button's action ('verb' or 'verb:arg:...'); EditError when it cannot be done.

    `reason` is the text typed next to a "Waive" button (waive:<rule>:<container>).
    """
    from designer.pod.actions import ACTIONS

    verb, _, arg = action.partition(":")
    doc, roles = working.document, working.role_map
    if verb == "pattern":
        if arg not in ACTIONS:
            raise edits.EditError(f"unknown pattern action {arg!r}")
        doc, roles = ACTIONS[arg].fn(doc, roles)
    elif verb == "add-container":
        doc, roles = _add(doc, roles, NEW_CONTAINER, Role.SIDECAR, init=False)
    elif verb == "add-init-container":
        doc, roles = _add(doc, roles, NEW_INIT_CONTAINER, Role.INIT, init=True)
    elif verb == "remove-container":
        doc, roles = edits.remove_container(doc, roles, arg)
    elif verb == "duplicate-container":
        doc, roles = edits.duplicate_container(doc, roles, arg)
    elif verb in ("up-container", "down-container"):
        doc = edits.move_container(doc, arg, -1 if verb == "up-container" else 1)
    elif verb in ("native-sidecar", "classic-sidecar"):
        doc, roles = edits.set_native_sidecar(doc, roles, arg, verb == "native-sidecar")
    elif verb == "add-volume":
        if arg not in NEW_VOLUMES:
            raise edits.EditError(f"unknown volume type {arg!r}")
        name = edits.unique_name(set(volume_names(doc)), "data" if arg == "emptyDir" else arg.lower())
        doc = edits.add_volume(doc, {"name": name, **copy.deepcopy(NEW_VOLUMES[arg])})
    elif verb == "remove-volume":
        doc = edits.remove_volume(doc, arg)
    elif verb == "duplicate-volume":
        doc = edits.duplicate_volume(doc, arg)
    elif verb in ("up-volume", "down-volume"):
        doc = edits.move_volume(doc, arg, -1 if verb == "up-volume" else 1)
    elif verb in ("waive", "unwaive"):
        rule, _, container = arg.partition(":")
        if verb == "waive":
            doc = edits.set_waiver(doc, rule, container or None, reason)
        else:
            doc = edits.remove_waiver(doc, rule, container or None)
    else:
        raise edits.EditError(f"unknown action {action!r}")
    result = WorkingCopy(doc, working.companions, {}, working.base)
    result.set_roles(roles)
    result.normalise()
    return result


def _add(doc: dict[str, Any], roles: Roles, template: dict[str, Any], role: Role, init: bool) -> Any:
    names = set(roles) | {c.get("name") for c in containers_of(doc)}
    new = {**copy.deepcopy(template), "name": edits.unique_name({n for n in names if n}, template["name"])}
    return edits.add_container(doc, roles, new, role, init=init)


def containers_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(document)
    lists = [spec.get(key) for key in ("initContainers", "containers")]
    return [c for items in lists if isinstance(items, list) for c in items if isinstance(c, dict)]


def volume_names(document: dict[str, Any]) -> list[str]:
    return [
        v["name"]
        for v in _as_list(pod_spec(document).get("volumes"))
        if isinstance(v, dict) and isinstance(v.get("name"), str)
    ]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def is_dirty(working: WorkingCopy, saved: Content | None) -> bool:
    if saved is None:
        return True
    return (working.document, working.companions, normalise_roles(working.document, working.roles)) != (
        saved.document,
        list(saved.companions),
        normalise_roles(saved.document, saved.roles),
    )


def yaml_diff(theirs: str, mine: str, theirs_label: str, mine_label: str) -> str:
    """A unified diff of two manifests, for the conflict screen."""
    return "".join(
        difflib.unified_diff(
            theirs.splitlines(keepends=True), mine.splitlines(keepends=True), theirs_label, mine_label, n=3
        )
    )


# --- the editor's request cycle --------------------------------------------------------------


@dataclass
class EditorState:
    """Everything one rendering of the editor needs."""

    working: WorkingCopy
    version: str
    analysis: Analysis
    yaml_text: str
    source: str = "form"
    yaml_error: ManifestError | None = None
    edit_error: str = ""
    input_error: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)
    structural: bool = False
    acted: bool = False
    dirty: bool = False
    message: str = ""
    # The heads (name, image, role...) of the items as the page drew them, by form prefix: the
    # preview redraws the heads that the typed fields changed (a rename, a new role).
    drawn_heads: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # The PodSecurity level the namespace enforces ("" = not checked), saved with the design.
    pss: str = ""

    @property
    def swap_yaml(self) -> bool:
        """Replace the YAML tab unless the user is typing in it (caret kept) and nothing else moved."""
        return self.source == "form" or self.acted


def open_editor(design: Any) -> EditorState:
    """The editor over the latest revision, unchanged."""
    content = Content.of(design.latest) if design.latest else Content({}, [], {})
    working = WorkingCopy.from_content(content, design.latest.number if design.latest else None)
    working.normalise()
    analysis = analyse(working, design.k8s_version, pss=design.pss)
    return EditorState(
        working, design.k8s_version, analysis, analysis.yaml_text, structural=True, pss=design.pss_level
    )


def process(design: Any, post: Any, action: str = "") -> EditorState:
    """Decode the posted working copy, apply the fields or the YAML, then the action; analyse."""
    from designer.models import K8S_VERSIONS, PSS_CHOICES

    try:
        working = WorkingCopy.decode(post.get("working", ""), post.get("base"))
    except EditorInputError as exc:
        state = open_editor(design)
        state.input_error = f"{exc}; the editor was reloaded from the latest revision."
        return state
    version = post.get("k8s_version") if post.get("k8s_version") in K8S_VERSIONS else design.k8s_version
    pss = post.get("pss") if post.get("pss") in {value for value, _ in PSS_CHOICES} else design.pss_level
    drawn = item_heads(working)
    drawn_names = (_container_names(working.document), volume_names(working.document))
    source = "yaml" if action == "apply-yaml" or post.get("source") == "yaml" else "form"
    yaml_error: ManifestError | None = None
    field_errors: dict[str, str] = {}
    structural = False
    if source == "yaml":
        try:
            working = apply_yaml(working, post.get("yaml", ""))
            structural = True
        except ManifestError as exc:
            yaml_error = exc
    else:
        from designer.editor_forms import apply_fields

        working, field_errors = apply_fields(working, post)
    edit_error = ""
    acted = bool(action) and action not in ("apply", "apply-yaml") and yaml_error is None
    if acted:
        try:
            action = follow_renames(action, drawn_names, working.document)
            working = perform(working, action, reason=_typed_reason(post, action))
            structural = True
        except edits.EditError as exc:
            edit_error = str(exc)
    analysis = analyse(working, version, pss=pss or None)
    saved = Content.of(design.latest) if design.latest else None
    return EditorState(
        working,
        version,
        analysis,
        post.get("yaml", "") if yaml_error else analysis.yaml_text,
        source=source,
        yaml_error=yaml_error,
        edit_error=edit_error,
        field_errors=field_errors,
        structural=structural,
        acted=acted,
        # Broken YAML is an edit not yet in the working copy: unsaved, so the leave guard asks.
        dirty=(
            yaml_error is not None
            or is_dirty(working, saved)
            or version != design.k8s_version
            or pss != design.pss_level
        ),
        message=str(post.get("message", ""))[:500],
        drawn_heads=drawn,
        pss=pss,
    )


def item_heads(working: WorkingCopy) -> dict[str, tuple[Any, ...]]:
    """What each container and volume head shows (summary, which buttons), by form prefix."""
    from designer.editor_forms import form_sections

    sections = form_sections(working, {}, with_fields=False)
    return {item["prefix"]: head_key(item) for item in [*sections["containers"], *sections["volumes"]]}


def head_key(item: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(item.get(k) for k in ("name", "image", "role", "native", "group", "step", "type"))


def _container_names(document: dict[str, Any]) -> list[str]:
    return [str(c.get("name", "")) for c in containers_of(document)]


CONTAINER_VERBS = ("remove-container", "duplicate-container", "up-container", "down-container")
SIDECAR_VERBS = ("native-sidecar", "classic-sidecar")
VOLUME_VERBS = ("remove-volume", "duplicate-volume", "up-volume", "down-volume")


def follow_renames(action: str, drawn: tuple[list[str], list[str]], document: dict[str, Any]) -> str:
    """The action with its item's current name, when the item was renamed in its form.

    A button names its container or volume as the page drew it; the fields posted with it may
    rename that item (typed just before the click, or without JavaScript in the same post).
    Fields never move items, so the item keeps its position: follow it there.
    """
    verb, _, arg = action.partition(":")
    if verb in CONTAINER_VERBS or verb in SIDECAR_VERBS:
        before, now = drawn[0], _container_names(document)
    elif verb in VOLUME_VERBS:
        before, now = drawn[1], volume_names(document)
    else:
        return action
    if arg in now or arg not in before or len(before) != len(now):
        return action
    return f"{verb}:{now[before.index(arg)]}"


def conflict_context(design: Any, state: EditorState, current: Any) -> dict[str, Any]:
    """Both versions side by side: theirs (the latest revision) and mine (the working copy)."""
    theirs = WorkingCopy.from_content(Content.of(current), current.number)
    theirs_yaml = yaml_of(theirs)
    mine_yaml = state.analysis.yaml_text
    mine_base = state.working.base
    state.working.base = current.number  # "save mine on top" builds on the revision that won
    diff = yaml_diff(theirs_yaml, mine_yaml, f"revision {current.number} (theirs)", "your changes (mine)")
    kinds = {"+": "added", "-": "removed", "@": "hunk"}
    return {
        "diff_lines": [
            {"kind": kinds.get(line[:1], "context"), "text": line.rstrip("\n")}
            for line in diff.splitlines(True)
        ],
        "theirs": current,
        "theirs_yaml": theirs_yaml,
        "mine_yaml": mine_yaml,
        "diff": diff,
        "mine_base": mine_base,
    }


def store_version(design: Any, version: str, pss: str | None = None) -> None:
    """The target version and the enforced PodSecurity level belong to the design, saved with the revision."""
    changed: dict[str, str] = {}
    if version != design.k8s_version:
        changed["k8s_version"] = version
    if pss is not None and pss != design.pss_level:
        changed["pss_level"] = pss
    if changed:
        type(design).objects.filter(pk=design.pk).update(**changed)
        for name, value in changed.items():
            setattr(design, name, value)


def page_context(
    state: EditorState, design: Any, with_forms: bool = True, shown_digest: str = ""
) -> dict[str, Any]:
    """What the templates need beyond the state: form sections, findings, choices, action lists.

    shown_digest is the digest of the findings panel the browser shows; when the findings have
    not changed the preview leaves that panel out (typing in an image tag changes no finding).
    """
    from django.urls import reverse

    from designer.editor_forms import findings_groups, form_sections
    from designer.models import K8S_VERSIONS, PSS_CHOICES
    from designer.pod.actions import ACTIONS
    from designer.pod.workloads import WORKLOAD_KINDS

    groups = findings_groups(state.analysis.findings, state.working.document)
    digest = hashlib.sha1(json.dumps(groups, sort_keys=True).encode(), usedforsecurity=False).hexdigest()[:16]
    changed_heads: dict[str, list[dict[str, Any]]] = {"containers": [], "volumes": []}
    if not with_forms and state.drawn_heads and item_heads(state.working) != state.drawn_heads:
        # Typing renamed an item (or changed its role, image, type): redraw its summary and
        # action buttons, so that they name it as it now is; its fields stay as typed.
        heads = form_sections(state.working, {}, with_fields=False)
        for kind in changed_heads:
            changed_heads[kind] = [
                item for item in heads[kind] if state.drawn_heads.get(item["prefix"]) != head_key(item)
            ]
    return {
        "preview_url": reverse("designer:preview", args=[design.pk]),
        # The forms are built only when they are drawn (full page, or after an action / YAML edit).
        "sections": form_sections(state.working, state.field_errors) if with_forms else None,
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
    }
