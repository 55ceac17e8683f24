"""The domain core never imports Django (DESIGN.md §3): parse every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "designer" / "pod"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_it_never_imports_django_in_the_core() -> None:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 5
    offenders = {
        str(f.relative_to(CORE)): sorted(m for m in imported_modules(f) if m.split(".")[0] == "django")
        for f in files
    }
    assert {f: m for f, m in offenders.items() if m} == {}


def test_it_never_imports_the_django_layer_from_the_core() -> None:
    for f in CORE.rglob("*.py"):
        for module in imported_modules(f):
            assert not (module.startswith("designer.") and not module.startswith("designer.pod")), (f, module)
