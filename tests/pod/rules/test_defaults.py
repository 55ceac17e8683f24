"""defaulted_spec() (copy-on-write, used by the apiserver layer) equals the spec of apply_defaults()."""

from __future__ import annotations

import copy
from typing import Any

from designer.pod.rules.defaults import apply_defaults, defaulted_spec
from designer.pod.workloads import convert_kind, pod_spec


def _container(name: str, image: str) -> dict[str, Any]:
    return {
        "name": name,
        "image": image,
        "ports": [{"containerPort": 8080}, {"containerPort": 53, "protocol": "UDP"}, "junk"],
        "livenessProbe": {"httpGet": {"port": 8080}, "periodSeconds": 0},
        "readinessProbe": {"tcpSocket": {"port": 8080}, "timeoutSeconds": 5},
        "startupProbe": {"exec": {"command": ["true"]}},
        "lifecycle": {"postStart": {"httpGet": {"port": 1}}, "preStop": {"exec": {"command": ["x"]}}},
        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "100m"}},
        "env": [
            {"name": "A", "value": "1"},
            {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
        ],
    }


def _pod(host_network: bool) -> dict[str, Any]:
    no_requests = _container("limits-only", "nginx")
    no_requests["resources"] = {"limits": {"cpu": "2"}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "hostNetwork": host_network,
            "initContainers": [_container("init", "busybox:latest"), 3],
            "containers": [_container("app", "ghcr.io/acme/app:1.2"), no_requests, {"name": "bare"}],
            "ephemeralContainers": [{"name": "debug", "image": "busybox@sha256:abc"}],
            "volumes": [
                {"name": "nosource"},
                {"name": "cm", "configMap": {"name": "c"}},
                {"name": "sec", "secret": {"secretName": "s", "defaultMode": 256}},
                {"name": "dapi", "downwardAPI": {"items": []}},
                {
                    "name": "proj",
                    "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}, {"configMap": {}}]},
                },
                {"name": "hp", "hostPath": {"path": "/x"}},
                "junk",
            ],
        },
    }


def test_it_defaults_the_spec_like_apply_defaults_without_touching_the_document() -> None:
    for host_network in (False, True):
        pod = _pod(host_network)
        for document in (pod, convert_kind(pod, "Deployment"), convert_kind(pod, "CronJob", "* * * * *")):
            original = copy.deepcopy(document)
            assert defaulted_spec(document) == pod_spec(apply_defaults(document))
            assert document == original


def test_it_returns_an_empty_spec_for_a_document_without_one() -> None:
    assert defaulted_spec({"kind": "Pod"}) == pod_spec(apply_defaults({"kind": "Pod"})) == {}
    assert defaulted_spec({"kind": "Pod", "spec": []}) == {}
