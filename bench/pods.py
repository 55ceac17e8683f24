"""The pods the editor benchmarks load: a main and helpers with ports, env and shared volumes.

One shape for bench/editor.py (in-process previews) and bench/web_load.py (previews over HTTP),
so their figures speak of the same pods.
"""

from __future__ import annotations

from typing import Any


def pod(containers: int, name: str | None = None) -> dict[str, Any]:
    """A main and helpers with ports, env and shared volumes: a realistic editor load."""
    spec: dict[str, Any] = {
        "containers": [
            {
                "name": "app",
                "image": "registry.example.com/app:1.0.0",
                "ports": [{"containerPort": 8080, "name": "http"}],
                "env": [{"name": "DB_HOST", "value": "localhost:5432"}],
                "volumeMounts": [{"name": "logs", "mountPath": "/var/log/app"}],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
            }
        ],
        "volumes": [{"name": "logs", "emptyDir": {}}],
    }
    for i in range(1, containers):
        spec["volumes"].append({"name": f"data-{i}", "emptyDir": {}})
        spec["containers"].append(
            {
                "name": f"helper-{i}",
                "image": f"registry.example.com/helper-{i}:1.0.0",
                "ports": [{"containerPort": 9000 + i, "name": f"p{i}"}],
                "volumeMounts": [
                    {"name": "logs", "mountPath": "/var/log/app", "readOnly": True},
                    {"name": f"data-{i}", "mountPath": f"/data/{i}"},
                ],
                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "32Mi"}},
            }
        )
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name or f"bench-{containers}"},
        "spec": spec,
    }
