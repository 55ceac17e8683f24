"""Pattern actions: one click, fully wired (designer/pod/actions.py)."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

from designer.pod.actions import (
    ACTIONS,
    add_db_ambassador,
    add_http_ambassador,
    add_init_fetch_content,
    add_init_wait_for_service,
    add_log_shipper,
    add_metrics_adapter,
)
from designer.pod.edits import EditError
from designer.pod.roles import Role, container_ports, localhost_ports, roles_for
from designer.pod.workloads import WORKLOAD_KINDS, pod_spec

ROOT = Path(__file__).resolve().parents[2]
STARTERS = sorted((ROOT / "designer" / "starters").glob("*.yaml"))


def blank() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "blank"},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 8080}]}]},
    }


def container(document: dict[str, Any], name: str) -> dict[str, Any]:
    spec = pod_spec(document)
    return next(c for key in ("initContainers", "containers") for c in spec.get(key, []) if c["name"] == name)


def all_ports(document: dict[str, Any]) -> list[int]:
    spec = pod_spec(document)
    return [
        p for key in ("initContainers", "containers") for c in spec.get(key, []) for p in container_ports(c)
    ]


def test_it_lists_every_action_with_a_label() -> None:
    assert set(ACTIONS) == {
        "log-shipper",
        "metrics-adapter",
        "db-ambassador",
        "http-ambassador",
        "init-wait-for-service",
        "init-fetch-content",
    }
    for action in ACTIONS.values():
        assert action.label and action.description and callable(action.fn)


@pytest.mark.parametrize("action_id", sorted(ACTIONS))
def test_it_never_mutates_the_input(action_id: str) -> None:
    doc, roles = blank(), {"app": Role.MAIN}
    ACTIONS[action_id].fn(doc, roles)
    assert doc == blank() and roles == {"app": Role.MAIN}


def test_it_wires_a_log_shipper_through_a_shared_volume() -> None:
    doc, roles = add_log_shipper(blank(), {"app": Role.MAIN})
    assert pod_spec(doc)["volumes"] == [{"name": "app-logs", "emptyDir": {"sizeLimit": "500Mi"}}]
    assert container(doc, "app")["volumeMounts"] == [{"name": "app-logs", "mountPath": "/var/log/app"}]
    shipper = container(doc, "log-shipper")
    assert shipper["volumeMounts"] == [{"name": "app-logs", "mountPath": "/var/log/app", "readOnly": True}]
    assert ":" in shipper["image"] and not shipper["image"].endswith(":latest")
    assert shipper["securityContext"]["runAsNonRoot"] is True
    assert roles["log-shipper"] == Role.SIDECAR


def test_it_reuses_a_log_directory_the_main_already_mounts() -> None:
    doc = blank()
    doc["spec"]["containers"][0]["volumeMounts"] = [{"name": "logs", "mountPath": "/var/log/nginx"}]
    doc["spec"]["volumes"] = [{"name": "logs", "emptyDir": {}}]
    result, _ = add_log_shipper(doc, {"app": Role.MAIN})
    assert len(pod_spec(result)["volumes"]) == 1
    assert container(result, "log-shipper")["volumeMounts"][0]["mountPath"] == "/var/log/nginx"


def test_it_wires_a_metrics_adapter_over_localhost() -> None:
    doc, roles = add_metrics_adapter(blank(), {"app": Role.MAIN})
    exporter = container(doc, "app-exporter")
    assert localhost_ports(exporter) == [8080]
    assert container_ports(exporter) == [9113]
    assert exporter["readinessProbe"]["httpGet"]["port"] == "metrics"
    assert roles["app-exporter"] == Role.ADAPTER


def test_it_refuses_an_adapter_for_a_main_without_ports() -> None:
    doc = blank()
    del doc["spec"]["containers"][0]["ports"]
    with pytest.raises(EditError, match="no port"):
        add_metrics_adapter(doc, {"app": Role.MAIN})


def test_it_points_the_main_at_the_db_ambassador() -> None:
    doc, roles = add_db_ambassador(blank(), {"app": Role.MAIN})
    proxy = container(doc, "db-proxy")
    assert container_ports(proxy) == [6432]
    assert "--address=127.0.0.1" in proxy["args"]
    env = {e["name"]: e["value"] for e in container(doc, "app")["env"]}
    assert env["DATABASE_HOST"] == "localhost" and env["DATABASE_PORT"] == "6432"
    assert localhost_ports(container(doc, "app")) == [6432]
    assert roles["db-proxy"] == Role.AMBASSADOR


def test_it_picks_free_ports_and_names_when_adding_twice() -> None:
    doc, roles = blank(), {"app": Role.MAIN}
    doc["spec"]["containers"][0]["ports"].append({"containerPort": 6432})
    doc, roles = add_db_ambassador(doc, roles)
    doc, roles = add_db_ambassador(doc, roles)
    assert container_ports(container(doc, "db-proxy")) == [6433]
    assert container_ports(container(doc, "db-proxy-2")) == [6434]
    assert len(all_ports(doc)) == len(set(all_ports(doc)))
    # the main's env was updated in place, not duplicated
    assert [e["name"] for e in container(doc, "app")["env"]] == [
        "DATABASE_HOST",
        "DATABASE_PORT",
        "DATABASE_URL",
    ]


def test_it_points_the_main_at_the_http_ambassador() -> None:
    doc, _ = add_http_ambassador(blank(), {"app": Role.MAIN}, port=8080)
    port = container_ports(container(doc, "egress-proxy"))[0]
    assert port == 8081
    env = {e["name"]: e["value"] for e in container(doc, "app")["env"]}
    assert env["HTTP_PROXY"] == "http://localhost:8081"


def test_it_adds_a_wait_for_service_init_container() -> None:
    doc, roles = add_init_wait_for_service(blank(), {"app": Role.MAIN}, service="db.prod.svc", port=5432)
    init = pod_spec(doc)["initContainers"][0]
    assert init["name"] == "wait-for-db"
    assert "nc -z -w 2 db.prod.svc 5432" in init["command"][2]
    assert "restartPolicy" not in init
    assert roles["wait-for-db"] == Role.INIT
    with pytest.raises(EditError):
        add_init_wait_for_service(blank(), {}, service="db; rm -rf /")
    with pytest.raises(EditError):
        add_init_wait_for_service(blank(), {}, port=70000)


def test_it_fetches_content_into_a_volume_the_main_reads() -> None:
    doc, roles = add_init_fetch_content(blank(), {"app": Role.MAIN})
    init = pod_spec(doc)["initContainers"][0]
    assert "--one-time" in init["args"]
    volume = init["volumeMounts"][0]["name"]
    assert {"name": volume, "emptyDir": {"sizeLimit": "1Gi"}} in pod_spec(doc)["volumes"]
    mount = container(doc, "app")["volumeMounts"][0]
    assert mount["name"] == volume and mount["readOnly"] is True
    assert roles["fetch-content"] == Role.INIT


def test_it_uses_native_sidecars_in_jobs() -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j"},
        "spec": {"template": {"spec": {"restartPolicy": "Never", **copy.deepcopy(blank()["spec"])}}},
    }
    doc, _ = add_log_shipper(job, {"app": Role.MAIN})
    spec = pod_spec(doc)
    assert [c["name"] for c in spec["containers"]] == ["app"]
    assert spec["initContainers"][0]["restartPolicy"] == "Always"


def test_it_wires_to_the_main_role_not_the_first_container() -> None:
    doc = blank()
    doc["spec"]["containers"].insert(0, {"name": "side", "image": "busybox:1.36"})
    result, _ = add_log_shipper(doc, {"side": Role.SIDECAR, "app": Role.MAIN})
    assert container(result, "app")["volumeMounts"][0]["name"] == "app-logs"
    assert "volumeMounts" not in container(result, "side")


# --- against the validator, once it exists -------------------------------------------------

HAS_LINT = importlib.util.find_spec("designer.pod.rules.lint") is not None


def designs() -> list[tuple[str, dict[str, Any]]]:
    found = [("blank", blank())]
    for path in STARTERS:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict) and doc.get("kind") in WORKLOAD_KINDS:
                found.append((path.stem, doc))
                break
    return found


@pytest.mark.skipif(not HAS_LINT, reason="designer/pod/rules/lint.py not written yet")
@pytest.mark.parametrize("action_id", sorted(ACTIONS))
@pytest.mark.parametrize("name,document", designs(), ids=[n for n, _ in designs()])
def test_it_leaves_no_errors_after_an_action(action_id: str, name: str, document: dict[str, Any]) -> None:
    from designer.pod.rules.lint import lint

    roles = roles_for(document)
    result, new_roles = ACTIONS[action_id].fn(document, roles)
    findings = lint(result, roles=new_roles)
    assert [
        (f.rule, f.path, f.message) for f in findings if f.severity == "error" and f.rule != "INTERNAL"
    ] == []
    added = set(new_roles) - set(roles)
    pattern_warnings = [f for f in findings if f.rule.startswith("PAT-") and f.severity != "info"]
    assert [(f.rule, f.path) for f in pattern_warnings if f.container in added] == []
