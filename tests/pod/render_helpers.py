"""What the render tests share: a clean render cache around each test, and fake engines."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from designer.pod.render import clear_cache, set_shared_cache


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Imported by a test module, this runs around each of its tests (autouse)."""
    clear_cache()
    yield
    set_shared_cache(None, None)
    clear_cache()


def script(tmp_path: Path, name: str, body: str) -> str:
    """An executable shell script standing in for a graphviz engine."""
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)
