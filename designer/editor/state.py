"""The working copy of the editor and what is done to it: YAML applied, actions, analysis.

A WorkingCopy is what a Draft holds (document, companions, roles, the revision it started
from); this module knows nothing about HTTP or the database. drafts.py stores working copies,
posted.py writes posted form fields into one, panels.py draws one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer.pod import edits, source
from designer.pod.findings import Finding, count_by_severity
from designer.pod.manifest import ManifestError, dump_yaml_mapped, load_manifest, load_stream
from designer.pod.roles import (
    DEFAULT_CONTAINER_ANNOTATION,
    Role,
    Roles,
    apply_role_annotations,
    decode_roles,
    roles_for,
    strip_role_annotations,
)
from designer.pod.workloads import pod_metadata, pod_spec
from designer.revisions import NORMALISED_MESSAGE, Content, normalise_roles

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


@dataclass
class WorkingCopy:
    """What is being edited: a revision's content, possibly changed, and where the edit began."""

    document: dict[str, Any]
    companions: list[dict[str, Any]]
    roles: dict[str, str]
    base: int | None = None
    # The workload's place among its companions; None keeps the latest revision's.
    position: int | None = None
    # The user's text of the stream (DESIGN.md §2), without the role annotations: it loads to
    # exactly the documents. "" stands for the canonical dump, as for revisions without a text.
    source_text: str = ""
    # Set by an edit whose patch did not load to the new document: the text became the
    # canonical dump (the status tells the user in one line). Not stored.
    normalised: bool = False

    @classmethod
    def from_content(cls, content: Content, base: int | None) -> WorkingCopy:
        return cls(
            copy.deepcopy(content.document),
            copy.deepcopy(content.companions),
            dict(content.roles),
            base,
            content.position,
            content.source_text or "",
        )

    def documents(self, document: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The stream in the order of the text, with `document` in place of the workload."""
        workload = self.document if document is None else document
        return source.stream_documents(workload, self.companions, self.position or 0)

    def replaced(self, document: dict[str, Any], roles: Roles) -> WorkingCopy:
        """The same edit with a new document and roles (roles normalised to its containers); the
        text carries the change as a minimal patch (a canonical text stays canonical)."""
        text, normalised = self.source_text, False
        if text:
            patched = source.patch_text(text, self.documents(), self.documents(document))
            text, normalised = patched.text, patched.normalised
        result = WorkingCopy(document, self.companions, {}, self.base, self.position, text, normalised)
        result.set_roles(roles)
        result.normalise()
        return result

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
        """What a save of this copy stores: its text too ("" lets the save derive it)."""
        return Content(
            copy.deepcopy(self.document),
            copy.deepcopy(self.companions),
            dict(self.roles),
            self.position,
            source_text=self.source_text or None,
        )

    @property
    def notice(self) -> str:
        return NORMALISED_MESSAGE if self.normalised else ""

    def normalise(self) -> None:
        """Roles for exactly the containers present (new ones inferred, removed ones dropped)."""
        self.roles = normalise_roles(self.document, self.roles)


@dataclass
class Analysis:
    """What the panels show for a working copy."""

    yaml_text: str
    findings: list[Finding]
    counts: dict[str, int]
    # The diagrams as DOT: the editor page sends these and the browser lays them out (live_diagram.js).
    dot: str = ""
    lifecycle_dot: str = ""
    # Server renders, only when asked (draw=True): the layout is the costly part of a preview.
    svg: str = ""
    render_error: str = ""
    lifecycle_svg: str = ""


def exported(working: WorkingCopy) -> dict[str, Any]:
    """The workload as downloaded and linted: the roles travel as annotations."""
    roles = working.role_map
    return apply_role_annotations(working.document, roles) if roles else working.document


def yaml_of(working: WorkingCopy) -> str:
    """The manifest as the YAML tab and the downloads show it (roles as annotations)."""
    return shown_text(working)[0]


def shown_text(working: WorkingCopy) -> tuple[str, dict[str, tuple[int, int]]]:
    """The YAML tab's text and the (line, column) of each field path of the workload in it.

    The user's text with the role-annotation lines patched in, or the canonical dump (workload
    first) when the draft has no text of the user's.
    """
    document = exported(working)
    if not working.source_text:
        return dump_yaml_mapped([document, *working.companions])
    text, loaded = working.source_text, None
    if document is not working.document:
        patched, loaded = source.patch_loaded(text, working.documents(), working.documents(document))
        text = patched.text
    try:
        return text, (loaded or load_stream(text)).line_maps[working.position or 0]
    except (ManifestError, IndexError):  # not expected: the text loads to the documents
        return text, {}


def apply_yaml(working: WorkingCopy, text: str) -> WorkingCopy:
    """The working copy the YAML tab describes; ManifestError (line, column) when it is invalid.

    Role annotations in the YAML decide the roles; without them the current roles are kept for
    the containers that still exist and inferred for new ones. The text typed is the draft's
    text (comments and all), with the role-annotation lines taken out again.
    """
    text = _same_newlines(text, working.source_text)
    manifest = load_manifest(text)
    document = manifest.document
    position = manifest.position
    typed = source.stream_documents(document, list(manifest.companions), position)
    source.refuse_oversized(text, typed)
    declared = decode_roles(document)
    normalised = False
    if declared is not None:
        roles = {name: role.value for name, role in roles_for(document, manifest.companions).items()}
        document = _without_added_default(strip_role_annotations(document), working.document, roles)
        stripped = source.stream_documents(document, list(manifest.companions), position)
        patched = source.patch_text(text, typed, stripped)
        text, normalised = patched.text, patched.normalised
    else:
        roles = dict(working.roles)
    result = WorkingCopy(document, list(manifest.companions), roles, working.base, position, text, normalised)
    result.normalise()
    return result


def _without_added_default(
    document: dict[str, Any], before: dict[str, Any], roles: dict[str, str]
) -> dict[str, Any]:
    """The document without the default-container annotation the YAML tab showed beside the
    roles (exported() adds it for the main), unless the document had it already."""
    if DEFAULT_CONTAINER_ANNOTATION in (pod_metadata(before).get("annotations") or {}):
        return document
    annotations = pod_metadata(document).get("annotations")
    main = next((name for name, role in roles.items() if role == Role.MAIN.value), None)
    if not isinstance(annotations, dict) or main is None:
        return document
    if annotations.get(DEFAULT_CONTAINER_ANNOTATION) != main:
        return document
    result = copy.deepcopy(document)
    meta = pod_metadata(result)
    meta["annotations"].pop(DEFAULT_CONTAINER_ANNOTATION)
    if not meta["annotations"]:
        meta.pop("annotations")
    return result


def _same_newlines(typed: str, text: str) -> str:
    """The typed text with the line ends of the draft's text: a browser posts a textarea with
    CRLF, which must not turn every line of an LF file into a change."""
    typed = typed.replace("\r\n", "\n")
    return typed.replace("\n", "\r\n") if "\r\n" in text else typed


def analyse(working: WorkingCopy, version: str, draw: bool = False, pss: str | None = None) -> Analysis:
    """Lint, build the diagrams' DOT and dump the working copy: the three live panels of the editor.

    pss: the PodSecurity level the design's namespace enforces (None: not checked).
    draw: also lay the diagrams out on the server (SVG); the editor leaves that to the browser.
    """
    from designer.pod.diagram import build_dot, build_lifecycle_dot
    from designer.pod.rules.lint import lint

    # Lint what the YAML tab shows, so that paths and lines point into that text.
    document = exported(working)
    text, line_map = shown_text(working)
    findings = lint(
        document,
        version=version,
        roles=working.role_map,
        line_map=line_map,
        pss=pss,
        companions=working.companions,
    )
    analysis = Analysis(text, findings, count_by_severity(findings))
    analysis.dot = build_dot(
        working.document, working.role_map, findings, version, pss=pss, companions=working.companions
    )
    analysis.lifecycle_dot = build_lifecycle_dot(working.document, working.role_map)
    if draw:
        analysis.svg, analysis.render_error = draw_svg(analysis.dot)
        # The start/stop order only changes with the containers, so its render is mostly cached.
        analysis.lifecycle_svg, _ = draw_svg(analysis.lifecycle_dot)
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


Document = dict[str, Any]
Action = Callable[[Document, Roles, str, str], tuple[Document, Roles]]


def _pattern(doc: Document, roles: Roles, arg: str, reason: str) -> tuple[Document, Roles]:
    from designer.pod.actions import ACTIONS

    if arg not in ACTIONS:
        raise edits.EditError(f"unknown pattern action {arg!r}")
    return ACTIONS[arg].fn(doc, roles)


def _add_volume(doc: Document, arg: str) -> Document:
    if arg not in NEW_VOLUMES:
        raise edits.EditError(f"unknown volume type {arg!r}")
    name = edits.unique_name(set(volume_names(doc)), "data" if arg == "emptyDir" else arg.lower())
    return edits.add_volume(doc, {"name": name, **copy.deepcopy(NEW_VOLUMES[arg])})


def _waiver(verb: str) -> Action:
    def act(doc: Document, roles: Roles, arg: str, reason: str) -> tuple[Document, Roles]:
        rule, _, container = arg.partition(":")
        if verb == "waive":
            return edits.set_waiver(doc, rule, container or None, reason), roles
        return edits.remove_waiver(doc, rule, container or None), roles

    return act


# verb -> what the button does: (document, roles, argument, typed reason) -> (document, roles).
ACTIONS: dict[str, Action] = {
    "pattern": _pattern,
    "add-container": lambda d, r, a, _: _add(d, r, NEW_CONTAINER, Role.SIDECAR, init=False),
    "add-init-container": lambda d, r, a, _: _add(d, r, NEW_INIT_CONTAINER, Role.INIT, init=True),
    "remove-container": lambda d, r, a, _: edits.remove_container(d, r, a),
    "duplicate-container": lambda d, r, a, _: edits.duplicate_container(d, r, a),
    "up-container": lambda d, r, a, _: (edits.move_container(d, a, -1), r),
    "down-container": lambda d, r, a, _: (edits.move_container(d, a, 1), r),
    "native-sidecar": lambda d, r, a, _: edits.set_native_sidecar(d, r, a, True),
    "classic-sidecar": lambda d, r, a, _: edits.set_native_sidecar(d, r, a, False),
    "add-volume": lambda d, r, a, _: (_add_volume(d, a), r),
    "remove-volume": lambda d, r, a, _: (edits.remove_volume(d, a), r),
    "duplicate-volume": lambda d, r, a, _: (edits.duplicate_volume(d, a), r),
    "up-volume": lambda d, r, a, _: (edits.move_volume(d, a, -1), r),
    "down-volume": lambda d, r, a, _: (edits.move_volume(d, a, 1), r),
    "waive": _waiver("waive"),
    "unwaive": _waiver("unwaive"),
}


def chosen_action(post: Any, action: str) -> tuple[str, str]:
    """The action a button names and the reason typed for it.

    The findings panel has one "Waive" button (action "waive"): the finding it waives is chosen
    in waive-target (<rule>:<container>) and the reason typed in waive-reason.
    """
    if action != "waive":
        return action, ""
    target = post.get("waive-target", "")
    reason = post.get("waive-reason", "")
    target = target if isinstance(target, str) else ""
    return f"waive:{target}", reason.strip() if isinstance(reason, str) else ""


def perform(working: WorkingCopy, action: str, reason: str = "") -> WorkingCopy:
    """Apply one button's action ('verb' or 'verb:arg:...'); EditError when it cannot be done."""
    verb, _, arg = action.partition(":")
    if verb not in ACTIONS:
        raise edits.EditError(f"unknown action {action!r}")
    doc, roles = ACTIONS[verb](working.document, working.role_map, arg, reason)
    return working.replaced(doc, roles)


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
