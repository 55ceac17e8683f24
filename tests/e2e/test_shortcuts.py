"""shortcuts.js: Ctrl+S asks for the message and saves, Enter saves, undo/redo, and `?`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.harness import EDITOR_SCRIPTS, open_harness, yaml_element

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPTS = (*EDITOR_SCRIPTS, "designer/yaml_editor.js", "designer/shortcuts.js")

FORM = """
<form id="save-form" method="post" action="/nowhere">
  <label>Name <input id="name" name="name" value="web"></label>
  <label>Message <input id="message" name="message" data-save-message maxlength="200"></label>
  <button type="submit" name="action" value="preview">Preview</button>
  <button type="submit" name="action" value="save" data-shortcut-save>Save</button>
</form>
<button type="button" data-undo id="undo">Undo</button>
<button type="button" data-redo id="redo">Redo</button>
"""


def open_page(page: Any, live_server: Any, extra: str = "") -> list[str]:
    problems = open_harness(page, live_server, FORM + extra, SCRIPTS)
    page.wait_for_function("() => window.PodDesigner && window.PodDesigner.shortcuts")
    # Record what would be posted instead of leaving the page.
    page.evaluate(
        """() => { window.saved = []; window.clicks = [];
        document.getElementById('save-form').addEventListener('submit', e => {
          e.preventDefault();
          window.saved.push([e.submitter && e.submitter.value, document.getElementById('message').value]); });
        for (const id of ['undo', 'redo'])
          document.getElementById(id).addEventListener('click', () => window.clicks.push(id)); }"""
    )
    return problems


def test_ctrl_s_asks_for_the_message_then_saves(page: Any, live_server: Any, screenshot: Any) -> None:
    problems = open_page(page, live_server)
    page.locator("#name").focus()
    page.keyboard.press("Control+s")
    dialog = page.get_by_role("dialog", name="Save")
    dialog.wait_for()
    field = dialog.get_by_label("Message for this version")
    assert field.evaluate("e => e === document.activeElement")
    page.keyboard.type("bump the image")
    screenshot("shortcuts-save-dialog")
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.saved.length === 1")
    assert page.evaluate("window.saved") == [["save", "bump the image"]]
    assert page.get_by_role("dialog").count() == 0
    # Cancel (or Esc) saves nothing.
    page.keyboard.press("Control+s")
    dialog.wait_for()
    page.keyboard.press("Escape")
    page.get_by_role("dialog").wait_for(state="detached")
    assert len(page.evaluate("window.saved")) == 1
    assert problems == []


def test_ctrl_s_works_from_inside_the_yaml_editor(page: Any, live_server: Any) -> None:
    open_page(page, live_server, yaml_element("kind: Pod\n", [], ""))
    page.locator(".cm-content").click()
    page.keyboard.press("Control+s")
    page.get_by_role("dialog", name="Save").wait_for()


def test_enter_in_the_message_field_saves(page: Any, live_server: Any) -> None:
    open_page(page, live_server)
    page.locator("#message").fill("quick fix")
    page.locator("#message").press("Enter")
    page.wait_for_function("() => window.saved.length === 1")
    assert page.evaluate("window.saved") == [["save", "quick fix"]]  # not the first button, Preview


def test_undo_and_redo_outside_text_fields_only(page: Any, live_server: Any) -> None:
    open_page(page, live_server)
    page.locator("body").click()
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+Shift+Z")
    page.keyboard.press("Control+y")
    assert page.evaluate("window.clicks") == ["undo", "redo", "redo"]
    page.locator("#name").focus()
    page.keyboard.press("Control+z")  # the field's own undo
    assert page.evaluate("window.clicks") == ["undo", "redo", "redo"]
    page.evaluate("document.getElementById('undo').disabled = true")
    page.locator("body").click()
    page.keyboard.press("Control+z")
    assert page.evaluate("window.clicks") == ["undo", "redo", "redo"]


def test_question_mark_lists_the_shortcuts(page: Any, live_server: Any, screenshot: Any) -> None:
    problems = open_page(page, live_server)
    page.locator("#name").focus()
    page.keyboard.type("?")  # typed into the field, no dialog
    assert page.get_by_role("dialog").count() == 0
    page.locator("body").click()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for()
    assert "Ctrl+S" in dialog.text_content() and "Ctrl+Shift+Z" in dialog.text_content()
    screenshot("shortcuts-list")
    page.keyboard.press("Escape")
    page.get_by_role("dialog").wait_for(state="detached")
    assert problems == []
