"""GET /schemas/<version>.json: the YAML editor's completion schema, public and cached."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from designer.models import K8S_VERSIONS

pytestmark = pytest.mark.django_db


def test_it_serves_a_version_publicly_with_cache_headers(client: Any) -> None:
    response = client.get(f"/schemas/{K8S_VERSIONS[0]}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response["ETag"].startswith('"') and response["Vary"] == "Accept-Encoding"
    schema = json.loads(response.content)
    assert schema["version"] == K8S_VERSIONS[0]
    assert "imagePullPolicy" in schema["types"]["core.v1.Container"]


def test_it_compresses_when_asked_and_answers_304_to_its_etag(client: Any) -> None:
    plain = client.get("/schemas/1.30.json")
    packed = client.get("/schemas/1.30.json", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) * 3 < len(plain.content)
    again = client.get("/schemas/1.30.json", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == plain["ETag"]
    other = client.get("/schemas/1.31.json", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert other.status_code == 200 and other["ETag"] != plain["ETag"]


@pytest.mark.parametrize("version", ["1.2", "v1.30", "latest", "1.30.0", "9.99"])
def test_an_unknown_version_is_a_404(client: Any, version: str) -> None:
    assert client.get(f"/schemas/{version}.json").status_code == 404


def test_only_get(client: Any) -> None:
    assert client.post("/schemas/1.30.json").status_code == 405
