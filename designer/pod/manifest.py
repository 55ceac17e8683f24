"""Load and dump Kubernetes manifests: YAML or JSON, multi-document, with kubectl semantics.

YAML is read the way kubectl reads it (go-yaml v2 resolution: `yes`/`on`/`y` are booleans,
`0755` is octal, timestamps stay strings), never with PyYAML's own YAML 1.1 defaults. Every
field of every document gets its (line, column) in a line map keyed by kube-apiserver style
field paths, so findings can point at the text the user wrote. Hard limits keep hostile input
(alias bombs, deep nesting, huge or binary files) from crashing, hanging or eating memory.

The dump here is the canonical form; the text a user wrote is kept and patched by source.py,
which reads the same composed nodes (compose_roots) and quotes with the same needs_quotes.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from designer.pod.workloads import WORKLOAD_KINDS, template_keys

SUPPORTED_KINDS = ", ".join(WORKLOAD_KINDS)


class ManifestError(Exception):
    """A manifest that cannot be read; line and column are 1-based when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"


class MultipleWorkloads(ManifestError):
    """The stream holds several workloads and the caller did not choose one."""

    def __init__(self, candidates: list[tuple[int, str, str]]) -> None:
        self.candidates = candidates
        listed = ", ".join(f"[{index}] {kind} {name!r}" for index, kind, name in candidates)
        super().__init__(f"{len(candidates)} workloads in the stream ({listed}); choose one")


# NamedTuples, not dataclasses: `dataclasses` pulls in `inspect` (~5 ms), and this module is on
# the diagram CLI's start-up path, whose whole budget is a few times one `dot` run.
class Limits(NamedTuple):
    max_bytes: int = 1_048_576
    max_depth: int = 100
    max_documents: int = 1000
    max_nodes: int = 200_000  # values built, aliases expanded: stops "billion laughs"


class Loaded(NamedTuple):
    documents: list[dict[str, Any]]
    line_maps: list[dict[str, tuple[int, int]]]


class Manifest(NamedTuple):
    """The workload the designer edits, the documents around it, and where each field stood."""

    document: dict[str, Any]
    companions: list[dict[str, Any]]
    line_map: dict[str, tuple[int, int]]
    # Where the workload stood in the stream, so an export puts it back between its companions.
    position: int = 0

    @property
    def kind(self) -> str:
        return str(self.document.get("kind", ""))


DEFAULT_LIMITS = Limits()


# ---------------------------------------------------------------------------------------------
# Scalar resolution: go-yaml v2 (resolve.go), which is what kubectl and kube-apiserver use.

_STR = "tag:yaml.org,2002:str"
_PLAIN = "tag:pod-designer,2026:plain"  # an untagged plain scalar, resolved by go_resolve
_MERGE = object()

_GO_MAP: dict[str, Any] = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"], False),
    **dict.fromkeys(["", "~", "null", "Null", "NULL"], None),
    **dict.fromkeys([".nan", ".NaN", ".NAN"], float("nan")),
    **dict.fromkeys([".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], float("inf")),
    **dict.fromkeys(["-.inf", "-.Inf", "-.INF"], float("-inf")),
    "<<": _MERGE,
}
_INT_RE = re.compile(
    r"[-+]?(?:(?P<dec>0|[1-9][0-9]*)|0[xX](?P<hex>[0-9a-fA-F]+)|0[oO](?P<oct>[0-7]+)"
    r"|0(?P<loct>[0-7]+)|0[bB](?P<bin>[01]+))"
)
_GO_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DOT_FLOAT_RE = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?")
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1


def go_resolve(text: str) -> Any:
    """The value go-yaml v2 gives an untagged plain scalar (a str when it is nothing else)."""
    if text in _GO_MAP:
        return _GO_MAP[text]
    first = text[0]
    if first == ".":
        return float(text) if _DOT_FLOAT_RE.fullmatch(text) else text
    if not (first.isascii() and (first.isdigit() or first in "+-")):
        return text
    plain = text.replace("_", "") if "_" in text else text
    # 70 characters hold any 64-bit integer (0b + 64 digits); longer ones are floats at best.
    match = _INT_RE.fullmatch(plain) if len(plain) <= 70 else None
    if match:
        groups = match.groupdict()
        sign = -1 if plain[0] == "-" else 1
        if groups["dec"] is not None:
            value = sign * int(groups["dec"])
        elif groups["hex"] is not None:
            value = sign * int(groups["hex"], 16)
        elif groups["oct"] is not None or groups["loct"] is not None:
            value = sign * int(groups["oct"] or groups["loct"], 8)
        else:
            value = sign * int(groups["bin"], 2)
        if _INT64_MIN <= value <= _UINT64_MAX:
            return value
    if _GO_FLOAT_RE.fullmatch(plain):
        number = float(plain)
        return number if math.isfinite(number) else text  # Go's ParseFloat fails out of range
    return text


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Composes nodes only; every untagged plain scalar is resolved later by go_resolve."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NONPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_YAML_TAG = "tag:yaml.org,2002:"
# Not printable in YAML, or a YAML 1.1 line break (NEL, LS, PS) that a reader would fold.


@lru_cache(maxsize=1)
def _json_escape() -> re.Pattern[str]:
    """Compiled on first JSON dump only (~3 ms): loading and the diagram CLI never need it."""
    return re.compile(_NONPRINTABLE.pattern[:-1] + "]|[\x85\u2028\u2029]")


def _pos(node: Any) -> tuple[int, int]:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


def _fail(message: str, node: Any) -> ManifestError:
    line, column = _pos(node)
    return ManifestError(message, line, column)


class _Builder:
    """One walk over composed nodes: builds JSON-compatible values and the line map."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.nodes = 0

    def build(self, root: Any) -> tuple[Any, dict[str, tuple[int, int]]]:
        line_map: dict[str, tuple[int, int]] = {}
        line_map[""] = _pos(root)
        value = self.value(root, "", 0, line_map, set())
        return value, line_map

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _PLAIN:
            return go_resolve(node.value)
        if tag == _STR:
            return node.value
        short = _short_tag(node)
        if short == "timestamp":
            return node.value
        if short in ("int", "float", "bool", "null"):
            value = go_resolve(node.value) if node.value else None
            if short == "float" and isinstance(value, int) and not isinstance(value, bool):
                return float(value)
            wanted = {"int": int, "float": float, "bool": bool, "null": type(None)}[short]
            if type(value) is wanted:
                return value
            raise _fail(f"cannot read {node.value!r} as !!{short}", node)
        raise _fail(f"unsupported tag !!{short}", node)

    def value(
        self, node: Any, path: str, depth: int, line_map: dict[str, tuple[int, int]], active: set[int]
    ) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise _fail(
                f"document too large: more than {self.limits.max_nodes} values (aliases expanded)", node
            )
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if depth >= self.limits.max_depth:
            raise _fail(f"nesting deeper than {self.limits.max_depth} levels", node)
        if id(node) in active:
            raise _fail("recursive alias: a node contains itself", node)
        active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != "tag:yaml.org,2002:seq":
                    raise _fail(f"unsupported tag !!{_short_tag(node)} on a sequence", node)
                items = []
                for index, child in enumerate(node.value):
                    child_path = f"{path}[{index}]"
                    line_map[child_path] = _pos(child)
                    items.append(self.value(child, child_path, depth + 1, line_map, active))
                return items
            if isinstance(node, MappingNode):
                if node.tag != "tag:yaml.org,2002:map":
                    raise _fail(f"unsupported tag !!{_short_tag(node)} on a mapping", node)
                return self.mapping(node, path, depth, line_map, active)
            raise _fail("unsupported YAML node", node)
        finally:
            active.discard(id(node))

    def key(self, node: Any) -> Any:
        if not isinstance(node, ScalarNode):
            raise _fail("mapping keys must be strings, not collections", node)
        value = self.scalar(node)
        if value is _MERGE or isinstance(value, str):
            return value
        # sigs.k8s.io/yaml turns non-string keys into JSON strings.
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        return repr(value) if isinstance(value, float) else str(value)

    def entries(self, node: MappingNode, active: set[int]) -> list[tuple[Any, Any, Any]]:
        """(key, key node, value node) of a mapping: its own keys, then merged ones (`<<`)."""
        own: list[tuple[Any, Any, Any]] = []
        seen: set[Any] = set()
        merges: list[Any] = []
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key is _MERGE:
                merges.append(value_node)
                continue
            if key in seen:
                raise _fail(f"duplicate key {key!r} in mapping", key_node)
            seen.add(key)
            own.append((key, key_node, value_node))
        for merge in merges:
            # go-yaml v2 merge keys: explicit keys win, then earlier merged mappings.
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise _fail("merge key '<<' needs a mapping or a list of mappings", source)
                if id(source) in active:
                    raise _fail("recursive alias: a node contains itself", source)
                active.add(id(source))
                try:
                    own.extend(self.entries(source, active))
                finally:
                    active.discard(id(source))
        return own

    def mapping(
        self, node: MappingNode, path: str, depth: int, line_map: dict[str, tuple[int, int]], active: set[int]
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, key_node, value_node in self.entries(node, active):
            if key in result:
                continue  # a merged key that the mapping (or an earlier merge) already has
            child_path = _child(path, key)
            line_map[child_path] = _pos(key_node)
            result[key] = self.value(value_node, child_path, depth + 1, line_map, active)
        return result


def _short_tag(node: Any) -> str:
    """The tag without the standard prefix; Python-specific and unknown tags are errors."""
    tag = node.tag
    if not tag.startswith(_YAML_TAG):
        raise _fail(f"unsupported tag {tag!r}: only standard YAML types are allowed", node)
    short: str = tag[len(_YAML_TAG) :]
    if short.startswith("python/"):
        raise _fail(f"Python-specific tag !!{short} is not allowed", node)
    return short


def _child(path: str, key: str) -> str:
    if _IDENT.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key}]"


# ---------------------------------------------------------------------------------------------
# Loading


def _decode(data: str | bytes, limits: Limits) -> str:
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > limits.max_bytes:
            raise ManifestError(f"input too large: {len(raw)} bytes (limit {limits.max_bytes})")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise ManifestError("binary or non-UTF-8 input: manifests must be UTF-8 text", line, column)
    else:
        text = data
        if len(text) > limits.max_bytes or (
            len(text) * 4 > limits.max_bytes and len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes
        ):
            raise ManifestError(f"input too large (limit {limits.max_bytes} bytes)")
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = _NONPRINTABLE.search(text)
    if bad:
        offset = bad.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        char = f"U+{ord(bad.group()):04X}"
        raise ManifestError(
            f"binary or non-text input: control character {char} is not allowed", line, column
        )
    return text


def _yaml_error(exc: yaml.YAMLError) -> ManifestError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "invalid YAML: " + ", ".join(parts)
        if mark is not None:
            return ManifestError(message, mark.line + 1, mark.column + 1)
        return ManifestError(message)
    return ManifestError(f"invalid YAML: {exc}")


def _split_list(
    document: dict[str, Any], line_map: dict[str, tuple[int, int]]
) -> tuple[list[Any], list[Any]]:
    """A `kind: List` flattened into its items, each with its own line map."""
    items = document["items"]
    maps: list[dict[str, tuple[int, int]]] = [{} for _ in items]
    for path, pos in line_map.items():
        if not path.startswith("items["):
            continue
        end = path.find("]")
        index = int(path[6:end])
        rest = path[end + 1 :]
        maps[index][rest[1:] if rest.startswith(".") else rest] = pos
    return items, maps


def _add_document(
    document: dict[str, Any],
    line_map: dict[str, tuple[int, int]],
    documents: list[dict[str, Any]],
    line_maps: list[dict[str, tuple[int, int]]],
    limits: Limits,
) -> None:
    if document.get("kind") == "List" and isinstance(document.get("items"), list):
        items, maps = _split_list(document, line_map)
        for item in items:
            if not isinstance(item, dict):
                line, column = line_map.get("items", (None, None))
                raise ManifestError("every item of a List must be a mapping", line, column)
        documents.extend(items)
        line_maps.extend(maps)
    else:
        documents.append(document)
        line_maps.append(line_map)
    if len(documents) > limits.max_documents:
        raise ManifestError(f"too many documents: more than {limits.max_documents}")


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _load_json(text: str, limits: Limits) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
    """One JSON object, parsed by json.loads, with its exact line map; None to use YAML instead.

    The line map comes from one pass over the tokens, which also enforces the limits and finds
    duplicate keys (with their position) as YAML loading does.
    """
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None  # not plain JSON: YAML reads it or reports where it is broken
    if not isinstance(document, dict):
        return None
    line_starts = [0]
    find = text.find
    position = find("\n")
    while position >= 0:
        line_starts.append(position + 1)
        position = find("\n", position + 1)

    def pos(offset: int) -> tuple[int, int]:
        line = bisect_right(line_starts, offset)
        return (line, offset - line_starts[line - 1] + 1)

    line_map: dict[str, tuple[int, int]] = {}
    # Each frame: [path, is_object, keys seen (object) / next index (array)]
    stack: list[list[Any]] = []
    value_path = ""
    expect_key = False
    nodes = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if expect_key:
            if first == '"':
                key = json.loads(token) if "\\" in token else token[1:-1]
                frame = stack[-1]
                if key in frame[2]:
                    raise ManifestError(f"duplicate key {key!r} in mapping", *pos(match.start()))
                frame[2].add(key)
                value_path = _child(frame[0], key)
                line_map[value_path] = pos(match.start())
                expect_key = False
            elif first == "}":  # an empty object
                stack.pop()
                expect_key = False
            continue
        if first in ",:":
            if first == ",":
                frame = stack[-1]
                if frame[1]:
                    expect_key = True
                else:
                    frame[2] += 1
            continue
        if first in "}]":
            stack.pop()
            continue
        # A value starts here: an array item gets its own entry.
        if stack and not stack[-1][1]:
            value_path = f"{stack[-1][0]}[{stack[-1][2]}]"
            line_map[value_path] = pos(match.start())
        elif not stack:
            line_map[""] = pos(match.start())
        nodes += 1
        if nodes > limits.max_nodes:
            raise ManifestError(
                f"document too large: more than {limits.max_nodes} values", *pos(match.start())
            )
        if first == "{":
            if len(stack) >= limits.max_depth:
                raise ManifestError(f"nesting deeper than {limits.max_depth} levels", *pos(match.start()))
            stack.append([value_path, True, set()])
            expect_key = True
        elif first == "[":
            if len(stack) >= limits.max_depth:
                raise ManifestError(f"nesting deeper than {limits.max_depth} levels", *pos(match.start()))
            stack.append([value_path, False, 0])
    return document, line_map


def load_json_value(text: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Any JSON text (not only a manifest) read under the loader's limits: size, depth, values."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise ManifestError(f"input too large: {size} bytes (limit {limits.max_bytes})")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ManifestError(f"nesting deeper than {limits.max_depth} levels")
    except ValueError as exc:
        raise ManifestError(f"not valid JSON: {exc}")
    check_json_limits(value, limits, name="")
    return value


def load_stream(data: str | bytes, limits: Limits = DEFAULT_LIMITS) -> Loaded:
    """Every document of a YAML or JSON stream with its line map (v1 Lists flattened)."""
    text = _decode(data, limits)
    if not text.strip():
        raise ManifestError("empty input: no manifest found")
    documents: list[dict[str, Any]] = []
    line_maps: list[dict[str, tuple[int, int]]] = []
    if text.lstrip().startswith("{"):
        parsed = _load_json(text, limits)
        if parsed is not None:
            _add_document(*parsed, documents, line_maps, limits)
            return Loaded(documents, line_maps)
    raw_count = 0
    loader = _Loader(text)
    try:
        while loader.check_node():
            root = loader.get_node()
            raw_count += 1
            if raw_count > limits.max_documents * 4:
                raise ManifestError(f"too many documents (limit {limits.max_documents})")
            if root is None or (isinstance(root, ScalarNode) and root.tag == _PLAIN and root.value == ""):
                continue  # an empty document (`---` followed by `---`)
            if not isinstance(root, MappingNode):
                kind = "a list" if isinstance(root, SequenceNode) else "a scalar"
                raise _fail(
                    f"document {raw_count}: the root must be a mapping (a Kubernetes object), found {kind}",
                    root,
                )
            document, line_map = _Builder(limits).build(root)
            _add_document(document, line_map, documents, line_maps, limits)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc)
    except RecursionError:
        raise ManifestError(f"nesting deeper than {limits.max_depth} levels")
    finally:
        loader.dispose()
    if not documents:
        raise ManifestError("empty input: no manifest found")
    return Loaded(documents, line_maps)


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_json_limits(value: Any, limits: Limits = DEFAULT_LIMITS, name: str = "value") -> None:
    """Raise ManifestError unless a decoded JSON value keeps the loader's limits.

    For values that arrive as JSON rather than as text (the API's document, companions and
    roles; drafts; backups): nesting at most max_depth, at most max_nodes values, at most
    max_bytes once encoded, finite numbers, and no lone surrogate in a key or a string (no
    UTF-8 text can hold one, so nothing could store or export it). One walk, no recursion, so
    a value nested far deeper than the limit is refused, never a RecursionError. With name=""
    the messages start with the problem, for callers that say where the value came from.
    """
    label = f"{name}: " if name else ""
    name = name or "the value"
    stack: list[tuple[Any, int]] = [(value, 0)]
    nodes = 0
    size = 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise ManifestError(f"{label}too many values (more than {limits.max_nodes})")
        if isinstance(item, str):
            size += len(item) + 2
            if _SURROGATE.search(item):
                raise ManifestError(f"{name} holds a lone surrogate (not valid Unicode text)")
        elif isinstance(item, dict | list):
            if depth >= limits.max_depth:
                raise ManifestError(f"{label}nesting deeper than {limits.max_depth} levels")
            size += 2
            if isinstance(item, dict):
                for key, child in item.items():
                    if not isinstance(key, str):
                        raise ManifestError(f"{name}: object keys must be strings")
                    if _SURROGATE.search(key):
                        raise ManifestError(f"{name} holds a lone surrogate (not valid Unicode text)")
                    size += len(key) + 4
                    stack.append((child, depth + 1))
            else:
                size += len(item)
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ManifestError(f"{name} holds {item!r}, which JSON cannot carry")
            size += len(repr(item))
        elif item is None or isinstance(item, bool):
            size += 5
        elif isinstance(item, int):
            size += item.bit_length() // 3 + 2  # about its decimal digits, without str() of a huge int
        else:
            raise ManifestError(f"{name} holds a {type(item).__name__}, which is not JSON")
        # Characters, not bytes: a string of multi-byte characters counts less than it weighs,
        # which stays within the bound the request body limit already sets on its bytes.
        if size > limits.max_bytes:
            raise ManifestError(f"{name} too large (limit {limits.max_bytes} bytes)")


def compose_roots(text: str, limits: Limits = DEFAULT_LIMITS) -> list[MappingNode]:
    """The composed root mapping of every non-empty document, with their marks (source.py)."""
    text = _decode(text, limits)
    roots: list[MappingNode] = []
    loader = _Loader(text)
    try:
        while loader.check_node():
            root = loader.get_node()
            if root is None or (isinstance(root, ScalarNode) and root.tag == _PLAIN and root.value == ""):
                continue
            if not isinstance(root, MappingNode):
                raise _fail("the root must be a mapping", root)
            roots.append(root)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc)
    finally:
        loader.dispose()
    return roots


def mapping_key(node: Any) -> Any:
    """A mapping key as load_stream reads it (a str, or the merge key `<<`)."""
    return _Builder(DEFAULT_LIMITS).key(node)


def workload_candidates(loaded: Loaded) -> list[tuple[int, str, str]]:
    """(index in stream, kind, name) of every document whose kind holds a pod template."""
    result = []
    for index, document in enumerate(loaded.documents):
        kind = document.get("kind")
        if isinstance(kind, str) and kind in WORKLOAD_KINDS:
            meta = document.get("metadata")
            name = meta.get("name") if isinstance(meta, dict) else None
            result.append((index, kind, name if isinstance(name, str) else ""))
    return result


def load_manifest(data: str | bytes, choose: int | None = None, limits: Limits = DEFAULT_LIMITS) -> Manifest:
    """The workload of a stream (a Pod or a kind with a pod template) and its companions."""
    loaded = load_stream(data, limits)
    candidates = workload_candidates(loaded)
    if not candidates:
        first_map = loaded.line_maps[0]
        kinds = [str(d.get("kind")) if d.get("kind") is not None else "(none)" for d in loaded.documents]
        line, column = first_map.get("kind", first_map.get("", (None, None)))
        raise ManifestError(
            f"no workload found (kinds: {', '.join(kinds)}); supported kinds: {SUPPORTED_KINDS}", line, column
        )
    if choose is None:
        if len(candidates) > 1:
            raise MultipleWorkloads(candidates)
        index = candidates[0][0]
    else:
        if choose not in [c[0] for c in candidates]:
            listed = ", ".join(f"[{i}] {k} {n!r}" for i, k, n in candidates)
            raise ManifestError(f"document {choose} is not a workload; workloads: {listed}")
        index = choose
    document = loaded.documents[index]
    line_map = loaded.line_maps[index]
    require_template(document, line_map)
    companions = [d for i, d in enumerate(loaded.documents) if i != index]
    return Manifest(document, companions, line_map, position=index)


def require_template(document: dict[str, Any], line_map: dict[str, tuple[int, int]]) -> None:
    """Raise ManifestError unless the workload holds a pod spec (a Pod) or a pod template."""
    kind = document["kind"]
    keys = (*template_keys(kind), "spec")
    node: Any = document
    path = ""
    for key in keys:
        if not isinstance(node, dict) or not isinstance(node.get(key), dict):
            where = ".".join(keys)
            line, column = line_map.get(path, (None, None))
            what = "pod spec" if kind == "Pod" else "pod template"
            raise ManifestError(f"{kind} has no {what}: {where} must be a mapping", line, column)
        node = node[key]
        path = f"{path}.{key}" if path else key


# ---------------------------------------------------------------------------------------------
# Dumping

_PY_RESOLVER = yaml.resolver.Resolver()


def needs_quotes(text: str) -> bool:
    """Whether a plain scalar would be read as something other than this string.

    Checked against go-yaml v2 (kubectl) and PyYAML's YAML 1.1 resolver, which covers the
    YAML 1.2 core schema as well (1.2's `0o17` is an int for go-yaml too).
    """
    return _needs_quotes_cached(text) if len(text) <= 100 else _needs_quotes(text)


@lru_cache(maxsize=8192)
def _needs_quotes_cached(text: str) -> bool:
    return _needs_quotes(text)


def _needs_quotes(text: str) -> bool:
    if text == "" or not isinstance(go_resolve(text), str):
        return True
    return bool(_PY_RESOLVER.resolve(ScalarNode, text, (True, False)) != _STR)  # type: ignore[no-untyped-call]


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: Any, data: str) -> Any:
    style = None
    if needs_quotes(data):
        style = '"'
    elif "\n" in data:
        style = "|"  # the emitter falls back to quotes when a literal block cannot hold it
    return dumper.represent_scalar(_STR, data, style=style)


_Dumper.add_representer(str, _represent_str)

_DUMP_OPTIONS: dict[str, Any] = {
    "Dumper": _Dumper,
    "default_flow_style": False,
    "sort_keys": False,
    "allow_unicode": True,
    "width": 1_000_000_000,
    "indent": 2,
    "explicit_start": False,
}


def dump_yaml(documents: list[dict[str, Any]]) -> str:
    """Block-style YAML, kubectl layout, key order kept, no anchors; '---' between documents."""
    return str(yaml.dump_all(documents, **_DUMP_OPTIONS))


def dump_yaml_mapped(documents: list[dict[str, Any]]) -> tuple[str, dict[str, tuple[int, int]]]:
    """dump_yaml and the (line, column) of every field path of the first document, as
    load_manifest's line map gives them, without parsing the text again.

    The layout of dump_yaml is fixed (block style, indent 2, sequences level with their key, no
    line wrapping), so the positions follow from the document. They are checked against the
    text; what this walk does not model (a multi-line string, a long or odd key) falls back
    to parsing the text.
    """
    text = dump_yaml(documents)
    line_map: dict[str, tuple[int, int]] = {"": (1, 1)}
    if documents and isinstance(documents[0], dict) and documents[0]:
        lines = text.split("\n")
        try:
            _Layout(lines, line_map).mapping(documents[0], "", 0, 0, first_inline=False)
        except _Unmodelled:
            try:
                return text, load_manifest(text).line_map
            except ManifestError:  # not a stream load_manifest takes (no workload): no lines
                return text, {}
    return text, line_map


class _Unmodelled(Exception):
    """The dumped text has a shape the layout walk does not follow."""


class _Layout:
    """Where dump_yaml puts each value: a walk that mirrors the emitter, checked against the text."""

    def __init__(self, lines: list[str], line_map: dict[str, tuple[int, int]]) -> None:
        self.lines = lines
        self.line_map = line_map
        self.line = 0  # 0-based index of the line being written

    def _check(self, column: int, expected: str) -> None:
        text = self.lines[self.line] if self.line < len(self.lines) else ""
        if not text.startswith(expected, column):
            raise _Unmodelled(f"line {self.line + 1}: expected {expected!r}")

    def mapping(self, value: dict[str, Any], path: str, indent: int, column: int, first_inline: bool) -> None:
        """A non-empty mapping whose first key is at (self.line, column) when first_inline."""
        for index, (key, item) in enumerate(value.items()):
            if not isinstance(key, str) or len(key) > 120 or needs_quotes(key):
                raise _Unmodelled("a key the walk does not render")
            if index or not first_inline:
                column = indent
            child = _child(path, key)
            self._check(column, key + ":")
            self.line_map[child] = (self.line + 1, column + 1)
            self.value_after_key(item, child, indent)

    def value_after_key(self, item: Any, path: str, indent: int) -> None:
        if isinstance(item, dict) and item:
            self.line += 1
            self.mapping(item, path, indent + 2, indent + 2, first_inline=False)
        elif isinstance(item, list) and item:
            self.line += 1
            self.sequence(item, path, indent, indent, first_inline=False)
        else:
            self.scalar(item)

    def sequence(self, value: list[Any], path: str, indent: int, column: int, first_inline: bool) -> None:
        for index, item in enumerate(value):
            if index or not first_inline:
                column = indent
            self._check(column, "- ")
            child = f"{path}[{index}]"
            self.line_map[child] = (self.line + 1, column + 3)
            if isinstance(item, dict) and item:
                self.mapping(item, child, column + 2, column + 2, first_inline=True)
            elif isinstance(item, list) and item:
                self.sequence(item, child, column + 2, column + 2, first_inline=True)
            else:
                self.scalar(item)

    def scalar(self, value: Any) -> None:
        if isinstance(value, str) and (
            "\n" in value or "\r" in value or "\x85" in value or "\u2028" in value
        ):
            raise _Unmodelled("a multi-line string")
        self.line += 1


def dump_json(documents: list[dict[str, Any]]) -> str:
    """One document as an object, several as a v1 List; indented, key order kept."""
    if len(documents) == 1:
        obj: Any = documents[0]
    else:
        obj = {"apiVersion": "v1", "kind": "List", "items": documents}
    # Characters YAML may not hold raw (DEL, C1 controls) only occur inside JSON strings: escape
    # them so that YAML tools (kubectl included) read the file too.
    return escape_for_yaml(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def escape_for_yaml(json_text: str) -> str:
    """JSON text that YAML tools read too: characters YAML may not hold raw escaped."""
    return _json_escape().sub(lambda m: "".join(f"\\u{u:04x}" for u in _utf16(m.group())), json_text)


def double_quoted(text: str) -> str:
    """A string as a YAML double-quoted scalar (a JSON string is one)."""
    return escape_for_yaml(json.dumps(text, ensure_ascii=False))


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def export_text(
    document: dict[str, Any],
    companions: list[dict[str, Any]],
    roles: dict[str, Any] | None = None,
    kind: str | None = None,
    fmt: str = "yaml",
    role_annotations: bool = True,
    schedule: str | None = None,
    position: int = 0,
) -> str:
    """The manifest as text: converted to `kind`, roles as annotations, companions around it.

    `position` is the workload's place in the original stream (Manifest.position), so a
    ConfigMap that came before a Deployment is exported before it again.
    """
    from designer.pod.workloads import convert_kind

    if kind and (kind != document.get("kind") or schedule):
        document = convert_kind(document, kind, schedule=schedule)
    if roles and role_annotations:
        from designer.pod.roles import apply_role_annotations

        document = apply_role_annotations(document, roles)
    position = max(0, min(position, len(companions)))
    documents = [*companions[:position], document, *companions[position:]]
    if fmt == "json":
        return dump_json(documents)
    if fmt != "yaml":
        raise ValueError(f"unknown format {fmt!r}: use yaml or json")
    return dump_yaml(documents)
