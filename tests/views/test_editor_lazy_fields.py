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


def test_only_the_main_containers_fields_come_with_the_page(alice_client: Any, design: Design) -> None:
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    assert 'name="cc0-image"' in html
    for i in range(1, COUNT):
        assert f'name="cc{i}-image"' not in html
        assert f'id="fields-cc{i}" hx-get="/designs/{design.pk}/editor-fields?tab=' in html
    assert 'hx-trigger="toggle once from:closest details"' in html


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
