"""Diagram downloads: SVG/PNG/DOT, the lifecycle drawing and the bundle; access-checked."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from designer.pod import render

pytestmark = pytest.mark.django_db


def test_it_serves_the_diagram_in_three_formats(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    svg = alice_client.get(f"/designs/{design.pk}/diagram.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b'id="container-app"' in svg.content and b'id="volume-logs"' in svg.content
    assert b"<script" not in svg.content
    png = alice_client.get(f"/designs/{design.pk}/diagram.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    dot = alice_client.get(f"/designs/{design.pk}/diagram.dot")
    assert dot.status_code == 200 and b"digraph" in dot.content
    assert alice_client.get(f"/designs/{design.pk}/diagram.gif").status_code == 404


def test_it_draws_the_start_and_stop_order(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    response = alice_client.get(f"/designs/{design.pk}/lifecycle.svg")
    assert response.status_code == 200 and b"<svg" in response.content


def test_the_bundle_holds_yaml_drawings_and_findings(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    response = alice_client.get(f"/designs/{design.pk}/bundle.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "web-pod.yaml" in names and "web-diagram.svg" in names and "web-diagram.png" in names
    report = json.loads(archive.read("findings.json"))
    assert report["revision"] == 1 and set(report["counts"]) == {"error", "warning", "info"}
    assert b"name: shipper" in archive.read("web-pod.yaml")


def test_a_render_failure_is_a_clear_message(alice_client: Any, make_design: Any, settings: Any) -> None:
    settings.POD_DESIGNER_GRAPHVIZ = "/nonexistent/dot"
    render.clear_cache()
    design = make_design()
    response = alice_client.get(f"/designs/{design.pk}/diagram.svg")
    assert response.status_code == 503
    assert response.content.startswith(b"The diagram could not be drawn")
    archive = zipfile.ZipFile(io.BytesIO(alice_client.get(f"/designs/{design.pk}/bundle.zip").content))
    assert "diagram-error.txt" in archive.namelist() and "findings.json" in archive.namelist()
    # The editor page needs no server layout (the browser draws its DOT): it opens all the same,
    # and the drawing of the draft for pages without JavaScript says what went wrong.
    page = alice_client.get(f"/designs/{design.pk}/?tab=tab-0001")
    assert page.status_code == 200 and b"data-dot=" in page.content
    drawing = alice_client.get(f"/designs/{design.pk}/draft-diagram.svg?tab=tab-0001")
    assert drawing.status_code == 503 and drawing.content.startswith(b"The diagram could not be drawn")


def test_the_editor_sends_dot_and_the_draft_drawing_is_svg(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    page = alice_client.get(f"/designs/{design.pk}/?tab=tab-0002")
    assert b"data-live-diagram" in page.content and b"<svg" not in page.content
    assert f"/designs/{design.pk}/draft-diagram.svg?tab=tab-0002".encode() in page.content
    drawing = alice_client.get(f"/designs/{design.pk}/draft-diagram.svg?tab=tab-0002")
    assert drawing.status_code == 200 and drawing["Content-Type"] == "image/svg+xml"
    assert b'id="container-' in drawing.content


def test_others_get_404(client: Any, bob: Any, make_design: Any) -> None:
    design = make_design()
    client.force_login(bob)
    for path in (
        "diagram.svg",
        "diagram.png",
        "diagram.dot",
        "lifecycle.svg",
        "bundle.zip",
        "draft-diagram.svg",
    ):
        assert client.get(f"/designs/{design.pk}/{path}").status_code == 404
