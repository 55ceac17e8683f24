"""Drafts: the working copy of each tab lives on the server (designer/editor/drafts.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from designer.models import Draft, DraftStep
from designer.pod.workloads import pod_spec
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db


def _edit(client: Any, design: Any, **changes: str) -> dict[str, str]:
    """Open a tab, change fields without JavaScript; the tab's form data after the redirect."""
    data = form_data(client.get(f"/designs/{design.pk}/").content, action="apply", **changes)
    response = client.post(f"/designs/{design.pk}/", data)
    assert response.status_code == 302 and response["Location"] == f"/designs/{design.pk}/?tab={data['tab']}"
    return data


def _image(client: Any, design: Any, tab: str) -> str:
    return form_data(client.get(f"/designs/{design.pk}/?tab={tab}").content)["cc0-image"]


def test_an_edit_is_kept_in_the_tabs_draft_and_shown_on_reload(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = _edit(alice_client, design, cc0__image="web:2")
    draft = Draft.objects.get(tab_key=data["tab"])
    assert draft.base_number == 1 and pod_spec(draft.document)["containers"][0]["image"] == "web:2"
    assert [s.label for s in draft.steps.all()] == ["opened", "fields"] and draft.step == 1
    response = alice_client.get(f"/designs/{design.pk}/?tab={data['tab']}")
    assert "no-store" in response["Cache-Control"]  # Back/Forward asks the server again
    assert form_data(response.content)["cc0-image"] == "web:2"
    assert b"Unsaved changes" in response.content and b"kept as a draft" in response.content
    design.refresh_from_db()
    assert design.revision_count == 1


def test_the_preview_writes_the_draft_any_worker_reads(
    alice_client: Any, client: Any, alice: Any, make_design: Any
) -> None:
    design = make_design()
    data = form_data(alice_client.get(f"/designs/{design.pk}/").content)
    sent = {"tab": data["tab"], "base": "1", "source": "form", "cc1-image": "fluent/fluent-bit:9"}
    response = alice_client.post(f"/designs/{design.pk}/preview", sent, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert 'name="working"' not in response.content.decode()  # the page no longer carries the copy
    other = type(alice_client)()  # another session, as another worker would serve it
    other.force_login(alice)
    page = other.get(f"/designs/{design.pk}/?tab={data['tab']}").content
    assert form_data(page)["cc1-image"] == "fluent/fluent-bit:9"


def test_looking_is_not_editing(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(alice_client.get(f"/designs/{design.pk}/").content, action="apply")
    assert alice_client.post(f"/designs/{design.pk}/", data).status_code == 302
    assert not Draft.objects.exists()


def test_opening_the_design_again_offers_to_resume_or_discard(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = _edit(alice_client, design, cc0__image="web:2")  # then the tab was closed
    draft = Draft.objects.get(tab_key=data["tab"])
    page = alice_client.get(f"/designs/{design.pk}/").content.decode()
    assert "You have unsaved changes" in page
    assert (
        "Unsaved changes from <time" in page and timezone.localtime(draft.updated).strftime("%H:%M") in page
    )
    assert f'href="/designs/{design.pk}/?tab={data["tab"]}"' in page  # resume
    assert form_data(page)["cc0-image"] == "registry.example.com/web:1.4.2"  # nothing applied unasked
    new_tab = form_data(page)["tab"]
    assert f'name="draft_tab" value="{data["tab"]}"' in page  # discard
    discard = {"tab": new_tab, "draft_tab": data["tab"], "action": "discard-draft"}
    response = alice_client.post(f"/designs/{design.pk}/", discard)
    assert response.status_code == 302 and not Draft.objects.exists()
    assert "You have unsaved changes" not in alice_client.get(response["Location"]).content.decode()


def test_undo_and_redo_walk_the_steps_without_javascript(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = _edit(alice_client, design, cc0__image="web:2")
    tab = data["tab"]
    page = alice_client.get(f"/designs/{design.pk}/?tab={tab}").content
    data = form_data(page, action="apply", cc0__image="web:3")
    alice_client.post(f"/designs/{design.pk}/", data)
    assert _image(alice_client, design, tab) == "web:3"
    for action, image in (("undo", "web:2"), ("undo", "registry.example.com/web:1.4.2"), ("redo", "web:2")):
        response = alice_client.post(f"/designs/{design.pk}/", {"tab": tab, "action": action})
        assert response.status_code == 302
        assert _image(alice_client, design, tab) == image
    # A new edit ends the redo stack.
    page = alice_client.get(f"/designs/{design.pk}/?tab={tab}").content
    alice_client.post(f"/designs/{design.pk}/", form_data(page, action="apply", cc0__image="web:4"))
    draft = Draft.objects.get(tab_key=tab)
    assert draft.step == 2 and not draft.steps.filter(number__gt=2).exists()
    html = alice_client.get(f"/designs/{design.pk}/?tab={tab}").content.decode()
    assert re.search(r'id="redo-button"[^>]* disabled>', html) and not re.search(
        r'id="undo-button"[^>]* disabled>', html
    )


def test_undo_with_nothing_to_undo_says_so(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    tab = form_data(alice_client.get(f"/designs/{design.pk}/").content)["tab"]
    response = alice_client.post(f"/designs/{design.pk}/", {"tab": tab, "action": "undo"}, follow=True)
    assert b"There is nothing to undo." in response.content


def test_undo_in_the_preview_redraws_the_forms(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    tab = _edit(alice_client, design, cc0__image="web:2")["tab"]
    html = alice_client.post(
        f"/designs/{design.pk}/preview",
        {"tab": tab, "action": "undo", "cc0-image": "ignored"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'id="form-panel" class="form-panel" hx-swap-oob="morph"' in html
    assert 'value="registry.example.com/web:1.4.2"' in html and "ignored" not in html


def test_a_save_turns_the_draft_into_a_revision(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = _edit(alice_client, design, cc0__image="web:2")
    page = alice_client.get(f"/designs/{design.pk}/?tab={data['tab']}").content
    response = alice_client.post(f"/designs/{design.pk}/", form_data(page, action="save", message="v2"))
    assert response.status_code == 302 and response["Location"] == f"/designs/{design.pk}/"
    design.refresh_from_db()
    assert (
        design.revision_count == 2 and pod_spec(design.latest.document)["containers"][0]["image"] == "web:2"
    )
    assert not Draft.objects.exists() and not DraftStep.objects.exists()


def test_a_save_that_changes_nothing_makes_no_revision_and_says_so(
    alice_client: Any, make_design: Any
) -> None:
    design = make_design()
    page = alice_client.get(f"/designs/{design.pk}/").content
    response = alice_client.post(f"/designs/{design.pk}/", form_data(page, action="save"), follow=True)
    assert b"Nothing to save" in response.content and b"No revision was made" in response.content
    # Changed and changed back: the same.
    data = _edit(alice_client, design, cc0__image="web:2")
    page = alice_client.get(f"/designs/{design.pk}/?tab={data['tab']}").content
    save = form_data(page, action="save", cc0__image="registry.example.com/web:1.4.2")
    response = alice_client.post(f"/designs/{design.pk}/", save, follow=True)
    assert b"Nothing to save" in response.content
    design.refresh_from_db()
    assert design.revision_count == 1 and not Draft.objects.exists()


def test_the_target_version_travels_in_the_draft(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = _edit(alice_client, design, k8s_version="1.29")
    assert Draft.objects.get(tab_key=data["tab"]).k8s_version == "1.29"
    page = alice_client.get(f"/designs/{design.pk}/?tab={data['tab']}").content.decode()
    assert '<option value="1.29" selected>' in page
    design.refresh_from_db()
    assert design.k8s_version != "1.29"  # the design's own only changes with a save


def test_each_user_has_their_own_drafts(alice_client: Any, client: Any, bob: Any, make_design: Any) -> None:
    from designer.models import Design

    design = make_design(visibility=Design.Visibility.SHARED)
    data = _edit(alice_client, design, cc0__image="web:2")
    client.force_login(bob)
    page = client.get(f"/designs/{design.pk}/?tab={data['tab']}").content.decode()
    assert form_data(page)["cc0-image"] == "registry.example.com/web:1.4.2"  # not alice's draft
    assert "You have unsaved changes" not in page


def test_clean_drafts_removes_only_old_drafts(alice_client: Any, make_design: Any, settings: Any) -> None:
    design = make_design()
    old = _edit(alice_client, design, cc0__image="web:2")["tab"]
    fresh = _edit(alice_client, design, cc0__image="web:3")["tab"]
    Draft.objects.filter(tab_key=old).update(updated=timezone.now() - timedelta(days=15))
    out = StringIO()
    call_command("clean_drafts", stdout=out)
    assert "Deleted 1 draft older than 14 days" in out.getvalue()
    assert list(Draft.objects.values_list("tab_key", flat=True)) == [fresh]
    settings.POD_DESIGNER_DRAFT_MAX_AGE_DAYS = 0
    call_command("clean_drafts", stdout=StringIO())
    assert not Draft.objects.exists()
