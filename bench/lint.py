"""Benchmark: the full lint() (schema + apiserver + patterns + practices) against
kubernetes_validate.validate() on the same pods, in the same run.

Run: .venv/bin/python bench/lint.py [--pods 60] [--rounds 5] [--version 1.33]
Prints the Python mode measured, pods per second for both at 2, 6 and 12 containers and the ratio
(goal: lint() >= 10x faster per pod, while it reports every error where kubernetes_validate stops
at the first), the per-layer split, and traced memory after 1k and 10k lint() calls (should stay
flat). The two tools alternate round by round on the same pods and the ratio is the median of the
rounds' ratios, so a machine that slows down mid-run slows both sides of each ratio.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kubernetes_validate  # noqa: E402

from designer.pod.rules.context import LintContext, parse_version  # noqa: E402
from designer.pod.rules.lint import LAYERS, lint  # noqa: E402


def _container(i: int, k: int) -> dict[str, Any]:
    kind = k % 4
    base: dict[str, Any] = {
        "name": f"c{k}-{i}",  # unique per pod: no cache keyed on a container sees it twice
        "image": [
            f"ghcr.io/acme/api:3.{i % 9}",
            "envoyproxy/envoy:v1.30",
            "fluent/fluent-bit:3.1",
            "nginx/nginx-prometheus-exporter:1.3",
        ][kind],
        "ports": [{"name": f"p{k}", "containerPort": 8000 + k, "protocol": "TCP"}],
        "env": [
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "UPSTREAM", "value": f"http://localhost:{8000 + (k + 1)}"},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
        ],
        "args": ["--config=/etc/app/config.yaml", f"--listen=127.0.0.1:{8000 + k}"],
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": f"p{k}"}, "periodSeconds": 5},
        "livenessProbe": {"tcpSocket": {"port": 8000 + k}, "failureThreshold": 6},
        "volumeMounts": [
            {"name": "shared", "mountPath": "/shared"},
            {"name": "config", "mountPath": "/etc/app", "readOnly": True},
        ],
        "securityContext": {
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    return base


def make_pod(containers: int, i: int) -> dict[str, Any]:
    """A realistic pod: one native sidecar and the rest in containers, shared volumes, probes."""
    all_containers = [_container(i, k) for k in range(containers)]
    sidecar = all_containers.pop(1)
    sidecar["restartPolicy"] = "Always"
    sidecar.pop("livenessProbe")
    sidecar["startupProbe"] = {"tcpSocket": {"port": sidecar["ports"][0]["containerPort"]}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"web-{i}",
            "labels": {"app": "web"},
            "annotations": {"kubectl.kubernetes.io/default-container": all_containers[0]["name"]},
        },
        "spec": {
            "serviceAccountName": "web",
            "initContainers": [
                {
                    "name": "migrate",
                    "image": "ghcr.io/acme/api:3.1",
                    "command": ["/app", "migrate"],
                    "resources": {
                        "requests": {"cpu": "200m", "memory": "64Mi"},
                        "limits": {"memory": "64Mi"},
                    },
                    "volumeMounts": [{"name": "shared", "mountPath": "/shared"}],
                },
                sidecar,
            ],
            "containers": all_containers,
            "volumes": [{"name": "shared", "emptyDir": {}}, {"name": "config", "configMap": {"name": "web"}}],
        },
    }


def _seconds(fn: Callable[[dict[str, Any]], Any], pods: list[dict[str, Any]]) -> float:
    gc.collect()
    start = time.perf_counter()
    for pod in pods:
        fn(pod)
    return time.perf_counter() - start


def _rate(fn: Callable[[dict[str, Any]], Any], pods: list[dict[str, Any]], repeat: int = 3) -> float:
    return len(pods) / min(_seconds(fn, pods) for _ in range(repeat))


def _interleaved(
    ours: Callable[[dict[str, Any]], Any],
    theirs: Callable[[dict[str, Any]], Any],
    batches: list[list[dict[str, Any]]],
) -> tuple[float, float, float]:
    """Median pods/s of each tool and median ratio, the tools taking turns (who goes first too).

    Each round has its own batch of pods (both tools get the same one), so a cache keyed on what
    a container says (links.container_wiring's) never sees a pod twice: these are first lints.
    """
    ratios, our_rates, their_rates = [], [], []
    for n, pods in enumerate(batches):
        if n % 2:
            t_theirs, t_ours = _seconds(theirs, pods), _seconds(ours, pods)
        else:
            t_ours, t_theirs = _seconds(ours, pods), _seconds(theirs, pods)
        ratios.append(t_theirs / t_ours)
        our_rates.append(len(pods) / t_ours)
        their_rates.append(len(pods) / t_theirs)
    return statistics.median(our_rates), statistics.median(their_rates), statistics.median(ratios)


def python_mode() -> str:
    """What was measured: interpreter, optimisation level and bytecode caching (PYTHONDONTWRITEBYTECODE)."""
    flags = sys.flags
    return (
        f"{platform.python_implementation()} {platform.python_version()}, -O level {flags.optimize}, "
        f"PYTHONDONTWRITEBYTECODE={'1' if flags.dont_write_bytecode else 'unset'} "
        f"(bytecode cache {'not written' if flags.dont_write_bytecode else 'written'}), "
        f"PYTHONHASHSEED={os.environ.get('PYTHONHASHSEED', 'random')}, gc {'on' if gc.isenabled() else 'off'}"
    )


def _kv(version: str) -> Callable[[dict[str, Any]], Any]:
    def validate(pod: dict[str, Any]) -> Any:
        try:
            return kubernetes_validate.validate(pod, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            return error

    return validate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--version", default="1.33")
    args = parser.parse_args()
    version = parse_version(args.version)
    kv = _kv(args.version)
    print(
        f"lint() all layers vs kubernetes_validate.validate(strict=True), Kubernetes {args.version}, "
        f"{args.pods} pods, {args.rounds} interleaved rounds (medians)"
    )
    print(f"  Python: {python_mode()}")
    for size in (2, 6, 12):
        batches = [
            [make_pod(size, n * args.pods + i) for i in range(args.pods)] for n in range(args.rounds + 1)
        ]
        pods = batches.pop()  # warms up and feeds the per-layer split, never timed in the rounds
        lint(pods[0], version=version)  # compile the schema validator once, as a server would
        kv(pods[0])
        ours, theirs, ratio = _interleaved(lambda p: lint(p, version=version), kv, batches)
        errors = sum(f.severity == "error" for f in lint(pods[0], version=version))
        print(
            f"  {size:2} containers: lint {ours:8.0f} pods/s | kubernetes_validate {theirs:7.0f} pods/s | "
            f"ratio {ratio:5.1f}x {'(goal >= 10x met)' if ratio >= 10 else '(goal >= 10x NOT met)'}"
            f" | errors on a valid pod: {errors}"
        )
        split = []
        for layer in LAYERS:
            module = importlib.import_module(f"designer.pod.rules.{layer}")

            def check(pod: dict[str, Any], module: Any = module) -> Any:
                return module.check(LintContext(pod, version))

            split.append(f"{layer} {_rate(check, pods, 1):.0f}/s")
        print("      per layer: " + ", ".join(split))

    # Every error in one pass: a pod with several independent mistakes.
    broken = make_pod(6, 0)
    broken["spec"]["containers"][1]["name"] = "Bad_Name"
    broken["spec"]["containers"][2]["ports"][0]["containerPort"] = 8000
    broken["spec"]["containers"][3]["volumeMounts"][0]["name"] = "missing"
    broken["spec"]["containers"][4]["image"] = "nginx:latest"
    broken["spec"]["containers"][4]["ports"][0]["containerPort"] = "8004"
    broken["spec"]["containers"][4]["volumeMount"] = []
    rules = sorted({f.rule for f in lint(broken, version=version) if f.severity == "error"})
    stopped = kv(broken)
    verdict = f"stops at: {str(stopped).splitlines()[0]}" if isinstance(stopped, Exception) else "accepts it"
    print(f"  broken pod: lint reports {len(rules)} error rules {rules}; kubernetes_validate {verdict}")

    pods = [make_pod(6, i) for i in range(100)]
    tracemalloc.start()
    for n in range(1000):
        lint(pods[n % 100], version=version)
    gc.collect()
    at_1k = tracemalloc.get_traced_memory()[0]
    for n in range(9000):
        lint(pods[n % 100], version=version)
    gc.collect()
    at_10k, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"  memory (6 containers): traced {at_1k / 1024:.0f} KiB after 1k lint() calls, {at_10k / 1024:.0f} KiB "
        f"after 10k (growth {(at_10k - at_1k) / 1024:+.0f} KiB), peak {peak / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
