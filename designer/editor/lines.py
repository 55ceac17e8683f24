"""List fields the editor shows as text, one item a line, and back: mounts, env, envFrom,
downwardAPI items, projected sources.

Each codec is (format, parse). `format` returns None when the list holds something its lines
cannot say exactly (a mount with mountPropagation, an env var with an unusual key order...):
the form then shows "edit in YAML" and never posts the field, so nothing is lost. `parse`
raises EditError naming the bad line. Writing back keeps every unchanged item as it was (key
order included), so an untouched textarea never rewrites the document.
"""

from __future__ import annotations

import re
from typing import Any

from designer.editor.values import Kind
from designer.pod.edits import EditError

# --- volumeMounts and envFrom, one a line ----------------------------------------------------

_PLAIN = re.compile(r"^\S+\Z")


def format_mounts(mounts: Any) -> str | None:
    """'logs /var/log/app ro subPath=x' lines; None when a mount has more than the form shows."""
    if mounts is None:
        return ""
    if not isinstance(mounts, list):
        return None
    lines = []
    for m in mounts:
        if not isinstance(m, dict) or not set(m) <= {"name", "mountPath", "readOnly", "subPath"}:
            return None
        name, path = m.get("name"), m.get("mountPath")
        if not (
            isinstance(name, str) and _PLAIN.match(name) and isinstance(path, str) and _PLAIN.match(path)
        ):
            return None
        words = [name, path]
        if "readOnly" in m:
            if not isinstance(m["readOnly"], bool):
                return None
            words.append("ro" if m["readOnly"] else "rw")
        if "subPath" in m:
            if not (isinstance(m["subPath"], str) and _PLAIN.match(m["subPath"])):
                return None
            words.append(f"subPath={m['subPath']}")
        lines.append(" ".join(words))
    return "\n".join(lines)


def parse_mounts(text: str) -> list[dict[str, Any]]:
    result = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if len(words) < 2:
            raise EditError(f"volumeMounts: {line.strip()!r}: expected VOLUME /mount/path")
        mount: dict[str, Any] = {"name": words[0], "mountPath": words[1]}
        for word in words[2:]:
            if word in ("ro", "rw"):
                mount["readOnly"] = word == "ro"
            elif word.startswith("subPath="):
                mount["subPath"] = word.partition("=")[2]
            else:
                raise EditError(f"volumeMounts: {word!r}: expected ro, rw or subPath=")
        result.append(mount)
    return result


def format_env_from(sources: Any) -> str | None:
    """'configMap NAME prefix=X optional=true' lines; None when a source has more than that."""
    if sources is None:
        return ""
    if not isinstance(sources, list):
        return None
    lines = []
    for s in sources:
        if not isinstance(s, dict):
            return None
        refs = [k for k in s if k in ("configMapRef", "secretRef")]
        if len(refs) != 1 or not set(s) <= {refs[0], "prefix"}:
            return None
        ref = s[refs[0]]
        if (
            not isinstance(ref, dict)
            or not set(ref) <= {"name", "optional"}
            or not isinstance(ref.get("name"), str)
        ):
            return None
        if not _PLAIN.match(ref["name"]):
            return None
        words = ["configMap" if refs[0] == "configMapRef" else "secret", ref["name"]]
        if "prefix" in s:
            if not (isinstance(s["prefix"], str) and _PLAIN.match(s["prefix"])):
                return None
            words.append(f"prefix={s['prefix']}")
        if "optional" in ref:
            if not isinstance(ref["optional"], bool):
                return None
            words.append(f"optional={'true' if ref['optional'] else 'false'}")
        lines.append(" ".join(words))
    return "\n".join(lines)


def parse_env_from(text: str) -> list[dict[str, Any]]:
    result = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if len(words) < 2 or words[0] not in ("configMap", "secret"):
            raise EditError(f"envFrom: {line.strip()!r}: expected configMap NAME or secret NAME")
        source: dict[str, Any] = {}
        ref: dict[str, Any] = {"name": words[1]}
        for word in words[2:]:
            key, _, value = word.partition("=")
            if key == "prefix":
                source["prefix"] = value
            elif key == "optional" and value in ("true", "false"):
                ref["optional"] = value == "true"
            else:
                raise EditError(f"envFrom: {word!r}: expected prefix=X or optional=true")
        result.append({"configMapRef" if words[0] == "configMap" else "secretRef": ref, **source})
    return result


_ENV_NAME = re.compile(r"^[^\s=]+\Z")
_VALUE_FROM = re.compile(r"^([^\s=]+)\s+<-\s+(\S+)\s*(.*)\Z")
# valueFrom kind -> (the word in the form, positional keys, optional key=value keys)
_ENV_SOURCES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "secretKeyRef": ("secret", ("name", "key"), ("optional",)),
    "configMapKeyRef": ("configMap", ("name", "key"), ("optional",)),
    "fieldRef": ("field", ("fieldPath",), ("apiVersion",)),
    "resourceFieldRef": ("resource", ("resource",), ("containerName", "divisor")),
    "fileKeyRef": ("file", ("volumeName", "path", "key"), ("optional",)),
}
_ENV_WORDS = {word: kind for kind, (word, _, _) in _ENV_SOURCES.items()}


def format_env(env: Any) -> str | None:
    """One variable a line: 'NAME=value', 'NAME', or 'NAME <- secret S KEY optional=true',
    '<- configMap C KEY', '<- field metadata.name', '<- resource limits.cpu containerName=app
    divisor=1Mi', '<- file VOLUME PATH KEY'; None when an entry has more than that."""
    if not isinstance(env, list):
        return None
    lines = []
    for item in env:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("name"), str)
            or not _ENV_NAME.match(item["name"])
        ):
            return None
        name = item["name"]
        if set(item) == {"name"}:
            lines.append(name)
        elif set(item) == {"name", "value"} and isinstance(item["value"], str):
            # One line as parse sees it: str.splitlines() also breaks at \x85, \u2028, \x0b...
            if item["value"] and item["value"].splitlines() != [item["value"]]:
                return None
            lines.append(f"{name}={item['value']}")
        elif (
            set(item) == {"name", "valueFrom"}
            and isinstance(item["valueFrom"], dict)
            and len(item["valueFrom"]) == 1
        ):
            ((kind, ref),) = item["valueFrom"].items()
            if kind not in _ENV_SOURCES or not isinstance(ref, dict):
                return None
            word, positional, optional = _ENV_SOURCES[kind]
            if not set(positional) <= set(ref) or not set(ref) <= {*positional, *optional}:
                return None
            words = [name, "<-", word]
            for key in positional:
                if not (isinstance(ref[key], str) and _PLAIN.match(ref[key])):
                    return None
                words.append(ref[key])
            for key in optional:
                if key in ref:
                    value = ref[key]
                    if isinstance(value, bool):
                        words.append(f"{key}={'true' if value else 'false'}")
                    elif isinstance(value, str) and _PLAIN.match(value) and value not in ("true", "false"):
                        words.append(f"{key}={value}")
                    else:
                        return None
            # Only keys in the canonical order round-trip exactly; anything else stays in YAML.
            if list(ref) != [k for k in (*positional, *optional) if k in ref]:
                return None
            lines.append(" ".join(words))
        else:
            return None
    return "\n".join(lines)


def parse_env(text: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _VALUE_FROM.match(line.strip())
        if match:
            name, word, rest = match.groups()
            if word not in _ENV_WORDS:
                raise EditError(f"env: {word!r}: expected one of {', '.join(_ENV_WORDS)}")
            kind = _ENV_WORDS[word]
            _, positional, optional = _ENV_SOURCES[kind]
            values = rest.split()
            if len(values) < len(positional):
                raise EditError(
                    f"env: {line.strip()!r}: {word} needs {' '.join(k.upper() for k in positional)}"
                )
            ref: dict[str, Any] = dict(zip(positional, values, strict=False))
            for word_ in values[len(positional) :]:
                key, sep, value = word_.partition("=")
                if not sep or key not in optional:
                    raise EditError(f"env: {word_!r}: expected {' or '.join(k + '=' for k in optional)}")
                ref[key] = value == "true" if key == "optional" else value
            result.append({"name": name, "valueFrom": {kind: ref}})
        else:
            name, sep, value = line.partition("=")
            if not name.strip():
                raise EditError(f"env: {line!r}: expected NAME=value")
            result.append({"name": name.strip(), "value": value} if sep else {"name": name.strip()})
    return result


# --- downwardAPI items and projected sources, one a line ------------------------------------

_ITEM_SOURCES = {"fieldRef": ("field", ("fieldPath",)), "resourceFieldRef": ("resource", ("resource",))}
_ITEM_OPTIONAL = {"fieldRef": ("apiVersion",), "resourceFieldRef": ("containerName", "divisor")}


def format_downward_items(items: Any) -> str | None:
    """'labels <- field metadata.labels' / 'cpu <- resource limits.cpu containerName=app' lines."""
    if not isinstance(items, list):
        return None
    lines = []
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("path"), str)
            or not _PLAIN.match(item["path"])
        ):
            return None
        refs = [k for k in item if k in _ITEM_SOURCES]
        if len(refs) != 1 or list(item) != ["path", refs[0]] or not isinstance(item[refs[0]], dict):
            return None
        kind, ref = refs[0], item[refs[0]]
        word, (first,) = _ITEM_SOURCES[kind]
        order = [first, *_ITEM_OPTIONAL[kind]]
        if first not in ref or list(ref) != [k for k in order if k in ref]:
            return None
        if not all(isinstance(ref[k], str) and _PLAIN.match(ref[k]) for k in ref):
            return None
        extra = [f"{k}={ref[k]}" for k in order[1:] if k in ref]
        lines.append(" ".join([item["path"], "<-", word, ref[first], *extra]))
    return "\n".join(lines)


def parse_downward_items(text: str) -> list[dict[str, Any]]:
    result = []
    words_of = {word: kind for kind, (word, _) in _ITEM_SOURCES.items()}
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if len(words) < 4 or words[1] != "<-" or words[2] not in words_of:
            raise EditError(
                f"items: {line.strip()!r}: expected PATH <- field FIELDPATH or PATH <- resource NAME"
            )
        kind = words_of[words[2]]
        ref: dict[str, Any] = {_ITEM_SOURCES[kind][1][0]: words[3]}
        for word in words[4:]:
            key, sep, value = word.partition("=")
            if not sep or key not in _ITEM_OPTIONAL[kind]:
                raise EditError(
                    f"items: {word!r}: expected {' or '.join(k + '=' for k in _ITEM_OPTIONAL[kind])}"
                )
            ref[key] = value
        result.append({"path": words[0], kind: ref})
    return result


def format_projected_sources(sources: Any) -> str | None:
    """'configMap NAME', 'secret NAME', 'serviceAccountToken PATH expirationSeconds=3600 audience=x'."""
    if not isinstance(sources, list):
        return None
    lines = []
    for source in sources:
        if not isinstance(source, dict) or len(source) != 1:
            return None
        ((kind, body),) = source.items()
        if not isinstance(body, dict):
            return None
        if kind in ("configMap", "secret") and list(body) == ["name"] and isinstance(body["name"], str):
            if not _PLAIN.match(body["name"]):
                return None
            lines.append(f"{kind} {body['name']}")
        elif (
            kind == "serviceAccountToken" and isinstance(body.get("path"), str) and _PLAIN.match(body["path"])
        ):
            order = ["path", "expirationSeconds", "audience"]
            if list(body) != [k for k in order if k in body]:
                return None
            words = [kind, body["path"]]
            if "expirationSeconds" in body:
                if not isinstance(body["expirationSeconds"], int) or isinstance(
                    body["expirationSeconds"], bool
                ):
                    return None
                words.append(f"expirationSeconds={body['expirationSeconds']}")
            if "audience" in body:
                if not (isinstance(body["audience"], str) and _PLAIN.match(body["audience"])):
                    return None
                words.append(f"audience={body['audience']}")
            lines.append(" ".join(words))
        else:
            return None
    return "\n".join(lines)


def parse_projected_sources(text: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0] in ("configMap", "secret") and len(words) == 2:
            result.append({words[0]: {"name": words[1]}})
        elif words[0] == "serviceAccountToken" and len(words) >= 2:
            body: dict[str, Any] = {"path": words[1]}
            for word in words[2:]:
                key, sep, value = word.partition("=")
                if key == "expirationSeconds" and sep and value.isascii() and value.isdigit():
                    body[key] = int(value)
                elif key == "audience" and sep and value:
                    body[key] = value
                else:
                    raise EditError(f"sources: {word!r}: expected expirationSeconds=N or audience=X")
            result.append(
                {
                    "serviceAccountToken": dict(
                        sorted(
                            body.items(),
                            key=lambda kv: ["path", "expirationSeconds", "audience"].index(kv[0]),
                        )
                    )
                }
            )
        else:
            raise EditError(
                f"sources: {line.strip()!r}: expected configMap NAME, secret NAME or serviceAccountToken PATH"
            )
    return result


# The list fields as value codecs of the field table (designer/editor/fields.py).
ENV = Kind(format_env, lambda text, field: parse_env(text), multiline=True)
ENV_FROM = Kind(format_env_from, lambda text, field: parse_env_from(text), multiline=True)
MOUNTS = Kind(format_mounts, lambda text, field: parse_mounts(text), multiline=True)
DOWNWARD_ITEMS = Kind(format_downward_items, lambda text, field: parse_downward_items(text), multiline=True)
PROJECTED_SOURCES = Kind(
    format_projected_sources, lambda text, field: parse_projected_sources(text), multiline=True
)
