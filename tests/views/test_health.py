"""/healthz and /readyz: JSON, no login, answered before the host check and the HTTPS redirect."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from designer.pod import render


@pytest.fixture(autouse=True)
def fresh_render_cache() -> Any:
    render.clear_cache()
    yield
    render.clear_cache()


def test_healthz_answers_without_login_or_database(client: Any) -> None:
    # No `db` fixture: pytest-django would fail the test if the database were touched.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_probes_by_ip_over_plain_http_get_the_answer(client: Any, settings: Any) -> None:
    # A kubelet asks http://<pod ip>:8000/healthz: no 400 for the host, no 301 to https.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["pod-designer.example.com"]
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_readyz_checks_database_cache_and_engine(client: Any, db: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "diagram_engine": "ok"},
        "failed": [],
    }


def test_readyz_names_a_broken_diagram_engine(client: Any, db: Any, settings: Any, tmp_path: Path) -> None:
    engine = tmp_path / "broken-dot"
    engine.write_text("#!/bin/sh\necho 'Error: out of memory' >&2\nexit 2\n")
    engine.chmod(engine.stat().st_mode | stat.S_IXUSR)
    settings.POD_DESIGNER_GRAPHVIZ = str(engine)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["failed"] == ["diagram_engine"]
    assert "out of memory" in body["checks"]["diagram_engine"]


def test_readyz_names_a_missing_diagram_engine(client: Any, db: Any, settings: Any) -> None:
    settings.POD_DESIGNER_GRAPHVIZ = "/nonexistent/dot"
    body = client.get("/readyz").json()
    assert body["failed"] == ["diagram_engine"] and "not found" in body["checks"]["diagram_engine"]


def test_only_get_and_head_are_probes(client: Any) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 404
