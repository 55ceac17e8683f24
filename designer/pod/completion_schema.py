"""A compact schema for the YAML editor's completion and hover text, per Kubernetes version.

Built from the same kubernetes-validate schema files the schema layer checks against (Pod,
PodTemplate and the workload kinds), keeping only what an editor needs: per type, its fields
with description, the type of the value (a named type, a list or map of one, or a scalar) and
the enum values. The OpenAPI schemas carry few enums (imagePullPolicy has none); most live in
the descriptions ("One of Always, Never, IfNotPresent."), so those are read too.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from designer.pod.rules.schema import _definitions, _schema_dir, schema_file
from designer.pod.workloads import WORKLOAD_KINDS

_REF = re.compile(r"#/\$defs/(.+)$")
_SHORTEN = (
    ("io.k8s.api.", ""),
    ("io.k8s.apimachinery.pkg.apis.meta.", "meta."),
    ("io.k8s.apimachinery.pkg.", ""),
)
_WORD = r"[A-Za-z][\w-]*(?:\.[\w-]+)*"
# "Possible enum values:\n - `"Always"` means ..." (newer schemas)
_POSSIBLE = re.compile(r'^\s*-\s*`"([^"`]+)"`', re.MULTILINE)
# "One of Always, Never, IfNotPresent." / "Valid values are 'A', 'B' or 'C'." / "Must be one of ..."
_LISTED = re.compile(
    r"(?:[Oo]ne of|[Vv]alid values are|[Vv]alues are)[:\s]+"
    rf"((?:['\"`]?{_WORD}['\"`]?)(?:\s*(?:,|,?\s+or|,?\s+and)\s+['\"`]?{_WORD}['\"`]?)+)"
)
_ITEM = re.compile(rf"['\"`]?({_WORD})['\"`]?")


def _short(name: str) -> str:
    for prefix, replacement in _SHORTEN:
        if name.startswith(prefix):
            return replacement + name[len(prefix) :]
    return name


def enum_values(node: dict[str, Any]) -> list[str]:
    """The enum values of a field: the schema's `enum`, else those its description lists."""
    listed = [value for value in node.get("enum") or [] if isinstance(value, str)]
    if listed:
        return listed
    description = str(node.get("description") or "")
    if "Possible enum values" in description:
        return list(dict.fromkeys(_POSSIBLE.findall(description.split("Possible enum values", 1)[1])))
    match = _LISTED.search(description)
    if not match:
        return []
    words = _ITEM.findall(match.group(1))
    values = [value for value in words if value not in ("or", "and")]
    if "and" in words and len(values) < 3:
        return []  # "Exactly one of A and B must be set": two fields, not values
    # A sentence, not a list of values ("one of the containers, or ..."): values are single words
    # that start with a capital letter or are all lower-case identifiers the API names.
    if any(value[0].islower() and value not in ("true", "false") for value in values):
        return []
    return list(dict.fromkeys(values))


class _Builder:
    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self.types: dict[str, dict[str, Any]] = {}

    def named(self, name: str) -> str | None:
        """The short name of a definition with fields, adding it (and what it reaches) once."""
        short = _short(name)
        if short in self.types:
            return short
        node = self.definitions.get(name)
        if not isinstance(node, dict) or not node.get("properties"):
            return None
        self.types[short] = {}  # before the fields: a type may reach itself (JSONSchemaProps)
        self.types[short] = self.fields(node)
        return short

    def fields(self, node: dict[str, Any]) -> dict[str, Any]:
        return {key: self.field(value) for key, value in sorted(node.get("properties", {}).items())}

    def field(self, node: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if node.get("description"):
            out["doc"] = str(node["description"]).strip()
        out.update(self.value(node))
        values = enum_values(node) if "scalar" in out else []
        if values:
            out["enum"] = values
        return out

    def value(self, node: dict[str, Any]) -> dict[str, Any]:
        ref = _REF.search(str(node.get("$ref", "")))
        if ref:
            named = self.named(ref.group(1))
            return (
                {"type": named} if named else {"scalar": self.scalar(self.definitions.get(ref.group(1), {}))}
            )
        types = node.get("type")
        kinds = [types] if isinstance(types, str) else list(types or [])
        if "array" in kinds and isinstance(node.get("items"), dict):
            inner = self.value(node["items"])
            return {"list": inner.get("type") or inner.get("scalar", "string")}
        if "object" in kinds and isinstance(node.get("additionalProperties"), dict):
            inner = self.value(node["additionalProperties"])
            return {"map": inner.get("type") or inner.get("scalar", "string")}
        return {"scalar": self.scalar(node)}

    @staticmethod
    def scalar(node: dict[str, Any]) -> str:
        types = node.get("type")
        kinds = [types] if isinstance(types, str) else list(types or [])
        for option in node.get("oneOf") or []:
            option_types = option.get("type") if isinstance(option, dict) else None
            kinds += [option_types] if isinstance(option_types, str) else list(option_types or [])
        names = [kind for kind in dict.fromkeys(kinds) if kind != "null"]
        return "|".join(names) or "any"


@functools.cache
def completion_schema(version: tuple[int, int]) -> bytes:
    """The compact schema of one version as JSON bytes (built once per process)."""
    definitions = _definitions(version)["$defs"]
    builder = _Builder(definitions)
    kinds: dict[str, str] = {}
    for kind in WORKLOAD_KINDS:
        path = _schema_dir(version) / schema_file(kind)
        root = json.loads(path.read_text(encoding="utf-8"))
        kinds[kind] = f"kind.{kind}"
        builder.types[kinds[kind]] = builder.fields(root)
    document = {"version": f"{version[0]}.{version[1]}", "kinds": kinds, "types": builder.types}
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")
