"""The editor's form fields <-> the document: pure and lossless, driven by the field table.

The contract that makes a round trip lossless (`apply_x_fields(x, x_fields(x)) == x`, key
order included):
  * x_fields emits a field only when the form can show its value exactly; a value it cannot
    (env with an unusual valueFrom, an argument with a line break...) is left out, and the
    editor offers YAML for it. A field missing from `fields` is never touched by
    apply_x_fields; neither is a field posted empty whose current value the form cannot show.
  * apply_x_fields leaves a field alone when its text equals what x_fields shows for the
    current value (so `cpu: 1` stays an int, `"1"` stays a string), sets it otherwise (new
    keys go last, existing keys keep their place; unchanged list items are reused as they
    were), and removes the key when the text is empty (and the parents that this leaves empty).
Impossible input (a word where a number belongs) raises EditError naming the field.
"""

from __future__ import annotations

import copy
from typing import Any

from designer.editor.fields import CONTAINER, CONTAINER_HANDLERS, POD, VOLUME, VOLUME_TYPES
from designer.editor.values import Kind
from designer.pod.edits import EditError
from designer.pod.workloads import WORKLOAD_KINDS, template_keys

_MISSING = object()
# (key, codec) of the fields with a value codec, in table order.
CONTAINER_FIELDS = [(row.key, row.codec) for row in CONTAINER.values() if row.codec is not None]
VOLUME_FIELDS = [(row.key, row.codec) for row in VOLUME.values() if row.codec is not None]


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
    # Browsers post textareas with CRLF; line breaks at the ends are not part of a list.
    text = text.replace("\r\n", "\n").strip("\r\n") if kind.multiline else text.strip()
    if shown is not None and text == shown:
        return
    if text == "" or (kind.multiline and not text.strip()):
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


def _shown(item: dict[str, Any], rows: list[tuple[str, Any]]) -> dict[str, str]:
    """The fields of a container or volume the editor can show exactly, by name."""
    result: dict[str, str] = {}
    for name, kind in rows:
        text = _read(item, name, kind)
        if text is not None:
            result[name] = text
    return result


# --- public API ----------------------------------------------------------------------------


def container_fields(container: dict[str, Any]) -> dict[str, str]:
    """The values the editor shows for a container (fields it cannot show exactly are left out)."""
    result = _shown(container, CONTAINER_FIELDS)
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
    for name, row in POD.items():
        assert row.codec is not None
        node = _anchor(document, row.anchor, create=False)
        text = "" if node is None else _read(node, row.path, row.codec)
        if text is not None:
            result[name] = text
    return result


def apply_pod_fields(document: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """A copy of the document with the posted pod fields written back (others untouched)."""
    result = copy.deepcopy(document)
    for name, row in POD.items():
        if name not in fields or row.codec is None:
            continue
        node = _anchor(result, row.anchor, create=bool(fields[name].strip()))
        if node is not None:
            _write(node, row.path, row.codec, fields[name], name)
    return result


def _volume_type(volume: dict[str, Any]) -> str | None:
    sources = [k for k in volume if k != "name"]
    return sources[0] if len(sources) == 1 else None


def volume_fields(volume: dict[str, Any]) -> dict[str, str]:
    """The values the editor shows for a volume; `type` names its source (any kind)."""
    result = _shown(volume, VOLUME_FIELDS)
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
        target = chosen if switching else current
        if source != "name" and target is not None and source != target:
            continue  # fields of a source the volume does not have (or is leaving)
        _write(result, name, kind, fields[name], name)
    if switching:
        for key in [k for k in result if k not in ("name", chosen)]:
            del result[key]
        result.setdefault(chosen, {})
    elif current is not None and current not in result:
        result[current] = {}  # emptying the last field keeps the source itself (emptyDir: {})
    return result
