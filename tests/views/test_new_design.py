"""/designs/new: blank, from a starter, import by paste or upload; errors keep the input."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from designer.models import Design
from tests.conftest import SIDECAR_POD, fixture_text

pytestmark = pytest.mark.django_db


def post_import(client: Any, text: str = "", **extra: Any) -> Any:
    data = {"import-text": text, "import-k8s_version": "1.33", **extra}
    return client.post("/designs/new", data)


def test_it_requires_login(client: Any) -> None:
    response = client.get("/designs/new")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_imports_a_pasted_manifest(alice_client: Any, alice: Any) -> None:
    response = post_import(alice_client, SIDECAR_POD)
    design = Design.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/designs/{design.pk}/"
    assert design.owner == alice
    assert design.name == "web"
    assert design.k8s_version == "1.33"
    assert design.latest.number == 1
    assert design.latest.document["spec"]["containers"][1]["name"] == "shipper"
    assert design.latest.roles == {"app": "main", "shipper": "sidecar"}


def test_it_imports_an_uploaded_file(alice_client: Any) -> None:
    upload = SimpleUploadedFile("pod.yaml", SIDECAR_POD.encode(), content_type="application/yaml")
    response = alice_client.post("/designs/new", {"import-file": upload, "import-k8s_version": "1.37"})
    assert response.status_code == 302
    assert Design.objects.get().latest.document["metadata"]["name"] == "web"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: x\n", "line"),
        ("- a\n- b\n", "mapping"),
        ("apiVersion: v1\nkind: Frobnicator\nmetadata: {name: x}\n", "Frobnicator"),
        ("a: &a [1]\nb: *a\nc: 1\nc: 2\n", "duplicate"),
    ],
)
def test_it_shows_errors_next_to_the_input_and_keeps_it(alice_client: Any, text: str, expected: str) -> None:
    response = post_import(alice_client, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert expected.lower() in page.lower()
    assert 'id="import-error"' in page
    assert Design.objects.count() == 0
    # The textarea still holds what the user pasted (escaped).
    assert response.context["import_form"]["text"].value() == text


def test_it_rejects_binary_uploads_with_a_message(alice_client: Any) -> None:
    upload = SimpleUploadedFile("pod.yaml", b"\x00\xff\xfe binary", content_type="application/octet-stream")
    response = alice_client.post("/designs/new", {"import-file": upload, "import-k8s_version": "1.37"})
    assert response.status_code == 400
    assert Design.objects.count() == 0


def test_it_shows_an_uploaded_file_next_to_its_error(alice_client: Any) -> None:
    # The file input cannot be refilled: the text area is where the user sees line 5 and fixes it.
    broken = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n bad: indentation\n"
    upload = SimpleUploadedFile("pod.yaml", broken.encode(), content_type="application/yaml")
    response = alice_client.post("/designs/new", {"import-file": upload, "import-k8s_version": "1.37"})
    assert response.status_code == 400
    assert "line 5" in response.content.decode()
    assert response.context["import_form"]["text"].value() == broken


def test_it_lets_the_user_choose_a_workload_of_an_uploaded_file(alice_client: Any) -> None:
    stream = SIDECAR_POD + "---\n" + SIDECAR_POD.replace("name: web", "name: api", 1)
    upload = SimpleUploadedFile("pods.yaml", stream.encode(), content_type="application/yaml")
    response = alice_client.post("/designs/new", {"import-file": upload, "import-k8s_version": "1.37"})
    assert b'name="import-choose"' in response.content
    # The chooser posts back what the page now shows in the text area.
    text = response.context["import_form"]["text"].value()
    response = post_import(alice_client, text, **{"import-choose": "1"})
    assert response.status_code == 302
    assert Design.objects.get().latest.document["metadata"]["name"] == "api"


def test_it_escapes_hostile_names_in_errors(alice_client: Any) -> None:
    response = post_import(
        alice_client, "apiVersion: v1\nkind: <script>alert(1)</script>\nmetadata: {name: x}\n"
    )
    assert response.status_code == 400
    assert b"<script>alert(1)</script>" not in response.content


def test_it_asks_which_workload_when_there_are_several(alice_client: Any) -> None:
    text = SIDECAR_POD + "---\n" + SIDECAR_POD.replace("name: web\n", "name: other\n", 1)
    response = post_import(alice_client, text)
    assert response.status_code == 400
    assert b'name="import-choose"' in response.content
    response = post_import(alice_client, text, **{"import-choose": "1"})
    assert response.status_code == 302
    design = Design.objects.get()
    assert design.latest.document["metadata"]["name"] == "other"
    assert design.latest.companions[0]["metadata"]["name"] == "web"


def test_it_keeps_companions_of_a_stream(alice_client: Any) -> None:
    text = SIDECAR_POD + "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: 'on'\n"
    assert post_import(alice_client, text).status_code == 302
    assert Design.objects.get().latest.companions == [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "on"}}
    ]


def test_it_creates_a_blank_design(alice_client: Any) -> None:
    response = alice_client.post("/designs/new", {"blank-name": "My API", "blank-k8s_version": "1.37"})
    design = Design.objects.get()
    assert response.status_code == 302
    assert design.name == "My API"
    assert design.latest.document["metadata"]["name"] == "my-api"
    assert design.latest.roles == {"app": "main"}


def test_it_starts_from_a_starter(alice_client: Any) -> None:
    from designer.pod.starters import list_starters

    starter = list_starters()[0]
    response = alice_client.post(f"/designs/new/from/{starter.slug}")
    assert response.status_code == 302
    assert Design.objects.get().name == starter.name


def test_it_lists_the_starters_on_the_page(alice_client: Any) -> None:
    from designer.pod.starters import list_starters

    page = alice_client.get("/designs/new").content.decode()
    for starter in list_starters():
        assert starter.name in page


def test_it_imports_every_fixture_of_the_corpus(alice_client: Any) -> None:
    from pathlib import Path

    files = sorted((Path(__file__).parents[1] / "fixtures" / "manifests").glob("*.yaml"))
    assert len(files) >= 20
    for path in files:
        text = fixture_text(f"manifests/{path.name}")
        response = post_import(alice_client, text)
        if response.status_code == 400 and response.context["candidates"]:
            first = response.context["candidates"][0][0]
            response = post_import(alice_client, text, **{"import-choose": str(first)})
        assert response.status_code == 302, (path.name, response.content[:2000])
