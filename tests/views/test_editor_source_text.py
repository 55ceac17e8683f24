"""The editor keeps the user's text: form edits, actions and the YAML tab change it minimally
(designer/editor/state.py, DESIGN.md §2)."""

from __future__ import annotations

import difflib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from designer.models import Design, Draft
from designer.pod.manifest import load_manifest
from designer.revisions import NORMALISED_MESSAGE
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db

COMMENTED = """\
# The web shop's front end: kept in git, reviewed line by line.
apiVersion: v1
kind: Pod
metadata:
  name: shop   # the pod's name
  labels: {app: shop, tier: "front"}
spec:
  containers:
    # The application itself.
    - name: web
      image: "registry.example.com/shop:1.4.2"   # pinned by the release
      ports:
        - containerPort: 8080
      env:
        - name: MODE
          value: production
    # Ships the access log.
    - name: logs
      image: fluent/fluent-bit:3.0
      volumeMounts:
        - {name: logs, mountPath: /var/log/shop}
  volumes:
    - name: logs
      emptyDir: {}
"""


def changes(old: str, new: str) -> list[str]:
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("---", "+++"))]


def upload(client: Any, text: str = COMMENTED) -> Design:
    response = client.post(
        "/designs/new",
        {"import-file": SimpleUploadedFile("shop.yaml", text.encode()), "import-k8s_version": "1.33"},
    )
    assert response.status_code == 302, response.content[:2000]
    return Design.objects.latest("pk")


def export(client: Any, design: Design) -> str:
    response = client.get(f"/designs/{design.pk}/export.yaml?annotations=0")
    assert response.status_code == 200
    return str(response.content.decode())


def page(client: Any, design: Design, tab: str = "") -> str:
    return str(client.get(f"/designs/{design.pk}/" + (f"?tab={tab}" if tab else "")).content.decode())


def post(client: Any, design: Design, data: dict[str, str]) -> str:
    """Post the editor form without JavaScript; the tab's page after the redirect."""
    response = client.post(f"/designs/{design.pk}/", data)
    assert response.status_code == 302, response.content[:3000]
    return page(client, design, data["tab"])


def save(client: Any, design: Design, html: str) -> None:
    response = client.post(f"/designs/{design.pk}/", form_data(html, action="save", message="edit"))
    assert response.status_code == 302, response.content[:3000]
    design.refresh_from_db()


def edit(client: Any, design: Design, **fields: str) -> str:
    """Change fields in the editor form (no JavaScript); the tab's page after the redirect."""
    return post(client, design, form_data(page(client, design), action="apply", **fields))


def test_the_yaml_tab_shows_the_users_text_with_its_comments(alice_client: Any) -> None:
    design = upload(alice_client)
    text = form_data(page(alice_client, design))["yaml"]
    assert "# pinned by the release" in text and "# Ships the access log." in text
    # Only the role-annotation lines are added to what the user wrote.
    assert [line[0] for line in changes(COMMENTED, text)] == ["+", "+", "+"]


def test_a_changed_image_is_a_one_line_diff_in_the_export(alice_client: Any) -> None:
    design = upload(alice_client)
    html = edit(alice_client, design, cc0__image="registry.example.com/shop:1.5.0")
    assert "# pinned by the release" in form_data(html)["yaml"]  # the YAML tab has the edit and the text
    save(alice_client, design, html)
    assert design.revision_count == 2
    assert changes(COMMENTED, export(alice_client, design)) == [
        '-      image: "registry.example.com/shop:1.4.2"   # pinned by the release',
        '+      image: "registry.example.com/shop:1.5.0"   # pinned by the release',
    ]


def test_an_added_env_var_inserts_its_lines_only(alice_client: Any) -> None:
    design = upload(alice_client)
    save(alice_client, design, edit(alice_client, design, cc0__env="MODE=production\nLOG_LEVEL=debug"))
    assert changes(COMMENTED, export(alice_client, design)) == [
        "+        - name: LOG_LEVEL",
        "+          value: debug",
    ]


def test_a_pattern_action_adds_new_lines_only(alice_client: Any) -> None:
    design = upload(alice_client)
    html = post(alice_client, design, form_data(page(alice_client, design), action="pattern:metrics-adapter"))
    save(alice_client, design, html)
    lines = changes(COMMENTED, export(alice_client, design))
    assert lines and all(line.startswith("+") for line in lines)
    assert any("name: metrics" in line or "exporter" in line for line in lines)


def test_a_comment_typed_in_the_yaml_tab_is_saved_and_exported(alice_client: Any) -> None:
    design = upload(alice_client)
    data = form_data(page(alice_client, design))
    typed = data["yaml"].replace("  volumes:\n", "  # Scratch space, gone with the pod.\n  volumes:\n")
    # A browser posts a textarea with CRLF line ends: the LF file stays LF.
    data.update(action="apply-yaml", source="yaml", yaml=typed.replace("\n", "\r\n"))
    html = post(alice_client, design, data)
    assert "# Scratch space, gone with the pod." in form_data(html)["yaml"]
    assert "Unsaved changes" in html  # a comment alone is an edit
    save(alice_client, design, html)
    assert design.revision_count == 2  # not "nothing to save"
    assert changes(COMMENTED, export(alice_client, design)) == ["+  # Scratch space, gone with the pod."]


def test_undo_restores_the_previous_text(alice_client: Any) -> None:
    design = upload(alice_client)
    html = edit(alice_client, design, cc0__image="registry.example.com/shop:1.5.0")
    tab = form_data(html)["tab"]
    data = form_data(html)
    data.update(action="apply-yaml", source="yaml", yaml=data["yaml"].replace("# Ships", "# Still ships"))
    post(alice_client, design, data)
    assert "# Still ships" in Draft.objects.get(tab_key=tab).source_text
    alice_client.post(f"/designs/{design.pk}/", {"tab": tab, "action": "undo"})
    draft = Draft.objects.get(tab_key=tab)
    assert changes(COMMENTED, draft.source_text) == [
        '-      image: "registry.example.com/shop:1.4.2"   # pinned by the release',
        '+      image: "registry.example.com/shop:1.5.0"   # pinned by the release',
    ]
    alice_client.post(f"/designs/{design.pk}/", {"tab": tab, "action": "undo"})
    assert Draft.objects.get(tab_key=tab).source_text == COMMENTED
    assert "# Still ships" not in form_data(page(alice_client, design, tab))["yaml"]


def test_finding_lines_point_into_the_text_shown(alice_client: Any) -> None:
    from designer.editor.editing import open_tab

    design = upload(alice_client)
    state = open_tab(design, design.owner, "tab-for-lines")
    shown = state.yaml_text.splitlines()
    lines = [f.line for f in state.analysis.findings if f.path.startswith("spec.containers[1]")]
    assert lines
    for line in lines:
        # The logs container's lines in the user's text (below its comment), not the dump's.
        assert line is not None and shown.index("    - name: logs") < line <= len(shown)


def test_an_edit_the_text_cannot_carry_is_normalised_and_said_in_one_line(alice_client: Any) -> None:
    aliased = COMMENTED.replace("      env:\n", "      env: &env\n").replace(
        "      volumeMounts:\n", "      env: *env\n      volumeMounts:\n"
    )
    assert load_manifest(aliased)  # an alias: both containers share the text of one env list
    design = upload(alice_client, aliased)
    html = edit(alice_client, design, cc0__env="MODE=staging")
    assert NORMALISED_MESSAGE in html
    save(alice_client, design, html)
    assert "# pinned by the release" not in export(alice_client, design)


def test_a_merged_save_patches_the_latest_text(alice_client: Any) -> None:
    design = upload(alice_client)
    first = form_data(page(alice_client, design), action="apply", cc1__image="fluent/fluent-bit:3.1")
    second = edit(alice_client, design, cc0__image="registry.example.com/shop:1.5.0")
    save(alice_client, design, second)
    # The other tab began at revision 1: its save is merged with revision 2, text and all.
    save(alice_client, design, post(alice_client, design, first))
    assert design.revision_count == 3
    assert changes(COMMENTED, export(alice_client, design)) == [
        '-      image: "registry.example.com/shop:1.4.2"   # pinned by the release',
        '+      image: "registry.example.com/shop:1.5.0"   # pinned by the release',
        "-      image: fluent/fluent-bit:3.0",
        "+      image: fluent/fluent-bit:3.1",
    ]
