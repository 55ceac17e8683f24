"""designer/pod/evidence.py: daemons and one-shot tasks by evidence, and the paths a container touches."""

from __future__ import annotations

from typing import Any

import pytest

from designer.pod.evidence import lifecycle, path_uses


def sh(script: str, image: str = "busybox:1.36") -> dict[str, Any]:
    return {"name": "c", "image": image, "command": ["sh", "-c", script]}


@pytest.mark.parametrize(
    ("container", "verdict"),
    [
        (sh("sleep infinity"), "daemon"),
        (sh("touch /l/app.log && tail -F /l/app.log"), "daemon"),
        (sh("while true; do date; sleep 5; done"), "daemon"),
        (sh("while inotifywait -e modify /etc/x; do pkill -HUP nginx; done"), "daemon"),
        ({"name": "c", "image": "cr.fluentbit.io/fluent/fluent-bit:3.1.4"}, "daemon"),
        (
            {"name": "c", "image": "envoyproxy/envoy:v1.30.2", "args": ["-c", "/etc/envoy/envoy.yaml"]},
            "daemon",
        ),
        (
            {
                "name": "c",
                "image": "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0",
                "args": ["--port=5432", "p:r:i"],
            },
            "daemon",
        ),
        (sh("envsubst < /t/a.tmpl > /c/a.conf && exec nginx -g 'daemon off;'", "nginx:1.27"), "daemon"),
        ({"name": "c", "image": "busybox:1.36", "command": ["sleep", "infinity"]}, "daemon"),
        (
            {
                "name": "c",
                "image": "docker.io/library/docker:27.4.1-dind",
                "args": ["--host=tcp://127.0.0.1:2375"],
            },
            "daemon",
        ),
        # Loops that break and scripts that end are not daemons.
        (sh("while true; do nc -z localhost 5432 && break; sleep 1; done"), "exits"),
        (sh("until nc -z db 5432; do sleep 1; done"), "exits"),
        (sh("cp /config/a.conf /work/a.conf && echo done > /work/ready"), "exits"),
        (sh("python manage.py migrate --noinput"), "exits"),
        (
            {
                "name": "c",
                "image": "registry.k8s.io/git-sync/git-sync:v4.2.3",
                "args": ["--repo=r", "--one-time"],
            },
            "exits",
        ),
        (
            {
                "name": "c",
                "image": "hashicorp/vault:1.17",
                "args": ["agent", "-config=/a.hcl", "-exit-after-auth"],
            },
            "exits",
        ),
        ({"name": "c", "image": "busybox:1.36", "command": ["sleep", "30"]}, "exits"),
        (
            {
                "name": "c",
                "image": "ghcr.io/acme/git-sync:1",
                "env": [{"name": "GITSYNC_ONE_TIME", "value": "true"}],
            },
            "exits",
        ),
        # Nothing says either way.
        ({"name": "c", "image": "ghcr.io/acme/app:1.0"}, "unknown"),
        (
            {
                "name": "c",
                "image": "docker.io/istio/proxyv2:1.22.0",
                "args": ["istio-iptables", "-p", "15001"],
            },
            "unknown",
        ),
    ],
)
def test_it_tells_daemons_from_tasks_by_evidence(container: dict[str, Any], verdict: str) -> None:
    evidence = lifecycle(container)
    assert evidence.verdict == verdict, evidence.reason
    assert evidence.reason


def test_it_calls_a_config_settable_daemon_weak_evidence() -> None:
    vault = sh(
        "echo $CFG | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json"
    )
    assert lifecycle(vault).daemon and not lifecycle(vault).firm
    assert lifecycle(sh("sleep infinity")).firm


def test_it_reads_paths_from_flags_redirections_and_copies() -> None:
    container = {
        "command": [
            "sh",
            "-c",
            "cp /config/a.conf /work/a.conf && tar -xzf /dl/x.tgz -C /data > /work/log.txt",
        ],
        "args": ["--log-file=/var/log/app/app.log", "--config", "/etc/app/config.yaml"],
        "env": [{"name": "OUTPUT_DIR", "value": "/out"}, {"name": "CONFIG_PATH", "value": "/etc/app"}],
    }
    uses = {(u.path, u.access) for u in path_uses(container, "spec.containers[0]")}
    assert {
        ("/config/a.conf", "read"),
        ("/work/a.conf", "write"),
        ("/dl/x.tgz", "read"),
        ("/data", "write"),
        ("/work/log.txt", "write"),
        ("/var/log/app/app.log", "write"),
        ("/etc/app/config.yaml", "read"),
        ("/out", "write"),
        ("/etc/app", "read"),
    } <= uses
    assert ("/var/log/app/app.log", "read") not in uses  # --log-file is not the --file read flag


def test_it_names_the_field_each_path_comes_from() -> None:
    uses = path_uses({"args": ["--config", "/etc/x.yaml"]}, "spec.containers[1]")
    assert [(u.path, u.field) for u in uses] == [("/etc/x.yaml", "spec.containers[1].args[1]")]
