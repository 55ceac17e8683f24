"""Waiving a finding in the editor: a reason is required, the waiver is saved and shown."""

from __future__ import annotations

import re
from typing import Any

import pytest

from designer.pod.rules.waivers import WAIVERS_ANNOTATION
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db


def _first_waivable(html: str) -> tuple[str, str]:
    """The first finding that offers a waiver: its link names it, the one form lists it."""
    match = re.search(r'href="#waive" data-waive="([A-Z0-9-]+):([^"]*)"', html)
    assert match, "no finding offers a waiver"
    rule, container = match.group(1), match.group(2)
    assert f'<option value="{rule}:{container}">{rule}</option>' in html
    return rule, container


def _waive(html: str, rule: str, container: str, reason: str = "") -> dict[str, Any]:
    """What the one "Waive" form posts, without JavaScript."""
    data = form_data(html, action="waive")
    data["waive-target"] = f"{rule}:{container}"
    data["waive-reason"] = reason
    return data


def test_it_waives_a_finding_with_a_reason_and_saves_it(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    rule, container = _first_waivable(html)
    data = _waive(html, rule, container, "vetted by the platform team")
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
    response = alice_client.post(f"/designs/{design.pk}/", _waive(html, rule, container))
    assert response.status_code == 200
    assert "needs a reason" in response.content.decode()


def test_it_takes_a_waiver_back(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    rule, container = _first_waivable(html)
    data = _waive(html, rule, container, "because")
    waived = alice_client.post(f"/designs/{design.pk}/", data, follow=True).content.decode()
    back = alice_client.post(
        f"/designs/{design.pk}/", form_data(waived, action=f"unwaive:{rule}:{container}"), follow=True
    )
    assert "waived: because" not in back.content.decode()
    assert f'data-waive="{rule}:{container}"' in back.content.decode()
