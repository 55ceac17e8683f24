"""Renders are shared between workers through Django's cache (Redis when REDIS_URL is set)."""

from __future__ import annotations

import os
import socket
from typing import Any

import pytest

from designer.editor.state import render_bytes
from designer.pod import render

DOT = 'digraph { a -> b [label="shared"] }'


def redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def redis_cache(settings: Any, monkeypatch: Any) -> Any:
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/7",
            "KEY_PREFIX": "pod-designer-tests",
        }
    }
    from django.core.cache import cache

    import designer.editor.state

    # Other tests swap the renderer's shared cache; make render_bytes wire Django's cache again.
    monkeypatch.setattr(designer.editor.state, "_cache_wired", False)
    cache.clear()
    yield cache
    cache.clear()


def test_a_worker_finds_a_render_another_worker_stored(redis_cache: Any) -> None:
    # What another worker left in Redis is used instead of running the engine again: plant a
    # value under the key of this DOT and empty this process's own LRU.
    key = render.SHARED_KEY_PREFIX + render._cache_key(render.find_engine(), "svg", DOT)
    redis_cache.set(key, b"<svg>from another worker</svg>")
    render.clear_cache()
    assert render_bytes(DOT, "svg") == b"<svg>from another worker</svg>"


def test_a_fresh_render_is_stored_for_the_other_workers(redis_cache: Any) -> None:
    render.clear_cache()
    svg = render_bytes(DOT, "svg")
    assert b"shared" in svg
    key = render.SHARED_KEY_PREFIX + render._cache_key(render.find_engine(), "svg", DOT)
    assert redis_cache.get(key) == svg
