"""A pod of 1,000 containers opens in the editor: full forms for the first ones, YAML for the rest."""

from __future__ import annotations

import time
from typing import Any

import pytest

from designer.editor.panels import FORM_LIMIT
from designer.pod.manifest import dump_yaml
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db


def big_pod(count: int) -> str:
    containers = [
        {"name": f"c{i}", "image": f"img:{i}", "ports": [{"containerPort": 1000 + i}]} for i in range(count)
    ]
    volumes = [{"name": f"v{i}", "emptyDir": {}} for i in range(count)]
    return dump_yaml(
        [
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "big"},
                "spec": {"containers": containers, "volumes": volumes},
            }
        ]
    )


def test_it_opens_a_huge_pod_with_forms_for_the_first_containers_only(
    alice_client: Any, make_design: Any
) -> None:
    design = make_design(big_pod(1000))
    started = time.perf_counter()
    response = alice_client.get(f"/designs/{design.pk}/")
    elapsed = time.perf_counter() - started
    html = response.content.decode()
    assert response.status_code == 200
    # Fields are drawn when a section opens (the main container's, open, as the page loads).
    assert 'name="cc0-image"' not in html and 'id="fields-cc0" hx-get=' in html
    assert f'id="fields-cc{FORM_LIMIT - 1}" hx-get=' in html and f'id="fields-cc{FORM_LIMIT}"' not in html
    tab = form_data(html)["tab"]
    fields = alice_client.get(f"/designs/{design.pk}/editor-fields?tab={tab}&prefix=cc{FORM_LIMIT - 1}")
    assert f'name="cc{FORM_LIMIT - 1}-image"' in fields.content.decode()
    missing = alice_client.get(f"/designs/{design.pk}/editor-fields?tab={tab}&prefix=cc{FORM_LIMIT}")
    assert missing.status_code == 400  # past the limit: YAML only
    assert 'id="form-container-c999"' in html  # still listed, with its actions
    assert "edit this one in the YAML tab" in html
    assert "for further containers not shown here" in html  # the findings panel is capped too
    assert len(html) < 8_000_000, len(html)
    assert elapsed < 60  # a generous bound: the point is that it answers, not how fast


def test_a_save_keeps_the_containers_without_forms(alice_client: Any, make_design: Any) -> None:
    design = make_design(big_pod(FORM_LIMIT + 5))
    data = form_data(alice_client.get(f"/designs/{design.pk}/").content, action="save")
    data["cc0-image"] = "img:new"
    assert alice_client.post(f"/designs/{design.pk}/", data).status_code == 302
    design.refresh_from_db()
    containers = design.latest.document["spec"]["containers"]
    assert len(containers) == FORM_LIMIT + 5
    assert containers[0]["image"] == "img:new"
    assert containers[-1] == {
        "name": f"c{FORM_LIMIT + 4}",
        "image": f"img:{FORM_LIMIT + 4}",
        "ports": [{"containerPort": 1000 + FORM_LIMIT + 4}],
    }
