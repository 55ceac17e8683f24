"""One module per CLI subcommand, each with main(argv) -> exit code (0 ok, 1 findings, 2 unreadable)."""

from __future__ import annotations

import sys

from designer.pod.manifest import Manifest, ManifestError, MultipleWorkloads, load_manifest


def read_manifest(path: str, choose: int | None = None) -> Manifest | None:
    """The manifest in FILE ('-': stdin), or None after saying on stderr why it cannot be read."""
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        print(f"{name}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return None
    try:
        return load_manifest(data, choose=choose)
    except MultipleWorkloads as exc:
        print(f"{name}: {exc}; pass --choose INDEX", file=sys.stderr)
    except ManifestError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
    return None
