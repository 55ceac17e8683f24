"""Every static file a template names exists, and the vendored libraries carry their licences."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from tests.e2e.harness import DIAGRAM_SCRIPTS, EDITOR_SCRIPTS

ROOT = Path(settings.BASE_DIR)
STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]""")
# What the editor page is to load (frontend/README.md): the tests' harness names the same files.
LIVE_EDITING = (
    *DIAGRAM_SCRIPTS,
    *EDITOR_SCRIPTS,
    "vendor/idiomorph/idiomorph.min.js",
    "designer/live_diagram.js",
    "designer/yaml_editor.js",
    "designer/shortcuts.js",
    "designer/live_editing.css",
)


def referenced() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for name in STATIC_TAG.findall(template.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(template.relative_to(ROOT)))
    return found


def test_every_static_file_a_template_names_exists() -> None:
    names = referenced()
    assert "vendor/pico/pico.min.css" in names  # the scan finds the tags
    missing = {name: where for name, where in names.items() if finders.find(name) is None}
    assert not missing


def test_the_live_editing_files_exist() -> None:
    assert [name for name in LIVE_EDITING if finders.find(name) is None] == []


def test_every_vendored_library_has_its_licence() -> None:
    vendor = ROOT / "static" / "vendor"
    for directory in sorted(p for p in vendor.iterdir() if p.is_dir()):
        licences = list(directory.glob("LICENSE*"))
        assert licences, f"{directory.name} has no LICENSE"
        assert all(p.stat().st_size > 200 for p in licences), directory.name


def test_the_bundle_is_reproducible_from_the_lock_file() -> None:
    frontend = ROOT / "frontend"
    assert (frontend / "package-lock.json").is_file() and (frontend / "build.mjs").is_file()
    lock = (frontend / "package-lock.json").read_text(encoding="utf-8")
    for package in ("@viz-js/viz", "dompurify", "svg-pan-zoom", "idiomorph", "@codemirror/lang-yaml"):
        assert f'"node_modules/{package}"' in lock, package
    assert "/frontend/node_modules/" in (ROOT / ".gitignore").read_text(encoding="utf-8")


def test_no_vendored_script_names_a_source_map_that_is_not_there() -> None:
    """collectstatic's manifest storage follows sourceMappingURL and fails on a missing map."""
    for script in (ROOT / "static").rglob("*.js"):
        for name in re.findall(r"sourceMappingURL=(\S+)", script.read_text(encoding="utf-8")):
            assert (script.parent / name).is_file(), f"{script.relative_to(ROOT)} names {name}"
