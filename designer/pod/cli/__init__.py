"""One module per CLI subcommand, each with main(argv) -> exit code (0 ok, 1 findings, 2 unreadable)."""

from __future__ import annotations

import sys

from designer.pod.manifest import Manifest, ManifestError, MultipleWorkloads, load_manifest


def read_bytes(path: str) -> bytes | None:
    """The bytes of FILE ('-': stdin), or None after saying on stderr why it cannot be read."""
    return _read(path)


def _name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _read(path: str) -> bytes | None:
    try:
        if path == "-":
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        print(f"{_name(path)}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return None


def read_manifest(path: str, choose: int | None = None, data: str | bytes | None = None) -> Manifest | None:
    """The manifest in FILE ('-': stdin), or None after saying on stderr why it cannot be read."""
    name = _name(path)
    if data is None:
        data = _read(path)
        if data is None:
            return None
    try:
        return load_manifest(data, choose=choose)
    except MultipleWorkloads as exc:
        print(f"{name}: {exc}; pass --choose INDEX", file=sys.stderr)
    except ManifestError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
    return None
