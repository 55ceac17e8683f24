"""The user's text in the editor, in Chromium: a typed image is a one-line change of the text the
YAML tab shows and of the export; the comments stay (designer/editor/state.py, DESIGN.md §2)."""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from designer.pod.manifest import load_manifest
from designer.revisions import Content, create_design
from tests.views.test_editor_source_text import COMMENTED

pytestmark = pytest.mark.django_db(transaction=True)
NEW_IMAGE = "registry.example.com/shop:1.5.0"


def changes(old: str, new: str) -> list[str]:
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("---", "+++"))]


def test_a_typed_image_is_one_changed_line_of_the_users_text(
    signed_in_page: Any, live_server: Any, alice: Any, screenshot: Any
) -> None:
    manifest = load_manifest(COMMENTED)
    content = Content(manifest.document, manifest.companions, {}, manifest.position, source_text=COMMENTED)
    design = create_design(alice, "shop", content)
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    assert "# Ships the access log." in page.locator("#yaml-text").input_value()
    page.locator("#f-cc0-image").evaluate(
        "e => { for (let n = e; n; n = n.parentElement) if (n.tagName === 'DETAILS') n.open = true; }"
    )
    page.locator("#f-cc0-image").fill(NEW_IMAGE)
    page.wait_for_function("v => document.querySelector('#yaml-text').value.includes(v)", arg=NEW_IMAGE)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    shown = page.locator("#yaml-text").input_value()
    assert f'image: "{NEW_IMAGE}"   # pinned by the release' in shown  # quotes and comment kept
    assert "# Ships the access log." in shown and 'labels: {app: shop, tier: "front"}' in shown
    screenshot("text-in-page-edited")
    page.locator("#tab-yaml").click()
    page.locator("#yaml-panel").wait_for()
    page.locator("#yaml-panel").screenshot(
        path=str(screenshot("text-in-page-edited").parent / "text-in-page-yaml.png")
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Saved revision 2")
    exported = page.request.get(f"{live_server.url}/designs/{design.pk}/export.yaml?annotations=0").text()
    assert changes(COMMENTED, exported) == [
        '-      image: "registry.example.com/shop:1.4.2"   # pinned by the release',
        f'+      image: "{NEW_IMAGE}"   # pinned by the release',
    ]
