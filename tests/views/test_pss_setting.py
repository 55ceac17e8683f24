"""The "namespace enforces" PodSecurity level of a design: settings, editor, downloads, API."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from designer.models import ApiToken, Design
from tests.conftest import SIDECAR_POD
from tests.views.editor_helpers import form_data

pytestmark = pytest.mark.django_db


def _settings(design: Design, **changes: str) -> dict[str, str]:
    data = {
        "name": design.name,
        "description": design.description,
        "tags": "",
        "k8s_version": design.k8s_version,
        "pss_level": design.pss_level,
    }
    return {**data, **changes}


def _pss_rules(findings: list[dict[str, Any]]) -> set[str]:
    return {f["rule"] for f in findings if f["rule"].startswith("K8S-PSS-")}


def test_the_settings_page_stores_the_level(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    page = alice_client.get(f"/designs/{design.pk}/settings/").content.decode()
    assert "Namespace enforces (PodSecurity)" in page and 'value="restricted"' in page
    response = alice_client.post(f"/designs/{design.pk}/rename", _settings(design, pss_level="restricted"))
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.pss_level == "restricted" and design.pss == "restricted"
    response = alice_client.post(f"/designs/{design.pk}/rename", _settings(design, pss_level="strict"))
    assert response.status_code == 400
    design.refresh_from_db()
    assert design.pss_level == "restricted"
    alice_client.post(f"/designs/{design.pk}/rename", _settings(design, pss_level=""))
    design.refresh_from_db()
    assert design.pss is None


def test_the_editor_shows_the_level_beside_the_version_and_lints_with_it(
    alice_client: Any, make_design: Any
) -> None:
    design = make_design(pss_level="restricted")
    page = alice_client.get(f"/designs/{design.pk}/").content.decode()
    assert "PodSecurity <strong>restricted</strong> enforced" in page
    assert '<option value="restricted" selected>' in page
    assert "K8S-PSS-RUN-AS-NON-ROOT" in page
    assert "runAsNonRoot != true (pod or containers &quot;app&quot;, &quot;shipper&quot;" in page
    plain = make_design(name="plain")
    page = alice_client.get(f"/designs/{plain.pk}/").content.decode()
    assert "PodSecurity not checked" in page and "K8S-PSS-RUN-AS-NON-ROOT" not in page


def test_the_preview_follows_the_chosen_level_and_save_stores_it(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    page = alice_client.get(f"/designs/{design.pk}/").content
    preview = alice_client.post(
        f"/designs/{design.pk}/preview", form_data(page, pss="restricted"), HTTP_HX_REQUEST="true"
    )
    assert preview.status_code == 200 and b"K8S-PSS-ALLOW-PRIVILEGE-ESCALATION" in preview.content
    assert b'data-dirty="1"' in preview.content
    response = alice_client.post(f"/designs/{design.pk}/", form_data(page, action="save", pss="baseline"))
    assert response.status_code == 302
    design.refresh_from_db()
    assert design.pss_level == "baseline"


def test_saved_counts_include_the_levels_errors(make_design: Any) -> None:
    plain = make_design(name="plain")
    strict = make_design(name="strict", pss_level="restricted")
    assert strict.error_count > plain.error_count


def test_the_downloads_mark_the_violating_containers(alice_client: Any, make_design: Any) -> None:
    design = make_design(pss_level="restricted")
    dot = alice_client.get(f"/designs/{design.pk}/diagram.dot").content.decode()
    assert "enforces PodSecurity restricted" in dot and "[PSS] violates PodSecurity restricted" in dot
    archive = zipfile.ZipFile(io.BytesIO(alice_client.get(f"/designs/{design.pk}/bundle.zip").content))
    report = json.loads(archive.read("findings.json"))
    assert report["podSecurityLevel"] == "restricted"
    assert "K8S-PSS-SECCOMP-PROFILE-RESTRICTED" in _pss_rules(report["findings"])


def test_a_fork_keeps_the_level(alice_client: Any, make_design: Any) -> None:
    design = make_design(pss_level="baseline")
    page = alice_client.get(f"/designs/{design.pk}/").content
    alice_client.post(f"/designs/{design.pk}/", form_data(page, action="fork"))
    fork = Design.objects.exclude(pk=design.pk).get(forked_from=design)
    assert fork.pss_level == "baseline"


def _bearer(user: Any) -> dict[str, str]:
    _, secret = ApiToken.issue(user, "ci")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_lint_api_takes_a_pss_parameter(client: Any, alice: Any) -> None:
    headers = _bearer(alice)
    plain = client.post("/api/v1/lint", SIDECAR_POD, content_type="application/yaml", **headers).json()
    assert plain["pss"] is None and not _pss_rules(plain["findings"])
    strict = client.post(
        "/api/v1/lint?pss=restricted", SIDECAR_POD, content_type="application/yaml", **headers
    ).json()
    assert strict["pss"] == "restricted"
    assert "K8S-PSS-CAPABILITIES-RESTRICTED" in _pss_rules(strict["findings"])
    bad = client.post("/api/v1/lint?pss=strict", SIDECAR_POD, content_type="application/yaml", **headers)
    assert bad.status_code == 400 and "pss" in bad.json()["error"]


def test_the_design_api_reads_and_sets_the_level(client: Any, alice: Any, make_design: Any) -> None:
    design = make_design(pss_level="baseline")
    headers = _bearer(alice)
    data = client.get(f"/api/v1/designs/{design.pk}", **headers).json()
    assert data["pss"] == "baseline"
    body = {"base_revision": 1, "manifest": SIDECAR_POD, "pss": "restricted"}
    response = client.put(
        f"/api/v1/designs/{design.pk}", json.dumps(body), content_type="application/json", **headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["design"]["pss"] == "restricted"
    design.refresh_from_db()
    assert design.pss_level == "restricted"
    body = {"base_revision": 2, "manifest": SIDECAR_POD, "pss": "strict"}
    response = client.put(
        f"/api/v1/designs/{design.pk}", json.dumps(body), content_type="application/json", **headers
    )
    assert response.status_code == 400


def test_a_new_design_can_name_its_level_when_imported_or_blank(alice_client: Any) -> None:
    page = alice_client.get("/designs/new").content.decode()
    assert page.count("Namespace enforces (PodSecurity)") == 2
    response = alice_client.post(
        "/designs/new",
        {"import-text": SIDECAR_POD, "import-k8s_version": "1.33", "import-pss_level": "baseline"},
    )
    assert response.status_code == 302
    assert (
        Design.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1])).pss_level
        == "baseline"
    )
    response = alice_client.post(
        "/designs/new", {"blank-name": "web", "blank-k8s_version": "1.33", "blank-pss_level": "restricted"}
    )
    assert (
        Design.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1])).pss_level
        == "restricted"
    )
    response = alice_client.post("/designs/new", {"blank-name": "web2", "blank-k8s_version": "1.33"})
    assert Design.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1])).pss_level == ""
