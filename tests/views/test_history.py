"""History: every revision listed, an old revision shown, two diffed, one restored as new."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.diffs import diff_html, diff_lines
from designer.revisions import Content, save_revision

pytestmark = pytest.mark.django_db


def _with_image(design: Any, image: str, author: Any, message: str) -> Any:
    content = Content.of(design.latest)
    document = copy.deepcopy(content.document)
    document["spec"]["containers"][0]["image"] = image
    return save_revision(design, Content(document, content.companions, content.roles), author, message)


def test_it_lists_every_revision_with_author_message_and_counts(
    alice_client: Any, alice: Any, make_design: Any
) -> None:
    design = make_design()
    _with_image(design, "registry.example.com/web:1.5.0", alice, "Bump web to 1.5")
    response = alice_client.get(f"/designs/{design.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert [r.number for r in response.context["page"].object_list] == [2, 1]
    assert "Bump web to 1.5" in html and "Created" in html
    assert "alice" in html
    assert f"/designs/{design.pk}/diff/1/2/" in html


def test_it_shows_an_old_revision(alice_client: Any, alice: Any, make_design: Any) -> None:
    design = make_design()
    _with_image(design, "registry.example.com/web:1.5.0", alice, "Bump")
    response = alice_client.get(f"/designs/{design.pk}/revisions/1/")
    assert response.status_code == 200
    assert b"registry.example.com/web:1.4.2" in response.content
    assert b"web:1.5.0" not in response.content
    assert alice_client.get(f"/designs/{design.pk}/revisions/9/").status_code == 404


def test_it_diffs_two_revisions_with_highlighted_changes(
    alice_client: Any, alice: Any, make_design: Any
) -> None:
    design = make_design()
    _with_image(design, "registry.example.com/web:1.5.0", alice, "Bump")
    response = alice_client.get(f"/designs/{design.pk}/diff/1/2/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="diff-removed"' in html and 'class="diff-added"' in html
    assert "<del>4</del>" in html and "<ins>5</ins>" in html


def test_it_redirects_the_compare_form_to_the_diff(alice_client: Any, alice: Any, make_design: Any) -> None:
    design = make_design()
    _with_image(design, "x:1", alice, "one")
    response = alice_client.get(f"/designs/{design.pk}/history/compare?a=2&b=1")
    assert response.status_code == 302
    assert response["Location"] == f"/designs/{design.pk}/diff/1/2/"


def test_it_restores_an_old_revision_as_a_new_one(alice_client: Any, alice: Any, make_design: Any) -> None:
    design = make_design()
    _with_image(design, "registry.example.com/web:1.5.0", alice, "Bump")
    response = alice_client.post(f"/designs/{design.pk}/revisions/1/restore", {"base_revision": "2"})
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.revision_count == 3
    assert [r.number for r in design.revisions.all()] == [3, 2, 1]
    assert design.latest.document == design.revisions.get(number=1).document
    assert design.latest.message == "Restored revision 1"


def test_it_refuses_a_restore_from_a_stale_page(alice_client: Any, alice: Any, make_design: Any) -> None:
    design = make_design()
    _with_image(design, "x:2", alice, "two")
    _with_image(design, "x:3", alice, "three")
    response = alice_client.post(
        f"/designs/{design.pk}/revisions/1/restore", {"base_revision": "2"}, follow=True
    )
    assert "nothing was restored" in response.content.decode()
    design.refresh_from_db()
    assert design.revision_count == 3


def test_it_escapes_every_string_in_a_diff() -> None:
    html = diff_html("name: <b>a</b>\n", 'name: <script>alert("x")</script>\n')
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;" in html and "&quot;x&quot;" in html


def test_it_reports_identical_texts_and_keeps_line_numbers() -> None:
    assert diff_lines("a\nb\n", "a\nb\n") == []
    lines = diff_lines("a\nb\nc\n", "a\nB\nc\nd\n")
    assert [(line.kind, line.old_no, line.new_no) for line in lines] == [
        ("hunk", None, None),
        ("context", 1, 1),
        ("removed", 2, None),
        ("added", None, 2),
        ("context", 3, 3),
        ("added", None, 4),
    ]
