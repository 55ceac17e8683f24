"""The pod drawing: nodes, edges, ids, labels and escaping, in the DOT and in the rendered SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from designer.pod.diagram import build_dot, build_lifecycle_dot
from designer.pod.findings import Finding
from designer.pod.render import find_engine, render, sanitize_svg
from designer.pod.roles import Role
from tests.pod.conftest import ENGINES

SVG = "{http://www.w3.org/2000/svg}"


def container(
    name: str,
    image: str = "busybox",
    ports: tuple[int, ...] = (),
    mounts: tuple[tuple[Any, ...], ...] = (),
    **kw: Any,
) -> dict[str, Any]:
    c: dict[str, Any] = {"name": name, "image": image}
    if ports:
        c["ports"] = [{"containerPort": p} for p in ports]
    if mounts:
        c["volumeMounts"] = [
            {"name": m[0], "mountPath": m[1], **({"readOnly": True} if len(m) > 2 else {})} for m in mounts
        ]
    c.update(kw)
    return c


def env(**values: str) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in values.items()]


def pod(
    containers: list[Any], init: list[Any] | None = None, volumes: list[Any] | None = None, name: str = "web"
) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": containers}
    if init:
        spec["initContainers"] = init
    if volumes:
        spec["volumes"] = volumes
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "shop"}, "spec": spec}


SIDECAR = pod(
    [
        container("app", "nginx:1.27", (80,), (("logs", "/var/log/nginx"),)),
        container("shipper", "fluent/fluent-bit:3.0", (), (("logs", "/logs", True),)),
    ],
    volumes=[{"name": "logs", "emptyDir": {}}],
)
ADAPTER = pod(
    [
        container("app", "redis:7", (6379,)),
        container("exporter", "redis_exporter:1", (9121,), env=env(REDIS_ADDR="redis://localhost:6379")),
    ]
)
AMBASSADOR = pod(
    [
        container("app", "myapp:1", (8080,), env=env(DB="127.0.0.1:5432", CACHE="localhost:6380")),
        container("db-proxy", "cloud-sql-proxy:2", (5432,)),
    ]
)
INIT = pod(
    [container("app", "myapp:1", (8080,), (("data", "/data"),))],
    init=[container("wait-db"), container("migrate", "myapp:1", (), (("data", "/data"),))],
    volumes=[{"name": "data", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}],
)
NATIVE = pod(
    [container("app", "myapp:1", (8080,), (("logs", "/logs"),))],
    init=[
        container("setup"),
        container("log-agent", "fluent-bit:3", (2020,), (("logs", "/logs", True),), restartPolicy="Always"),
        container("proxy", "envoy:v1.30", (15001,), restartPolicy="Always"),
    ],
    volumes=[{"name": "logs", "emptyDir": {}}],
)
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE = pod(
    [
        container(HOSTILE_NAME, 'img"\\N{x}]', (80,), (('v"]{', '/a"b\\c]'),), env=env(X="localhost:81")),
        container('q"uote\\back{brace}]', "<b>bold</b>&amp;", (81,)),
    ],
    volumes=[{"name": 'v"]{', "hostPath": {"path": '/<x>"\\'}}],
    name='n"<&>\\N',
)


def big_pod() -> dict[str, Any]:
    kinds: list[dict[str, Any]] = [
        {"emptyDir": {}},
        {"emptyDir": {"medium": "Memory", "sizeLimit": "128Mi"}},
        {"configMap": {"name": "app-config"}},
        {"secret": {"secretName": "app-tls"}},
        {"persistentVolumeClaim": {"claimName": "data-pvc"}},
        {"hostPath": {"path": "/var/run/docker.sock"}},
        {"projected": {"sources": [{"configMap": {"name": "x"}}]}},
        {"downwardAPI": {"items": []}},
        {"csi": {"driver": "x"}},
        {"emptyDir": {}},
    ]
    volumes = [{"name": f"vol{i}", **kind} for i, kind in enumerate(kinds)]
    apps = [
        container(
            f"c{i}", f"registry.example.com/team/image-{i}:1.0", (8000 + i,), ((f"vol{i % 10}", f"/m/{i}"),)
        )
        for i in range(12)
    ]
    apps[0]["env"] = env(A="localhost:8001", B="localhost:7000")
    inits = [container(f"init{i}", "busybox", (), ((f"vol{i}", "/x"),)) for i in range(4)]
    return pod(apps, inits, volumes, name="big")


def node_lines(dot: str) -> dict[str, str]:
    """DOT node statements by their id attribute."""
    result = {}
    for line in dot.splitlines():
        match = re.match(r'\s*\w+ \[id="((?:[^"\\]|\\.)*)"', line)
        if match and "->" not in line:
            result[match.group(1)] = line
    return result


def edges(dot: str) -> list[str]:
    """The drawn edges (the invisible ones only place the grid's rows)."""
    return [line.strip() for line in dot.splitlines() if " -> " in line and 'style="invis"' not in line]


def edge_between(dot: str, source_id: str, target_id: str) -> str:
    nodes = node_lines(dot)
    source = nodes[source_id].split()[0]
    target = nodes[target_id].split()[0]
    found = [e for e in edges(dot) if re.match(rf"{source}(:\w+)? -> {target}(:\w+)? ", e)]
    # An edge pointing leftwards within a row is written the other way round, with dir=back.
    found += [
        e for e in edges(dot) if re.match(rf"{target}(:\w+)? -> {source}(:\w+)? ", e) and 'dir="back"' in e
    ]
    assert found, f"no edge {source_id} -> {target_id}"
    return found[0]


def svg_ids(dot: str, engine: str) -> dict[str, ET.Element]:
    root = ET.fromstring(sanitize_svg(render(dot, "svg", engine=engine)))
    return {str(g.get("id")): g for g in root.iter() if g.get("id")}


def svg_text(element: ET.Element) -> str:
    return " ".join(t.text or "" for t in element.iter(f"{SVG}text"))


# --- DOT structure ----------------------------------------------------------------------------


def test_it_draws_the_pod_frame_with_name_namespace_and_version() -> None:
    dot = build_dot(SIDECAR, version="1.33")
    pod_line = next(line for line in dot.splitlines() if 'id="pod" ' in line)
    assert "<B>web</B>" in pod_line and "namespace shop" in pod_line and "Kubernetes 1.33" in pod_line
    assert "cluster_localhost" in dot and "<B>localhost</B>" in dot and ":80 (app)" in dot


def test_it_draws_a_sidecar_sharing_an_empty_dir() -> None:
    dot = build_dot(SIDECAR)
    nodes = node_lines(dot)
    assert "MAIN" in nodes["container-app"] and "peripheries" in nodes["container-app"]
    assert "SIDECAR" in nodes["container-shipper"] and "rounded" in nodes["container-shipper"]
    assert "emptyDir" in nodes["volume-logs"]
    assert "/var/log/nginx <I>rw</I>" in edge_between(dot, "container-app", "volume-logs")
    assert "/logs <I>ro</I>" in edge_between(dot, "container-shipper", "volume-logs")
    assert 'ID="port-app-80"' in nodes["container-app"]


def test_it_links_an_adapter_to_the_port_it_scrapes() -> None:
    dot = build_dot(ADAPTER)
    assert "ADAPTER" in node_lines(dot)["container-exporter"]
    link = edge_between(dot, "container-exporter", "container-app")
    assert ":p6379 " in link and 'xlabel="localhost:6379"' in link and 'constraint="false"' in link


def test_it_links_the_main_to_its_ambassador_and_flags_a_dangling_port() -> None:
    dot = build_dot(AMBASSADOR)
    assert "AMBASSADOR" in node_lines(dot)["container-db-proxy"]
    assert 'xlabel="localhost:5432"' in edge_between(dot, "container-app", "container-db-proxy")
    dangling = edge_between(dot, "container-app", "dangling-6380")
    assert 'style="dashed"' in dangling and "#b02a37" in dangling
    assert "nothing listens on :6380" in node_lines(dot)["dangling-6380"]


def test_it_draws_init_containers_in_a_numbered_lane_into_the_start() -> None:
    dot = build_dot(INIT)
    nodes = node_lines(dot)
    assert "<B>1. wait-db</B>" in nodes["init-wait-db"] and "<B>2. migrate</B>" in nodes["init-migrate"]
    assert "INIT" in nodes["init-migrate"]
    edge_between(dot, "init-wait-db", "init-migrate")
    edge_between(dot, "init-migrate", "pod-start")
    assert 'lhead="cluster_app"' in edge_between(dot, "pod-start", "container-app")
    assert "emptyDir (memory, sizeLimit 64Mi)" in nodes["volume-data"]
    lane = dot[dot.index("subgraph cluster_init") : dot.index("cluster_localhost")]
    assert "init-wait-db" in lane and "container-app" not in lane


def test_it_draws_native_sidecars_starting_in_order_and_running_beside_the_app() -> None:
    dot = build_dot(NATIVE)
    nodes = node_lines(dot)
    assert "<B>2. start <B>" not in dot
    assert "2. start <B>log-agent</B>" in nodes["init-start-log-agent"]
    assert "3. start <B>proxy</B>" in nodes["init-start-proxy"]
    edge_between(dot, "init-setup", "init-start-log-agent")
    edge_between(dot, "init-start-log-agent", "init-start-proxy")
    edge_between(dot, "init-start-proxy", "pod-start")
    assert "NATIVE SIDECAR" in nodes["init-log-agent"] and "dashed" in nodes["init-log-agent"]
    native = dot[dot.index("subgraph cluster_native") : dot.index("subgraph cluster_app")]
    assert "init-log-agent" in native and "init-proxy" in native
    edge_between(dot, "init-start-log-agent", "init-log-agent")


def test_it_shows_each_volume_type() -> None:
    dot = build_dot(big_pod())
    nodes = node_lines(dot)
    assert "emptyDir" in nodes["volume-vol0"]
    assert "configMap: app-config" in nodes["volume-vol2"]
    assert "secret: app-tls" in nodes["volume-vol3"]
    assert "PVC: data-pvc" in nodes["volume-vol4"]
    assert "hostPath: /var/run/docker.sock" in nodes["volume-vol5"] and "RISK" in nodes["volume-vol5"]
    assert "projected (1 source)" in nodes["volume-vol6"]
    assert "downwardAPI" in nodes["volume-vol7"]
    assert "csi" in nodes["volume-vol8"]


def test_it_draws_twelve_containers_four_inits_and_ten_volumes() -> None:
    dot = build_dot(big_pod())
    nodes = node_lines(dot)
    assert sum(1 for key in nodes if key.startswith("container-")) == 12
    assert sum(1 for key in nodes if key.startswith("init-")) == 4
    assert sum(1 for key in nodes if key.startswith("volume-")) == 10
    assert sum(1 for e in edges(dot) if "mount-" in e) == 16
    # Rows of four app containers and of five volumes: the drawing keeps near the panel's shape.
    assert "{rank=same; c0; c1; c2; c3}" in dot and "{rank=same; c8; c9; c10; c11}" in dot
    assert "{rank=same; v0; v1; v2; v3; v4}" in dot and "{rank=same; v5; v6; v7; v8; v9}" in dot
    assert not re.findall(r'(?i)(?:POINT-SIZE|fontsize)="([0-9.]+)"', dot.replace('fontsize="1', "")), (
        "every font is at least 10 points"
    )


def test_it_marks_findings_on_the_node_and_mount_they_concern() -> None:
    findings = [
        Finding("R1", "error", "spec.containers[1].image", "bad image"),
        Finding("R2", "warning", "spec.volumes[0].emptyDir", "hm", container=None),
        Finding("R3", "warning", "spec.containers[1].volumeMounts[0].mountPath", "x"),
        Finding("R4", "warning", "spec.containers[0].image", "waived", waived="ok"),
        Finding("R5", "warning", "metadata.labels", "pod-level", container="app"),
    ]
    dot = build_dot(SIDECAR, findings=findings)
    nodes = node_lines(dot)
    assert "1 error" in nodes["container-shipper"] and "R1" in nodes["container-shipper"]
    assert "1 warning" in nodes["volume-logs"]
    assert "R4" not in dot
    assert "R5" in nodes["container-app"]
    assert "(!)" in edge_between(dot, "container-shipper", "volume-logs")


def test_it_uses_the_roles_it_is_given() -> None:
    dot = build_dot(SIDECAR, roles={"app": Role.MAIN, "shipper": "adapter"})
    assert "ADAPTER" in node_lines(dot)["container-shipper"]


def test_it_is_deterministic() -> None:
    assert build_dot(big_pod()) == build_dot(big_pod())
    assert build_lifecycle_dot(NATIVE) == build_lifecycle_dot(NATIVE)


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"kind": "Pod", "spec": None},
        {"kind": "Pod", "spec": {"containers": "nope", "volumes": [1, None, {"name": 3}]}},
        {"kind": "Pod", "spec": {"containers": [{"ports": [{"containerPort": "x"}], "volumeMounts": [{}]}]}},
        {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a", "env": "x"}]}}}},
        {
            "kind": "Pod",
            "spec": {"containers": [{"name": "a", "volumeMounts": [{"name": "ghost", "mountPath": 1}]}]},
        },
    ],
)
def test_it_never_raises_on_strange_documents(document: Any) -> None:
    assert build_dot(document).startswith("digraph pod {")
    assert build_lifecycle_dot(document).startswith("digraph lifecycle {")


def test_it_escapes_hostile_strings_in_the_dot() -> None:
    dot = build_dot(HOSTILE)
    # Raw text appears only inside DOT quoted strings (id, tooltip), never in an HTML-like label.
    labels = re.sub(r'(id|tooltip)="(?:[^"\\]|\\.)*"', "", dot)
    assert "<script>" not in labels and "&lt;script&gt;alert(1)&lt;/script&gt;" in labels
    assert "<b>bold" not in labels and "&lt;b&gt;bold&lt;/b&gt;&amp;amp;" in labels
    assert "&#92;&#92;N" in labels and "&#93;" in labels
    # Inside quoted DOT strings, quotes and backslashes are escaped; no escString expansion.
    assert 'id="container-q\\"uote\\\\back{brace}]"' in dot
    assert 'id="container-<script>alert(1)</script>"' in dot


# --- rendered SVG -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sidecar", "adapter", "ambassador", "init", "native", "big"])
def test_it_renders_every_pattern_with_stable_ids(engine: str, name: str) -> None:
    document = {
        "sidecar": SIDECAR,
        "adapter": ADAPTER,
        "ambassador": AMBASSADOR,
        "init": INIT,
        "native": NATIVE,
        "big": big_pod(),
    }[name]
    dot = build_dot(
        document, findings=[Finding("R1", "error", "spec.containers[0].image", "x")], version="1.33"
    )
    ids = svg_ids(dot, engine)
    expected = set(node_lines(dot))
    assert expected <= set(ids), expected - set(ids)
    first = document["spec"]["containers"][0]["name"]
    assert first in svg_text(ids[f"container-{first}"])
    assert ids["pod"].get("class") == "cluster" and ids["localhost"].get("class") == "cluster"
    assert "1 error" in svg_text(ids[f"container-{first}"])


def test_it_gives_port_rows_their_own_ids_in_the_svg(engine: str) -> None:
    ids = svg_ids(build_dot(SIDECAR), engine)
    assert "port-app-80" in ids
    assert ":80" in svg_text(ids["port-app-80"])


def test_it_renders_the_big_pod_with_all_its_parts(engine: str) -> None:
    ids = svg_ids(build_dot(big_pod()), engine)
    assert sum(1 for i in ids if i.startswith("container-")) == 12
    assert sum(1 for i in ids if i.startswith("init-")) == 4
    assert sum(1 for i in ids if i.startswith("volume-")) == 10
    assert "RISK" in svg_text(ids["volume-vol5"])
    assert "nothing listens on :7000" in svg_text(ids["dangling-7000"])


def test_it_renders_hostile_names_as_text(engine: str) -> None:
    svg = sanitize_svg(render(build_dot(HOSTILE), "svg", engine=engine))
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    ids = {g.get("id"): g for g in root.iter() if g.get("id")}
    node = ids[f"container-{HOSTILE_NAME}"]
    assert HOSTILE_NAME in svg_text(node)
    assert 'img"\\N{x}]' in svg_text(node)
    other = ids['container-q"uote\\back{brace}]']
    assert 'q"uote\\back{brace}]' in svg_text(other)
    assert "<b>bold</b>&amp;" in svg_text(other)
    assert '/a"b\\c]' in " ".join(svg_text(e) for e in root.iter(f"{SVG}g") if e.get("class") == "edge")


def test_it_renders_the_lifecycle(engine: str) -> None:
    dot = build_lifecycle_dot(NATIVE)
    ids = svg_ids(dot, engine)
    for key in ("lifecycle-up-setup", "lifecycle-up-log-agent", "lifecycle-up-proxy", "lifecycle-up-app"):
        assert key in ids
    assert "1. run:" in svg_text(ids["lifecycle-up-setup"])
    assert "2. up:" in svg_text(ids["lifecycle-up-log-agent"])
    assert "1. stop:" in svg_text(ids["lifecycle-down-proxy"])
    assert "2. stop:" in svg_text(ids["lifecycle-down-log-agent"])


def test_it_orders_the_lifecycle_start_and_stop() -> None:
    dot = build_lifecycle_dot(NATIVE)
    chain = [e.split(" [")[0] for e in edges(dot) if "invis" not in e]
    start = [e for e in chain if e.startswith(("begin", "up"))]
    stop = [e for e in chain if e.startswith("down")]
    assert start == ["begin -> upi0", "upi0 -> upi1", "upi1 -> upi2", "upi2 -> upc0"]
    # Stop: app containers first, then native sidecars in reverse start order.
    assert stop == ["downc0 -> downi2", "downi2 -> downi1", "downi1 -> end"]
    assert 'upi1 -> upi2 [label="started"]' in dot and 'upi0 -> upi1 [label="completed"]' in dot
    stop_block = dot[dot.index("cluster_stop") : dot.index("cluster_start")]
    assert "setup" not in stop_block and "proxy" in stop_block


def test_it_finds_an_engine() -> None:
    if not ENGINES:
        pytest.skip("no graphviz engine installed")
    assert find_engine() == ENGINES[0]


def test_it_links_to_a_port_a_container_listens_on_without_declaring_it() -> None:
    document = pod(
        [
            container("app", "myapp:1", (8080,), env=env(DATABASE_URL="postgres://u@localhost:5432/db")),
            container("proxy", "cloud-sql-proxy:2", (9090,), args=["--port=5432", "--http-port=9090"]),
        ]
    )
    dot = build_dot(document)
    link = edge_between(dot, "container-app", "container-proxy")
    assert "(port not declared)" in link and ":p5432" not in link
    assert "dangling-5432" not in dot
