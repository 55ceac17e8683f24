"""Roles from how the containers are wired (designer/pod/roles.py), each with its reason."""

from __future__ import annotations

from typing import Any

from designer.pod.roles import Mesh, Role, explain_roles_for, roles_for


def ctr(name: str, image: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": image or f"ghcr.io/acme/{name}:1", **fields}


def pod(
    containers: list[dict[str, Any]], init: list[dict[str, Any]] | None = None, **meta: Any
) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": containers}
    if init:
        spec["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", **meta}, "spec": spec}


def test_an_inbound_proxy_listed_first_does_not_become_the_main() -> None:
    doc = pod(
        [
            ctr(
                "oauth2-proxy",
                "quay.io/oauth2-proxy/oauth2-proxy:v7.7.1",
                args=["--http-address=0.0.0.0:4180", "--upstream=http://127.0.0.1:8080/"],
            ),
            ctr("app", ports=[{"containerPort": 8080}]),
        ]
    )
    explained = explain_roles_for(doc)
    assert (
        explained["app"][0] == Role.MAIN and "oauth2-proxy forwards to its port 8080" in explained["app"][1]
    )
    assert explained["oauth2-proxy"] == (Role.SIDECAR, "inbound proxy: forwards to app's port 8080")


def test_the_main_is_who_uses_the_proxy_and_the_proxy_that_forwards_outside_is_an_ambassador() -> None:
    doc = pod(
        [
            ctr(
                "bouncer",
                "ghcr.io/acme/conn-pool:2",
                args=["--listen=127.0.0.1:6432"],
                env=[{"name": "UPSTREAM_URL", "value": "postgres://db.prod.svc:5432/x"}],
            ),
            ctr("api", env=[{"name": "DATABASE_URL", "value": "postgres://u@127.0.0.1:6432/x"}]),
        ]
    )
    roles = roles_for(doc)
    assert roles == {"bouncer": Role.AMBASSADOR, "api": Role.MAIN}


def test_a_local_cache_is_a_sidecar_not_the_main_nor_an_ambassador() -> None:
    doc = pod(
        [
            ctr("redis", "docker.io/library/redis:7", args=["redis-server", "--port", "6379"]),
            ctr(
                "web",
                env=[{"name": "REDIS_HOST", "value": "localhost"}, {"name": "REDIS_PORT", "value": "6379"}],
            ),
        ]
    )
    assert roles_for(doc) == {"redis": Role.SIDECAR, "web": Role.MAIN}


def test_an_exporter_that_reads_the_app_is_an_adapter_and_points_at_the_main() -> None:
    doc = pod(
        [
            ctr(
                "exporter",
                "quay.io/prometheuscommunity/postgres-exporter:v0.15.0",
                env=[{"name": "DATA_SOURCE_NAME", "value": "postgresql://e@localhost:5432/db"}],
            ),
            ctr("postgres", "docker.io/library/postgres:16", ports=[{"containerPort": 5432}]),
        ]
    )
    assert roles_for(doc) == {"exporter": Role.ADAPTER, "postgres": Role.MAIN}


def test_mesh_proxies_are_their_own_role_from_the_injectors_marks() -> None:
    status = '{"initContainers":["istio-init"],"containers":["istio-proxy"]}'
    doc = pod(
        [ctr("istio-proxy", "docker.io/istio/proxyv2:1.24.2", args=["proxy", "sidecar"]), ctr("reviews")],
        init=[ctr("istio-init", "docker.io/istio/proxyv2:1.24.2", args=["istio-iptables", "-p", "15001"])],
        annotations={"sidecar.istio.io/status": status},
    )
    explained = explain_roles_for(doc)
    assert explained["istio-proxy"][0] == Role.MESH_PROXY
    assert explained["reviews"][0] == Role.MAIN
    assert explained["istio-init"][0] == Role.INIT and "mesh init" in explained["istio-init"][1]
    mesh = Mesh(doc)
    assert mesh.kinds == {"istio"} and mesh.proxy_uids == {1337} and "istio-init" in mesh


def test_an_unnamed_proxy_is_recognised_by_its_uid_and_image() -> None:
    doc = pod(
        [
            ctr("app"),
            ctr(
                "sidecar-proxy", "cr.l5d.io/linkerd/proxy:stable-2.14.10", securityContext={"runAsUser": 2102}
            ),
        ]
    )
    assert roles_for(doc)["sidecar-proxy"] == Role.MESH_PROXY


def test_without_wiring_the_default_container_annotation_picks_the_main() -> None:
    doc = pod(
        [ctr("agent", "docker.io/hashicorp/vault:1.18"), ctr("worker")],
        annotations={"kubectl.kubernetes.io/default-container": "worker"},
    )
    explained = explain_roles_for(doc)
    assert explained["worker"] == (Role.MAIN, "kubectl.kubernetes.io/default-container names it")


def test_pinned_roles_win_and_a_pinned_main_replaces_the_annotated_one() -> None:
    doc = pod(
        [ctr("a"), ctr("b")],
        annotations={"kubectl.kubernetes.io/default-container": "a", "pod-designer/roles": "b=sidecar"},
    )
    assert roles_for(doc) == {"a": Role.MAIN, "b": Role.SIDECAR}
    pinned = roles_for(doc, pinned={"b": Role.MAIN})
    assert pinned["b"] == Role.MAIN and pinned["a"] != Role.MAIN


def test_lint_roles_states_roles_for_ci(tmp_path: Any, capsys: Any) -> None:
    import json

    from designer.pod.cli.lint import main

    manifest = tmp_path / "pod.json"
    manifest.write_text(json.dumps(pod([ctr("a"), ctr("b", ports=[{"containerPort": 8080}])])))
    assert main([str(manifest), "--format", "json", "--roles", "b=main,a=adapter"]) in (0, 1)
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)[0]["findings"]}
    assert "PAT-ADAPTER-PORT" in rules  # 'a' was linted as the adapter it was declared to be
    assert main([str(manifest), "--roles", "a=boss"]) == 2
    assert "not NAME=ROLE" in capsys.readouterr().err
