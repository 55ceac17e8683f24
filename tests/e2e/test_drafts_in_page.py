"""The editor on a server-side draft, in Chromium: Back/Forward, reload, resume, undo/redo,
no-op saves, and two people saving the same design (merged, or a choice per field)."""

from __future__ import annotations

from typing import Any

import pytest

from designer.models import Design, Membership, Team
from designer.pod.workloads import pod_spec
from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)
ORIGINAL = "registry.example.com/web:1.4.2"


def _settled(page: Any) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _type_image(page: Any, field: str, value: str) -> None:
    """Open the field's section, type into it, and wait until the preview has it in the draft."""
    _reveal(page, field)
    page.locator(f"#{field}").fill(value)
    page.wait_for_function(
        "v => document.querySelector('#yaml-text').value.includes('image: ' + v)", arg=value
    )
    _settled(page)


def _reveal(page: Any, field: str) -> None:
    page.locator(f"#{field}").evaluate(
        "e => { for (let n = e; n; n = n.parentElement) if (n.tagName === 'DETAILS') n.open = true; }"
    )


def _sign_in(browser: Any, url: str, user: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(f"{user}-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/")
    return page


def _viewport(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture
def design(make_design: Any, alice: Any, bob: Any) -> Design:
    """alice's design (app + shipper) in a team where bob edits too."""
    team = Team.objects.create(name="platform", slug="platform")
    Membership.objects.create(team=team, user=bob, level=Membership.Level.EDITOR)
    result: Design = make_design(team=team, visibility=Design.Visibility.TEAM)
    return result


def test_back_forward_and_reload_show_the_draft(
    signed_in_page: Any, live_server: Any, design: Design
) -> None:
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    assert "?tab=" in page.url  # the tab's draft is named in the URL, for reloads
    _type_image(page, "f-cc0-image", "registry.example.com/web:2.0.0")
    page.get_by_role("link", name="History").click()
    page.wait_for_url("**/history/")
    page.go_back()
    page.locator("#f-cc0-image").wait_for()
    # The field, the YAML and the summary agree: the draft as it is, not a restored field value.
    assert page.locator("#f-cc0-image").input_value() == "registry.example.com/web:2.0.0"
    assert "image: registry.example.com/web:2.0.0" in page.locator("#yaml-text").input_value()
    assert "Unsaved changes" in page.locator("#editor-status").inner_text()
    page.go_forward()
    page.wait_for_url("**/history/")
    page.go_back()
    assert page.locator("#f-cc0-image").input_value() == "registry.example.com/web:2.0.0"
    _type_image(page, "f-cc1-image", "fluent/fluent-bit:9.9.9")
    page.reload()
    assert page.locator("#f-cc1-image").input_value() == "fluent/fluent-bit:9.9.9"
    assert page.locator("#f-cc0-image").input_value() == "registry.example.com/web:2.0.0"


def test_a_closed_tab_can_be_resumed(signed_in_page: Any, live_server: Any, design: Design) -> None:
    page = signed_in_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    _type_image(page, "f-cc0-image", "registry.example.com/web:3.0.0")
    context = page.context
    page.close()  # the tab is gone; what was previewed is in its draft
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    banner = page.locator("#resume-banner")
    assert "Unsaved changes from" in banner.inner_text()
    assert page.locator("#f-cc0-image").input_value() == ORIGINAL  # nothing applied unasked
    _viewport(page, "editor-resume-banner")
    banner.get_by_role("button", name="Resume").click()
    page.locator("#f-cc0-image").wait_for()
    assert page.locator("#f-cc0-image").input_value() == "registry.example.com/web:3.0.0"
    assert page.locator("#resume-banner").count() == 0


def test_undo_and_redo_from_buttons_and_keys(signed_in_page: Any, live_server: Any, design: Design) -> None:
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    assert page.locator("#undo-button").is_disabled()
    _type_image(page, "f-cc0-image", "registry.example.com/web:2.0.0")
    page.locator("#undo-button").click()
    page.wait_for_function("v => document.querySelector('#f-cc0-image').value === v", arg=ORIGINAL)
    _settled(page)
    assert "image: " + ORIGINAL in page.locator("#yaml-text").input_value()
    # Ctrl+Shift+Z outside a text field redoes; inside one it is the field's own undo.
    page.locator("#containers-heading").focus()
    page.keyboard.press("Control+Shift+Z")
    page.wait_for_function("() => document.querySelector('#f-cc0-image').value.endsWith('2.0.0')")
    _settled(page)
    _reveal(page, "f-cc1-image")
    page.locator("#f-cc1-image").focus()
    page.keyboard.press("Control+Z")
    page.wait_for_timeout(600)
    assert page.locator("#f-cc0-image").input_value() == "registry.example.com/web:2.0.0"
    page.locator("#containers-heading").focus()
    page.keyboard.press("Control+Z")
    page.wait_for_function("v => document.querySelector('#f-cc0-image').value === v", arg=ORIGINAL)


def test_a_save_that_changes_nothing_makes_no_revision(
    signed_in_page: Any, live_server: Any, design: Design
) -> None:
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Nothing to save")
    design.refresh_from_db()
    assert design.revision_count == 1


def test_two_people_editing_different_containers_both_land(
    signed_in_page: Any, live_server: Any, browser: Any, design: Design
) -> None:
    alice = signed_in_page
    bob = _sign_in(browser, live_server.url, "bob")
    alice.goto(f"{live_server.url}/designs/{design.pk}/")
    bob.goto(f"{live_server.url}/designs/{design.pk}/")
    _type_image(bob, "f-cc1-image", "fluent/fluent-bit:4.0.0")
    _type_image(alice, "f-cc0-image", "registry.example.com/web:2.0.0")
    bob.get_by_role("button", name="Save", exact=True).click()
    bob.wait_for_selector("text=Saved revision 2")
    alice.get_by_role("button", name="Save", exact=True).click()
    alice.wait_for_selector("text=merged with the changes saved since your edit began")
    design.refresh_from_db()
    images = [c["image"] for c in pod_spec(design.latest.document)["containers"]]
    assert images == ["registry.example.com/web:2.0.0", "fluent/fluent-bit:4.0.0"]
    assert alice.locator("#f-cc1-image").input_value() == "fluent/fluent-bit:4.0.0"


def test_an_overlapping_edit_gets_a_choice_per_field(
    signed_in_page: Any, live_server: Any, browser: Any, design: Design
) -> None:
    alice = signed_in_page
    alice.set_viewport_size({"width": 1280, "height": 900})
    bob = _sign_in(browser, live_server.url, "bob")
    alice.goto(f"{live_server.url}/designs/{design.pk}/")
    bob.goto(f"{live_server.url}/designs/{design.pk}/")
    _type_image(bob, "f-cc0-image", "registry.example.com/web:bob")
    bob.get_by_role("button", name="Save", exact=True).click()
    bob.wait_for_selector("text=Saved revision 2")
    _type_image(alice, "f-cc0-image", "registry.example.com/web:alice")
    _type_image(alice, "f-cc1-image", "fluent/fluent-bit:9.9.9")
    alice.get_by_role("button", name="Save", exact=True).click()
    alice.wait_for_selector("text=while you were editing")
    table = alice.locator("#conflict-table")
    assert "spec.containers[app].image" in table.inner_text()
    assert "web:bob" in table.inner_text() and "web:alice" in table.inner_text()
    assert "shipper" not in table.inner_text()  # not a conflict: it merges by itself
    # The screen fits a 1280px window.
    assert alice.evaluate("document.documentElement.scrollWidth") <= 1280
    _viewport(alice, "editor-conflict-per-field")
    alice.get_by_label("keep mine").check()
    alice.get_by_role("button", name="Save with these choices").click()
    alice.wait_for_selector("text=Saved revision 3")
    design.refresh_from_db()
    images = [c["image"] for c in pod_spec(design.latest.document)["containers"]]
    assert images == ["registry.example.com/web:alice", "fluent/fluent-bit:9.9.9"]
    assert "kept mine for spec.containers[app].image" in design.latest.message


NATIVE = """\
apiVersion: v1
kind: Pod
metadata: {name: native}
spec:
  initContainers:
  - name: proxy
    image: envoyproxy/envoy:v1.31.2
    restartPolicy: Always
  containers:
  - name: app
    image: nginx:1.27
"""


def test_diagram_nodes_link_to_their_forms_in_the_drawings_colours(
    signed_in_page: Any, live_server: Any, make_design: Any
) -> None:
    page = signed_in_page
    page.set_viewport_size({"width": 1280, "height": 900})
    design = make_design(NATIVE, name="native")
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    node = page.locator("#diagram-panel g#init-proxy")
    link = node.locator("a").first
    assert link.get_attribute("xlink:href") == "#form-container-proxy"  # its own href, no id contract
    assert node.get_attribute("role") is None  # no Pico button styles on the drawing
    # The native sidecar's name is drawn dark on its light fill, not white on white.
    fill = node.locator("text").first.evaluate("t => getComputedStyle(t).fill")
    assert fill not in ("rgb(255, 255, 255)", "#ffffff", "white"), fill
    _viewport(page, "editor-native-sidecar")
    node.click()
    assert page.locator("#form-container-proxy").evaluate("d => d.open")
    assert page.evaluate("document.activeElement.id") == "f-ci0-name"


def test_the_history_diff_keeps_yaml_indentation(
    signed_in_page: Any, live_server: Any, design: Design
) -> None:
    page = signed_in_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    _type_image(page, "f-cc0-image", "registry.example.com/web:2.0.0")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_selector("text=Saved revision 2")
    page.goto(f"{live_server.url}/designs/{design.pk}/diff/1/2/")
    line = page.locator("table.diff tr.diff-added code").first
    assert line.evaluate("c => getComputedStyle(c).whiteSpace") == "pre"
    # The changed line starts at its YAML indentation, to the right of a top-level key.
    top = page.locator("table.diff tr.diff-context code", has_text="spec:").first
    if top.count():
        assert line.locator("ins, del").first.bounding_box()["x"] > top.bounding_box()["x"]
    _viewport(page, "history-diff")


def test_a_large_pods_fields_arrive_when_a_section_opens(
    signed_in_page: Any, live_server: Any, make_design: Any
) -> None:
    from designer.editor.panels import LAZY_ABOVE
    from designer.pod.manifest import dump_yaml

    containers = [{"name": f"c{i}", "image": f"img:{i}"} for i in range(LAZY_ABOVE + 2)]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"}, "spec": {"containers": containers}}
    design = make_design(dump_yaml([pod]), name="big")
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    assert page.locator("#f-cc3-image").count() == 0
    # A click on the diagram node opens the section; its fields arrive and the first is focused.
    page.locator("#diagram-panel g#container-c3").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'f-cc3-name'")
    _type_image(page, "f-cc3-image", "img:33")
    # A structural action redraws the forms and keeps these fields open.
    page.get_by_role("button", name="Add emptyDir").click()
    page.locator("#head-v0").wait_for(state="attached")  # a large pod's volume: fields on opening
    _settled(page)
    assert page.locator("#f-cc3-image").input_value() == "img:33"
    assert page.locator("#form-container-c3").evaluate("d => d.open")


def test_typing_a_save_message_previews_nothing(
    signed_in_page: Any, live_server: Any, design: Design
) -> None:
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    previews: list[str] = []
    page.on("request", lambda request: previews.append(request.url) if "/preview" in request.url else None)
    page.get_by_label("Save message (optional)").type("a message", delay=20)
    page.wait_for_timeout(800)
    assert previews == []
    _type_image(page, "f-cc0-image", "registry.example.com/web:2.0.0")
    assert len(previews) >= 1
