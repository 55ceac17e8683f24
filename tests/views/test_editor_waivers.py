"""Waiving a finding in the editor: a reason is required, the waiver is saved and shown."""

from __future__ import annotations

import re
from typing import Any

import pytest

from designer.pod.rules.waivers import WAIVERS_ANNOTATION
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db


def _first_waivable(html: str) -> tuple[str, str]:
    match = re.search(r'name="action" value="waive:([A-Z0-9-]+):([^"]*)"', html)
    assert match, "no finding offers a waiver"
    return match.group(1), match.group(2)


def test_it_waives_a_finding_with_a_reason_and_saves_it(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    rule, container = _first_waivable(html)
    data = form_data(html, action=f"waive:{rule}:{container}")
    data[f"waive-reason:{rule}:{container}"] = "vetted by the platform team"
    response = alice_client.post(f"/designs/{design.pk}/", data, follow=True)  # PRG: the tab's page
    page = response.content.decode()
    assert response.status_code == 200
    assert "waived: vetted by the platform team" in page
    assert f'value="unwaive:{rule}:{container}"' in page

    data = form_data(page, action="save", message="waive " + rule)
    assert alice_client.post(f"/designs/{design.pk}/", data).status_code == 302
    design.refresh_from_db()
    annotations = design.latest.document["metadata"]["annotations"]
    assert rule in annotations[WAIVERS_ANNOTATION] and "vetted" in annotations[WAIVERS_ANNOTATION]
    export = alice_client.get(f"/designs/{design.pk}/export.yaml").content.decode()
    assert WAIVERS_ANNOTATION in export  # the CLI honours it too


def test_it_refuses_a_waiver_without_a_reason(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    rule, container = _first_waivable(html)
    response = alice_client.post(
        f"/designs/{design.pk}/", form_data(html, action=f"waive:{rule}:{container}")
    )
    assert response.status_code == 200
    assert "needs a reason" in response.content.decode()


def test_it_takes_a_waiver_back(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    rule, container = _first_waivable(html)
    data = form_data(html, action=f"waive:{rule}:{container}")
    data[f"waive-reason:{rule}:{container}"] = "because"
    waived = alice_client.post(f"/designs/{design.pk}/", data, follow=True).content.decode()
    back = alice_client.post(
        f"/designs/{design.pk}/", form_data(waived, action=f"unwaive:{rule}:{container}"), follow=True
    )
    assert "waived: because" not in back.content.decode()
    assert f'value="waive:{rule}:{container}"' in back.content.decode()
