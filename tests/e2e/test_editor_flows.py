"""A user builds a pod in the editor: pattern actions, live findings, the YAML tab, saving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from designer.pod.manifest import load_manifest
from designer.pod.rules.lint import lint
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


def _new_blank_design(page: Any, url: str, name: str) -> str:
    page.goto(f"{url}/designs/new")
    page.locator("#id_blank-name").fill(name)
    page.get_by_role("button", name="Create blank design").click()
    page.wait_for_url(f"{url}/designs/*/")
    return str(page.url)


def _viewport(page: Any, name: str) -> None:
    """What the user sees on screen (sticky panels in place), beside the full-page screenshot."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-viewport.png"))


def _settled(page: Any) -> None:
    """Wait until htmx has answered every request the last action started."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_it_builds_a_pod_with_pattern_actions_and_sees_findings_live(
    signed_in_page: Any, live_server: Any, screenshot: Any
) -> None:
    page = signed_in_page
    _new_blank_design(page, live_server.url, "shop")
    for label, node in (
        ("Add Log shipper (sidecar)", "#container-log-shipper"),
        ("Add Metrics exporter (adapter)", "g[id^='container-'][id*='exporter']"),
        ("Add Wait for a service (init)", "g[id^='init-']"),
    ):
        page.get_by_role("button", name=label).click()
        page.locator(f"#diagram-panel {node}").first.wait_for()
        _settled(page)
    assert page.locator("#form-panel details.container-form").count() == 4
    assert page.locator("#findings-panel .badge-error").first.inner_text() == "0 errors"
    screenshot("editor-patterns")
    page.evaluate("window.scrollTo(0, 0)")
    _viewport(page, "editor-patterns")

    # A click on a diagram node opens that container's form and focuses its first field.
    page.locator("#diagram-panel g#container-app").click()
    assert page.locator("#form-container-app").evaluate("d => d.open")
    assert page.evaluate("document.activeElement.id") == "f-cc0-name"

    # A port conflict: the exporter listens where the main does. The finding appears while
    # typing (focus and caret stay in the field), and goes when fixed.
    page.locator("#diagram-panel g#container-app-exporter").click()
    ports = page.locator("#form-container-app-exporter textarea[name$='-ports']")
    original = ports.input_value()
    ports.press("Control+Home")
    for _ in range(len(original.split("/")[0])):
        ports.press("Delete")
    ports.type("8080", delay=20)
    page.wait_for_function(
        "() => document.querySelector('#findings-panel .badge-error').textContent.trim() !== '0 errors'"
    )
    _settled(page)
    assert page.evaluate("document.activeElement.name") == ports.get_attribute("name")
    assert page.evaluate("document.activeElement.selectionStart") == 4
    assert "PAT-PORT-CONFLICT" in page.locator("#findings-panel").inner_text()
    # The finding links to its field.
    page.locator("#diagram-panel g#container-app").click()
    page.locator("#findings-panel li.finding-error a.finding-link").first.click()
    assert page.evaluate("document.activeElement.name") == ports.get_attribute("name")
    screenshot("editor-port-conflict")
    _viewport(page, "editor-port-conflict")
    ports.fill(original)
    page.wait_for_function(
        "() => document.querySelector('#findings-panel .badge-error').textContent.trim() === '0 errors'"
    )
    _settled(page)

    # Save, then the downloaded YAML passes the project's own lint.
    page.get_by_label("Save message (optional)").fill("patterns wired")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Saved revision 2")
    with page.expect_download() as info:
        page.get_by_role("link", name="YAML", exact=True).first.click()
    manifest = load_manifest(Path(info.value.path()).read_text(encoding="utf-8"))
    assert [f.message for f in lint(manifest.document) if f.severity == "error"] == []


def _type_yaml(page: Any, text: str) -> None:
    """Replace the YAML editor's text as one edit (CodeMirror's own transaction, as a paste is)."""
    page.locator("#yaml-panel .cm-content").click()
    page.evaluate(
        "t => { const v = PodDesigner.yamlEditor.get().view;"
        " v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: t}}); }",
        text,
    )


def test_the_yaml_tab_drives_the_forms(signed_in_page: Any, live_server: Any, screenshot: Any) -> None:
    page = signed_in_page
    page.emulate_media(color_scheme="dark")  # Pico follows the system setting
    _new_blank_design(page, live_server.url, "yaml-first")
    _viewport(page, "editor-dark")
    page.get_by_role("tab", name="YAML").click()
    area = page.locator("#yaml-text")
    text = area.input_value()
    _type_yaml(page, text.replace("image: nginx:1.27", "image: nginx:1.29"))
    page.wait_for_function("() => document.querySelector('#f-cc0-image').value === 'nginx:1.29'")
    # Invalid YAML: the error names line and column, the text stays as typed.
    _type_yaml(page, text + "  broken: [\n")
    page.wait_for_selector("#yaml-error .field-error")
    assert "Line" in page.locator("#yaml-error").inner_text()
    assert area.input_value().endswith("  broken: [\n")
    screenshot("editor-yaml-error")
    _viewport(page, "editor-yaml-error")
    # Saving refuses it, and the page comes back on the YAML tab with the text and the error.
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Fix the YAML before saving")
    assert page.get_by_role("tab", name="YAML").get_attribute("aria-selected") == "true"
    assert page.locator("#yaml-text").input_value().endswith("  broken: [\n")
    assert "Line" in page.locator("#yaml-error").inner_text()
    assert "Unsaved changes" in page.locator("#editor-status").inner_text()
    # The leave-page guard asks while the changes are unsaved.
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.evaluate("window.location.href = '/'")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]


def test_renamed_items_keep_working_buttons(signed_in_page: Any, live_server: Any) -> None:
    page = signed_in_page
    _new_blank_design(page, live_server.url, "renames")
    name = page.locator("#f-cc0-name")
    name.press("End")
    name.type("-x", delay=20)
    page.wait_for_function("() => document.querySelector('#head-cc0 code').textContent === 'app-x'")
    _settled(page)
    # The field being typed in keeps focus and caret; the buttons name the container as it is now.
    assert page.evaluate("[document.activeElement.id, document.activeElement.selectionStart]") == [
        "f-cc0-name",
        5,
    ]
    # The diagram node of the renamed container still opens its form.
    page.locator("#f-cc0-image").focus()
    page.locator("#diagram-panel g#container-app-x").click()
    assert page.evaluate("document.activeElement.id") == "f-cc0-name"
    page.locator("#actions-cc0").get_by_role("button", name="Duplicate").click()
    page.locator("#f-cc1-name").wait_for(state="attached")
    _settled(page)
    assert "could not be done" not in page.locator("#editor-status").inner_text()
    assert page.locator("#f-cc1-name").input_value() == "app-x-copy"
    # A volume too.
    page.get_by_role("button", name="Add emptyDir").click()
    volume = page.locator("#f-v0-name")
    volume.wait_for(state="attached")
    _settled(page)
    page.locator("#form-panel details.volume-form").first.evaluate("d => d.open = true")
    volume.press("End")
    volume.type("-x", delay=20)
    page.wait_for_function("() => document.querySelector('#head-v0 code').textContent === 'data-x'")
    _settled(page)
    page.locator("#actions-v0").get_by_role("button", name="Duplicate").click()
    page.locator("#f-v1-name").wait_for(state="attached")
    _settled(page)
    assert page.locator("#f-v1-name").input_value() == "data-x-copy"


OVERLAP_WITH_SAVE_BAR = """e => {
  const r = e.getBoundingClientRect(), bar = document.querySelector('.save-bar').getBoundingClientRect();
  return Math.max(0, Math.min(r.bottom, bar.bottom) - Math.max(r.top, bar.top));
}"""


def test_the_save_bar_covers_no_focused_control(signed_in_page: Any, live_server: Any) -> None:
    page = signed_in_page
    page.set_viewport_size({"width": 1280, "height": 800})
    _new_blank_design(page, live_server.url, "focus")
    page.locator("#head-cc0").focus()  # the main container's summary
    page.evaluate("window.scrollTo(0, 0)")
    seen = 0
    while True:  # down through the forms, past the bottom of the window
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        if not focused.evaluate("e => !!e.closest('#form-panel')"):
            break
        assert focused.evaluate(OVERLAP_WITH_SAVE_BAR) == 0, focused.get_attribute("id")
        seen += 1
    assert seen > 10 and page.evaluate("window.scrollY") > 0
    # The side panel ends above the bar: its last button can be seen and clicked.
    page.get_by_role("tab", name="YAML").click()
    page.evaluate("window.scrollTo(0, 400); document.getElementById('editor-side').scrollTop = 1e6")
    assert page.get_by_role("button", name="Apply YAML").evaluate(OVERLAP_WITH_SAVE_BAR) == 0


def test_a_findings_waive_link_fills_the_one_waiver_form(
    signed_in_page: Any, live_server: Any, make_design: Any
) -> None:
    """Each finding's "Waive…" picks its line in the panel's one form; the waiver shows at once."""
    shop = Path(__file__).resolve().parents[1] / "fixtures" / "diagram" / "shop-twelve-containers.yaml"
    design = make_design(shop.read_text(), name="shop")
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    finding = page.locator('#findings-panel li[data-rule="LINT-HOSTPATH"]')
    target = finding.locator("a[data-waive]").get_attribute("data-waive")
    finding.get_by_role("link", name="Waive…").click()
    assert page.locator("#waive").evaluate("d => d.open")
    assert page.locator("#waive-target").input_value() == target
    assert page.evaluate("document.activeElement.id") == "waive-reason"
    page.keyboard.type("the node's pod logs are what it ships")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#waive").screenshot(path=str(ARTIFACTS / "editor-waive-form.png"))
    with page.expect_response(lambda r: r.url.endswith("/preview")):
        page.locator("#waive").get_by_role("button", name="Waive").click()
    waived = page.locator('#findings-panel li.finding-waived[data-rule="LINT-HOSTPATH"]')
    waived.wait_for()
    assert "waived: the node's pod logs are what it ships" in waived.inner_text()
    assert waived.get_by_role("button", name="Remove waiver").count() == 1
