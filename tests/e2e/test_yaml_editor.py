"""yaml_editor.js: CodeMirror over the posted textarea, findings inline, schema completion and hover."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import EDITOR_SCRIPTS, open_harness, yaml_element

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPTS = (*EDITOR_SCRIPTS, "designer/yaml_editor.js")

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    ports:
    - containerPort: 80
  - name: sidecar
    image: busybox
    imagePullPolicy: Always
  volumes:
  - name: data
    emptyDir: {}
"""
FINDINGS = [
    {
        "line": 10,
        "column": 12,
        "severity": "warning",
        "message": "pin the image by digest",
        "rule": "IMG-DIGEST",
    },
    {"line": 15, "column": 5, "severity": "error", "message": "something is wrong here", "rule": "TEST-RULE"},
]


def editor(
    page: Any, live_server: Any, text: str = POD, findings: Any = None, **extra: str
) -> tuple[Any, list[str]]:
    body = yaml_element(text, FINDINGS if findings is None else findings, "/schemas/1.33.json", **extra)
    body += '<p><a href="#yaml-text" data-yaml-line="15" data-yaml-column="5" id="jump">line 15</a></p>'
    problems = open_harness(page, live_server, body, SCRIPTS)
    content = page.locator(".yaml-editor .cm-content")
    content.wait_for()
    page.wait_for_function("() => PodDesigner.yamlEditor.get().schema !== null")
    return content, problems


def cursor_line(page: Any) -> int:
    return int(
        page.evaluate(
            "(() => { const v = PodDesigner.yamlEditor.get().view; "
            "return v.state.doc.lineAt(v.state.selection.main.head).number; })()"
        )
    )


def test_it_upgrades_the_textarea_and_keeps_it_in_sync(page: Any, live_server: Any, screenshot: Any) -> None:
    content, problems = editor(page, live_server)
    assert not page.locator("#yaml-text").is_visible()
    assert page.get_by_role("textbox", name="YAML").count() == 1
    assert page.locator(".yaml-editor .cm-lineNumbers .cm-gutterElement").filter(has_text="18").count() == 1
    assert page.locator(".yaml-editor .cm-foldGutter").count() == 1
    page.evaluate(
        "window.inputs = 0; document.getElementById('yaml-text').addEventListener('input', () => window.inputs++)"
    )
    content.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("# edited\n")
    assert page.evaluate("document.getElementById('yaml-text').value").endswith("# edited\n")
    assert page.evaluate("window.inputs") > 0
    # The findings are diagnostics at their place, the YAML tokens highlighted.
    assert page.locator(".cm-lint-marker-warning").count() == 1
    assert page.locator(".cm-lint-marker-error").count() == 1
    assert page.locator(".cm-lintRange-warning").text_content() == "nginx:1.27"
    assert page.locator(".cm-lintRange-error").text_content() == "imagePullPolicy"
    screenshot("yaml-editor")
    # Search opens on Ctrl+F.
    page.keyboard.press("Control+f")
    assert page.locator(".cm-search").is_visible()
    assert problems == []


def test_a_click_on_a_findings_line_moves_the_cursor_there(page: Any, live_server: Any) -> None:
    editor(page, live_server)
    assert cursor_line(page) == 1
    page.locator("#jump").click()
    page.wait_for_function("() => document.activeElement.classList.contains('cm-content')")
    assert cursor_line(page) == 15
    assert page.evaluate("PodDesigner.yamlEditor.get().view.state.selection.main.head") == page.evaluate(
        "PodDesigner.yamlEditor.get().view.state.doc.line(15).from + 4"
    )
    page.evaluate("PodDesigner.yamlEditor.goToLine(3)")
    assert cursor_line(page) == 3


def test_completion_offers_the_enum_values_of_image_pull_policy(
    page: Any, live_server: Any, screenshot: Any
) -> None:
    content, problems = editor(page, live_server, findings=[])
    page.evaluate("PodDesigner.yamlEditor.goToLine(10, 99)")  # the end of "    image: nginx:1.27"
    page.keyboard.press("Enter")
    page.keyboard.type("imagePullP")
    options = page.locator(".cm-tooltip-autocomplete li")
    options.first.wait_for()
    assert options.all_text_contents()[0].startswith("imagePullPolicy")
    options.first.click()
    page.wait_for_function(
        "() => document.getElementById('yaml-text').value.includes('imagePullPolicy: \\n')"
    )
    page.keyboard.press("Control+Space")
    never = page.locator(".cm-tooltip-autocomplete li", has_text="Never")
    never.wait_for()
    labels = page.locator(".cm-tooltip-autocomplete li .cm-completionLabel").all_text_contents()
    assert sorted(label.strip() for label in labels) == ["Always", "IfNotPresent", "Never"]
    screenshot("yaml-editor-completion")
    never.click()
    assert "    imagePullPolicy: Never\n" in page.evaluate("document.getElementById('yaml-text').value")
    assert problems == []


def test_completion_knows_where_it_is(page: Any, live_server: Any) -> None:
    editor(page, live_server, findings=[])

    def path(line: int, column: int) -> list[str]:
        return list(
            page.evaluate("([t, l, c]) => PodDesigner.yamlEditor.pathAt(t, l, c)", [POD, line, column])
        )

    assert path(4, 3) == ["metadata"]
    assert path(6, 5) == ["metadata", "labels"]
    assert path(10, 5) == ["spec", "containers"]
    assert path(12, 7) == ["spec", "containers", "ports"]
    assert path(15, 5) == ["spec", "containers"]
    assert path(18, 5) == ["spec", "volumes"]
    assert path(8, 3) == ["spec"]
    # Field names at a new key inside a container; a Deployment reaches the same fields deeper.
    page.evaluate("PodDesigner.yamlEditor.goToLine(15, 99)")
    page.keyboard.press("Enter")
    page.keyboard.type("livenessPr")
    page.locator(".cm-tooltip-autocomplete li").first.wait_for()
    assert "livenessProbe" in page.locator(".cm-tooltip-autocomplete").text_content()


def test_hover_shows_the_schema_description(page: Any, live_server: Any, screenshot: Any) -> None:
    editor(page, live_server, findings=[])
    page.locator(".cm-line", has_text="imagePullPolicy").get_by_text("imagePullPolicy").hover()
    tooltip = page.locator(".yaml-hover")
    tooltip.wait_for()
    assert "Always, Never, IfNotPresent" in tooltip.text_content()
    assert "Image pull policy" in tooltip.text_content()
    screenshot("yaml-editor-hover")


def test_the_yaml_error_is_a_marker_and_new_findings_replace_the_old(page: Any, live_server: Any) -> None:
    broken = "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n"
    error = '{"line": 4, "column": 15, "message": "expected a node content"}'
    editor(page, live_server, text=broken, findings=[], yaml_error=error)
    assert page.locator(".cm-lint-marker-error").count() == 1
    # A preview answer changes the attributes in place (a morph): the diagnostics follow.
    page.evaluate(
        """() => { const t = document.getElementById('yaml-text');
                   t.removeAttribute('data-yaml-error');
                   t.dataset.findings = JSON.stringify([{line: 1, column: 1, severity: 'warning', message: 'w', rule: 'R'}]); }"""
    )
    page.locator(".cm-lint-marker-warning").wait_for()
    assert page.locator(".cm-lint-marker-error").count() == 0
    # Text from the server (an edit through the forms) replaces the editor's while it is not focused.
    page.evaluate("document.getElementById('yaml-text').textContent = 'kind: Pod\\n'")
    page.wait_for_function("() => PodDesigner.yamlEditor.get().view.state.doc.toString() === 'kind: Pod\\n'")


def test_a_swap_that_replaces_the_textarea_keeps_one_editor(page: Any, live_server: Any) -> None:
    editor(page, live_server)
    page.evaluate(
        """() => { const old = document.getElementById('yaml-text');
                   const fresh = document.createElement('textarea');
                   fresh.id = 'yaml-text'; fresh.name = 'yaml_text'; fresh.dataset.yamlEditor = '';
                   fresh.dataset.schemaUrl = old.dataset.schemaUrl; fresh.dataset.findings = '[]';
                   fresh.value = 'kind: Deployment\\n'; old.replaceWith(fresh); }"""
    )
    page.wait_for_function(
        "() => PodDesigner.yamlEditor.get().view.state.doc.toString() === 'kind: Deployment\\n'"
    )
    assert page.locator(".yaml-editor").count() == 1
    assert page.locator(".cm-lint-marker").count() == 0


def test_findings_can_come_from_an_element_a_preview_swaps(page: Any, live_server: Any) -> None:
    source = (
        '<script type="application/json" id="yaml-findings">{"findings": [], "yaml_error": null}</script>'
    )
    body = yaml_element(POD, [], "/schemas/1.33.json", findings_from="yaml-findings") + source
    problems = open_harness(page, live_server, body, SCRIPTS)
    page.locator(".cm-content").click()
    page.keyboard.type("# typing")
    assert page.locator(".cm-lint-marker").count() == 0
    # An out-of-band swap replaces the JSON element; the text and the cursor stay as they are.
    page.evaluate(
        """() => { const fresh = document.createElement('script'); fresh.type = 'application/json';
        fresh.id = 'yaml-findings';
        fresh.textContent = JSON.stringify({findings: [{line: 2, column: 1, severity: 'error', message: 'm', rule: 'R'}],
                                            yaml_error: {line: 4, column: 3, message: 'bad'}});
        document.getElementById('yaml-findings').replaceWith(fresh); }"""
    )
    page.locator(".cm-lint-marker-error").first.wait_for()
    # While the text does not load, the findings' lines describe an older text: the error only.
    assert page.locator(".cm-lint-marker-error").count() == 1
    assert "# typing" in page.evaluate("document.getElementById('yaml-text').value")
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    assert problems == []


def test_findings_come_from_the_findings_panel_and_the_yaml_error_element(
    page: Any, live_server: Any
) -> None:
    """The editor page sends its findings once, as the panel's HTML: the diagnostics read it."""
    panel = (
        '<section id="findings-panel"><ul>'
        '<li data-rule="LINT-RES-LIMITS" data-diagnostic="warning"><a href="#form-pod">no &lt;limit&gt;</a>'
        ' <a href="#yaml-text" data-yaml-line="2">line 2</a></li>'
        '<li data-rule="LINT-X"><a href="#form-pod">not at a line</a></li>'
        '</ul></section><div id="yaml-error"></div>'
    )
    body = yaml_element(POD, [], "/schemas/1.33.json", findings_from="yaml-error findings-panel") + panel
    problems = open_harness(page, live_server, body, SCRIPTS)
    page.locator(".cm-lint-marker-warning").first.wait_for()
    assert page.locator(".cm-lint-marker").count() == 1
    page.locator(".cm-lintRange-warning").first.hover()
    page.locator(".cm-tooltip-lint").wait_for()
    assert "no <limit>" in page.locator(".cm-tooltip-lint").text_content()
    # The YAML error arrives (a preview swaps its element): only it is shown, at its place.
    page.evaluate(
        """() => { document.getElementById('yaml-error').innerHTML =
        '<p data-diagnostic="error" data-rule="YAML" data-line="3" data-column="2">Line 3: ' +
        '<span data-diagnostic-message>mapping values are not allowed</span></p>'; }"""
    )
    page.locator(".cm-lint-marker-error").wait_for()
    assert page.locator(".cm-lint-marker").count() == 1
    # The text loads again: the error goes, the panel's finding is back.
    page.evaluate("() => { document.getElementById('yaml-error').innerHTML = ''; }")
    page.locator(".cm-lint-marker-warning").wait_for()
    assert page.locator(".cm-lint-marker-error").count() == 0
    assert problems == []
