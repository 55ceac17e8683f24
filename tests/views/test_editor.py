"""The editor page through the Django test client: full-page (no-JS) flows and the htmx preview."""

from __future__ import annotations

import re
from typing import Any

import pytest

from designer.models import Design, Draft
from designer.pod.manifest import load_manifest
from designer.pod.workloads import pod_spec
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db


def _page(client: Any, design: Design) -> bytes:
    response = client.get(f"/designs/{design.pk}/")
    assert response.status_code == 200
    return bytes(response.content)


def _post(client: Any, design: Design, data: dict[str, str], preview: bool = False) -> Any:
    """A post as the browser makes it; without JS an edit redirects to the tab's page (PRG),
    which is followed here."""
    url = f"/designs/{design.pk}/preview" if preview else f"/designs/{design.pk}/"
    headers = {"HTTP_HX_REQUEST": "true"} if preview else {}
    response = client.post(url, data, **headers)
    if response.status_code == 302 and "?tab=" in response["Location"]:
        response = client.get(response["Location"])
    return response


def _oob(html: str, panel: str) -> bool:
    return re.search(rf'<\w+ id="{panel}"[^>]*hx-swap-oob="morph"', html) is not None


def _working(html: bytes) -> dict[str, Any]:
    """The tab's draft, as the server keeps it (the page carries only its key); a tab without
    edits has none and shows its revision, as the YAML tab has it."""
    data = form_data(html)
    draft = Draft.objects.filter(tab_key=data["tab"]).first()
    if draft is None:
        return {"document": load_manifest(data["yaml"]).document, "roles": {}}
    return {"document": draft.document, "roles": draft.roles}


def _containers(html: bytes) -> list[dict[str, Any]]:
    spec = pod_spec(_working(html)["document"])
    return [*(spec.get("initContainers") or []), *spec["containers"]]


def test_it_shows_the_forms_diagram_findings_and_yaml(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = _page(alice_client, design).decode()
    assert 'id="form-container-app"' in html and 'id="form-container-shipper"' in html
    assert 'id="form-volume-logs"' in html
    # The diagram comes as DOT (the browser lays it out), with the node a click opens the form from.
    assert "data-live-diagram" in html and "container-app" in html.split("data-dot=", 1)[1]
    assert 'id="findings-panel"' in html and 'id="yaml-text"' in html
    data = form_data(html)
    assert data["base"] == "1" and len(data["tab"]) >= 8 and "working" not in data
    assert 'autocomplete="off"' in html
    assert data["cc0-image"] == "registry.example.com/web:1.4.2"
    assert data["cc0-role"] == "main"


def test_it_applies_edited_fields_without_javascript(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="apply")
    data["cc0-image"] = "registry.example.com/web:2.0.0"
    data["cc0-resources.limits.memory"] = "256Mi"
    response = alice_client.post(f"/designs/{design.pk}/", data)
    assert response.status_code == 302 and response["Location"].endswith(f"?tab={data['tab']}")
    response = alice_client.get(response["Location"])  # the redirect shows the tab's draft
    app = _containers(response.content)[0]
    assert form_data(response.content)["cc0-image"] == "registry.example.com/web:2.0.0"
    assert app["image"] == "registry.example.com/web:2.0.0"
    assert app["resources"] == {"limits": {"memory": "256Mi"}}
    assert b"Unsaved changes" in response.content
    design.refresh_from_db()
    assert design.revision_count == 1  # nothing saved yet


def test_it_saves_a_revision_with_a_message(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="save", message="bigger limits")
    data["cc0-resources.limits.memory"] = "512Mi"
    response = _post(alice_client, design, data)
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.revision_count == 2
    assert design.latest.message == "bigger limits"
    assert pod_spec(design.latest.document)["containers"][0]["resources"] == {"limits": {"memory": "512Mi"}}
    # Unknown fields survive the round trip through the forms.
    assert design.latest.document["spec"]["volumes"] == [{"name": "logs", "emptyDir": {}}]


def test_it_keeps_fields_the_forms_do_not_know(alice_client: Any, make_design: Any) -> None:
    text = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a]}]}]}}}
  containers:
  - name: app
    image: nginx:1.27
    env:
    - name: POD_IP
      valueFrom: {fieldRef: {apiVersion: v1, fieldPath: status.podIP}}
    x-unknown: kept
"""
    design = make_design(text)
    html = _page(alice_client, design)
    data = form_data(html, action="save")
    assert "cc0-env" not in data  # fieldRef with apiVersion first cannot be shown exactly: YAML only
    data["cc0-image"] = "nginx:1.28"
    assert _post(alice_client, design, data).status_code == 302
    design.refresh_from_db()
    spec = design.latest.document["spec"]
    assert "affinity" in spec
    assert spec["containers"][0]["env"] == [
        {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}}
    ]
    assert spec["containers"][0]["x-unknown"] == "kept"


def test_it_names_the_field_of_a_bad_value(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="apply")
    data["cc0-ports"] = "eighty/TCP"
    response = _post(alice_client, design, data)
    assert response.status_code == 200
    assert b'id="f-cc0-ports-error"' in response.content
    assert b"is not a whole number" in response.content


def test_it_runs_structural_actions_without_javascript(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = _page(alice_client, design)
    html = _post(alice_client, design, form_data(html, action="add-container")).content
    names = [c["name"] for c in _containers(html)]
    assert names == ["app", "shipper", "helper"]
    html = _post(alice_client, design, form_data(html, action="up-container:helper")).content
    assert [c["name"] for c in _containers(html)] == ["app", "helper", "shipper"]
    html = _post(alice_client, design, form_data(html, action="duplicate-container:helper")).content
    assert [c["name"] for c in _containers(html)] == ["app", "helper", "helper-copy", "shipper"]
    html = _post(alice_client, design, form_data(html, action="native-sidecar:shipper")).content
    spec = pod_spec(_working(html)["document"])
    assert spec["initContainers"][0]["name"] == "shipper"
    assert spec["initContainers"][0]["restartPolicy"] == "Always"
    html = _post(alice_client, design, form_data(html, action="remove-container:helper-copy")).content
    assert [c["name"] for c in _containers(html)] == ["shipper", "app", "helper"]
    html = _post(alice_client, design, form_data(html, action="add-volume:configMap")).content
    assert [v["name"] for v in pod_spec(_working(html)["document"])["volumes"]] == ["logs", "configmap"]


def test_it_reports_an_impossible_action(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = _page(alice_client, design)
    response = _post(alice_client, design, form_data(html, action="native-sidecar:app"))
    assert response.status_code == 200
    assert b"That action could not be done" in response.content


def test_it_cascades_renames(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="apply")
    data["cc0-name"] = "web"
    data["v0-name"] = "applogs"
    html = _post(alice_client, design, data).content
    working = _working(html)
    spec = pod_spec(working["document"])
    assert [c["name"] for c in spec["containers"]] == ["web", "shipper"]
    assert working["roles"]["web"] == "main"
    assert spec["volumes"][0]["name"] == "applogs"
    assert {m["name"] for c in spec["containers"] for m in c["volumeMounts"]} == {"applogs"}


def test_it_edits_mounts_and_env_from(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="apply")
    assert data["cc1-volumeMounts"] == "logs /var/log/app ro"
    data["cc1-volumeMounts"] = "logs /var/log/app ro subPath=app"
    data["cc1-envFrom"] = "configMap shipper-config prefix=FB_"
    shipper = _containers(_post(alice_client, design, data).content)[1]
    assert shipper["volumeMounts"] == [
        {"name": "logs", "mountPath": "/var/log/app", "readOnly": True, "subPath": "app"}
    ]
    assert shipper["envFrom"] == [{"configMapRef": {"name": "shipper-config"}, "prefix": "FB_"}]


@pytest.mark.parametrize(
    "action",
    [
        "log-shipper",
        "metrics-adapter",
        "db-ambassador",
        "http-ambassador",
        "init-wait-for-service",
        "init-fetch-content",
    ],
)
def test_it_runs_each_pattern_action_to_a_design_without_errors(
    alice_client: Any, make_design: Any, action: str
) -> None:
    design = make_design(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "  - name: app\n    image: nginx:1.27\n    ports: [{containerPort: 8080, name: http}]\n"
    )
    html = _page(alice_client, design)
    response = _post(alice_client, design, form_data(html, action=f"pattern:{action}"))
    assert response.status_code == 200
    assert len(_containers(response.content)) == 2
    assert b'<span class="badge badge-error">0 errors</span>' in response.content


def test_it_replaces_the_working_copy_from_valid_yaml(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="apply-yaml")
    data["yaml"] = data["yaml"].replace("registry.example.com/web:1.4.2", "registry.example.com/web:9.9.9")
    response = _post(alice_client, design, data)
    assert response.status_code == 200
    assert form_data(response.content)["cc0-image"] == "registry.example.com/web:9.9.9"


def test_it_keeps_invalid_yaml_and_shows_line_and_column(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="apply-yaml")
    broken = data["yaml"] + "  bad: [unclosed\n"
    data["yaml"] = broken
    response = _post(alice_client, design, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert form_data(html)["yaml"] == broken  # the text is kept as typed
    assert 'id="yaml-error"' in html and "Line " in html and "column" in html
    assert form_data(html)["cc0-image"] == "registry.example.com/web:1.4.2"  # forms keep the last valid copy


def test_the_preview_answers_with_out_of_band_panels(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design))
    data["cc0-ports"] = "8080/TCP name=http\n8080/TCP name=again"
    response = _post(alice_client, design, data, preview=True)
    html = response.content.decode()
    assert response.status_code == 200
    for panel in ("diagram-panel", "findings-panel", "yaml-panel", "editor-status"):
        assert _oob(html, panel)
    assert 'id="form-panel"' not in html  # typing keeps the form (focus and caret) in place
    assert "containerPort: 8080" in html and "Unsaved changes" in html


def test_the_preview_from_yaml_keeps_the_yaml_and_refreshes_the_forms(
    alice_client: Any, make_design: Any
) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), source="yaml")
    data["yaml"] = data["yaml"].replace("fluent/fluent-bit:3.1.4", "fluent/fluent-bit:3.2.0")
    html = _post(alice_client, design, data, preview=True).content.decode()
    assert 'id="yaml-panel"' not in html  # the textarea being typed in is not replaced
    assert _oob(html, "form-panel")
    assert 'value="fluent/fluent-bit:3.2.0"' in html


def test_the_preview_of_an_action_refreshes_the_forms(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="pattern:metrics-adapter")
    html = _post(alice_client, design, data, preview=True).content.decode()
    assert _oob(html, "form-panel") and _oob(html, "yaml-panel")


def test_a_stale_save_never_overwrites_theirs(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = _page(alice_client, design)
    theirs = form_data(_page(alice_client, design), action="save", message="theirs")  # another tab
    theirs["cc0-image"] = "registry.example.com/web:3.0.0"
    assert _post(alice_client, design, theirs).status_code == 302
    mine = form_data(html, action="save", message="mine")  # drawn from revision 1
    mine["cc0-image"] = "registry.example.com/web:9.9.9"
    response = _post(alice_client, design, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "registry.example.com/web:3.0.0" in page and "registry.example.com/web:9.9.9" in page
    assert "Save mine on top" not in page  # it silently reverted theirs
    design.refresh_from_db()
    assert design.revision_count == 2  # mine was not saved silently
    assert Draft.objects.get(tab_key=mine["tab"]).base_number == 1  # and is kept in the draft


def test_a_conflict_can_be_forked_or_discarded(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = _page(alice_client, design)
    theirs = form_data(_page(alice_client, design), action="save")
    theirs["cc0-image"] = "theirs:1"
    assert _post(alice_client, design, theirs).status_code == 302
    mine = form_data(html, action="save")
    mine["cc0-image"] = "mine:1"
    page = _post(alice_client, design, mine).content
    response = _post(alice_client, design, form_data(page, form_id="conflict-form", action="fork"))
    fork = Design.objects.exclude(pk=design.pk).get()
    assert response["Location"] == fork.get_absolute_url()
    assert fork.forked_from == design and pod_spec(fork.latest.document)["containers"][0]["image"] == "mine:1"
    response = _post(alice_client, design, form_data(page, form_id="conflict-form", action="discard"))
    assert response.status_code == 302 and response["Location"] == design.get_absolute_url()
    design.refresh_from_db()
    assert design.revision_count == 2
    assert not Draft.objects.filter(tab_key=mine["tab"]).exists()


def test_it_saves_the_target_version(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="save", k8s_version="1.29")
    assert _post(alice_client, design, data).status_code == 302
    design.refresh_from_db()
    assert design.k8s_version == "1.29"


def test_a_tampered_tab_key_or_base_starts_from_the_latest(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    for tab, base in (("../../etc/passwd", "1"), ("x" * 200, "nope"), ("", "99")):
        response = _post(alice_client, design, {"tab": tab, "base": base, "action": "save"})
        assert response.status_code == 302  # nothing changed: nothing to save
    design.refresh_from_db()
    assert design.revision_count == 1
    assert not Draft.objects.exists()


def test_others_get_404_and_viewers_cannot_save(client: Any, alice: Any, bob: Any, make_design: Any) -> None:
    design = make_design()
    client.force_login(bob)
    assert client.get(f"/designs/{design.pk}/").status_code == 404
    assert client.post(f"/designs/{design.pk}/preview", {}).status_code == 404
    assert client.post(f"/designs/{design.pk}/", {"action": "save"}).status_code == 404
    design.visibility = Design.Visibility.SHARED
    design.save()
    html = client.get(f"/designs/{design.pk}/").content
    assert b'id="save-button"' not in html
    assert client.post(f"/designs/{design.pk}/", form_data(html, action="save")).status_code == 404
    response = client.post(f"/designs/{design.pk}/", form_data(html, action="fork"))
    assert response.status_code == 302
    assert Design.objects.filter(owner=bob, forked_from=design).exists()


def test_anonymous_users_are_sent_to_sign_in(client: Any, make_design: Any) -> None:
    design = make_design()
    assert client.get(f"/designs/{design.pk}/").status_code == 302
    assert client.post(f"/designs/{design.pk}/preview", {}).status_code == 302


def test_the_saved_yaml_passes_the_projects_lint(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = _page(alice_client, design)
    html = _post(alice_client, design, form_data(html, action="pattern:metrics-adapter")).content
    assert _post(alice_client, design, form_data(html, action="save")).status_code == 302
    text = alice_client.get(f"/designs/{design.pk}/export.yaml").content.decode()
    from designer.pod.rules.lint import lint

    manifest = load_manifest(text)
    assert [f for f in lint(manifest.document) if f.severity == "error"] == []


def test_the_preview_leaves_out_findings_the_browser_already_shows(
    alice_client: Any, make_design: Any
) -> None:
    design = make_design()
    page = _page(alice_client, design).decode()
    digest = re.search(r'data-digest="(\w+)"', page).group(1)
    data = form_data(page, findings_digest=digest)
    data["cc0-image"] = "registry.example.com/web:1.4.3"  # changes no finding
    html = _post(alice_client, design, data, preview=True).content.decode()
    assert 'id="findings-panel"' not in html and _oob(html, "diagram-panel")
    data["cc0-image"] = "registry.example.com/web:latest"  # a finding about the tag
    html = _post(alice_client, design, data, preview=True).content.decode()
    assert _oob(html, "findings-panel") and "latest" in html


def test_the_preview_applies_only_the_fields_it_is_sent(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design))
    # What editor.js sends while typing: the tab's key and the changed field only.
    sent = {k: data[k] for k in ("tab", "base", "source")} | {"cc1-image": "fluent/fluent-bit:3.2.0"}
    html = _post(alice_client, design, sent, preview=True).content.decode()
    assert "image: fluent/fluent-bit:3.2.0" in html
    assert "image: registry.example.com/web:1.4.2" in html  # everything else as it was


def test_it_edits_env_with_value_from_of_every_kind(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="save")
    data["cc0-env"] = "\r\n".join(
        [
            "MODE=fast",
            "DB_PASSWORD <- secret db-credentials password optional=true",
            "LOG_LEVEL <- configMap app-config level",
            "POD_NAME <- field metadata.name",
            "MEM_LIMIT <- resource limits.memory containerName=app divisor=1Mi",
            "TOKEN <- file creds token.txt token",
        ]
    )
    assert _post(alice_client, design, data).status_code == 302
    design.refresh_from_db()
    env = pod_spec(design.latest.document)["containers"][0]["env"]
    assert env == [
        {"name": "MODE", "value": "fast"},
        {
            "name": "DB_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": "db-credentials", "key": "password", "optional": True}},
        },
        {"name": "LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "level"}}},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {
            "name": "MEM_LIMIT",
            "valueFrom": {
                "resourceFieldRef": {"resource": "limits.memory", "containerName": "app", "divisor": "1Mi"}
            },
        },
        {
            "name": "TOKEN",
            "valueFrom": {"fileKeyRef": {"volumeName": "creds", "path": "token.txt", "key": "token"}},
        },
    ]
    # Shown again exactly as typed, and posting it unchanged changes nothing.
    again = form_data(_page(alice_client, design), action="apply")
    assert again["cc0-env"].splitlines()[1] == "DB_PASSWORD <- secret db-credentials password optional=true"
    html = _post(alice_client, design, again).content
    assert pod_spec(_working(html)["document"])["containers"][0]["env"] == env
    assert b"No unsaved changes" in html


def test_it_names_a_bad_env_line(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="apply")
    data["cc0-env"] = "X <- vault secret/x"
    html = _post(alice_client, design, data).content.decode()
    assert 'id="f-cc0-env-error"' in html and "expected one of secret" in html


def test_it_edits_downward_api_and_projected_volumes(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    html = _post(
        alice_client, design, form_data(_page(alice_client, design), action="add-volume:downwardAPI")
    ).content
    data = form_data(html, action="apply")
    assert data["v1-downwardAPI.items"] == "labels <- field metadata.labels"
    data["v1-downwardAPI.items"] = (
        "labels <- field metadata.labels\ncpu <- resource limits.cpu containerName=app"
    )
    data["v0-type"] = "projected"  # the logs emptyDir becomes a projected volume
    html = _post(alice_client, design, data).content
    volumes = pod_spec(_working(html)["document"])["volumes"]
    assert volumes[1]["downwardAPI"]["items"][1] == {
        "path": "cpu",
        "resourceFieldRef": {"resource": "limits.cpu", "containerName": "app"},
    }
    assert volumes[0] == {
        "name": "logs",
        "projected": {"sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]},
    }
    data = form_data(html, action="apply")
    data["v0-projected.sources"] = (
        "configMap app-config\nserviceAccountToken vault-token expirationSeconds=600 audience=vault"
    )
    assert data["v0-projected.defaultMode"] == "" and data["v1-downwardAPI.defaultMode"] == ""
    data["v0-projected.defaultMode"] = "0440"
    data["v1-downwardAPI.defaultMode"] = "0644"
    html = _post(alice_client, design, data).content
    volumes = pod_spec(_working(html)["document"])["volumes"]
    assert volumes[0]["projected"] == {
        "sources": [
            {"configMap": {"name": "app-config"}},
            {"serviceAccountToken": {"path": "vault-token", "expirationSeconds": 600, "audience": "vault"}},
        ],
        "defaultMode": 0o440,
    }
    assert volumes[1]["downwardAPI"]["defaultMode"] == 0o644
    # Shown as octal again; a bad mode names its field and changes nothing.
    data = form_data(html, action="apply")
    assert data["v0-projected.defaultMode"] == "0440" and data["v1-downwardAPI.defaultMode"] == "0644"
    data["v1-downwardAPI.defaultMode"] = "0999"
    html = _post(alice_client, design, data).content
    assert 'id="f-v1-downwardAPI-defaultMode-error"' in html.decode()
    assert pod_spec(_working(html)["document"])["volumes"][1]["downwardAPI"]["defaultMode"] == 0o644


def test_the_preview_of_a_rename_redraws_that_items_action_buttons(
    alice_client: Any, make_design: Any
) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design))
    data["cc1-name"] = "shipper-x"
    data["v0-name"] = "logs-x"
    html = _post(alice_client, design, data, preview=True).content.decode()
    assert 'id="form-panel"' not in html  # the field being typed in stays in place
    assert _oob(html, "actions-cc1") and _oob(html, "head-cc1")
    assert _oob(html, "actions-v0") and _oob(html, "head-v0")
    assert not _oob(html, "actions-cc0")  # the main container did not change
    assert 'value="duplicate-container:shipper-x"' in html
    assert 'value="duplicate-volume:logs-x"' in html
    assert 'duplicate-container:shipper"' not in html


def _as_form(html: bytes, tab: str) -> bytes:
    """A preview answer (out-of-band panels) read as the editor form it swaps into."""
    if b'id="editor-form"' in html:
        return html
    return (
        f'<form id="editor-form"><input type="hidden" name="tab" value="{tab}">'.encode() + html + b"</form>"
    )


@pytest.mark.parametrize("preview", [False, True])
def test_an_action_follows_its_item_renamed_in_the_same_post(
    alice_client: Any, make_design: Any, preview: bool
) -> None:
    # The button still names the item as drawn (no JavaScript, or clicked before the preview).
    design = make_design()
    data = form_data(_page(alice_client, design), action="duplicate-container:shipper")
    data["cc1-name"] = "shipper-x"
    html = _as_form(_post(alice_client, design, data, preview=preview).content, data["tab"])
    assert b"could not be done" not in html
    assert [c["name"] for c in _containers(html)] == ["app", "shipper-x", "shipper-x-copy"]
    data = form_data(html, action="duplicate-volume:logs")
    data["v0-name"] = "logs-x"
    html = _as_form(_post(alice_client, design, data, preview=preview).content, data["tab"])
    assert b"could not be done" not in html
    assert [v["name"] for v in pod_spec(_working(html)["document"])["volumes"]] == ["logs-x", "logs-x-copy"]


def test_saving_invalid_yaml_keeps_it_unsaved_on_the_yaml_tab(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    data = form_data(_page(alice_client, design), action="save", source="yaml")
    broken = data["yaml"] + "  bad: [unclosed\n"
    data["yaml"] = broken
    response = _post(alice_client, design, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Fix the YAML before saving" in html
    assert 'data-dirty="1"' in html and "Unsaved changes" in html  # the leave-page guard asks
    kept = form_data(html)
    assert kept["source"] == "yaml" and kept["yaml"] == broken
    assert 'id="editor-side" data-tab="yaml"' in html
    assert re.search(r'id="tab-yaml"[^>]*aria-selected="true"', html)
    assert re.search(
        r'<p class="field-error" data-diagnostic="error" data-rule="YAML" data-line="\d+" data-column="\d+">Line \d+, column \d+',
        html,
    )
    assert re.search(r'<textarea id="yaml-text"[^>]* autofocus>', html)  # the browser brings it into view
    assert design.revisions.count() == 1
    # A live preview never moves focus (htmx would honour autofocus in what it swaps in).
    preview = _post(alice_client, design, data | {"action": "apply"}, preview=True)
    assert "Line " in preview.content.decode() and b"autofocus" not in preview.content


def test_the_downloads_offer_the_manifest_without_pod_designer_annotations(
    alice_client: Any, make_design: Any
) -> None:
    design = make_design()
    html = _page(alice_client, design).decode()
    link = re.search(r'<a href="([^"]+)" download id="download-plain-yaml">', html)
    assert link and link.group(1) == f"/designs/{design.pk}/export.yaml?annotations=0"
    plain = alice_client.get(link.group(1)).content.decode()
    assert "pod-designer/roles" not in plain and "image: registry.example.com/web:1.4.2" in plain
    assert "pod-designer/roles" in alice_client.get(f"/designs/{design.pk}/export.yaml").content.decode()
