"""Posted form fields -> the working copy.

Post names: `pod-<key>`, `c<g><i>-<key>` for a container (g = i for initContainers, c for
containers, i = its index), `v<i>-<key>` for a volume; <key> is the field table's key
(designer/editor/fields.py). A field the form cannot show exactly is drawn as "edit in YAML",
is never posted and so never touched.
"""

from __future__ import annotations

import copy
from typing import Any

from designer.editor import document_fields
from designer.editor.fields import LISTED_VOLUME_TYPES
from designer.editor.state import NEW_VOLUMES, WorkingCopy
from designer.pod import edits
from designer.pod.roles import Role
from designer.pod.workloads import pod_spec

GROUPS = {"initContainers": "i", "containers": "c"}


def container_prefix(group: str, index: int) -> str:
    return f"c{GROUPS[group]}{index}"


def _by_prefix(post: Any) -> dict[str, dict[str, str]]:
    """Posted fields grouped by form: {'cc0': {'image': ...}, 'pod': {...}, 'v1': {...}}."""
    result: dict[str, dict[str, str]] = {}
    for key in post:
        prefix, sep, name = key.partition("-")
        if sep and name and (prefix == "pod" or prefix[:1] in ("c", "v")):
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


def apply_fields(working: WorkingCopy, post: Any) -> tuple[WorkingCopy, dict[str, str]]:
    """The working copy with every posted field written back; field errors by post name.

    Order matters: pod fields, then containers (a rename cascades into annotations), then
    volumes (a rename cascades into the mounts just written).
    """
    errors: dict[str, str] = {}
    document = working.document
    roles = working.role_map
    posted_forms = _by_prefix(post)
    if not posted_forms:
        return working, errors
    pod_posted = posted_forms.get("pod", {})
    if pod_posted:
        document = _apply(document_fields.apply_pod_fields, document, pod_posted, "pod", errors)
    document = copy.deepcopy(document) if document is working.document else document
    spec = pod_spec(document)
    renames: list[tuple[str, str, str]] = []
    for group in GROUPS:
        items = spec.get(group)
        if not isinstance(items, list):
            continue
        for index, c in enumerate(items):
            prefix = container_prefix(group, index)
            posted = dict(posted_forms.get(prefix, {}))
            if not isinstance(c, dict) or not posted:
                continue
            role = posted.pop("role", None)
            new_name = posted.pop("name", None)
            items[index] = _apply(document_fields.apply_container_fields, c, posted, prefix, errors)
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
    volumes = spec.get("volumes")
    for index, v in enumerate(volumes if isinstance(volumes, list) else []):
        prefix = f"v{index}"
        posted = dict(posted_forms.get(prefix, {}))
        if not isinstance(v, dict) or not posted:
            continue
        new_name = posted.pop("name", None)
        kind = posted.get("type", "")
        if kind in LISTED_VOLUME_TYPES:
            posted.pop("type")
            if kind not in v:
                # A source edited by its list of items: start it from a template (mounts keep the name).
                spec["volumes"][index] = {"name": v.get("name"), **copy.deepcopy(NEW_VOLUMES[kind])}
                continue
        spec["volumes"][index] = _apply(document_fields.apply_volume_fields, v, posted, prefix, errors)
        if new_name is not None and new_name.strip() != v.get("name"):
            volume_renames.append((prefix, str(v.get("name")), new_name.strip()))
    for prefix, old, new in volume_renames:
        try:
            document = edits.rename_volume(document, old, new)
        except edits.EditError as exc:
            errors[f"{prefix}-name"] = str(exc)
    return working.replaced(document, roles), errors
