"""The text the user wrote, kept through import, API edits, history and export (DESIGN.md §2)."""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from designer.diffs import diff_lines
from designer.documents import revision_text
from designer.models import ApiToken, Design
from designer.pod.actions import add_log_shipper
from designer.pod.edits import remove_container, rename_volume
from designer.pod.manifest import dump_yaml, load_manifest, load_stream
from designer.pod.roles import roles_for
from designer.pod.workloads import pod_spec
from designer.revisions import Content, save_revision

pytestmark = pytest.mark.django_db

MANIFESTS = Path(__file__).resolve().parents[1] / "fixtures" / "manifests"
SAMPLES = sorted(p.name for p in MANIFESTS.glob("*.*"))  # CRLF, Helm output, streams, JSON...


@pytest.fixture
def token(alice: Any) -> str:
    return ApiToken.issue(alice, "ci")[1]


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def upload(client: Any, name: str) -> Design:
    data = (MANIFESTS / name).read_bytes()
    response = client.post(
        "/designs/new",
        {"import-file": SimpleUploadedFile(name, data), "import-k8s_version": "1.33"},
    )
    assert response.status_code == 302, response.content[:2000]
    return Design.objects.latest("pk")


def export(client: Any, design: Design, query: str = "annotations=0", **extra: Any) -> bytes:
    response = client.get(f"/designs/{design.pk}/export.yaml?{query}", **extra)
    assert response.status_code == 200
    return bytes(response.content)


def changes(old: bytes | str, new: bytes | str) -> list[str]:
    a = old.decode() if isinstance(old, bytes) else old
    b = new.decode() if isinstance(new, bytes) else new
    diff = difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("---", "+++"))]


def put_document(client: Any, token: str, design: Design, document: dict[str, Any]) -> Any:
    body = {
        "base_revision": design.revision_count,
        "document": document,
        "companions": design.latest.companions,
        "message": "from CI",
    }
    response = client.put(
        f"/api/v1/designs/{design.pk}",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(token),
    )
    assert response.status_code == 200, response.content
    design.refresh_from_db()
    return response


@pytest.mark.parametrize("name", SAMPLES)
def test_it_exports_the_uploaded_bytes(alice_client: Any, client: Any, token: str, name: str) -> None:
    design = upload(alice_client, name)
    data = (MANIFESTS / name).read_bytes()
    fmt = "json" if name.endswith(".json") else "yaml"
    assert export(alice_client, design, f"annotations=0&format={fmt}") == data
    assert export(client, design, f"annotations=0&format={fmt}", headers=bearer(token)) == data


def test_it_adds_only_the_role_annotation_lines(alice_client: Any) -> None:
    design = upload(alice_client, "istio-injected-deployment.yaml")
    data = (MANIFESTS / "istio-injected-deployment.yaml").read_bytes()
    lines = changes(data, export(alice_client, design, "annotations=1"))
    assert lines and all(line.startswith("+") for line in lines)
    assert any("pod-designer/roles" in line for line in lines)


def test_it_keeps_a_pasted_text_with_the_line_breaks_the_user_typed(alice_client: Any) -> None:
    text = (MANIFESTS / "promtail-sidecar-pod.yaml").read_text()
    response = alice_client.post(
        "/designs/new", {"import-text": text.replace("\n", "\r\n"), "import-k8s_version": "1.33"}
    )
    assert response.status_code == 302
    assert export(alice_client, Design.objects.latest("pk")).decode() == text


def edit_through_the_api(client: Any, token: str, design: Design, document: dict[str, Any]) -> list[str]:
    before = export(client, design, headers=bearer(token))
    put_document(client, token, design, document)
    return changes(before, export(client, design, headers=bearer(token)))


def test_it_changes_one_line_when_the_api_changes_an_image(
    alice_client: Any, client: Any, token: str
) -> None:
    design = upload(alice_client, "istio-injected-deployment.yaml")
    document = copy.deepcopy(design.latest.document)
    pod_spec(document)["containers"][0]["image"] = "docker.io/istio/examples-bookinfo-reviews-v3:1.20.2"
    assert edit_through_the_api(client, token, design, document) == [
        "-          image: docker.io/istio/examples-bookinfo-reviews-v2:1.20.2",
        "+          image: docker.io/istio/examples-bookinfo-reviews-v3:1.20.2",
    ]


def test_it_inserts_the_lines_of_a_new_env_var_only(alice_client: Any, client: Any, token: str) -> None:
    design = upload(alice_client, "cronjob-alloydb-native-with-settings.yaml")
    document = copy.deepcopy(design.latest.document)
    pod_spec(document)["containers"][0].setdefault("env", []).append({"name": "REPORT_DAY", "value": "mon"})
    lines = edit_through_the_api(client, token, design, document)
    assert [line[0] + line[1:].strip() for line in lines] == ["+- name: REPORT_DAY", "+value: mon"]


def test_it_renames_a_volume_with_its_mounts_and_nothing_else(
    alice_client: Any, client: Any, token: str
) -> None:
    design = upload(alice_client, "promtail-sidecar-pod.yaml")
    lines = edit_through_the_api(
        client, token, design, rename_volume(design.latest.document, "logs", "app-logs")
    )
    assert len(lines) == 6
    assert all(line.startswith("-") and line.endswith("logs") for line in lines[::2])
    assert all(line.startswith("+") and line.endswith("app-logs") for line in lines[1::2])


def test_it_adds_only_new_lines_for_a_pattern_action(alice_client: Any, client: Any, token: str) -> None:
    design = upload(alice_client, "tricky-scalars-pod.yaml")
    document, _ = add_log_shipper(design.latest.document, roles_for(design.latest.document))
    lines = edit_through_the_api(client, token, design, document)
    assert lines and all(line.startswith("+") for line in lines)


def test_it_removes_a_container_with_its_lines(alice_client: Any, client: Any, token: str) -> None:
    design = upload(alice_client, "vault-agent-injected-pod.yaml")
    document, _ = remove_container(design.latest.document, roles_for(design.latest.document), "vault-agent")
    lines = edit_through_the_api(client, token, design, document)
    assert lines and all(line.startswith("-") for line in lines)
    assert any("vault-agent" in line for line in lines)


def test_it_shows_a_one_field_edit_as_a_one_line_diff_in_the_history(
    alice_client: Any, client: Any, token: str
) -> None:
    design = upload(alice_client, "istio-injected-deployment.yaml")
    document = copy.deepcopy(design.latest.document)
    pod_spec(document)["containers"][0]["image"] = "docker.io/istio/examples-bookinfo-reviews-v3:1.20.2"
    put_document(client, token, design, document)
    response = alice_client.get(f"/designs/{design.pk}/diff/1/2/")
    assert response.status_code == 200
    assert "<del>v2</del>" in response.content.decode() and "<ins>v3</ins>" in response.content.decode()
    old, new = design.revisions.get(number=1), design.revisions.get(number=2)
    lines = diff_lines(revision_text(old), revision_text(new))
    assert [line.kind for line in lines if line.kind in ("added", "removed")] == ["removed", "added"]


def test_it_keeps_the_comments_of_the_pod_spec_and_the_companions_in_another_kind(alice_client: Any) -> None:
    design = upload(alice_client, "cronjob-alloydb-native-with-settings.yaml")
    text = export(alice_client, design, "annotations=0&kind=Job").decode()
    documents = load_stream(text).documents
    assert [d["kind"] for d in documents] == ["ConfigMap", "Job"]
    assert "# alloydb-proxy: init container" in text
    assert 'LOG_LEVEL: "info"   # debug|info|warn' in text


def test_it_normalises_a_text_an_alias_edit_cannot_keep_and_says_so(alice: Any) -> None:
    from designer.revisions import create_design

    text = (MANIFESTS / "yaml-anchors-aliases-deployment.yaml").read_text()
    manifest = load_manifest(text)
    design = create_design(
        alice, "anchors", Content(manifest.document, manifest.companions, {}, manifest.position, text)
    )
    assert design.latest.source_text == text
    document = copy.deepcopy(manifest.document)
    pod_spec(document)["containers"][0]["env"].append({"name": "ONLY_HERE", "value": "1"})
    content = Content(document, manifest.companions, {})
    revision = save_revision(design, content, alice)
    assert content.normalised
    assert revision.source_text == ""  # the canonical dump stands in
    assert Content(document, [], {}).normalised is False


def test_it_refuses_a_given_text_that_does_not_load_to_the_document_or_is_far_too_large(alice: Any) -> None:
    from designer.revisions import create_design

    manifest = load_manifest((MANIFESTS / "promtail-sidecar-pod.yaml").read_text())
    design = create_design(alice, "p", Content(manifest.document, [], {}))
    wrong = Content(manifest.document, [], {}, source_text="apiVersion: v1\nkind: Pod\n")
    assert save_revision(design, wrong, alice).source_text == "" and wrong.normalised
    huge = dump_yaml([manifest.document]) + "#" * 1_100_000 + "\n"
    large = Content(manifest.document, [], {}, source_text=huge)
    assert save_revision(design, large, alice).source_text == "" and large.normalised
    commented = "# mine\n" + dump_yaml([manifest.document])
    kept = Content(manifest.document, [], {}, source_text=commented)
    assert save_revision(design, kept, alice).source_text == commented and not kept.normalised


def test_it_saves_a_draft_whose_text_alone_changed_and_merges_a_stale_one_by_patching(alice: Any) -> None:
    from designer.revisions import create_design, save_content

    text = (MANIFESTS / "istio-injected-deployment.yaml").read_text()
    manifest = load_manifest(text)
    design = create_design(alice, "r", Content(manifest.document, [], {}, 0, text))
    commented = text.replace("kind: Deployment\n", "kind: Deployment  # reviewed\n")
    outcome = save_content(design, Content(manifest.document, [], {}, None, commented), alice, base_number=1)
    assert outcome.kind == "saved" and outcome.revision.source_text == commented and not outcome.normalised
    same = save_content(design, Content(manifest.document, [], {}, None, commented), alice, base_number=2)
    assert same.kind == "unchanged"
    # A draft from revision 1 that changed an image is merged with revision 2: text patched.
    document = copy.deepcopy(manifest.document)
    pod_spec(document)["containers"][0]["image"] = "docker.io/istio/examples-bookinfo-reviews-v3:1.20.2"
    merged = save_content(design, Content(document, [], {}), alice, base_number=1)
    assert merged.kind == "merged" and not merged.normalised
    assert changes(commented, merged.revision.source_text) == [
        "-          image: docker.io/istio/examples-bookinfo-reviews-v2:1.20.2",
        "+          image: docker.io/istio/examples-bookinfo-reviews-v3:1.20.2",
    ]
    # A typed text that does not load to the draft's document: saved as the canonical dump, said so.
    broken = save_content(
        design, Content(manifest.document, [], {}, None, "kind: Pod\n"), alice, base_number=3
    )
    assert broken.kind == "saved" and broken.normalised and broken.revision.source_text == ""
