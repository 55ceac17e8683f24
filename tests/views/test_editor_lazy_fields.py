"""A large pod's container fields are drawn when their section opens (panels.LAZY_ABOVE)."""

from __future__ import annotations

from typing import Any

import pytest

from designer.editor.panels import LAZY_ABOVE
from designer.models import Design
from designer.pod.manifest import dump_yaml
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db
COUNT = LAZY_ABOVE + 2


@pytest.fixture
def design(make_design: Any) -> Design:
    containers = [{"name": f"c{i}", "image": f"img:{i}"} for i in range(COUNT)]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"}, "spec": {"containers": containers}}
    result: Design = make_design(dump_yaml([pod]))
    return result


def test_no_fields_come_with_the_page_and_the_main_containers_follow_at_once(
    alice_client: Any, design: Design
) -> None:
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    for i in range(COUNT):
        assert f'name="cc{i}-image"' not in html
        assert f'id="fields-cc{i}" hx-get="/designs/{design.pk}/editor-fields?tab=' in html
    # The main container's section is open: its fields are asked for as the page loads.
    main = html[html.index('id="fields-cc0"') :].split(">", 1)[0]
    assert 'hx-trigger="load"' in main
    for i in range(1, COUNT):
        lazy = html[html.index(f'id="fields-cc{i}"') :].split(">", 1)[0]
        assert 'hx-trigger="toggle once from:closest details"' in lazy
    # The pod's own fields too, and the start/stop drawing.
    assert 'name="pod-serviceAccountName"' not in html and 'id="fields-pod" hx-get=' in html
    assert 'id="lifecycle-diagram" hx-get=' in html and "data-dot='digraph lifecycle" not in html


def test_the_pods_fields_and_the_start_stop_drawing_arrive_when_opened(
    alice_client: Any, design: Design
) -> None:
    tab = form_data(alice_client.get(f"/designs/{design.pk}/").content)["tab"]
    pod = alice_client.get(f"/designs/{design.pk}/editor-fields?tab={tab}&prefix=pod").content.decode()
    assert 'id="fields-pod" data-prefix="pod"' in pod and 'name="pod-serviceAccountName"' in pod
    drawing = alice_client.get(
        f"/designs/{design.pk}/editor-fields?tab={tab}&prefix=lifecycle"
    ).content.decode()
    assert "data-dot='digraph lifecycle {" in drawing and 'id="lifecycle-diagram"' in drawing
    # Once open, the page (and so each preview) draws them: the `open` parameter says so.
    html = alice_client.get(f"/designs/{design.pk}/?tab={tab}&open=pod,lifecycle").content.decode()
    assert 'name="pod-serviceAccountName"' in html and "data-dot='digraph lifecycle {" in html
    assert '<details id="form-pod" class="editor-section" open>' in html
    assert '<details id="form-container-c0" class="editor-section container-form role-box-main" open>' in html


def test_a_large_pods_volume_fields_are_drawn_when_opened(alice_client: Any, make_design: Any) -> None:
    containers = [{"name": f"c{i}", "image": f"img:{i}"} for i in range(COUNT)]
    volumes = [
        {"name": "cache", "emptyDir": {"sizeLimit": "1Gi"}},
        {"name": "conf", "configMap": {"name": "app"}},
    ]
    spec = {"containers": containers, "volumes": volumes}
    design = make_design(
        dump_yaml([{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"}, "spec": spec}])
    )
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    tab = form_data(html)["tab"]
    assert 'name="v1-configMap.name"' not in html
    assert f'id="fields-v1" hx-get="/designs/{design.pk}/editor-fields?tab={tab}&amp;prefix=v1"' in html
    fields = alice_client.get(f"/designs/{design.pk}/editor-fields?tab={tab}&prefix=v1").content.decode()
    assert 'id="fields-v1"' in fields and 'name="v1-configMap.name" value="app"' in fields
    assert alice_client.get(f"/designs/{design.pk}/editor-fields?tab={tab}&prefix=v2").status_code == 400
    # Without JavaScript: the link reloads the page with them, and an edit keeps them shown.
    shown = form_data(alice_client.get(f"/designs/{design.pk}/?tab={tab}&open=v1").content, action="apply")
    assert shown["open"] == "v1" and shown["v1-configMap.name"] == "app"
    shown["v1-configMap.name"] = "app-v2"
    response = alice_client.post(f"/designs/{design.pk}/", shown)
    assert response["Location"] == f"/designs/{design.pk}/?tab={tab}&open=v1"
    assert form_data(alice_client.get(response["Location"]).content)["v1-configMap.name"] == "app-v2"


def test_opening_a_section_draws_its_fields_from_the_draft(alice_client: Any, design: Design) -> None:
    page = alice_client.get(f"/designs/{design.pk}/").content
    data = form_data(page, action="apply", cc0__image="img:new")
    alice_client.post(f"/designs/{design.pk}/", data)
    response = alice_client.get(f"/designs/{design.pk}/editor-fields?tab={data['tab']}&prefix=cc2")
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert 'id="fields-cc2"' in html and 'value="img:2"' in html and 'name="cc2-image"' in html
    assert (
        alice_client.get(f"/designs/{design.pk}/editor-fields?tab={data['tab']}&prefix=x").status_code == 400
    )


def test_without_javascript_a_link_shows_the_fields_and_edits_keep_them_shown(
    alice_client: Any, design: Design
) -> None:
    page = alice_client.get(f"/designs/{design.pk}/").content.decode()
    tab = form_data(page)["tab"]
    link = f"/designs/{design.pk}/?tab={tab}&amp;open=cc3#form-container-c3"
    assert f'href="{link}"' in page
    html = alice_client.get(link.replace("&amp;", "&").split("#")[0]).content
    data = form_data(html, action="apply")
    assert data["open"] == "cc3" and data["cc3-image"] == "img:3"
    data["cc3-image"] = "img:33"
    response = alice_client.post(f"/designs/{design.pk}/", data)
    assert response["Location"] == f"/designs/{design.pk}/?tab={tab}&open=cc3"
    assert form_data(alice_client.get(response["Location"]).content)["cc3-image"] == "img:33"


def test_a_redrawn_form_keeps_the_fields_that_are_open(alice_client: Any, design: Design) -> None:
    data = form_data(alice_client.get(f"/designs/{design.pk}/").content)
    sent = {"tab": data["tab"], "base": "1", "open": "cc4", "action": "add-volume:emptyDir"}
    html = alice_client.post(f"/designs/{design.pk}/preview", sent, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="cc4-image"' in html and 'name="cc3-image"' not in html
