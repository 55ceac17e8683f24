"""Effective pod resources (RULES.md §4), QoS class and quantity parsing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from designer.pod.quantity import quantity_or_none as parse_quantity
from designer.pod.quantity import readable as format_quantity
from designer.pod.resources import effective_resources, qos_class


def ctr(
    name: str, requests: dict[str, str] | None = None, limits: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    if requests is not None:
        resources["requests"] = requests
    if limits is not None:
        resources["limits"] = limits
    return {"name": name, "image": "x:1", "resources": resources, **extra}


def test_it_parses_kubernetes_quantities() -> None:
    assert parse_quantity("500m") == Decimal("0.5")
    assert parse_quantity("1Gi") == 1024**3
    assert parse_quantity("2e3") == 2000
    assert parse_quantity("1.5") == Decimal("1.5")
    assert parse_quantity("128M") == 128_000_000
    assert parse_quantity(2) == 2
    assert parse_quantity("100n") == Decimal("1e-7")


def test_it_rejects_what_is_not_a_quantity() -> None:
    bad: object
    for bad in ("", "1GB", "abc", "1..2", None, True, [], "1 Gi", "9" * 100):
        assert parse_quantity(bad) is None


def test_it_formats_quantities_readably() -> None:
    assert format_quantity("cpu", Decimal("0.6")) == "600m"
    assert format_quantity("cpu", Decimal(1)) == "1"
    assert format_quantity("memory", Decimal(384 * 1024**2)) == "384Mi"
    assert format_quantity("memory", None) == "unbounded"


def test_it_adds_a_native_sidecar_declared_before_an_init_container() -> None:
    spec = {
        "initContainers": [
            ctr("proxy", {"cpu": "100m", "memory": "128Mi"}, restartPolicy="Always"),
            ctr("migrate", {"cpu": "500m", "memory": "256Mi"}),
        ],
        "containers": [ctr("app", {"cpu": "10m", "memory": "16Mi"})],
    }
    result = effective_resources(spec)
    assert result["requests"] == {"cpu": Decimal("0.6"), "memory": 384 * 1024**2}


def test_it_keeps_init_order_in_the_peak() -> None:
    spec = {
        "initContainers": [
            ctr("first", {"cpu": "1", "memory": "512Mi"}),
            ctr("sidecar", {"cpu": "200m", "memory": "128Mi"}, restartPolicy="Always"),
            ctr("second", {"cpu": "800m", "memory": "1Gi"}),
        ],
        "containers": [ctr("app", {"cpu": "100m", "memory": "64Mi"})],
    }
    result = effective_resources(spec)
    assert result["requests"] == {"cpu": Decimal(1), "memory": 1152 * 1024**2}
    assert result["steady"] == {"cpu": Decimal("0.3"), "memory": 192 * 1024**2}


def test_it_sums_app_and_native_sidecars_in_the_steady_state() -> None:
    spec = {
        "initContainers": [ctr("proxy", {"cpu": "250m"}, restartPolicy="Always")],
        "containers": [ctr("a", {"cpu": "500m"}), ctr("b", {"cpu": "250m"})],
    }
    assert effective_resources(spec)["requests"] == {"cpu": Decimal(1)}


def test_it_defaults_requests_from_limits_and_treats_missing_limits_as_unbounded() -> None:
    spec = {
        "containers": [ctr("a", limits={"cpu": "1", "memory": "1Gi"}), ctr("b", limits={"memory": "1Gi"})]
    }
    result = effective_resources(spec)
    assert result["requests"] == {"cpu": Decimal(1), "memory": 2 * 1024**3}
    assert result["limits"] == {"cpu": None, "memory": 2 * 1024**3}


def test_it_adds_overhead_and_lets_pod_level_resources_win() -> None:
    spec = {
        "containers": [ctr("a", {"cpu": "1"})],
        "overhead": {"cpu": "250m"},
        "resources": {"requests": {"memory": "2Gi"}},
    }
    result = effective_resources(spec)
    assert result["requests"] == {"cpu": Decimal("1.25"), "memory": 2 * 1024**3}
    assert result["pod_level"] is True


def test_it_computes_qos_over_every_container() -> None:
    exact = {"cpu": "1", "memory": "1Gi"}
    assert qos_class({"containers": [ctr("a", exact, exact)]}) == "Guaranteed"
    assert qos_class({"containers": [ctr("a", limits=exact)]}) == "Guaranteed"
    spec = {"containers": [ctr("a", exact, exact)], "initContainers": [ctr("i", {"cpu": "1"})]}
    assert qos_class(spec) == "Burstable"
    assert qos_class({"containers": [ctr("a"), {"name": "b"}]}) == "BestEffort"
    assert qos_class({"containers": [ctr("a", {"cpu": "500m", "memory": "1Gi"}, exact)]}) == "Burstable"


def test_it_ignores_malformed_entries() -> None:
    spec = {
        "containers": [None, "x", {"resources": {"requests": {"cpu": "lots", 3: "1"}}}],
        "initContainers": 5,
    }
    assert effective_resources(spec)["requests"] == {}
    assert effective_resources("nonsense")["qos"] == "BestEffort"
