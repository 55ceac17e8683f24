"""A hung Redis (accepts, never answers) costs a drawing milliseconds: short timeouts, then a breaker."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from designer.cache import CircuitBreaker
from designer.editor import render_bytes
from designer.pod import render


@pytest.fixture
def hung_redis() -> Iterator[int]:
    # listen() without accept(): the kernel completes every handshake, nobody ever answers.
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def hung_cache(hung_redis: int, settings: Any, monkeypatch: Any) -> Any:
    from designer import settings as project_settings

    settings.CACHES = {
        "default": {
            **project_settings.CACHES["default"],
            "BACKEND": "designer.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{hung_redis}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    import designer.editor

    monkeypatch.setattr(designer.editor, "_cache_wired", False)
    render.clear_cache()
    from django.core.cache import cache

    return cache


def test_the_project_settings_give_redis_sub_second_timeouts(monkeypatch: Any) -> None:
    import importlib

    from designer import settings as project_settings

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        reloaded = importlib.reload(project_settings)
        options = reloaded.CACHES["default"]["OPTIONS"]
        assert reloaded.CACHES["default"]["BACKEND"] == "designer.cache.ResilientRedisCache"
        assert 0 < options["socket_connect_timeout"] < 1 and 0 < options["socket_timeout"] < 1
    finally:
        monkeypatch.delenv("REDIS_URL")
        importlib.reload(project_settings)


def test_a_drawing_costs_less_than_a_second_when_redis_hangs(hung_cache: Any) -> None:
    started = time.monotonic()
    svg = render_bytes('digraph { hung -> redis [label="first"] }', "svg")
    first = time.monotonic() - started
    assert b"first" in svg
    assert first < 1.0
    # The breaker is open now: the next drawings do not wait on Redis at all.
    started = time.monotonic()
    for i in range(5):
        assert f"n{i}".encode() in render_bytes(f"digraph {{ n{i} }}", "svg")
    assert time.monotonic() - started < 1.0


def test_reads_are_misses_and_writes_are_dropped_while_redis_hangs(hung_cache: Any) -> None:
    started = time.monotonic()
    hung_cache.set("k", "v")
    assert hung_cache.get("k", "default") == "default"
    assert hung_cache.get_many(["k"]) == {}
    assert hung_cache.add("k", "v") is False
    assert time.monotonic() - started < 1.0


def test_readyz_names_the_cache_when_redis_hangs(hung_cache: Any, client: Any, db: Any) -> None:
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["database"] == "ok" and body["checks"]["diagram_engine"] == "ok"
    assert "Timeout" in body["checks"]["cache"]


def test_the_breaker_skips_for_a_while_then_lets_one_call_through() -> None:
    now = [0.0]
    breaker = CircuitBreaker("test", open_seconds=5, clock=lambda: now[0])
    assert breaker.allows()
    breaker.failed(TimeoutError("hung"))
    assert not breaker.allows()
    now[0] = 4.9
    assert not breaker.allows()
    now[0] = 5.0
    assert breaker.allows()
    breaker.failed(TimeoutError("still hung"))
    assert not breaker.allows()
    now[0] = 10.0
    breaker.succeeded()
    assert breaker.allows()


def test_a_working_redis_is_used_as_before(settings: Any, monkeypatch: Any, client: Any, db: Any) -> None:
    from tests.views.test_shared_render_cache import redis_reachable

    if not redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "designer.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/7",
            "KEY_PREFIX": "pod-designer-tests-resilient",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    from django.core.cache import cache

    cache.set("k", "v", 10)
    assert cache.get("k") == "v" and cache.get_many(["k"]) == {"k": "v"}
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"
    cache.delete("k")
