"""The one link model (designer/pod/links.py): listeners and targets from what containers say."""

from __future__ import annotations

from typing import Any

from designer.pod.links import container_wiring, localhost_ports, parse_address, pod_wiring


def ctr(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": f"example/{name}:1", **fields}


def listeners(container: dict[str, Any], **kwargs: Any) -> set[tuple[int, str | None, str]]:
    found, _ = container_wiring(container, **kwargs)
    return {(lst.port, lst.host, lst.source) for lst in found}


def targets(container: dict[str, Any], **kwargs: Any) -> set[tuple[str, int, str]]:
    _, found = container_wiring(container, **kwargs)
    return {(t.host, t.port, t.kind) for t in found}


def test_it_parses_addresses() -> None:
    assert parse_address(":9100") == ("", 9100)
    assert parse_address("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_address("[::1]:8080") == ("::1", 8080)
    assert parse_address("8080") == (None, 8080)
    assert parse_address("http://0.0.0.0:4180") == ("0.0.0.0", 4180)
    assert parse_address("99999") is None
    assert parse_address("info") is None


def test_dotted_and_bind_flags_are_listeners() -> None:
    exporter = ctr("e", args=["--web.listen-address=127.0.0.1:9187", "--log.level=info"])
    assert listeners(exporter) == {(9187, "127.0.0.1", "flag")}
    gunicorn = ctr("g", command=["gunicorn", "--bind", "0.0.0.0:8000", "app:app"])
    assert (8000, "0.0.0.0", "flag") in listeners(gunicorn)


def test_a_bare_address_flag_binds_the_ports_beside_it() -> None:
    proxy = ctr(
        "p", args=["--address=127.0.0.1", "--port=5432", "--http-address=0.0.0.0", "--http-port=9090"]
    )
    found = listeners(proxy)
    assert (5432, "127.0.0.1", "flag") in found and (9090, "0.0.0.0", "flag") in found
    uvicorn = ctr("u", command=["uvicorn", "app:app", "--host", "127.0.0.1", "--port", "8080"])
    assert (8080, "127.0.0.1", "flag") in listeners(uvicorn)


def test_upstream_flags_are_forward_targets_not_listeners() -> None:
    proxy = ctr("o", args=["--http-address=0.0.0.0:4180", "--upstream=http://127.0.0.1:8080/"])
    assert listeners(proxy) == {(4180, "0.0.0.0", "flag")}
    assert targets(proxy) == {("127.0.0.1", 8080, "forward")}


def test_env_pairs_urls_and_pg_variables_are_targets() -> None:
    app = ctr(
        "a",
        env=[
            {"name": "REDIS_HOST", "value": "localhost"},
            {"name": "REDIS_PORT", "value": "6379"},
            {"name": "PGHOST", "value": "127.0.0.1"},
            {"name": "PGPORT", "value": "6432"},
            {"name": "AUDIT_URL", "value": "https://audit.example.com:8443/v1"},
        ],
    )
    assert targets(app) == {
        ("localhost", 6379, "use"),
        ("127.0.0.1", 6432, "use"),
        ("audit.example.com", 8443, "use"),
    }


def test_scripts_reveal_targets_through_nc_and_pg_isready() -> None:
    init = ctr(
        "w",
        command=["sh", "-c", "until nc -z 127.0.0.1 5432; do sleep 1; done; pg_isready -h localhost -p 6432"],
    )
    assert {("127.0.0.1", 5432, "use"), ("localhost", 6432, "use")} <= targets(init)


def test_a_client_tool_port_flag_is_a_target() -> None:
    dump = ctr("d", command=["pg_dump", "--host=localhost", "--port=5432", "orders"])
    assert listeners(dump) == set()
    assert ("localhost", 5432, "use") in targets(dump)


def test_configmaps_in_the_stream_feed_env_and_files() -> None:
    companions = [
        {
            "kind": "ConfigMap",
            "metadata": {"name": "env"},
            "data": {"DB_HOST": "127.0.0.1", "DB_PORT": "5432"},
        },
        {
            "kind": "ConfigMap",
            "metadata": {"name": "ini"},
            "data": {"pgbouncer.ini": "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = 6432\n"},
        },
    ]
    app = ctr("a", envFrom=[{"configMapRef": {"name": "env"}}])
    assert ("127.0.0.1", 5432, "use") in targets(app, companions=companions)
    bouncer = ctr("b", volumeMounts=[{"name": "ini", "mountPath": "/etc/pgbouncer"}])
    volumes = {"ini": {"name": "ini", "configMap": {"name": "ini"}}}
    assert (6432, "127.0.0.1", "config") in listeners(bouncer, companions=companions, volumes=volumes)


def test_own_listen_ports_are_not_links() -> None:
    app = ctr(
        "a", ports=[{"containerPort": 8080}], env=[{"name": "SELF", "value": "http://localhost:8080/health"}]
    )
    assert localhost_ports(app) == []


def test_the_pod_resolves_links_to_flag_listeners_and_not_to_init_containers() -> None:
    spec = {
        "initContainers": [ctr("migrate", args=["--listen=:7000"])],
        "containers": [
            ctr(
                "app",
                env=[
                    {"name": "DB", "value": "postgres://u@localhost:5432/x"},
                    {"name": "M", "value": "localhost:7000"},
                ],
            ),
            ctr("proxy", args=["--port=5432"]),
        ],
    }
    wiring = pod_wiring(spec)
    resolved = {(link.source, link.port, link.target) for link in wiring.links}
    assert resolved == {("app", 5432, "proxy"), ("app", 7000, None)}


def test_the_diagram_and_the_rules_see_the_same_links() -> None:
    """One definition: every localhost link the rules resolve is drawn, and nothing else."""
    import re
    from pathlib import Path

    from designer.pod.diagram import build_dot
    from designer.pod.manifest import load_manifest
    from designer.pod.workloads import pod_spec

    corpus = Path(__file__).resolve().parents[1] / "fixtures" / "patterns"
    checked = 0
    for path in sorted(corpus.glob("*/wiring-*.yaml")):
        manifest = load_manifest(path.read_bytes())
        spec = pod_spec(manifest.document)
        running = {c["name"] for c in spec.get("containers", [])} | {
            c["name"] for c in spec.get("initContainers", []) if c.get("restartPolicy") == "Always"
        }
        wiring = pod_wiring(spec, manifest.companions)
        expected = {(link.source, link.port) for link in wiring.links if link.source in running}
        dot = build_dot(manifest.document, companions=manifest.companions)
        drawn = {(m[1], int(m[2])) for m in re.finditer(r'id="link-(.+?)-([0-9]+)"', dot)}
        assert drawn == expected, path.name
        checked += len(expected)
    assert checked > 20
