"""One editor request: the tab's draft, the post applied to it (fields or YAML, then a button's
action, or undo/redo), the draft written, the result analysed. Nothing here draws HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from designer.editor import drafts
from designer.editor.posted import GROUPS, apply_fields
from designer.editor.state import (
    Analysis,
    WorkingCopy,
    analyse,
    apply_yaml,
    chosen_action,
    containers_of,
    perform,
    volume_names,
)
from designer.models import K8S_VERSIONS, PSS_CHOICES, Design
from designer.pod import edits
from designer.pod.manifest import ManifestError
from designer.pod.roles import is_native_sidecar
from designer.pod.source import canonical, is_json
from designer.pod.workloads import pod_spec
from designer.revisions import normalise_roles

# Buttons that do not edit the draft: the views handle them.
PAGE_ACTIONS = ("save", "fork", "discard", "undo", "redo", "apply", "apply-yaml", "")


@dataclass
class EditorState:
    """Everything one rendering of the editor needs."""

    snapshot: drafts.Snapshot
    analysis: Analysis
    yaml_text: str
    tab: str
    source: str = "form"
    yaml_error: ManifestError | None = None
    edit_error: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)
    # The forms must be redrawn (an action, YAML applied, undo/redo): items moved or appeared.
    structural: bool = False
    acted: bool = False
    dirty: bool = False
    message: str = ""
    # The heads (name, image, role...) of the items before this post, by form prefix: the
    # preview redraws the heads that the typed fields changed (a rename, a new role).
    drawn_heads: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # Containers whose fields the page shows although the pod is large (panels.LAZY_ABOVE).
    expanded: frozenset[str] = frozenset()

    @property
    def working(self) -> WorkingCopy:
        return self.snapshot.working

    @property
    def version(self) -> str:
        return self.snapshot.version

    @property
    def pss(self) -> str:
        return self.snapshot.pss

    @property
    def notice(self) -> str:
        """One line for the status: the edit normalised the text's formatting."""
        return self.working.notice

    @property
    def swap_yaml(self) -> bool:
        """Replace the YAML tab unless the user is typing in it (caret kept) and nothing else moved."""
        return self.source == "form" or self.acted


def is_dirty(design: Design, snapshot: drafts.Snapshot) -> bool:
    """The tab differs from the latest revision (or builds on an older one)."""
    latest = design.latest
    if latest is None:
        return True
    working = snapshot.working
    return (
        working.base != latest.number
        or (working.document, working.companions) != (latest.document, list(latest.companions or []))
        or normalise_roles(working.document, working.roles) != normalise_roles(latest.document, latest.roles)
        or (snapshot.version, snapshot.pss) != (design.k8s_version, design.pss_level)
        or text_differs(working, latest.source_text)
    )


def text_differs(working: WorkingCopy, saved_text: str) -> bool:
    """The draft's text is not the saved one ("" for either standing for the canonical dump);
    called once the documents are known to be equal."""
    if working.source_text == saved_text:
        return False
    if working.source_text and saved_text:
        return True
    text = working.source_text or saved_text
    return text != canonical(working.documents(), is_json(text))


def open_tab(design: Design, user: Any, tab: str) -> EditorState:
    """The editor as the tab left it: its draft, or the latest revision."""
    snapshot = drafts.load(design, drafts.find(design, user, tab))
    return _state(design, snapshot, tab, structural=True)


def _state(design: Design, snapshot: drafts.Snapshot, tab: str, **fields: Any) -> EditorState:
    analysis = analyse(snapshot.working, snapshot.version, pss=snapshot.pss or None)
    state = EditorState(snapshot, analysis, analysis.yaml_text, tab, **fields)
    state.dirty = state.yaml_error is not None or is_dirty(design, snapshot)
    return state


def step(design: Design, user: Any, tab: str, delta: int) -> EditorState:
    """Undo (-1) or redo (+1) in the tab's draft."""
    draft = drafts.find(design, user, tab)
    moved = draft is not None and drafts.move(draft, delta)
    state = _state(design, drafts.load(design, draft), tab, structural=True, acted=True)
    if not moved:
        state.edit_error = "nothing to undo" if delta < 0 else "nothing to redo"
    return state


def process(design: Design, user: Any, tab: str, post: Any, action: str = "") -> EditorState:
    """Apply the posted fields or the YAML, then the action; write the draft; analyse."""
    before = drafts.load(design, drafts.find(design, user, tab), post.get("base"))
    version = post.get("k8s_version") if post.get("k8s_version") in K8S_VERSIONS else before.version
    pss = post.get("pss") if post.get("pss") in {value for value, _ in PSS_CHOICES} else before.pss
    working = before.working
    drawn = head_keys(working)
    drawn_names = (_container_names(working.document), volume_names(working.document))
    source = "yaml" if action == "apply-yaml" or post.get("source") == "yaml" else "form"
    yaml_error: ManifestError | None = None
    field_errors: dict[str, str] = {}
    structural = False
    label = "fields"
    if source == "yaml":
        try:
            working = apply_yaml(working, post.get("yaml", ""))
            structural, label = True, "YAML"
        except ManifestError as exc:
            yaml_error = exc
    else:
        working, field_errors = apply_fields(working, post)
    edit_error = ""
    acted = action not in PAGE_ACTIONS and yaml_error is None
    if acted:
        try:
            action, reason = chosen_action(post, action)
            action = follow_renames(action, drawn_names, working.document)
            working = perform(working, action, reason=reason)
            structural, label = True, action
        except edits.EditError as exc:
            edit_error = str(exc)
    after = drafts.Snapshot(working, version, pss, before.draft)
    after.draft = drafts.record(design, user, tab, before, after, label)
    if after.draft is not None and after.draft.step != (before.draft.step if before.draft else 0):
        after.redo = False  # a new step ends the redo stack
    analysis = analyse(working, version, pss=pss or None)
    state = EditorState(
        after,
        analysis,
        post.get("yaml", "") if yaml_error else analysis.yaml_text,
        tab,
        source=source,
        yaml_error=yaml_error,
        edit_error=edit_error,
        field_errors=field_errors,
        structural=structural,
        acted=acted,
        message=str(post.get("message", ""))[:500],
        drawn_heads=drawn,
    )
    # Broken YAML is an edit not yet in the draft: unsaved, so the leave guard asks.
    state.dirty = yaml_error is not None or is_dirty(design, after)
    return state


def head_keys(working: WorkingCopy) -> dict[str, tuple[Any, ...]]:
    """What each container and volume head shows (name, image, role...), by form prefix.

    A light walk over the document, not the form sections: the preview compares the heads
    before and after a post, and builds the sections only once.
    """
    spec = pod_spec(working.document)
    result: dict[str, tuple[Any, ...]] = {}
    step_number = 0
    for group, letter in GROUPS.items():
        items = spec.get(group)
        for index, c in enumerate(items if isinstance(items, list) else []):
            if not isinstance(c, dict):
                continue
            native = is_native_sidecar(c)
            init = group == "initContainers"
            if init and not native:
                step_number += 1
            name = str(c.get("name", ""))
            role = working.roles.get(name, "init" if init and not native else "sidecar")
            result[f"c{letter}{index}"] = (name, str(c.get("image", "")), role, native, group, step_number)
    volumes = spec.get("volumes")
    for index, v in enumerate(volumes if isinstance(volumes, list) else []):
        if isinstance(v, dict):
            kind = next((k for k in v if k != "name"), "?")
            result[f"v{index}"] = (str(v.get("name", "")), kind)
    return result


def item_head_key(item: dict[str, Any]) -> tuple[Any, ...]:
    """head_keys' tuple for an item of the form sections."""
    if item["prefix"].startswith("v"):
        return (item["name"], item["type"])
    return tuple(item.get(k) for k in ("name", "image", "role", "native", "group", "step"))


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
