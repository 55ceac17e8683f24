"""live_diagram.js: the browser lays out the server's DOT, safely, with zoom, pan and links."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.diagram import build_dot
from tests.e2e.harness import DIAGRAM_SCRIPTS, diagram_element, open_harness

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPTS = (*DIAGRAM_SCRIPTS, "designer/live_diagram.js")


def big_pod(containers: int = 12, volumes: int = 10) -> dict[str, Any]:
    names = [f"vol-{i}" for i in range(volumes)]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "big"},
        "spec": {
            "initContainers": [{"name": "migrate", "image": "busybox"}],
            "containers": [
                {
                    "name": f"app-{i}",
                    "image": f"registry.example/app-{i}:1.{i}",
                    "ports": [{"containerPort": 8000 + i}],
                    "volumeMounts": [{"name": names[i % volumes], "mountPath": f"/data/{i}"}],
                }
                for i in range(containers)
            ],
            "volumes": [{"name": name, "emptyDir": {}} for name in names],
        },
    }


def drawn(page: Any) -> Any:
    svg = page.locator(".live-diagram-viewport svg")
    svg.wait_for()
    return svg


def test_the_browser_draws_every_node_and_each_is_a_link(
    page: Any, live_server: Any, screenshot: Any
) -> None:
    pod = big_pod()
    page.set_viewport_size({"width": 1280, "height": 800})
    problems = open_harness(page, live_server, diagram_element(build_dot(pod, version="1.33")), SCRIPTS)
    svg = drawn(page)
    screenshot("live-diagram-12-containers")
    ids = [f"container-{c['name']}" for c in pod["spec"]["containers"]]
    ids += ["init-migrate"] + [f"volume-{v['name']}" for v in pod["spec"]["volumes"]]
    for node_id in ids:
        node = svg.locator(f'g[id="{node_id}"]')
        assert node.count() == 1, node_id
        link = node.locator("a[data-diagram-node]").first
        assert link.get_attribute("href") == "#form-" + node_id.replace("init-", "container-"), node_id
    # Named by the container or volume, as the server's SVG is; Graphviz's c0/v2 never shows.
    assert page.get_by_role("link", name="Edit main app-0", exact=True).count() == 1
    assert page.get_by_role("link", name="Edit volume vol-3", exact=True).count() == 1
    titles = svg.locator("g.node > title").all_text_contents()
    assert "c0" not in titles and "main app-0" in titles
    # A click is announced (cancelable) and follows the link to the form's anchor.
    page.evaluate(
        "window.seen = []; document.addEventListener('diagram-node', e => window.seen.push(e.detail))"
    )
    svg.locator('g[id="volume-vol-3"] a').first.click()
    assert page.evaluate("window.seen") == [
        {"id": "volume-vol-3", "kind": "volume", "name": "vol-3", "target": "form-volume-vol-3"}
    ]
    assert page.evaluate("location.hash") == "#form-volume-vol-3"
    # Keyboard: the node links are in the tab order.
    page.evaluate("document.querySelector('[data-diagram-node]').focus()")
    assert page.evaluate("document.activeElement.dataset.diagramNode") == "init-migrate"
    assert problems == []


def test_a_cancelled_click_stays_with_the_editor(page: Any, live_server: Any) -> None:
    body = diagram_element(build_dot(big_pod(2, 1), version="1.33"))
    body += '<details id="form-container-app-1"><summary>app-1</summary><input id="f"></details>'
    open_harness(page, live_server, body, SCRIPTS)
    svg = drawn(page)
    svg.locator('g[id="container-app-1"] a').first.click()
    assert page.evaluate("document.getElementById('form-container-app-1').open") is True
    page.evaluate("document.addEventListener('diagram-node', e => e.preventDefault())")
    page.evaluate("location.hash = ''")
    svg.locator('g[id="container-app-0"] a').first.click()
    assert page.evaluate("location.hash") == ""


def test_a_hostile_label_is_text_and_nothing_runs(page: Any, live_server: Any, screenshot: Any) -> None:
    # Graphviz passes quoted labels and URLs through; the sanitiser must stop what they carry.
    dot = (
        "digraph { "
        'a [id="container-x" label="<script>window.pwned=1</script>" URL="javascript:window.pwned=2"]; '
        'b [id="volume-y" label="<img src=x onerror=window.pwned=3>" tooltip="javascript:window.pwned=4"]; '
        'c [label="click" href="https://evil.example/" id="other"]; '
        "a -> b; }"
    )
    problems = open_harness(page, live_server, diagram_element(dot), SCRIPTS)
    svg = drawn(page)
    screenshot("live-diagram-hostile")
    assert "<script>window.pwned=1</script>" in svg.locator('g[id="container-x"] text').all_text_contents()
    assert svg.locator("script, img, foreignObject, set, animate").count() == 0
    hrefs = svg.locator("a").evaluate_all(
        "as => as.map(a => a.getAttribute('href') || a.getAttributeNS('http://www.w3.org/1999/xlink', 'href'))"
    )
    assert all(href is None or href.startswith("#") for href in hrefs), hrefs
    assert "evil.example" not in svg.inner_html()
    for link in svg.locator("a").all():
        link.click()
    assert page.evaluate("window.pwned") is None
    assert not [p for p in problems if "pwned" in p]


def test_zoom_buttons_change_the_scale(page: Any, live_server: Any, screenshot: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    problems = open_harness(page, live_server, diagram_element(build_dot(big_pod(), version="1.33")), SCRIPTS)
    drawn(page)

    def scale() -> float:
        return float(
            page.evaluate("PodDesigner.liveDiagram.scale(document.querySelector('[data-live-diagram]'))")
        )

    fitted = scale()
    page.get_by_role("button", name="Zoom in (+)").click()
    assert scale() == pytest.approx(fitted * 1.25, rel=0.02)
    page.get_by_role("button", name="Zoom out (−)").click()
    page.get_by_role("button", name="Zoom out (−)").click()
    assert scale() == pytest.approx(fitted / 1.25, rel=0.02)
    page.get_by_role("button", name="Actual size (1)").click()
    assert scale() == pytest.approx(1.0, rel=0.01)
    assert page.locator(".live-diagram-scale").text_content() == "100%"
    screenshot("live-diagram-actual-size")
    page.get_by_role("button", name="Fit to the panel (0)").click()
    assert scale() == pytest.approx(fitted, rel=0.01)
    # Keyboard on the focused drawing: + zooms, arrows pan.
    viewport = page.locator(".live-diagram-viewport")
    viewport.focus()
    page.keyboard.press("+")
    assert scale() == pytest.approx(fitted * 1.25, rel=0.02)
    pan = "() => PodDesigner.liveDiagram.pan(document.querySelector('[data-live-diagram]')).x"
    before = page.evaluate(pan)
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(pan) == pytest.approx(before + 60)
    # The mouse wheel zooms too; a drag pans.
    box = viewport.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    zoomed = scale()
    page.mouse.wheel(0, -300)
    page.wait_for_function(
        f"() => PodDesigner.liveDiagram.scale(document.querySelector('[data-live-diagram]')) > {zoomed}"
    )
    # The legend folds away and comes back.
    legend = page.locator("#legend")
    assert legend.is_visible()
    page.get_by_role("button", name="Show or hide the legend").click()
    assert not legend.is_visible()
    assert (
        page.get_by_role("button", name="Show or hide the legend").get_attribute("aria-expanded") == "false"
    )
    assert problems == []


def test_a_new_dot_is_laid_out_again_and_a_broken_one_says_so(
    page: Any, live_server: Any, screenshot: Any
) -> None:
    problems = open_harness(
        page, live_server, diagram_element(build_dot(big_pod(2, 1), version="1.33")), SCRIPTS
    )
    svg = drawn(page)
    assert svg.locator('g[id="container-app-1"]').count() == 1
    # A morph changes data-dot in place: the drawing follows, the nodes that moved glide there.
    page.evaluate(
        """() => { window.gliding = [];
        document.addEventListener('diagram-drawn', () => window.gliding.push(
          Array.from(document.querySelectorAll('.live-diagram-gliding')).map(n => n.id))); }"""
    )
    page.evaluate(
        "dot => document.querySelector('[data-live-diagram]').dataset.dot = dot",
        build_dot(big_pod(3, 1), version="1.33"),
    )
    page.locator('g[id="container-app-2"]').wait_for()
    page.wait_for_function("() => window.gliding.length === 1")
    assert "container-app-0" in page.evaluate("window.gliding[0]")
    # A swap puts a new element in: it is drawn too.
    page.evaluate(
        """dot => { const old = document.querySelector('[data-live-diagram]');
                    const fresh = old.cloneNode(false); fresh.dataset.dot = dot; old.replaceWith(fresh); }""",
        build_dot(big_pod(4, 1), version="1.33"),
    )
    page.locator('g[id="container-app-3"]').wait_for()
    # The person's zoom survives the swap of the element (same id).
    page.get_by_role("button", name="Zoom in (+)").click()
    zoomed = page.evaluate(
        "() => PodDesigner.liveDiagram.scale(document.querySelector('[data-live-diagram]'))"
    )
    page.evaluate(
        """dot => { const old = document.querySelector('[data-live-diagram]');
                    const fresh = old.cloneNode(false); fresh.dataset.dot = dot; old.replaceWith(fresh); }""",
        build_dot(big_pod(4, 2), version="1.33"),
    )
    page.locator('g[id="volume-vol-1"]').wait_for()
    assert page.evaluate(
        "() => PodDesigner.liveDiagram.scale(document.querySelector('[data-live-diagram]'))"
    ) == pytest.approx(zoomed, rel=0.02)
    # A DOT the engine refuses: a message, and the last drawing stays (dimmed).
    page.evaluate("document.querySelector('[data-live-diagram]').dataset.dot = 'digraph { a -> }'")
    message = page.get_by_role("alert")
    message.wait_for()
    assert message.text_content().startswith("The diagram could not be drawn: ")
    assert "syntax error" in message.text_content()
    assert page.locator('g[id="container-app-3"]').count() == 1
    screenshot("live-diagram-broken")
    # A good text again clears the message.
    page.evaluate(
        "dot => document.querySelector('[data-live-diagram]').dataset.dot = dot",
        build_dot(big_pod(1, 1), version="1.33"),
    )
    page.locator('g[id="container-app-3"]').wait_for(state="detached")
    assert not message.is_visible()
    assert problems == []


def test_a_broken_dot_at_first_shows_a_message_not_a_blank_panel(page: Any, live_server: Any) -> None:
    open_harness(page, live_server, diagram_element("this is not dot"), SCRIPTS)
    message = page.get_by_role("alert")
    message.wait_for()
    assert "could not be drawn" in message.text_content()


def test_a_resize_through_an_empty_panel_keeps_the_drawing(page: Any, live_server: Any) -> None:
    """A window resized so far that the panel has no size (a full-page screenshot does this in
    passing) must not fit the drawing to nothing: it came back blank at 0% before."""
    page.set_viewport_size({"width": 1280, "height": 800})
    open_harness(page, live_server, diagram_element(build_dot(big_pod(), version="1.33")), SCRIPTS)
    drawn(page)
    scale = "PodDesigner.liveDiagram.scale(document.querySelector('[data-live-diagram]'))"
    fitted = float(page.evaluate(scale))
    page.evaluate("document.querySelector('[data-live-diagram]').style.display = 'none'")
    page.evaluate("window.dispatchEvent(new Event('resize'))")
    page.evaluate("document.querySelector('[data-live-diagram]').style.display = ''")
    page.set_viewport_size({"width": 1000, "height": 800})
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(300)
    assert float(page.evaluate(scale)) == pytest.approx(fitted, rel=0.05)
    box = page.locator("[data-live-diagram] svg").first.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
