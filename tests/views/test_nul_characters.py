"""NUL characters typed into the editor never reach a text column (PostgreSQL refuses them)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db


def test_it_saves_a_revision_whose_message_and_image_hold_nul(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = alice_client.get(f"/designs/{design.pk}/").content.decode()
    data = form_data(html, action="save", message="fix\x00ed")
    data["cc0-image"] = "nginx:1.27\x00"
    response = alice_client.post(f"/designs/{design.pk}/", data)
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.latest.message == "fixed"
    assert "\x00" not in design.search_text
    # The document itself keeps exactly what was typed (stored as escaped JSON).
    assert design.latest.document["spec"]["containers"][0]["image"] == "nginx:1.27\x00"
