"""Effective pod resources (RULES.md §4) and QoS class (quantities: designer.pod.quantity).

The scheduler reserves, per resource, the larger of the init phase's peak and the steady state:

    InitContainerUse(i) = Σ requests of native sidecars with index < i + request(initContainers[i])
    effective           = max(max_i InitContainerUse(i), Σ native sidecars + Σ containers) + overhead

(`component-helpers/resource/helpers.go`, KEP-753). A run-to-completion init container's request
is dropped once it exits, a native sidecar's stays for the life of the pod. For limits, a missing
limit is unbounded (None). Pod-level `spec.resources` replaces the container aggregate.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from designer.pod.model import APP, INIT, PodView, is_native_sidecar
from designer.pod.quantity import quantity_or_none

QOS_RESOURCES = ("cpu", "memory")


def _quantities(resources: Any, key: str) -> dict[str, Decimal]:
    section = resources.get(key) if isinstance(resources, dict) else None
    if not isinstance(section, dict):
        return {}
    result = {}
    for name, raw in section.items():
        quantity = quantity_or_none(raw)
        if isinstance(name, str) and quantity is not None:
            result[name] = quantity
    return result


def container_requests(container: dict[str, Any]) -> dict[str, Decimal]:
    """A container's requests after defaulting (a limit without a request becomes the request)."""
    return container_quantities(container)[0]


def container_quantities(container: dict[str, Any]) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """(container_requests, container_limits) of a container, each section parsed once."""
    resources = container.get("resources")
    limits = _quantities(resources, "limits")
    return {**limits, **_quantities(resources, "requests")}, limits


def container_limits(container: dict[str, Any]) -> dict[str, Decimal]:
    return _quantities(container.get("resources"), "limits")


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a + b


def _max(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else max(a, b)


def _aggregate(
    init: list[dict[str, Any]],
    values_init: list[dict[str, Decimal]],
    values_app: list[dict[str, Decimal]],
    names: set[str],
    unbounded: bool,
) -> tuple[dict[str, Decimal | None], dict[str, Decimal | None], dict[str, Decimal | None]]:
    """(effective, init peak, steady) per resource; `unbounded` makes a missing value None."""
    missing: Decimal | None = None if unbounded else Decimal(0)
    effective: dict[str, Decimal | None] = {}
    peaks: dict[str, Decimal | None] = {}
    steadies: dict[str, Decimal | None] = {}
    for name in sorted(names):
        sidecars: Decimal | None = Decimal(0)
        peak: Decimal | None = Decimal(0)
        for container, values in zip(init, values_init, strict=True):
            value = values.get(name, missing)
            if is_native_sidecar(container):
                sidecars = _add(sidecars, value)
            else:
                peak = _max(peak, _add(sidecars, value))
        # A native sidecar starting counts too: everything before it plus itself is running.
        running: Decimal | None = Decimal(0)
        for container, values in zip(init, values_init, strict=True):
            if is_native_sidecar(container):
                running = _add(running, values.get(name, missing))
                peak = _max(peak, running)
        steady = sidecars
        for values in values_app:
            steady = _add(steady, values.get(name, missing))
        peaks[name] = peak
        steadies[name] = steady
        effective[name] = _max(peak, steady)
    return effective, peaks, steadies


def effective_resources(spec: object) -> dict[str, Any]:
    """Effective pod requests and limits per resource (RULES.md §4), plus how they came about.

    Returns {"requests": {res: Decimal}, "limits": {res: Decimal | None (unbounded)},
    "init_peak": {res: Decimal}, "steady": {res: Decimal}, "pod_level": bool, "qos": str}.
    Malformed entries are skipped: the schema and apiserver layers report them.
    """
    if not isinstance(spec, dict):
        spec = {}
    view = PodView(spec)
    init, app = view.containers(INIT), view.containers(APP)
    init_limits = [container_limits(c) for c in init]
    app_limits = [container_limits(c) for c in app]
    init_requests = [
        {**lim, **_quantities(c.get("resources"), "requests")}
        for c, lim in zip(init, init_limits, strict=True)
    ]
    app_requests = [
        {**lim, **_quantities(c.get("resources"), "requests")} for c, lim in zip(app, app_limits, strict=True)
    ]
    request_names = {n for values in init_requests + app_requests for n in values}
    limit_names = {n for values in init_limits + app_limits for n in values}
    requests, peaks, steadies = _aggregate(init, init_requests, app_requests, request_names, unbounded=False)
    limits, _, _ = _aggregate(init, init_limits, app_limits, limit_names, unbounded=True)
    pod_resources = spec.get("resources")
    pod_level = isinstance(pod_resources, dict) and bool(pod_resources)
    if pod_level:
        pod_limits = _quantities(pod_resources, "limits")
        pod_requests = {**pod_limits, **_quantities(pod_resources, "requests")}
        requests.update(pod_requests)
        limits.update(pod_limits)
    overhead = spec.get("overhead")
    for name, value in _quantities({"overhead": overhead}, "overhead").items():
        requests[name] = (requests.get(name) or Decimal(0)) + value
        if name in limits:
            limits[name] = _add(limits[name], value)
    # The containers' quantities are parsed already: QoS reuses them instead of parsing again.
    qos_sources = (
        _qos_sources(spec)
        if pod_level
        else zip(init_requests + app_requests, init_limits + app_limits, strict=True)
    )
    return {
        "requests": {k: v for k, v in requests.items() if v is not None},
        "limits": limits,
        "init_peak": {k: v for k, v in peaks.items() if v is not None},
        "steady": {k: v for k, v in steadies.items() if v is not None},
        "pod_level": pod_level,
        "qos": _qos(qos_sources),
    }


def qos_class(spec: object) -> str:
    """Guaranteed | Burstable | BestEffort, computed over init, sidecar and app containers alike.

    Mirrors kubelet's GetPodQOS: Guaranteed needs every container to have cpu and memory limits,
    and the summed requests (defaulted from limits) to equal the summed limits.
    """
    if not isinstance(spec, dict):
        return "BestEffort"
    return _qos(_qos_sources(spec))


def _qos_sources(spec: dict[str, Any]) -> list[tuple[dict[str, Decimal], dict[str, Decimal]]]:
    """(requests, limits) of the pod-level resources if set, else of every container."""
    pod_resources = spec.get("resources")
    if isinstance(pod_resources, dict) and pod_resources:
        return [
            (
                {**_quantities(pod_resources, "limits"), **_quantities(pod_resources, "requests")},
                _quantities(pod_resources, "limits"),
            )
        ]
    return [container_quantities(c) for c in PodView(spec).containers()]


def _qos(sources: Iterable[tuple[dict[str, Decimal], dict[str, Decimal]]]) -> str:
    """The QoS class of these (requests, limits) pairs, defaulted requests included."""
    requests: dict[str, Decimal] = {}
    limits: dict[str, Decimal] = {}
    guaranteed = True
    for container_req, container_lim in sources:
        for name, value in container_req.items():
            if name in QOS_RESOURCES and value > 0:
                requests[name] = requests.get(name, Decimal(0)) + value
        found = set()
        for name, value in container_lim.items():
            if name in QOS_RESOURCES and value > 0:
                found.add(name)
                limits[name] = limits.get(name, Decimal(0)) + value
        if not found.issuperset(QOS_RESOURCES):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        guaranteed = all(name in limits and limits[name] == value for name, value in requests.items())
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"
