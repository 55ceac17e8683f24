"""Shared fixtures: people (alice, bob, ...), designs made through the real save path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: throttle counters never leak between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def alice(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("alice", "alice@example.com", "alice-password-1")


@pytest.fixture
def bob(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("bob", "bob@example.com", "bob-password-1")


@pytest.fixture
def alice_client(client: Any, alice: Any) -> Any:
    client.force_login(alice)
    return client


@pytest.fixture
def make_design(alice: Any) -> Any:
    """make_design(yaml_text=None, owner=alice, **fields) -> Design with one revision."""
    from designer.pod.manifest import load_manifest
    from designer.revisions import Content, create_design

    def make(text: str | None = None, owner: Any = None, name: str = "web", **fields: Any) -> Any:
        manifest = load_manifest(text or SIDECAR_POD)
        return create_design(
            owner or alice, name, Content(manifest.document, manifest.companions, {}), **fields
        )

    return make


SIDECAR_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: app
    image: registry.example.com/web:1.4.2
    ports:
    - containerPort: 8080
      name: http
    volumeMounts:
    - name: logs
      mountPath: /var/log/app
  - name: shipper
    image: fluent/fluent-bit:3.1.4
    volumeMounts:
    - name: logs
      mountPath: /var/log/app
      readOnly: true
  volumes:
  - name: logs
    emptyDir: {}
"""
