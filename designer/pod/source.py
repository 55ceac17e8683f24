"""The text the user wrote, kept beside the document: patched minimally, checked on every save.

A design's document is the truth for validation, diagrams and conversion; its source text is how
the user wrote it (comments, quoting, block scalars, blank lines, flow mappings, `---` and `...`
markers, the other documents of the stream). Invariant: loading the text with manifest.py's
loader (go-yaml v2 semantics, its size, depth and alias limits) gives exactly the documents of
the stream, in order, with the same types and key order (`check`).

An edit from the forms, an action or the API changes the document; `patch_text` carries that
change into the text as a set of splices on the old text: a changed scalar is rewritten in its
own quoting style, an added key or list item is inserted as new lines at the indentation the
document uses, a removed one takes its lines (and the comments inside it) with it, a renamed or
moved named item (containers, volumes, env vars: list items are matched by `name`) keeps its
text. Where the old text holds a node the splices cannot handle (merge keys, a collection
that became a scalar, ...), that node is rewritten whole; when the result does not load to the
new documents (an edit through an alias, say), the canonical dump replaces the text and
`Patched.normalised` says so, so the caller can tell the user in one line.

Why splices guided by the composed nodes' marks rather than re-emitting a ruamel.yaml
round-trip tree: ruamel keeps comments, but its emitter lays the whole document out again
(one indentation setting for the file, `...` markers, spacing inside flow mappings, long plain
scalars), so an edit is a one-line diff only for files already in its layout. The nodes'
positions come from the loader the invariant is checked with, so both see the same structure.
ruamel.yaml is therefore not used here (bench/manifest.py measures it as the reference);
`convert_text` builds another kind from the same splices, so the comments of the pod template
and of the companions come along.
"""

from __future__ import annotations

import copy
import io
import json
import math
from bisect import bisect_left
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, NamedTuple

from yaml.emitter import Emitter
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from designer.pod.manifest import (
    DEFAULT_LIMITS,
    Limits,
    Loaded,
    ManifestError,
    compose_roots,
    double_quoted,
    dump_json,
    dump_yaml,
    escape_for_yaml,
    load_stream,
    mapping_key,
    needs_quotes,
)
from designer.pod.workloads import template_keys


class Patched(NamedTuple):
    """The text after an edit; `normalised` when it is the canonical dump instead of a patch."""

    text: str
    normalised: bool


def stream_documents(
    document: dict[str, Any], companions: list[dict[str, Any]], position: int = 0
) -> list[dict[str, Any]]:
    """The documents of the stream in the order of the text: companions around the workload."""
    position = max(0, min(position, len(companions)))
    return [*companions[:position], document, *companions[position:]]


def same(a: Any, b: Any) -> bool:
    """Equal as JSON documents are for kubectl: same types (True is not 1), same key order."""
    if a is b:
        return True
    # json.dumps writes True as true and 1 as 1, 1.0 as 1.0, keys in order: its text tells
    # exactly these differences, at C speed (a recursive comparison in Python is 5x slower).
    try:
        return _json_text(a) == _json_text(b)
    except (TypeError, ValueError):
        return False


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, check_circular=False)


def check(text: str, documents: list[dict[str, Any]], limits: Limits = DEFAULT_LIMITS) -> bool:
    """Whether the text loads (within the limits) to exactly these documents."""
    try:
        loaded = load_stream(text, limits).documents
    except ManifestError:
        return False
    return same(loaded, documents)


def is_json(text: str) -> bool:
    return text.lstrip().startswith("{")


def canonical(documents: list[dict[str, Any]], json_text: bool = False) -> str:
    """The text the designer writes when it has none of the user's: manifest.py's dump."""
    return dump_json(documents) if json_text else dump_yaml(documents)


def text_for_import(
    data: str | bytes, documents: list[dict[str, Any]], limits: Limits = DEFAULT_LIMITS
) -> str:
    """The uploaded stream kept whole, as the user gave it; ManifestError when it is not theirs.

    `documents` are what the import loaded from it (stream_documents of the Manifest), so the
    stored text is checked against exactly what the revision will hold.
    """
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    text = text.removeprefix("\ufeff")
    if not check(text, documents, limits):
        raise ManifestError("the text does not load to the imported documents")
    return text


def refuse_oversized(text: str, documents: list[dict[str, Any]], limits: Limits = DEFAULT_LIMITS) -> None:
    """ManifestError when the text outgrows its documents by more than the loader's size limit.

    The text may be larger than the canonical dump (comments, other documents of the stream),
    but not by more than what the loader would accept as a whole file. (A text above the
    loader's own limit fails check() as well: it does not load.)
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    base = len(canonical(documents).encode("utf-8", "surrogatepass"))
    if size - base > limits.max_bytes:
        raise ManifestError(
            f"source text too large: {size} bytes for a {base}-byte manifest (limit {limits.max_bytes})"
        )


def patch_text(
    old_text: str | None,
    old_documents: list[dict[str, Any]],
    new_documents: list[dict[str, Any]],
    limits: Limits = DEFAULT_LIMITS,
) -> Patched:
    """The old text with the change from old to new documents applied; canonical when it cannot be.

    `old_text` must load to `old_documents` (None or "" stands for the canonical dump of them).
    """
    return patch_loaded(old_text, old_documents, new_documents, limits)[0]


def patch_loaded(
    old_text: str | None,
    old_documents: list[dict[str, Any]],
    new_documents: list[dict[str, Any]],
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Patched, Loaded | None]:
    """patch_text, and the load of the patched text when the check made one (its line maps
    serve the editor, which would otherwise load the text a second time)."""
    json_text = bool(old_text) and is_json(old_text or "")
    if not old_text:
        return Patched(canonical(new_documents), False), None
    if same(old_documents, new_documents):
        return Patched(old_text, False), None
    bom = "\ufeff" if old_text.startswith("\ufeff") else ""
    text = _splice(old_text[len(bom) :], old_documents, new_documents, limits)
    text = None if text is None else bom + text
    if text is not None:
        try:
            loaded = load_stream(text, limits)
        except ManifestError:
            loaded = None
        if loaded is not None and same(loaded.documents, new_documents):
            return Patched(text, False), loaded
    # The old text was already the canonical dump: nothing of the user's layout is lost.
    was_canonical = old_text == canonical(old_documents, json_text)
    return Patched(canonical(new_documents, json_text), not was_canonical), None


# ---------------------------------------------------------------------------------------------
# Splicing


def _unchanged(a: Any, b: Any) -> bool:
    """What the splices leave alone: `==` at C speed. A change of type only (True for 1, 1.0
    for 1) deeper down passes for equal here; the final check sees it and the canonical dump
    takes over."""
    return type(a) is type(b) and bool(a == b)


class _Replace(Exception):
    """This node cannot be patched in place: its parent rewrites it whole."""


class _Edit(NamedTuple):
    start: int
    end: int
    text: str


class _Style(NamedTuple):
    newline: str
    step: int  # indentation of a nested mapping
    seq_offset: int  # column of a block sequence's dash relative to its key
    json: bool


def _splice(
    text: str, old_documents: list[dict[str, Any]], new_documents: list[dict[str, Any]], limits: Limits
) -> str | None:
    if len(old_documents) != len(new_documents):
        return None
    try:
        roots = _document_nodes(text, limits)
    except ManifestError:
        return None
    if len(roots) != len(old_documents):
        return None
    edits: list[_Edit] = []
    newline = "\r\n" if "\r\n" in text else "\n"
    json_text = is_json(text)
    for node, old, new in zip(roots, old_documents, new_documents, strict=True):
        if _unchanged(old, new):
            continue
        patcher = _Patcher(text, _style_of(node, newline, json_text), edits)
        try:
            patcher.mapping(node, old, new)
        except _Replace:
            return None
    return _apply(text, edits)


def _apply(text: str, edits: list[_Edit]) -> str | None:
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    parts: list[str] = []
    cursor = 0
    for _, edit in ordered:
        if edit.start < cursor:
            return None  # overlapping splices (a node reached twice through an alias)
        parts.append(text[cursor : edit.start])
        parts.append(edit.text)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


def _document_nodes(text: str, limits: Limits = DEFAULT_LIMITS) -> list[MappingNode]:
    """The mapping node of every document load_stream returns, `kind: List` items included."""
    result: list[MappingNode] = []
    for root in compose_roots(text, limits):
        items = _list_items(root)
        if items is None:
            result.append(root)
        else:
            result.extend(items)
    return result


def _list_items(root: MappingNode) -> list[MappingNode] | None:
    entries = {_key_text(k): v for k, v in root.value}
    kind, items = entries.get("kind"), entries.get("items")
    if (
        isinstance(kind, ScalarNode)
        and kind.value == "List"
        and isinstance(items, SequenceNode)
        and all(isinstance(item, MappingNode) for item in items.value)
    ):
        return list(items.value)
    return None


def _key_text(node: Node) -> Any:
    return node.value if isinstance(node, ScalarNode) else None


def _style_of(root: MappingNode, newline: str, json_text: bool) -> _Style:
    """The indentation a document uses: the first nested mapping and block sequence decide."""
    step: int | None = None
    offset: int | None = None
    if json_text and root.value:
        step = root.value[0][0].start_mark.column - root.start_mark.column
    pending: list[MappingNode] = [root]
    while pending and (step is None or offset is None):
        node = pending.pop(0)
        for key, value in node.value:
            if isinstance(value, MappingNode) and not value.flow_style and value.value:
                if step is None and value.start_mark.line > key.start_mark.line:
                    step = value.start_mark.column - key.start_mark.column
                pending.append(value)
            elif isinstance(value, SequenceNode) and not value.flow_style and value.value:
                if offset is None and value.start_mark.line > key.start_mark.line:
                    offset = value.start_mark.column - key.start_mark.column
                pending.extend(item for item in value.value if isinstance(item, MappingNode))
    return _Style(
        newline, step if step and step > 0 else 2, offset if offset and offset > 0 else 0, json_text
    )


class _Patcher:
    """Collects the splices that turn one document's text into the new document's."""

    def __init__(self, text: str, style: _Style, edits: list[_Edit]) -> None:
        self.text = text
        self.style = style
        self.edits = edits

    # -- positions --------------------------------------------------------------------------

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """Just after the line break of the line holding `index` (the end of the text at most)."""
        found = self.text.find("\n", index)
        return len(self.text) if found < 0 else found + 1

    def first_on_line(self, index: int) -> bool:
        return not self.text[self.line_start(index) : index].strip()

    def content_end(self, node: Node) -> int:
        """Where the node's own text ends: trailing comments and blank lines are not its."""
        if isinstance(node, ScalarNode):
            end: int = node.end_mark.index
            if node.style in ("|", ">"):
                end = len(self.text[node.start_mark.index : end].rstrip()) + node.start_mark.index
            return end
        if getattr(node, "flow_style", False) or not node.value:
            return int(node.end_mark.index)
        last = node.value[-1]
        return self.content_end(last[1] if isinstance(node, MappingNode) else last)

    def span_end(self, node: Node) -> int:
        """The end of the line where the node's text ends (its trailing comment included)."""
        return self.line_end(self.content_end(node))

    def dash(self, item: Node) -> int:
        """The `-` indicator of a block sequence item."""
        index = item.start_mark.index - 1
        while index >= 0 and self.text[index] in " \t\r\n":
            index -= 1
        if index < 0 or self.text[index] != "-":
            raise _Replace
        return index

    def column(self, index: int) -> int:
        return index - self.line_start(index)

    # -- edits ------------------------------------------------------------------------------

    def add(self, start: int, end: int, text: str) -> None:
        self.edits.append(_Edit(start, end, text))

    def lines(self, lines: list[str], column: int, first_indented: bool = True) -> str:
        """Rendered lines at a column, each ended by the document's line break."""
        newline = self.style.newline
        out = []
        for number, line in enumerate(lines):
            indent = " " * column if (number or first_indented) and line else ""
            out.append(indent + line + newline)
        return "".join(out)

    def insert_at(self, index: int) -> tuple[int, str]:
        """Where new lines go after a node ending at `index`, and the break a last line lacks."""
        if index == len(self.text) and not self.text.endswith("\n"):
            return index, self.style.newline
        return index, ""

    # -- mappings ---------------------------------------------------------------------------

    def entries(self, node: MappingNode) -> list[tuple[Any, Node, Node]]:
        result = [(mapping_key(key), key, value) for key, value in node.value]
        keys = [key for key, _, _ in result]
        if len(set(map(str, keys))) != len(keys) or any(not isinstance(k, str) for k in keys):
            raise _Replace  # merge keys (`<<`): what the text shows is not what loads
        return result

    def mapping(self, node: Node, old: dict[str, Any], new: dict[str, Any]) -> None:
        if not isinstance(node, MappingNode) or not old or not new:
            raise _Replace
        entries = self.entries(node)
        if [key for key, _, _ in entries] != list(old):
            raise _Replace
        if node.flow_style:
            self.flow_mapping(node, entries, old, new)
            return
        kept_old = [key for key in old if key in new]
        kept_new = [key for key in new if key in old]
        if kept_old != kept_new or not kept_old:
            raise _Replace  # reordered or rewritten keys: the parent rewrites the mapping
        by_key = {key: (key_node, value_node) for key, key_node, value_node in entries}
        column = entries[0][1].start_mark.column
        for position, (key, key_node, value_node) in enumerate(entries):
            if key not in new:
                self.remove_entry(entries, position)
            elif not _unchanged(old[key], new[key]):
                try:
                    self.value(value_node, old[key], new[key], flow=False)
                except _Replace:
                    self.replace_entry(key_node, value_node, key, new[key], column)
        pending: list[str] = []
        anchor: str | None = None
        for key in [*new, None]:
            if key is not None and key not in old:
                pending.append(key)
                continue
            if pending:
                lines = [line for added in pending for line in self.entry_lines(added, new[added])]
                if anchor is None:
                    first_key = entries[0][1]
                    start = first_key.start_mark.index
                    if self.first_on_line(start):
                        self.add(self.line_start(start), self.line_start(start), self.lines(lines, column))
                    else:
                        text = self.lines(lines, column, first_indented=False) + " " * column
                        self.add(start, start, text)
                else:
                    at, prefix = self.insert_at(self.span_end(by_key[anchor][1]))
                    self.add(at, at, prefix + self.lines(lines, column))
                pending = []
            anchor = key

    def remove_entry(self, entries: list[tuple[Any, Node, Node]], position: int) -> None:
        _, key_node, value_node = entries[position]
        start = key_node.start_mark.index
        if self.first_on_line(start):
            self.add(self.line_start(start), self.span_end(value_node), "")
        elif position + 1 < len(entries):
            self.add(start, entries[position + 1][1].start_mark.index, "")
        else:
            raise _Replace

    def replace_entry(self, key_node: Node, value_node: Node, key: str, value: Any, column: int) -> None:
        lines = self.entry_lines(key, value)
        start = key_node.start_mark.index
        end = self.span_end(value_node)
        if self.first_on_line(start):
            self.add(self.line_start(start), end, self.lines(lines, column))
        else:
            self.add(start, end, self.lines(lines, column, first_indented=False))

    def flow_mapping(
        self,
        node: MappingNode,
        entries: list[tuple[Any, Node, Node]],
        old: dict[str, Any],
        new: dict[str, Any],
    ) -> None:
        if list(old) == list(new):
            for key, _, value_node in entries:
                if not _unchanged(old[key], new[key]):
                    self.flow_value(value_node, old[key], new[key])
            return
        by_key = {key: (key_node, value_node) for key, key_node, value_node in entries}
        chunks = []
        for key, value in new.items():
            if key in by_key:
                key_node, value_node = by_key[key]
                chunks.append(self.chunk(key_node.start_mark.index, value_node, old[key], value))
            else:
                chunks.append(self.flow_entry(key, value, entries[0][1].start_mark.index))
        self.flow_join(node, [(k.start_mark.index, self.content_end(v)) for _, k, v in entries], chunks, new)

    def flow_value(self, node: Node, old: Any, new: Any) -> None:
        try:
            self.value(node, old, new, flow=True)
        except _Replace:
            self.rewrite_flow_item(node, new)

    def chunk(self, start: int, node: Node, old: Any, new: Any) -> str:
        """The text from `start` to the end of `node`, with the change from old to new applied."""
        end = self.content_end(node)
        inner = _Patcher(self.text, self.style, [])
        if not _unchanged(old, new):
            inner.flow_value(node, old, new)
        shifted = [_Edit(e.start - start, e.end - start, e.text) for e in inner.edits]
        if any(e.start < 0 or e.end > end - start for e in shifted):
            raise _Replace
        text = _apply(self.text[start:end], shifted)
        if text is None:
            raise _Replace
        return text

    def flow_entry(self, key: str, value: Any, near: int) -> str:
        if self.style.json:
            return f"{double_quoted(key)}: {self.json_at(value, near)}"
        return f"{_flow_key(key)}: {_flow(value)}"

    def json_at(self, value: Any, near: int) -> str:
        """A value as JSON laid out like the line `near` stands on."""
        line = self.text[self.line_start(near) : near]
        indent = len(line) - len(line.lstrip(" "))
        multi_line = self.text.count("\n", 0, 4096) > 1  # a file laid out on lines, or one line
        text = _json(value, self.style.step if multi_line else None)
        return text.replace("\n", self.style.newline + " " * indent)

    def flow_join(self, node: Node, spans: list[tuple[int, int]], chunks: list[str], value: Any) -> None:
        """The items of a flow collection written again: kept items keep their text."""
        if not spans or not chunks:
            self.rewrite_flow(node, value)
            return
        separator = self.text[spans[0][1] : spans[1][0]] if len(spans) > 1 else ", "
        if "," not in separator or "#" in separator:
            separator = ", "
        self.add(spans[0][0], spans[-1][1], separator.join(chunks))

    def rewrite_flow(self, node: Node, value: Any) -> None:
        """A flow collection written again in flow style (JSON laid out as the file is)."""
        start, end = node.start_mark.index, node.end_mark.index
        self.add(start, end, self.json_at(value, start) if self.style.json else _flow(value))

    # -- values -----------------------------------------------------------------------------

    def value(self, node: Node, old: Any, new: Any, flow: bool) -> None:
        if isinstance(new, dict) and isinstance(old, dict):
            self.mapping(node, old, new)
        elif isinstance(new, list) and isinstance(old, list):
            self.sequence(node, old, new)
        elif isinstance(node, ScalarNode) and not isinstance(new, (dict, list)):
            self.scalar(node, new, flow)
        else:
            raise _Replace

    def scalar(self, node: ScalarNode, value: Any, flow: bool) -> None:
        start, end = node.start_mark.index, self.content_end(node)
        if node.style in ("|", ">") and isinstance(value, str):
            content = self.text[self.line_end(start) : end]
            lines = content.split("\n")
            body = next((line for line in lines if line.strip()), "")
            indent = len(body) - len(body.lstrip(" "))
            block = _literal(value)
            if block is not None:
                header, *body_lines = block
                rendered = header + self.style.newline + self.lines(body_lines, indent)
                self.add(start, self.line_end(end) if end < len(self.text) else end, rendered)
                return
        self.add(start, end, _scalar(value, flow or self.style.json, node.style))

    # -- sequences --------------------------------------------------------------------------

    def sequence(self, node: Node, old: list[Any], new: list[Any]) -> None:
        if not isinstance(node, SequenceNode) or not old or not new or len(node.value) != len(old):
            raise _Replace
        plan = _match(old, new)
        if node.flow_style:
            self.flow_sequence(node, plan, old, new)
            return
        column = self.column(self.dash(node.value[0]))
        kept = [index for index in plan if index is not None]
        staying = set(_longest_increasing(kept))
        for number in range(len(node.value)):
            if number not in staying:
                self.remove_item(node, number)
        pending: list[str] = []
        anchor: int | None = None
        for position, index in enumerate([*plan, -1]):
            if index is not None and index in staying:
                if pending:
                    self.insert_items(node, anchor, pending, column)
                    pending = []
                anchor = index
                if not _unchanged(old[index], new[position]):
                    item = node.value[index]
                    try:
                        self.value(item, old[index], new[position], flow=False)
                    except _Replace:
                        self.replace_item(item, new[position], column)
                continue
            if index == -1:
                if pending:
                    self.insert_items(node, anchor, pending, column)
                break
            if index is not None and _unchanged(old[index], new[position]):
                pending.append(self.item_text(node.value[index], column))  # moved, text and all
            else:
                pending.append(self.lines(_item_lines(new[position], self.style), column))

    def flow_sequence(
        self, node: SequenceNode, plan: list[int | None], old: list[Any], new: list[Any]
    ) -> None:
        if plan == list(range(len(old))):
            for item, before, after in zip(node.value, old, new, strict=True):
                if not _unchanged(before, after):
                    self.flow_value(item, before, after)
            return
        chunks = []
        for position, index in enumerate(plan):
            if index is None:
                item = new[position]
                near = node.value[0].start_mark.index
                chunks.append(self.json_at(item, near) if self.style.json else _flow(item))
            else:
                chunks.append(
                    self.chunk(
                        node.value[index].start_mark.index, node.value[index], old[index], new[position]
                    )
                )
        spans = [(item.start_mark.index, self.content_end(item)) for item in node.value]
        self.flow_join(node, spans, chunks, new)

    def item_span(self, item: Node) -> tuple[int, int]:
        """The lines of an item that starts its line (a moved item takes them along)."""
        dash = self.dash(item)
        if not self.first_on_line(dash):
            raise _Replace
        return self.line_start(dash), self.span_end(item)

    def item_text(self, item: Node, column: int) -> str:
        start, end = self.item_span(item)
        text = self.text[start:end]
        if not text.endswith("\n"):
            text += self.style.newline
        return text

    def remove_item(self, node: SequenceNode, number: int) -> None:
        item = node.value[number]
        dash = self.dash(item)
        if self.first_on_line(dash):
            self.add(self.line_start(dash), self.span_end(item), "")
        elif number + 1 < len(node.value):  # `- - a` and `- name: ...` on one line: up to the next dash
            self.add(dash, self.dash(node.value[number + 1]), "")
        else:
            raise _Replace

    def replace_item(self, item: Node, value: Any, column: int) -> None:
        dash = self.dash(item)
        lines = _item_lines(value, self.style)
        if self.first_on_line(dash):
            self.add(self.line_start(dash), self.span_end(item), self.lines(lines, column))
        else:
            self.add(dash, self.span_end(item), self.lines(lines, column, first_indented=False))

    def insert_items(self, node: SequenceNode, anchor: int | None, texts: list[str], column: int) -> None:
        if anchor is None:
            dash = self.dash(node.value[0])
            if self.first_on_line(dash):
                self.add(self.line_start(dash), self.line_start(dash), "".join(texts))
            else:
                self.add(dash, dash, "".join(texts)[column:] + " " * column)
        else:
            at, prefix = self.insert_at(self.span_end(node.value[anchor]))
            self.add(at, at, prefix + "".join(texts))

    def rewrite_flow_item(self, item: Node, value: Any) -> None:
        if isinstance(item, (MappingNode, SequenceNode)) and item.flow_style:
            self.rewrite_flow(item, value)
        elif isinstance(item, ScalarNode) and not isinstance(value, (dict, list)):
            self.scalar(item, value, flow=True)
        else:
            self.rewrite_flow(item, value)

    # -- rendering --------------------------------------------------------------------------

    def entry_lines(self, key: str, value: Any) -> list[str]:
        return _entry_lines(key, value, self.style)


def _match(old: list[Any], new: list[Any]) -> list[int | None]:
    """For each new item, the index of the old item it continues (None: a new item).

    Named items (containers, volumes, env vars, ports) are matched by name, so a rename of
    another item or a move keeps their text; other lists by equal items, then by position.
    """
    old_names = _names(old)
    new_names = _names(new)
    if old_names is not None and new_names is not None:
        where = {name: index for index, name in enumerate(old_names)}
        plan = [where.get(name) for name in new_names]
        # A renamed item is the one whose name went away where the new name appears.
        still = set(new_names)
        gone = {index for index, name in enumerate(old_names) if name not in still}
        return [
            index if index is not None or position not in gone else position
            for position, index in enumerate(plan)
        ]
    plan = [None] * len(new)
    keys_old = [json.dumps(item, sort_keys=False, default=str) for item in old]
    keys_new = [json.dumps(item, sort_keys=False, default=str) for item in new]
    matcher = SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for offset in range(j2 - j1):
                plan[j1 + offset] = i1 + offset
    return plan


def _names(items: list[Any]) -> list[str] | None:
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    if all(isinstance(name, str) for name in names) and len(set(names)) == len(names):
        return names  # type: ignore[return-value]
    return None


def _longest_increasing(values: list[int]) -> list[int]:
    """The longest increasing subsequence: the items that stay where they are."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(values)
    for index, value in enumerate(values):
        position = bisect_left(tails, value)
        if position == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[position] = value
            tail_index[position] = index
        previous[index] = tail_index[position - 1] if position else -1
    result: list[int] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        result.append(values[index])
        index = previous[index]
    return result[::-1]


# ---------------------------------------------------------------------------------------------
# Rendering new text: the same scalars as manifest.py's dump (one definition of what go-yaml v2
# would retype: needs_quotes), laid out as the document around them is.


@lru_cache(maxsize=1)
def _emitter() -> Emitter:
    """PyYAML's own analysis of where a plain scalar may stand (`: `, ` #`, leading `-`...)."""
    return Emitter(io.StringIO(), allow_unicode=True)


@lru_cache(maxsize=4096)
def _plain_allowed(text: str, flow: bool) -> bool:
    if needs_quotes(text):
        return False
    analysis = _emitter().analyze_scalar(text)
    return bool(
        not analysis.multiline and (analysis.allow_flow_plain if flow else analysis.allow_block_plain)
    )


def _scalar(value: Any, flow: bool, old_style: str | None = None) -> str:
    """One scalar on one line: the old quoting style where it still holds the value."""
    if isinstance(value, str):
        if old_style == "'" and "\n" not in value and _printable(value):
            return "'" + value.replace("'", "''") + "'"
        if old_style != '"' and old_style != "'" and _plain_allowed(value, flow):
            return value
        return double_quoted(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    raise _Replace


def _literal(value: str) -> list[str] | None:
    """A multi-line string as a literal block (header, then lines), or None when it cannot be."""
    if "\n" not in value or "\r" in value or value[:1] in (" ", "\t", "\n"):
        return None
    if not _printable(value):
        return None
    body = value.rstrip("\n")
    trailing = len(value) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    lines = body.split("\n") + [""] * (trailing - 1 if trailing > 1 else 0)
    return ["|" + chomp, *lines]


def _printable(value: str) -> bool:
    return all(ch in "\t\n" or (ch.isprintable() and ch not in "\x85\u2028\u2029") for ch in value)


def _block_scalar_lines(value: Any) -> list[str]:
    if isinstance(value, str):
        block = _literal(value)
        if block is not None:
            return block
    return [_scalar(value, flow=False)]


def _key(key: str) -> str:
    return key if _plain_allowed(key, False) else double_quoted(key)


def _entry_lines(key: str, value: Any, style: _Style) -> list[str]:
    """`key: value` as block lines relative to the key's column."""
    if style.json:
        return [f"{double_quoted(key)}: {_json(value, None)}"]
    head = f"{_key(key)}:"
    if isinstance(value, dict) and value:
        return [head, *(" " * style.step + line for line in _mapping_lines(value, style))]
    if isinstance(value, list) and value:
        indent = " " * style.seq_offset
        return [head, *(indent + line for line in _sequence_lines(value, style))]
    if isinstance(value, (dict, list)):
        return [f"{head} {'{}' if isinstance(value, dict) else '[]'}"]
    first, *rest = _block_scalar_lines(value)
    return [f"{head} {first}", *(" " * style.step + line if line else "" for line in rest)]


def _mapping_lines(value: dict[str, Any], style: _Style) -> list[str]:
    return [line for key, item in value.items() for line in _entry_lines(key, item, style)]


def _sequence_lines(value: list[Any], style: _Style) -> list[str]:
    return [line for item in value for line in _item_lines(item, style)]


def _item_lines(item: Any, style: _Style) -> list[str]:
    """`- item` as block lines relative to the dash's column."""
    if isinstance(item, dict) and item:
        inner = _mapping_lines(item, style)
    elif isinstance(item, list) and item:
        inner = _sequence_lines(item, style)
    elif isinstance(item, (dict, list)):
        inner = ["{}" if isinstance(item, dict) else "[]"]
    else:
        first, *rest = _block_scalar_lines(item)
        inner = [first, *(" " * style.step + line if line else "" for line in rest)]
    return ["- " + inner[0], *("  " + line if line else "" for line in inner[1:])]


def _flow(value: Any) -> str:
    """A value in YAML flow style on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value, flow=True)


def _flow_key(key: str) -> str:
    return key if _plain_allowed(key, True) else double_quoted(key)


def _json(value: Any, indent: int | None) -> str:
    try:
        return escape_for_yaml(json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False))
    except ValueError:  # NaN or infinity: not JSON
        raise _Replace from None


# ---------------------------------------------------------------------------------------------
# Another kind: a new document, with the text of the pod spec and of the companions kept.

_PLACEHOLDER = "pod-designer-pod-spec-placeholder"


def convert_text(
    text: str, documents: list[dict[str, Any]], position: int, converted: dict[str, Any]
) -> str | None:
    """The stream with its workload replaced by `converted` (another kind); None when it cannot.

    The pod spec moves under the new kind's template with its text (comments inside it
    included), the rest of the workload is the canonical dump, and the companions and the
    comments before the workload stay as they were. Best effort: None asks for the canonical
    dump.
    """
    try:
        roots = _document_nodes(text)
    except ManifestError:
        return None
    if len(roots) != len(documents) or not 0 <= position < len(documents) or is_json(text):
        return None
    root, old = roots[position], documents[position]
    old_keys = (*template_keys(str(old.get("kind"))), "spec")
    new_keys = (*template_keys(str(converted.get("kind"))), "spec")
    patcher = _Patcher(text, _style_of(root, "\r\n" if "\r\n" in text else "\n", False), [])
    spec_node = _find(root, old_keys)
    old_spec = _value_at(old, old_keys)
    if (
        spec_node is None
        or not isinstance(old_spec, dict)
        or not isinstance(_value_at(converted, new_keys), dict)
    ):
        return None
    key_node, value_node = spec_node
    if value_node.flow_style or value_node.start_mark.line == key_node.start_mark.line:
        return None
    # The new workload with the old pod spec in place: its skeleton dumped, the spec's lines moved in.
    skeleton = copy.deepcopy(converted)
    _value_at(skeleton, new_keys[:-1])[new_keys[-1]] = _PLACEHOLDER
    lines = dump_yaml([skeleton]).split("\n")
    holder = next((n for n, line in enumerate(lines) if line.endswith(f"spec: {_PLACEHOLDER}")), None)
    if holder is None:
        return None
    column = len(lines[holder]) - len(lines[holder].lstrip(" "))
    body = text[patcher.line_end(key_node.start_mark.index) : patcher.span_end(value_node)]
    moved = _reindent(body, value_node.start_mark.column, column + patcher.style.step, patcher.style.newline)
    if moved is None:
        return None
    lines[holder] = lines[holder][: -len(_PLACEHOLDER) - 1]
    newline = patcher.style.newline
    workload = newline.join(lines[: holder + 1]) + newline + moved + newline.join(lines[holder + 1 :])
    with_old_spec = copy.deepcopy(converted)
    _value_at(with_old_spec, new_keys[:-1])[new_keys[-1]] = old_spec
    patched = patch_text(workload, [with_old_spec], [converted])
    if patched.normalised:
        return None
    first = root.value[0][0].start_mark.index if root.value else root.start_mark.index
    start = patcher.line_start(first)
    end = patcher.span_end(root)
    result = text[:start] + patched.text + text[end:]
    new_documents = [*documents[:position], converted, *documents[position + 1 :]]
    return result if check(result, new_documents) else None


def _find(root: MappingNode, keys: tuple[str, ...]) -> tuple[Node, MappingNode] | None:
    node: Node = root
    found: tuple[Node, MappingNode] | None = None
    for key in keys:
        if not isinstance(node, MappingNode):
            return None
        entry = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)
        if entry is None or not isinstance(entry[1], MappingNode):
            return None
        found = (entry[0], entry[1])
        node = entry[1]
    return found


def _value_at(document: dict[str, Any], keys: tuple[str, ...]) -> Any:
    node: Any = document
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _reindent(body: str, old: int, new: int, newline: str) -> str | None:
    """Lines moved from one indentation to another; None when one (not a comment) stands left of `old`."""
    out = []
    for line in body.splitlines():
        if not line.strip():
            out.append("")
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent < old and not line.lstrip(" ").startswith("#"):
            return None
        out.append(" " * new + line[min(indent, old) :])
    return "".join(line + newline for line in out)
