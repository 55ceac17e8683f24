"""Cases an independent expert review of the pattern corpus found (platform manifests: CSI, mesh
injectors, DB proxies, exporters, tunnels), one small case each:
the defect is caught, and its correct neighbour raises nothing."""

from __future__ import annotations

from typing import Any

from designer.pod.links import pod_wiring
from designer.pod.roles import Role, infer_roles, injected_ports
from designer.pod.rules.lint import lint


def ctr(name: str, image: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": image or f"ghcr.io/acme/{name}:1", **fields}


def pod(
    containers: list[dict[str, Any]], init: list[dict[str, Any]] | None = None, **spec: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"containers": containers, **spec}
    if init:
        body["initContainers"] = init
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": body}


def warned(document: dict[str, Any], rule: str, companions: list[dict[str, Any]] | None = None) -> list[str]:
    return [
        f.path
        for f in lint(document, layers=("patterns",), companions=companions)
        if f.rule == rule and f.severity in ("warning", "error")
    ]


SQL_PROXY = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.4"
DB_ENV = [{"name": "PGHOST", "value": "127.0.0.1"}, {"name": "PGPORT", "value": "5432"}]


def test_a_db_proxy_health_endpoint_on_all_interfaces_is_not_its_data_listener() -> None:
    proxy = ctr(
        "cloud-sql-proxy",
        SQL_PROXY,
        restartPolicy="Always",
        args=["--port=5432", "--health-check", "--http-address=0.0.0.0", "p:r:i"],
        startupProbe={"httpGet": {"path": "/startup", "port": 9090}},
    )
    assert warned(pod([ctr("app", env=DB_ENV)], init=[proxy]), "PAT-AMBASSADOR-LOOPBACK") == []
    exposed = dict(proxy, args=["--address=0.0.0.0", "--port=5432", "p:r:i"])
    assert warned(pod([ctr("app", env=DB_ENV)], init=[exposed]), "PAT-AMBASSADOR-LOOPBACK")


def test_the_csi_livenessprobe_serving_the_plugins_declared_health_port_is_no_conflict() -> None:
    plugin = ctr(
        "plugin",
        ports=[{"name": "healthz", "containerPort": 9808}],
        livenessProbe={"httpGet": {"path": "/healthz", "port": "healthz"}},
    )
    probe = ctr("liveness-probe", args=["--csi-address=/csi/csi.sock", "--health-port=9808"])
    assert warned(pod([plugin, probe]), "PAT-PORT-CONFLICT") == []
    clash = ctr("exporter", args=["--web.listen-address=:9808"])
    assert warned(pod([ctr("app", args=["--metrics-address=:9808"]), clash]), "PAT-PORT-CONFLICT")


def test_an_envoy_admin_port_from_its_config_and_an_exec_self_check_are_not_dangling_links() -> None:
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "envoy"},
        "data": {
            "envoy.yaml": "admin:\n  address:\n    socket_address: {address: 127.0.0.1, port_value: 9901}\n"
        },
    }
    envoy = ctr(
        "envoy",
        "envoyproxy/envoy:v1.30.4",
        readinessProbe={"exec": {"command": ["wget", "-qO-", "http://127.0.0.1:9901/ready"]}},
        volumeMounts=[{"name": "cfg", "mountPath": "/etc/envoy"}],
    )
    document = pod([ctr("app"), envoy], volumes=[{"name": "cfg", "configMap": {"name": "envoy"}}])
    assert 9901 in {lst.port for lst in pod_wiring(document["spec"], [config]).listeners["envoy"]}
    assert warned(document, "PAT-LOCALHOST-TARGET", [config]) == []
    # Without the ConfigMap the exec probe is still a self-check, not a link to another container.
    assert warned(document, "PAT-LOCALHOST-TARGET") == []


def test_memcached_short_bind_flags_and_spring_server_flags_are_listeners() -> None:
    cache = ctr("memcached", "memcached:1.6.29-alpine", args=["-m", "128", "-l", "127.0.0.1", "-p", "11211"])
    app = ctr("app", env=[{"name": "MEMCACHED_SERVERS", "value": "127.0.0.1:11211"}])
    assert warned(pod([app, cache]), "PAT-LOCALHOST-TARGET") == []
    spring = ctr("api", args=["--server.address=127.0.0.1", "--server.port=8080"])
    listeners = pod_wiring(pod([spring])["spec"]).listeners["api"]
    assert [(lst.port, lst.host) for lst in listeners] == [(8080, "127.0.0.1")]


def test_an_exporter_on_loopback_that_nobody_in_the_pod_reads_is_unreachable() -> None:
    exporter = ctr(
        "exporter",
        "nginx/nginx-prometheus-exporter:1.1.0",
        args=["--nginx.scrape-uri=http://127.0.0.1:80/stub_status", "--web.listen-address=127.0.0.1:9113"],
    )
    nginx = ctr("nginx", "nginx:1.27.0", ports=[{"containerPort": 80}])
    assert warned(pod([nginx, exporter]), "PAT-ADAPTER-LOOPBACK")
    fine = dict(exporter, args=[exporter["args"][0], "--web.listen-address=:9113"])
    assert warned(pod([nginx, fine]), "PAT-ADAPTER-LOOPBACK") == []


def test_a_job_whose_main_calls_the_proxys_quitquitquit_completes() -> None:
    main = ctr(
        "job",
        command=[
            "/bin/sh",
            "-c",
            "/app/run; rc=$?; wget -q --post-data='' -O- http://127.0.0.1:9091/quitquitquit; exit $rc",
        ],
    )
    proxy = ctr(
        "cloud-sql-proxy", SQL_PROXY, args=["--port=5432", "--quitquitquit", "--admin-port=9091", "p:r:i"]
    )
    assert warned(pod([main, proxy], restartPolicy="Never"), "PAT-SIDECAR-BLOCKS-COMPLETION") == []
    silent = ctr("job", command=["/app/run"])
    assert warned(pod([silent, proxy], restartPolicy="Never"), "PAT-SIDECAR-BLOCKS-COMPLETION")


def test_a_main_sourcing_a_file_only_a_classic_helper_writes_depends_on_its_start_order() -> None:
    secrets = [{"name": "secrets", "mountPath": "/vault/secrets"}]
    main = ctr(
        "api",
        command=["/bin/sh", "-c", ". /vault/secrets/db.env && exec /app/api"],
        volumeMounts=[dict(secrets[0], readOnly=True)],
    )
    agent = ctr(
        "vault-agent",
        "hashicorp/vault:1.16.2",
        args=["agent", "-config=/etc/vault/agent.hcl"],
        volumeMounts=secrets,
    )
    volumes = [{"name": "secrets", "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}}]
    assert warned(pod([main, agent], volumes=volumes), "PAT-STARTUP-DEPENDS-ON-CLASSIC-SIDECAR")
    init = ctr(
        "vault-agent-init", "hashicorp/vault:1.16.2", args=["agent", "-exit-after-auth"], volumeMounts=secrets
    )
    assert (
        warned(pod([main, agent], init=[init], volumes=volumes), "PAT-STARTUP-DEPENDS-ON-CLASSIC-SIDECAR")
        == []
    )


def test_a_reloader_that_signals_is_a_helper_not_the_main() -> None:
    haproxy = ctr("haproxy", "haproxy:2.9.9", ports=[{"containerPort": 8080}])
    reloader = ctr(
        "reloader",
        "busybox:1.36.1",
        command=["/bin/sh", "-c", "while inotifyd - /cfg:w; do kill -HUP 1; done"],
    )
    document = pod([haproxy, reloader], shareProcessNamespace=True)
    assert infer_roles(document)["haproxy"] == Role.MAIN
    assert warned(document, "PAT-SHAREPID-PID1")


def test_a_log_shippers_own_spool_on_tmpfs_without_a_limit_is_a_buffer() -> None:
    shipper = ctr(
        "fluent-bit",
        "cr.fluentbit.io/fluent/fluent-bit:3.0.7",
        volumeMounts=[{"name": "buffer", "mountPath": "/buffer"}],
    )
    spool = [{"name": "buffer", "emptyDir": {"medium": "Memory"}}]
    assert warned(pod([ctr("app"), shipper], volumes=spool), "PAT-EMPTYDIR-MEMORY")
    sized = [{"name": "buffer", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}]
    assert warned(pod([ctr("app"), shipper], volumes=sized), "PAT-EMPTYDIR-MEMORY") == []


def test_an_init_that_reads_one_place_and_writes_another_comes_after_the_writer_of_the_first() -> None:
    work = [{"name": "work", "mountPath": "/work"}]
    render = ctr(
        "render",
        "hairyhenderson/gomplate:v4.1.0-alpine",
        args=["--input-dir=/work/templates", "--output-dir=/work/config"],
        volumeMounts=work,
    )
    fetch = ctr(
        "fetch",
        "alpine/git:2.45.2",
        args=["clone", "--depth=1", "https://github.com/acme/cfg", "/work/templates"],
        volumeMounts=work,
    )
    app = ctr("app", args=["-c", "/work/config/app.yaml"], volumeMounts=[dict(work[0], readOnly=True)])
    volumes = [{"name": "work", "emptyDir": {}}]
    assert warned(pod([app], init=[render, fetch], volumes=volumes), "PAT-INIT-ORDER")
    assert warned(pod([app], init=[fetch, render], volumes=volumes), "PAT-INIT-ORDER") == []


def test_a_native_sidecar_the_main_uses_through_a_flag_port_needs_a_startup_probe() -> None:
    proxy = ctr("cloud-sql-proxy", SQL_PROXY, restartPolicy="Always", args=["--port=5432", "p:r:i"])
    main = ctr("app", command=["/app/app", "--db=postgres://u@127.0.0.1:5432/db"])
    assert warned(pod([main], init=[proxy]), "PAT-NATIVE-SIDECAR-STARTUP")
    probed = dict(proxy, startupProbe={"tcpSocket": {"port": 5432}})
    assert warned(pod([main], init=[probed]), "PAT-NATIVE-SIDECAR-STARTUP") == []


def test_positional_bind_addresses_and_node_inspect_are_listeners() -> None:
    django = ctr("portal", command=["python", "manage.py", "runserver", "127.0.0.1:8000"])
    php = ctr("php", command=["php", "-S", "0.0.0.0:8080", "-t", "/app/public"])
    node = ctr("web", command=["node", "--inspect=127.0.0.1:9229", "server.js"])
    wiring = pod_wiring(pod([django, php, node])["spec"])
    assert [(lst.port, lst.host) for lst in wiring.listeners["portal"]] == [(8000, "127.0.0.1")]
    assert [(lst.port, lst.host) for lst in wiring.listeners["php"]] == [(8080, "0.0.0.0")]
    assert [(lst.port, lst.host) for lst in wiring.listeners["web"]] == [(9229, "127.0.0.1")]
    assert wiring.links == []


def test_a_container_calling_the_pending_mesh_proxys_ports_is_no_dangling_link() -> None:
    script = "until curl -fsI http://localhost:15021/healthz/ready; do sleep 1; done; /app/run; curl -X POST http://localhost:15020/quitquitquit"
    job = pod([ctr("job", command=["/bin/sh", "-c", script])], restartPolicy="Never")
    job["metadata"]["labels"] = {"sidecar.istio.io/inject": "true"}
    assert warned(job, "PAT-LOCALHOST-TARGET") == []
    del job["metadata"]["labels"]
    assert warned(job, "PAT-LOCALHOST-TARGET")


def test_dapr_and_consul_connect_ports_come_from_their_injectors_annotations() -> None:
    app = ctr(
        "app",
        env=[
            {"name": "DAPR_HTTP_ENDPOINT", "value": "http://localhost:3500"},
            {"name": "INVENTORY_URL", "value": "http://localhost:9091"},
        ],
    )
    document = pod([app])
    assert len(warned(document, "PAT-LOCALHOST-TARGET")) == 2
    document["metadata"]["annotations"] = {
        "dapr.io/enabled": "true",
        "consul.hashicorp.com/connect-inject": "true",
        "consul.hashicorp.com/connect-service-upstreams": "inventory:9091,billing:9092:dc2",
    }
    assert warned(document, "PAT-LOCALHOST-TARGET") == []
    assert {3500, 50001, 9091, 9092} <= injected_ports(document)


def test_an_istio_gateway_proxy_is_the_main_and_a_pod_ip_bind_does_not_clash_with_loopback() -> None:
    gateway = ctr("istio-proxy", "docker.io/istio/proxyv2:1.22.3", args=["proxy", "router", "--domain", "x"])
    assert infer_roles(pod([gateway]))["istio-proxy"] == Role.MAIN
    assert [f for f in lint(pod([gateway]), layers=("patterns",)) if f.severity == "error"] == []
    exporter = ctr("node-exporter", args=["--web.listen-address=127.0.0.1:9100"])
    proxy = ctr(
        "kube-rbac-proxy",
        args=["--secure-listen-address=[$(IP)]:9100", "--upstream=http://127.0.0.1:9100/"],
        env=[{"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
        ports=[{"containerPort": 9100, "name": "https"}],
    )
    assert warned(pod([exporter, proxy]), "PAT-PORT-CONFLICT") == []
    both_all = dict(proxy, args=["--secure-listen-address=:9100", "--upstream=http://127.0.0.1:9100/"])
    assert warned(pod([exporter, both_all]), "PAT-PORT-CONFLICT")


def test_a_host_port_env_pair_that_a_proxy_forwards_to_is_the_containers_own_listener() -> None:
    app = ctr(
        "status",
        env=[{"name": "KUMA_HOST", "value": "127.0.0.1"}, {"name": "KUMA_PORT", "value": "3001"}],
    )
    tunnel = ctr("cloudflared", args=["tunnel", "run", "--url", "http://127.0.0.1:3001"])
    assert warned(pod([app, tunnel]), "PAT-LOCALHOST-TARGET") == []
    # Two clients of a port nobody serves stay two dangling links.
    other = ctr(
        "worker", env=[{"name": "KUMA_HOST", "value": "127.0.0.1"}, {"name": "KUMA_PORT", "value": "3001"}]
    )
    assert len(warned(pod([app, other]), "PAT-LOCALHOST-TARGET")) == 2


def test_a_helper_reading_a_file_of_the_mains_emptydir_reads_what_the_main_writes() -> None:
    main = ctr(
        "gateway",
        args=["--access-log-file=/var/log/app/access/access.log"],
        volumeMounts=[{"name": "logs", "mountPath": "/var/log/app"}],
    )
    mtail = ctr(
        "mtail",
        args=["--logs=/logs/access.log"],
        volumeMounts=[{"name": "logs", "mountPath": "/logs", "readOnly": True}],
    )
    volumes = [{"name": "logs", "emptyDir": {}}]
    assert warned(pod([main, mtail], volumes=volumes), "PAT-SHARED-PATH-MISMATCH")
    right = dict(mtail, args=["--logs=/logs/access/access.log"])
    assert warned(pod([main, right], volumes=volumes), "PAT-SHARED-PATH-MISMATCH") == []
