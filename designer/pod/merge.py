"""Three-way merge of Kubernetes documents (DESIGN.md §2): no teammate's change silently lost.

`merge(base, theirs, mine)` combines two edits of the same base. Mappings merge key by key;
lists of named things (containers, volumes, env, ports, mounts) merge item by item, matched by
their identity (name; a mount by mountPath; an unnamed port by containerPort/protocol); any
other value (a scalar, an unnamed list such as `args`) merges as a whole, except the roles and
waivers annotations, whose entries merge one by one. A path changed on one
side takes that side's value; changed on both sides to the same value is no conflict; changed
on both sides differently (or removed on one side and changed on the other) is a `Conflict`,
left at mine's value in `merged` until `resolve` applies the user's explicit choice.

Order: the result keeps mine's order, with theirs' additions inserted after their predecessor;
when only theirs reordered a list, theirs' order is kept instead (mine's additions inserted).
A named list that both sides reordered differently is a conflict at `<path> (order)`: the run
order of init containers matters.

Paths are human readable and stable, e.g. `spec.template.spec.containers[web].image`,
`metadata.labels[app]`, `companions[v1 ConfigMap app-config].data[key]`, `roles[web]`,
`metadata.annotations[pod-designer/roles][log]`; `show` prints a value for the UI, with ABSENT
(a side that holds nothing there) as "(absent)".
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from designer.pod.roles import ROLES_ANNOTATION
from designer.pod.rules.waivers import WAIVERS_ANNOTATION

Side = Literal["theirs", "mine"]
SIDES: tuple[Side, ...] = ("theirs", "mine")


class _Absent:
    """A path that holds nothing on one side (a removed key or item): displayable, falsy."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(absent)"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()


def show(value: Any) -> str:
    """A conflict value as the UI and messages print it: JSON, or "(absent)"."""
    if value is ABSENT:
        return "(absent)"
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Change:
    """A path that one side changed and the merge took from it."""

    path: str
    side: Side


@dataclass(frozen=True)
class Conflict:
    """A path both sides changed differently; each value may be ABSENT."""

    path: str
    base: Any
    theirs: Any
    mine: Any

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: values with ABSENT as None, and which of them are absent."""
        values = {"base": self.base, "theirs": self.theirs, "mine": self.mine}
        return {
            "path": self.path,
            **{k: (None if v is ABSENT else v) for k, v in values.items()},
            "absent": [k for k, v in values.items() if v is ABSENT],
        }


T = TypeVar("T")
Chooser = Callable[[str], "Side | None"]


@dataclass
class MergeResult(Generic[T]):
    """What a merge gives: the merged value (mine's side at each conflict), changes, conflicts."""

    merged: T
    changes: list[Change]
    conflicts: list[Conflict]
    # Re-runs the same merge with choices for the conflicts (see resolve).
    _redo: Callable[[Chooser], MergeResult[T]] = field(repr=False, compare=False)

    @property
    def clean(self) -> bool:
        return not self.conflicts

    def changed_by(self, side: Side) -> list[str]:
        return [c.path for c in self.changes if c.side == side]


class UnresolvedConflicts(ValueError):
    """A resolution must choose a side for each conflict, and only for conflicts."""

    def __init__(self, missing: list[str], unknown: list[str]) -> None:
        parts = []
        if missing:
            parts.append("no choice for " + ", ".join(missing))
        if unknown:
            parts.append("no conflict at " + ", ".join(unknown))
        super().__init__("; ".join(parts))
        self.missing = missing
        self.unknown = unknown


def resolve(result: MergeResult[T], choices: Mapping[str, Side]) -> T:
    """The merged value with each conflict's path taking the chosen side's value."""
    paths = [c.path for c in result.conflicts]
    missing = [p for p in paths if choices.get(p) not in SIDES]
    unknown = [p for p in choices if p not in paths]
    if missing or unknown:
        raise UnresolvedConflicts(missing, unknown)
    return result._redo(choices.get).merged


def resolve_all(result: MergeResult[T], side: Side) -> T:
    """Keep all of theirs (or all of mine) at the conflicts; every other change still merges."""
    return resolve(result, {c.path: side for c in result.conflicts})


def merge(base: Any, theirs: Any, mine: Any) -> MergeResult[Any]:
    """Three-way merge of two documents (or any JSON values) edited from the same base."""

    def run(choose: Chooser) -> MergeResult[Any]:
        merger = _Merger(choose)
        merged = merger.value(base, theirs, mine, _Path.ROOT)
        # The merged value shares parts with the inputs; a copy keeps later edits to it local.
        return MergeResult(copy.deepcopy(merged), merger.changes, merger.conflicts, run)

    return run(lambda _path: None)


@dataclass(frozen=True)
class Parts:
    """What a revision or a draft holds, as the merge sees it."""

    document: dict[str, Any]
    companions: list[dict[str, Any]]
    roles: dict[str, str]
    position: int


def merge_parts(base: Parts, theirs: Parts, mine: Parts) -> MergeResult[Parts]:
    """Merge whole contents: the document, companions (matched by kind, namespace and name),
    roles (by container name) and the workload's position in the stream."""

    def run(choose: Chooser) -> MergeResult[Parts]:
        merger = _Merger(choose)
        document = merger.value(base.document, theirs.document, mine.document, _Path.ROOT)
        companions = merger.value(
            base.companions, theirs.companions, mine.companions, _Path("companions", "companions")
        )
        roles = merger.value(base.roles, theirs.roles, mine.roles, _Path("roles", "roles"))
        position = merger.value(base.position, theirs.position, mine.position, _Path("position", "position"))
        merged = Parts(
            document if isinstance(document, dict) else {},
            companions if isinstance(companions, list) else [],
            roles if isinstance(roles, dict) else {},
            position if isinstance(position, int) else mine.position,
        )
        return MergeResult(copy.deepcopy(merged), merger.changes, merger.conflicts, run)

    return run(lambda _path: None)


def describe_changes(changes: list[Change], limit: int = 8) -> str:
    """'spec.containers[web].image (theirs), metadata.labels[tier] (yours)', shortened."""
    words = {"theirs": "theirs", "mine": "yours"}
    return _first([f"{c.path} ({words[c.side]})" for c in changes], limit)


def describe_choices(choices: Mapping[str, Side], limit: int = 8) -> str:
    """'kept theirs for a, b; mine for c', in the order the conflicts were listed."""
    parts = []
    for side in SIDES:
        paths = [p for p, s in choices.items() if s == side]
        if paths:
            parts.append(f"{side} for {_first(paths, limit)}")
    return "kept " + "; ".join(parts) if parts else ""


def _first(items: list[str], limit: int) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


# --- paths -----------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
# Mappings whose keys are data rather than field names: shown as [key], as the apiserver does.
_MAP_FIELDS = frozenset(
    {"labels", "annotations", "data", "binaryData", "stringData", "nodeSelector", "matchLabels", "roles"}
)


@dataclass(frozen=True)
class _Path:
    text: str
    # The field name that holds the value: it decides how a list's items are matched.
    field: str
    is_item: bool = False

    ROOT: Any = None  # set below

    def key(self, key: str) -> _Path:
        if self.field in _MAP_FIELDS or not _PLAIN_KEY.match(key):
            return _Path(f"{self.text}[{key}]", key)
        return _Path(f"{self.text}.{key}" if self.text else key, key)

    def item(self, identity: str) -> _Path:
        return _Path(f"{self.text}[{identity}]", "", is_item=True)

    def order(self) -> str:
        return f"{self.text} (order)"


_Path.ROOT = _Path("", "")


# --- matching list items ---------------------------------------------------------------------


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _by_name(item: dict[str, Any]) -> str | None:
    return _string(item.get("name"))


def _by_mount_path(item: dict[str, Any]) -> str | None:
    return _string(item.get("mountPath"))


def _port_identity(item: dict[str, Any]) -> str | None:
    if _string(item.get("name")):
        return str(item["name"])
    number = item.get("containerPort", item.get("port"))
    if isinstance(number, int) and not isinstance(number, bool):
        return f"{number}/{item.get('protocol') or 'TCP'}"
    return None


def _companion_identity(item: dict[str, Any]) -> str | None:
    meta = item.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    name = _string(meta.get("name"))
    if name is None:
        return None
    namespace = _string(meta.get("namespace"))
    where = f"{namespace}/{name}" if namespace else name
    return f"{item.get('apiVersion', '')} {item.get('kind', '')} {where}".strip()


_IDENTITIES: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "containers": _by_name,
    "initContainers": _by_name,
    "ephemeralContainers": _by_name,
    "volumes": _by_name,
    "env": _by_name,
    "ports": _port_identity,
    "volumeMounts": _by_mount_path,
    "companions": _companion_identity,
}


def _keyed(items: Any, identity: Callable[[dict[str, Any]], str | None]) -> dict[str, Any] | None:
    """The items by identity, in order; None when some item has none or shares one."""
    if items is ABSENT:
        return {}
    if not isinstance(items, list):
        return None
    keyed: dict[str, Any] = {}
    for item in items:
        key = identity(item) if isinstance(item, dict) else None
        if key is None or key in keyed:
            return None
        keyed[key] = item
    return keyed


# --- annotations that hold a list in a string ------------------------------------------------
# The editor keeps roles and waivers in pod annotations (roles.ROLES_ANNOTATION, "name=role,...";
# rules.waivers.WAIVERS_ANNOTATION, a JSON list). Merged as whole strings, two people adding
# different containers would always conflict there; decoded, their entries merge one by one.
# A text that does not decode, or does not encode back to itself, merges as a whole string.


class _Codec:
    def __init__(
        self, decode: Callable[[str], dict[str, Any]], encode: Callable[[dict[str, Any]], str]
    ) -> None:
        self.encode = encode
        self._decode = decode

    def decode(self, text: Any) -> dict[str, Any] | None:
        if text is ABSENT:
            return {}
        if not isinstance(text, str):
            return None
        try:
            entries = self._decode(text)
        except (ValueError, TypeError, AttributeError):
            return None
        return entries if self.encode(entries) == text else None


def _decode_roles(text: str) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for item in text.split(",") if text else []:
        name, sep, role = item.partition("=")
        # decode_roles strips blanks around names and roles: text with them merges as a whole.
        if not sep or not name or name in entries or item != item.strip() or "= " in item or " =" in item:
            raise ValueError(item)
        entries[name] = role
    return entries


def _encode_roles(entries: dict[str, Any]) -> str:
    return ",".join(f"{name}={role}" for name, role in entries.items())


def _decode_waivers(text: str) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for item in json.loads(text):
        rule, container = item["rule"], item.get("container")
        key = f"{rule}@{container}" if container is not None else str(rule)
        if key in entries:
            raise ValueError(key)
        entries[key] = item
    return entries


def _encode_waivers(entries: dict[str, Any]) -> str:
    return json.dumps(list(entries.values()), separators=(",", ":"))


_ENCODED = {
    ROLES_ANNOTATION: _Codec(_decode_roles, _encode_roles),
    WAIVERS_ANNOTATION: _Codec(_decode_waivers, _encode_waivers),
}


# --- the merge -------------------------------------------------------------------------------


def _get(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key, ABSENT)


def _same(a: Any, b: Any) -> bool:
    """Equal, key order included (the user's text keeps it), and True is not 1."""
    if a is ABSENT or b is ABSENT:
        return a is b
    return type(a) is type(b) and json.dumps(a, default=repr) == json.dumps(b, default=repr)


class _Merger:
    def __init__(self, choose: Chooser) -> None:
        self.choose = choose
        self.changes: list[Change] = []
        self.conflicts: list[Conflict] = []

    def value(self, base: Any, theirs: Any, mine: Any, path: _Path) -> Any:
        if _same(theirs, mine):
            return mine
        if _same(theirs, base):
            self.changes += [Change(p, "mine") for p in _diff(base, mine, path)]
            return mine
        if _same(mine, base):
            self.changes += [Change(p, "theirs") for p in _diff(base, theirs, path)]
            return theirs
        # Both changed, differently: go deeper where both are still the same kind of container.
        # A field one side removed reads as empty (its entries merge one by one); an item one
        # side removed stays whole (removed here and changed there is a conflict).
        lenient = not path.is_item
        if _fits(theirs, dict, lenient) and _fits(mine, dict, lenient) and _fits(base, dict, True):
            return _dropped_if_empty(self.mapping(base or {}, theirs or {}, mine or {}, path), theirs, mine)
        codec = _ENCODED.get(path.field)
        if codec is not None and not path.is_item:
            decoded = [codec.decode(v) for v in (base, theirs, mine)]
            if decoded[0] is not None and decoded[1] is not None and decoded[2] is not None:
                merged = self.mapping(decoded[0], decoded[1], decoded[2], path, items=True)
                emptied = _dropped_if_empty(merged, theirs, mine) is ABSENT
                return ABSENT if emptied else codec.encode(merged)
        identity = _IDENTITIES.get(path.field)
        if identity is not None and _fits(theirs, list, lenient) and _fits(mine, list, lenient):
            keyed = [_keyed(v, identity) for v in (base, theirs, mine)]
            if keyed[0] is not None and keyed[1] is not None and keyed[2] is not None:
                return _dropped_if_empty(self.named(keyed[0], keyed[1], keyed[2], path), theirs, mine)
        return theirs if self.conflict(base, theirs, mine, path.text) == "theirs" else mine

    def conflict(self, base: Any, theirs: Any, mine: Any, path: str) -> Side:
        """Record a conflict; the side to take there: the chosen one, mine until resolved."""
        self.conflicts.append(Conflict(path, base, theirs, mine))
        return "theirs" if self.choose(path) == "theirs" else "mine"

    def entries(
        self, base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any], step: Callable[[str], _Path]
    ) -> dict[str, Any]:
        """Each key (or item identity) merged on its own; the ones that end up absent left out."""
        values = {}
        for key in _union(base, theirs, mine):
            merged = self.value(_get(base, key), _get(theirs, key), _get(mine, key), step(key))
            if merged is not ABSENT:
                values[key] = merged
        return values

    def mapping(
        self,
        base: dict[str, Any],
        theirs: dict[str, Any],
        mine: dict[str, Any],
        path: _Path,
        items: bool = False,
    ) -> Any:
        values = self.entries(base, theirs, mine, path.item if items else path.key)
        # Key order is the text's, not Kubernetes': both reordering is no conflict, mine's wins.
        prefer_theirs = _reordered(base, theirs) and not _reordered(base, mine)
        order = _order(list(base), list(theirs), list(mine), values, prefer_theirs=prefer_theirs)
        return {key: values[key] for key in order}

    def named(self, base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any], path: _Path) -> Any:
        values = self.entries(base, theirs, mine, path.item)
        prefer_theirs = _reordered(base, theirs) and not _reordered(base, mine)
        if _reordered(base, theirs) and _reordered(base, mine):
            kept_t, kept_m = [k for k in theirs if k in base], [k for k in mine if k in base]
            if [k for k in kept_t if k in mine] != [k for k in kept_m if k in theirs]:
                prefer_theirs = self.conflict(list(base), kept_t, kept_m, path.order()) == "theirs"
        order = _order(list(base), list(theirs), list(mine), values, prefer_theirs=prefer_theirs)
        return [values[key] for key in order]


def _fits(value: Any, kind: type, absent_ok: bool) -> bool:
    return isinstance(value, kind) or (absent_ok and value is ABSENT)


def _dropped_if_empty(merged: Any, theirs: Any, mine: Any) -> Any:
    """An emptied field that one side removed is removed, not left as {} or []."""
    return ABSENT if not merged and (theirs is ABSENT or mine is ABSENT) else merged


def _union(*mappings: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys(key for m in mappings for key in m))


def _reordered(base: Mapping[str, Any], side: Mapping[str, Any]) -> bool:
    """Whether the side changed the relative order of the keys it kept from base."""
    return [k for k in side if k in base] != [k for k in base if k in side]


def _order(
    base: list[str], theirs: list[str], mine: list[str], present: Mapping[str, Any], *, prefer_theirs: bool
) -> list[str]:
    """Skeleton side's order, then the other side's keys inserted after their predecessor."""
    skeleton, other = (theirs, mine) if prefer_theirs else (mine, theirs)
    result = [k for k in skeleton if k in present]
    placed = set(result)
    for i, key in enumerate(other):
        if key in placed or key not in present:
            continue
        predecessor = next((k for k in reversed(other[:i]) if k in placed), None)
        result.insert(result.index(predecessor) + 1 if predecessor is not None else 0, key)
        placed.add(key)
    # A key present in neither order cannot happen (a merged value comes from one side).
    return result


def _diff(base: Any, side: Any, path: _Path) -> Iterator[str]:
    """The paths at which side differs from base, as deep as the merge would match them."""
    if _same(base, side):
        return
    if isinstance(base, dict) and isinstance(side, dict):
        found = False
        for key in _union(base, side):
            for changed in _diff(_get(base, key), _get(side, key), path.key(key)):
                found = True
                yield changed
        if not found:  # the same keys and values, only their order changed
            yield path.order()
        return
    identity = _IDENTITIES.get(path.field)
    if identity is not None:
        old, new = _keyed(base, identity), _keyed(side, identity)
        if old is not None and new is not None and base is not ABSENT and side is not ABSENT:
            for key in _union(old, new):
                yield from _diff(_get(old, key), _get(new, key), path.item(key))
            if _reordered(old, new):
                yield path.order()
            return
    yield path.text
