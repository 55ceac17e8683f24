"""The starter designs: exemplary, valid Pods whose role annotations match what they promise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from designer.pod.manifest import load_manifest
from designer.pod.roles import (
    Role,
    container_names,
    container_ports,
    decode_roles,
    infer_roles,
    is_native_sidecar,
    localhost_ports,
    strip_role_annotations,
)
from designer.pod.starters import STARTERS_DIR, Starter, get_starter, list_starters, parse_starter
from designer.pod.workloads import pod_spec

# What each starter's name and description promise, container by container.
PROMISED_ROLES = {
    "web-app-with-sidecar": {"web": Role.MAIN, "git-sync": Role.SIDECAR},
    "init-containers-before-main": {"wait-for-db": Role.INIT, "migrate": Role.INIT, "api": Role.MAIN},
    "sidecar-log-shipper": {"app": Role.MAIN, "fluent-bit": Role.SIDECAR},
    "adapter-metrics-exporter": {"nginx": Role.MAIN, "nginx-exporter": Role.ADAPTER},
    "ambassador-database-proxy": {"app": Role.MAIN, "pgbouncer": Role.AMBASSADOR},
    "native-sidecar-cloud-sql-proxy": {"cloud-sql-proxy": Role.AMBASSADOR, "app": Role.MAIN},
    "pod-designer-on-kubernetes": {"migrate": Role.INIT, "web": Role.MAIN},
}
# Starters that are a whole stream around a workload rather than one Pod (tested on their own in
# test_starter_pod_designer.py).
STREAM_STARTERS = {"pod-designer-on-kubernetes"}

STARTERS = list_starters()
POD_STARTERS = [s for s in STARTERS if s.slug not in STREAM_STARTERS]


def by_slug(slug: str) -> Starter:
    starter = get_starter(slug)
    assert starter is not None, slug
    return starter


def pod(starter: Starter) -> dict[str, Any]:
    """The starter's workload: the Pod itself, or the workload of a stream."""
    return load_manifest(starter.text).document


def containers(document: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_spec(document)
    return [*spec.get("initContainers", []), *spec["containers"]]


def named(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in containers(document) if c["name"] == name)


def test_it_lists_every_starter_sorted_by_slug() -> None:
    slugs = [s.slug for s in STARTERS]
    assert slugs == sorted(slugs)
    assert set(slugs) == set(PROMISED_ROLES)
    assert slugs == sorted(p.stem for p in STARTERS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.slug)
def test_it_reads_name_description_and_tags_from_the_header(starter: Starter) -> None:
    assert starter.name and "\n" not in starter.name
    assert len(starter.description) > 40 and "\n" not in starter.description
    assert starter.text.startswith(f"# name: {starter.name}\n# description: {starter.description}\n")
    assert all(tag and tag == tag.strip() and "," not in tag for tag in starter.tags)
    assert starter.tags


@pytest.mark.parametrize("starter", POD_STARTERS, ids=lambda s: s.slug)
def test_it_is_a_pod_valid_for_kubernetes_1_33(starter: Starter) -> None:
    document = yaml.safe_load(starter.text)
    assert document["kind"] == "Pod"
    assert document["metadata"]["name"] == starter.slug
    kubernetes_validate.validate(document, "1.33.0", strict=True)
    manifest = load_manifest(starter.text)
    assert manifest.document == document
    assert manifest.companions == []


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.slug)
def test_it_annotates_exactly_its_containers_with_the_promised_roles(starter: Starter) -> None:
    document = pod(starter)
    declared = decode_roles(document)
    assert declared is not None
    assert sorted(declared) == sorted(container_names(document))
    assert declared == PROMISED_ROLES[starter.slug]
    text = f"{starter.name} {starter.description}".lower()
    for role in set(declared.values()) - {Role.MAIN}:
        assert role.value in text, (starter.slug, role)


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.slug)
def test_it_needs_no_annotation_for_inference_to_find_the_same_roles(starter: Starter) -> None:
    document = strip_role_annotations(pod(starter))
    assert infer_roles(document) == PROMISED_ROLES[starter.slug]


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.slug)
def test_it_is_exemplary(starter: Starter) -> None:
    document = pod(starter)
    assert pod_spec(document)["securityContext"]["runAsNonRoot"] is True
    roles = decode_roles(document) or {}
    for container in containers(document):
        image = container["image"]
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        assert tag and tag != "latest", image
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind]), (container["name"], kind)
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        if roles[container["name"]] == Role.MAIN:
            assert "readinessProbe" in container and "livenessProbe" in container
        if roles[container["name"]] == Role.INIT:
            assert not {"readinessProbe", "livenessProbe", "startupProbe", "ports"} & set(container)


def test_it_runs_the_web_app_on_8080_beside_a_sidecar_sharing_its_content() -> None:
    document = pod(by_slug("web-app-with-sidecar"))
    web, sync = named(document, "web"), named(document, "git-sync")
    assert container_ports(web) == [8080]
    assert web["volumeMounts"][0]["name"] == sync["volumeMounts"][0]["name"] == "content"
    assert web["volumeMounts"][0]["readOnly"] is True


def test_it_runs_two_init_containers_in_order_before_the_main() -> None:
    document = pod(by_slug("init-containers-before-main"))
    assert [c["name"] for c in document["spec"]["initContainers"]] == ["wait-for-db", "migrate"]
    assert not any(is_native_sidecar(c) for c in document["spec"]["initContainers"])
    assert [c["name"] for c in document["spec"]["containers"]] == ["api"]


def test_it_ships_the_mains_logs_from_a_shared_volume_read_only() -> None:
    document = pod(by_slug("sidecar-log-shipper"))
    app_mount = named(document, "app")["volumeMounts"][0]
    shipper_mount = named(document, "fluent-bit")["volumeMounts"][0]
    assert app_mount["mountPath"] == shipper_mount["mountPath"] == "/var/log/app"
    assert app_mount["name"] == shipper_mount["name"]
    assert not app_mount.get("readOnly") and shipper_mount["readOnly"] is True
    volume = next(v for v in document["spec"]["volumes"] if v["name"] == app_mount["name"])
    assert "emptyDir" in volume


def test_it_scrapes_the_main_over_localhost_and_serves_metrics_on_its_own_port() -> None:
    document = pod(by_slug("adapter-metrics-exporter"))
    main, exporter = named(document, "nginx"), named(document, "nginx-exporter")
    assert localhost_ports(exporter) == container_ports(main) == [8080]
    assert container_ports(exporter) == [9113]


def test_it_points_the_main_at_the_ambassador_on_localhost() -> None:
    document = pod(by_slug("ambassador-database-proxy"))
    main, proxy = named(document, "app"), named(document, "pgbouncer")
    assert main["env"][0] == {
        "name": "DATABASE_URL",
        "value": "postgres://app@localhost:6432/app?sslmode=disable",
    }
    assert localhost_ports(main) == container_ports(proxy) == [6432]


def test_it_runs_the_database_proxy_as_a_native_sidecar() -> None:
    starter = by_slug("native-sidecar-cloud-sql-proxy")
    document = pod(starter)
    proxy = document["spec"]["initContainers"][0]
    assert is_native_sidecar(proxy) and proxy["name"] == "cloud-sql-proxy"
    assert "startupProbe" in proxy
    assert 5432 in localhost_ports(named(document, "app"))
    assert "k8s>=1.29" in starter.tags


def test_it_returns_none_for_unknown_or_unsafe_slugs() -> None:
    assert get_starter("no-such-starter") is None
    assert get_starter("../manifests/istio-injected-deployment") is None
    assert get_starter("") is None
    assert get_starter("Web-App") is None


def test_it_rejects_a_starter_without_its_header(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="description"):
        parse_starter("bare", "# name: Bare\napiVersion: v1\nkind: Pod\n")
    (tmp_path / "only-tags.yaml").write_text("# tags: x\n# name: N\n# description: D\nkind: Pod\n")
    [starter] = list_starters(tmp_path)
    assert (starter.slug, starter.name, starter.description, starter.tags) == ("only-tags", "N", "D", ("x",))


def test_it_reads_an_optional_podsecurity_level() -> None:
    header = "# name: N\n# description: D\n"
    assert parse_starter("a", header + "# pss: baseline\nkind: Pod\n").pss == "baseline"
    assert parse_starter("a", header + "kind: Pod\n").pss == ""
    with pytest.raises(ValueError, match="not one of"):
        parse_starter("a", header + "# pss: strict\nkind: Pod\n")
