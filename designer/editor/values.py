"""Value codecs of the editor's form fields: format(value) -> text, parse(text) -> value.

`fmt` returns None when the form cannot show a value exactly (the field then offers YAML and is
never posted, so nothing is lost); `parse` raises EditError naming the field. Booleans are
`true`/`false`; numbers become ints; lists and maps use one item a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from designer.pod.edits import EditError


def _fmt_str(v: Any) -> str | None:
    return v if isinstance(v, str) and "\n" not in v and "\r" not in v and v.strip() == v and v else None


def _parse_str(text: str, field: str) -> Any:
    return text


def _fmt_int(v: Any) -> str | None:
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else None


def _parse_int(text: str, field: str) -> Any:
    try:
        return int(text)
    except ValueError:
        raise EditError(f"{field}: {text!r} is not a whole number") from None


def _fmt_bool(v: Any) -> str | None:
    return ("true" if v else "false") if isinstance(v, bool) else None


def _parse_bool(text: str, field: str) -> Any:
    lowered = text.lower()
    if lowered in ("true", "yes", "on", "1"):
        return True
    if lowered in ("false", "no", "off", "0"):
        return False
    raise EditError(f"{field}: {text!r} is not true or false")


def _fmt_quantity(v: Any) -> str | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return str(v)
    return _fmt_str(v)


def _parse_quantity(text: str, field: str) -> Any:
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    return text


def _fmt_int_or_str(v: Any) -> str | None:
    if isinstance(v, str) and v.isascii() and v.isdigit():
        return None  # "8080" as a string would come back as an int
    return _fmt_int(v) if isinstance(v, int) else _fmt_str(v)


def _parse_int_or_str(text: str, field: str) -> Any:
    # ASCII only: '²'.isdigit() is true and int('²') fails; '٣' would become 3.
    return int(text) if text.isascii() and text.isdigit() else text


def _fmt_octal(v: Any) -> str | None:
    return f"0{v:o}" if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


def _parse_octal(text: str, field: str) -> Any:
    try:
        return int(text, 8) if text.startswith("0") and len(text) > 1 else int(text)
    except ValueError:
        raise EditError(f"{field}: {text!r} is not a file mode such as 0644") from None


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")


def _fmt_lines(v: Any) -> str | None:
    if not isinstance(v, list) or not v or not all(isinstance(i, str) for i in v):
        return None
    if any("\n" in i or "\r" in i for i in v) or v[0] == "" or v[-1] == "":
        return None
    return "\n".join(v)


def _parse_lines(text: str, field: str) -> Any:
    return _lines(text)


def _fmt_names(v: Any) -> str | None:
    """imagePullSecrets: [{name: x}, ...] -> one name a line."""
    if not isinstance(v, list) or not v:
        return None
    if not all(isinstance(i, dict) and list(i) == ["name"] and _fmt_str(i["name"]) for i in v):
        return None
    return "\n".join(i["name"] for i in v)


def _parse_names(text: str, field: str) -> Any:
    return [{"name": line.strip()} for line in _lines(text) if line.strip()]


def _fmt_kv(v: Any) -> str | None:
    if not isinstance(v, dict) or not v:
        return None
    lines = []
    for key, value in v.items():
        if not isinstance(key, str) or "=" in key or _fmt_str(key) is None:
            return None
        if not isinstance(value, str) or "\n" in value or "\r" in value or value != value.strip():
            return None
        lines.append(f"{key}={value}")
    return "\n".join(lines)


def _parse_kv(text: str, field: str) -> Any:
    result: dict[str, str] = {}
    for line in _lines(text):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise EditError(f"{field}: {line!r} is not key=value")
        result[key.strip()] = value.strip()
    return result


_PORT_KEYS = ("containerPort", "protocol", "name", "hostPort", "hostIP")


def _fmt_ports(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return None
    lines = []
    for p in v:
        if (
            not isinstance(p, dict)
            or not set(p) <= set(_PORT_KEYS)
            or _fmt_int(p.get("containerPort")) is None
        ):
            return None
        line = str(p["containerPort"])
        if "protocol" in p:
            if _fmt_str(p["protocol"]) is None:
                return None
            line += f"/{p['protocol']}"
        for key in ("name", "hostPort", "hostIP"):
            if key in p:
                text = _fmt_int(p[key]) if key == "hostPort" else _fmt_str(p[key])
                if text is None or " " in text:
                    return None
                line += f" {key}={text}"
        lines.append(line)
    return "\n".join(lines)


def _parse_ports(text: str, field: str) -> Any:
    result = []
    for line in _lines(text):
        words = line.split()
        if not words:
            continue
        number, _, protocol = words[0].partition("/")
        port: dict[str, Any] = {"containerPort": _parse_int(number, field)}
        if protocol:
            port["protocol"] = protocol
        for word in words[1:]:
            key, sep, value = word.partition("=")
            if not sep or key not in ("name", "hostPort", "hostIP"):
                raise EditError(f"{field}: {word!r}: expected name=, hostPort= or hostIP=")
            port[key] = _parse_int(value, field) if key == "hostPort" else value
        result.append(port)
    return result


def _fmt_items(v: Any) -> str | None:
    if not isinstance(v, list) or not v:
        return None
    lines = []
    for item in v:
        if not isinstance(item, dict) or set(item) != {"key", "path"}:
            return None
        key, path = _fmt_str(item["key"]), _fmt_str(item["path"])
        if key is None or path is None or "=" in key:
            return None
        lines.append(f"{key}={path}")
    return "\n".join(lines)


def _parse_items(text: str, field: str) -> Any:
    return [{"key": k, "path": v} for k, v in _parse_kv(text, field).items()]


@dataclass(frozen=True)
class Kind:
    """How one field's value is shown as text and read back."""

    fmt: Callable[[Any], str | None]
    parse: Callable[[str, str], Any]
    # A textarea, one item a line: line breaks at the ends are not part of the value.
    multiline: bool = False


STR = Kind(_fmt_str, _parse_str)
INT = Kind(_fmt_int, _parse_int)
BOOL = Kind(_fmt_bool, _parse_bool)
QUANTITY = Kind(_fmt_quantity, _parse_quantity)
INT_OR_STR = Kind(_fmt_int_or_str, _parse_int_or_str)
OCTAL = Kind(_fmt_octal, _parse_octal)
LINES = Kind(_fmt_lines, _parse_lines, multiline=True)
NAMES = Kind(_fmt_names, _parse_names, multiline=True)
KV = Kind(_fmt_kv, _parse_kv, multiline=True)
PORTS = Kind(_fmt_ports, _parse_ports, multiline=True)
ITEMS = Kind(_fmt_items, _parse_items, multiline=True)
