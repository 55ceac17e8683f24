"""One palette: the pages' role colours are the diagram's (designer/editor/palette.py)."""

from __future__ import annotations

from pathlib import Path

from designer.editor.palette import role_css
from designer.pod.diagram import ROLE_STYLE

STATIC = Path(__file__).resolve().parents[2] / "static" / "designer"


def test_roles_css_is_generated_from_the_diagrams_palette() -> None:
    assert (STATIC / "roles.css").read_text(encoding="utf-8") == role_css(), (
        "run: python -m designer.editor.palette > static/designer/roles.css"
    )


def test_no_stylesheet_defines_a_role_colour_of_its_own() -> None:
    for name in ("app.css", "editor.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert "--pd-main:" not in text, name
        for _fill, border, *_ in ROLE_STYLE.values():
            assert border not in text, f"{name} repeats {border}: use var(--pd-<role>)"
