"""Issue 14 in the real editor page: the browser lays out the diagram, CodeMirror edits the YAML,
the findings point into it, and nothing breaks the Content-Security-Policy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import fixture_text
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)
TWELVE = Path(__file__).resolve().parents[1] / "fixtures" / "diagram" / "shop-twelve-containers.yaml"


def _view(page: Any, name: str) -> None:
    """The window as a person sees it (a full-page shot resizes the window, and the diagram with it)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _problems(page: Any) -> list[str]:
    """Console errors, CSP violations and uncaught exceptions of the page, as they happen."""
    found: list[str] = []
    page.on("console", lambda msg: found.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: found.append(str(exc)))
    return found


def _open(page: Any, live_server: Any, design: Any) -> Any:
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    drawing = page.locator("#diagram .live-diagram-viewport svg")
    drawing.wait_for()
    page.locator("#yaml-panel .cm-editor").wait_for(state="attached")
    # Drawn and fitted: the scale shows once svg-pan-zoom has the drawing.
    page.wait_for_function(
        "() => /[1-9]/.test(document.querySelector('#diagram .live-diagram-scale').textContent)"
    )
    return drawing


def test_the_browser_draws_the_twelve_container_pod_and_nodes_open_forms(
    signed_in_page: Any, live_server: Any, make_design: Any
) -> None:
    import yaml

    text = TWELVE.read_text()
    design = make_design(text, name="shop")
    spec = yaml.safe_load(text)["spec"]
    page = signed_in_page
    problems = _problems(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    drawing = _open(page, live_server, design)
    page.wait_for_load_state("networkidle")
    _view(page, "live-editor-1280x800")
    box = page.locator("#diagram .live-diagram-viewport").bounding_box()
    print(f"diagram panel at 1280x800: {box['width']:.0f} x {box['height']:.0f} CSS px")
    assert box["width"] >= 600 and box["height"] >= 480
    for c in spec["containers"]:
        assert drawing.locator(f'g[id="container-{c["name"]}"] a[data-diagram-node]').count() == 1
    for v in spec["volumes"]:
        assert drawing.locator(f'g[id="volume-{v["name"]}"] a[data-diagram-node]').count() == 1

    # A container past the eager ones: its fields load when the node opens its section.
    last = spec["containers"][-1]["name"]
    drawing.locator(f'g[id="container-{last}"]').click()
    section = page.locator(f"#form-container-{last}")
    assert section.get_attribute("open") is not None
    section.locator("input[name$='-image']").first.wait_for()
    volume = spec["volumes"][0]["name"]
    drawing.locator(f'g[id="volume-{volume}"]').click()
    assert page.locator(f"#form-volume-{volume}").get_attribute("open") is not None

    # Zoom buttons change the scale shown.
    scale = page.locator("#diagram .live-diagram-scale")
    before = scale.text_content()
    page.locator("#diagram").get_by_role("button", name="Zoom in (+)").click()
    page.wait_for_function(
        "b => document.querySelector('#diagram .live-diagram-scale').textContent !== b", arg=before
    )
    assert problems == []


def test_yaml_editor_findings_lines_completion_and_live_preview(
    signed_in_page: Any, live_server: Any, make_design: Any
) -> None:
    design = make_design(fixture_text("manifests/istio-injected-deployment.yaml"), name="mesh")
    page = signed_in_page
    problems = _problems(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    _open(page, live_server, design)

    # A finding's line link puts CodeMirror's cursor on that line.
    link = page.locator("#findings-panel a[data-yaml-line]").first
    line = int(link.get_attribute("data-yaml-line"))
    link.click()
    page.locator("#yaml-panel .cm-editor.cm-focused").wait_for()
    cursor_line = page.evaluate(
        "() => { const v = PodDesigner.yamlEditor.get().view; return v.state.doc.lineAt(v.state.selection.main.head).number; }"
    )
    assert cursor_line == line
    # The findings are inline diagnostics too.
    page.locator("#yaml-panel .cm-lint-marker").first.wait_for()

    # Completion offers imagePullPolicy's values (from the version's schema).
    page.evaluate(
        """() => { const v = PodDesigner.yamlEditor.get().view; const doc = v.state.doc;
        let at = -1; for (let i = 1; i <= doc.lines; i++) { const l = doc.line(i);
          if (/^\\s+image: /.test(l.text)) { at = l.to; break; } }
        const indent = /^(\\s+)/.exec(doc.lineAt(at).text)[1];
        v.dispatch({changes: {from: at, insert: "\\n" + indent + "imagePullPolicy: "}, selection: {anchor: at + indent.length + 18}});
        v.focus(); }"""
    )
    page.keyboard.press("Control+Space")
    options = page.locator(".cm-tooltip-autocomplete li")
    options.first.wait_for()
    labels = options.all_text_contents()
    assert any("IfNotPresent" in label for label in labels), labels
    page.keyboard.press("Escape")

    # Typing in CodeMirror previews through the textarea: source=yaml, the YAML is applied.
    page.keyboard.type("Always")
    with page.expect_response(lambda r: r.url.endswith("/preview")) as answer:
        pass
    assert answer.value.ok
    assert page.locator("#editor-source").input_value() == "yaml"
    page.wait_for_load_state("networkidle")
    _view(page, "live-editor-yaml")
    assert problems == []


def test_at_375_px_the_diagram_comes_first(signed_in_page: Any, live_server: Any, make_design: Any) -> None:
    design = make_design(TWELVE.read_text(), name="shop")
    page = signed_in_page
    page.set_viewport_size({"width": 375, "height": 800})
    _open(page, live_server, design)
    diagram = page.locator("#diagram").bounding_box()
    forms = page.locator("#form-panel").bounding_box()
    assert diagram["y"] < forms["y"]
    assert diagram["width"] >= 375 - 48
    _view(page, "live-editor-375x800")


def test_a_hostile_container_name_is_drawn_as_text(
    signed_in_page: Any, live_server: Any, make_design: Any
) -> None:
    hostile = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>"
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n"
        f"    team: '{hostile}'\nspec:\n  containers:\n  - name: app\n    image: 'nginx:1.27 {hostile}'\n"
    )
    design = make_design(text, name="hostile")
    page = signed_in_page
    problems = _problems(page)
    drawing = _open(page, live_server, design)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.pwned === undefined")
    assert drawing.locator("script, img, foreignObject").count() == 0
    assert "<script>" in drawing.text_content() or "script" in drawing.text_content()
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
