"""Choosing the level the namespace enforces: the findings and the diagram follow, saving keeps it."""

from __future__ import annotations

from typing import Any

import pytest

from designer.models import Design

pytestmark = pytest.mark.django_db(transaction=True)


def test_choosing_a_level_marks_the_violating_containers(
    signed_in_page: Any, live_server: Any, make_design: Any, screenshot: Any
) -> None:
    design = make_design(name="shop")
    page = signed_in_page
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    page.locator("#diagram-panel svg").first.wait_for()
    assert "violates PodSecurity" not in page.locator("#diagram-panel").inner_text()

    page.get_by_text("Pod settings").click()
    page.get_by_label("Namespace enforces (PodSecurity)").select_option("restricted")
    page.wait_for_function(
        "() => document.querySelector('#findings-panel').textContent.includes('K8S-PSS-RUN-AS-NON-ROOT')"
    )
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    node = page.locator('#diagram-panel g[id="container-app"]')
    assert "violates PodSecurity restricted" in node.text_content()
    screenshot("editor-pss-restricted")

    page.get_by_role("button", name="Save", exact=True).click()
    # The level is the design's, not the manifest's: saved, with no identical revision added.
    page.wait_for_selector("text=Saved the target version and PodSecurity level")
    assert "PodSecurity restricted enforced" in page.locator(".editor-title").inner_text()
    design = Design.objects.get(pk=design.pk)
    assert design.pss_level == "restricted" and design.revision_count == 1
