"""The design page draws every container and volume (the browser lays out the DOT the page
carries), and a click opens the matching form."""

from __future__ import annotations

import re
from typing import Any

import pytest

from designer.pod.manifest import load_manifest
from designer.pod.roles import is_native_sidecar
from designer.pod.workloads import pod_spec
from tests.conftest import fixture_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_draws_every_container_and_volume(
    signed_in_page: Any, live_server: Any, make_design: Any, screenshot: Any
) -> None:
    text = fixture_text("manifests/istio-injected-deployment.yaml")
    design = make_design(text, name="mesh")
    spec = pod_spec(load_manifest(text).document)
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    drawing = page.locator("#diagram .live-diagram-viewport svg")
    drawing.wait_for()
    screenshot("diagram-in-page")
    expected = [f"container-{c['name']}" for c in spec["containers"]]
    expected += [
        f"{'container' if is_native_sidecar(c) else 'init'}-{c['name']}"
        for c in spec.get("initContainers", [])
    ]
    expected += [f"volume-{v['name']}" for v in spec.get("volumes", [])]
    assert len(expected) >= 6
    for node_id in expected:
        node = drawing.locator(f'g[id="{node_id}"]')
        assert node.count() == 1, node_id
        assert node.is_visible(), node_id

    # Nodes are links to their forms, named by the container or volume, never by Graphviz's ids
    # (c0, v2); every focusable link in the drawing has a name.
    main = spec["containers"][0]["name"]
    assert page.get_by_role("link", name=f"Edit main {main}", exact=True).count() == 1
    volume = spec["volumes"][0]["name"]
    link = page.get_by_role("link", name=f"Edit volume {volume}", exact=True)
    assert link.get_attribute("xlink:href") == f"#form-volume-{volume}"
    labels = drawing.locator("a").evaluate_all("as => as.map(a => a.getAttribute('aria-label'))")
    assert not [label for label in labels if label and re.fullmatch(r"Edit [civ]\d+", label)]
    unnamed = drawing.locator("a").evaluate_all(
        "as => as.filter(a => a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || a.getAttribute('href'))"
        ".filter(a => !a.getAttribute('aria-label')).length"
    )
    assert unnamed == 0

    # The lifecycle drawing is on the page too (collapsed until asked for).
    page.get_by_text("Start and stop order", exact=True).click()
    lifecycle = page.locator("#lifecycle-drawing .live-diagram-viewport svg")
    lifecycle.wait_for()
    assert lifecycle.is_visible()

    # A click on a node opens that container's form.
    drawing.locator(f'g[id="container-{main}"]').click()
    form = page.locator(f"#form-container-{main}")
    assert form.get_attribute("open") is not None

    # Zoom: "+" draws the nodes larger than "fit" does.
    node = drawing.locator(f'g[id="container-{main}"]')
    fitted = node.bounding_box()["width"]
    page.locator("#diagram").get_by_role("button", name="Zoom in (+)").click()
    page.wait_for_function(
        f"w => document.querySelector('#diagram g[id=\"container-{main}\"]').getBoundingClientRect().width > w * 1.1",
        arg=fitted,
    )
    page.locator("#diagram-panel").screenshot(
        path=str(screenshot("diagram-actual-size").with_name("diagram-panel.png"))
    )
