"""The drawing's shape (issue 14): a big pod wraps into rows that fit the editor's panel, with
no text under 10 points; a small pod stays small; images and ports are shown compactly."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

from designer.pod.diagram import build_dot, short_image
from designer.pod.render import render, sanitize_svg
from tests.pod.test_diagram import SIDECAR, node_lines

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "diagram" / "shop-twelve-containers.yaml"


def shop() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(FIXTURE.read_text())
    return document


def size_in_points(dot: str, engine: str) -> tuple[float, float]:
    root = ET.fromstring(sanitize_svg(render(dot, "svg", engine=engine)))
    _x, _y, width, height = (float(v) for v in str(root.get("viewBox")).split())
    return width, height


def test_every_font_is_at_least_ten_points() -> None:
    for document in (shop(), SIDECAR):
        dot = build_dot(document, version="1.33", pss="restricted")
        sizes = [float(v) for v in re.findall(r'(?i)(?:POINT-SIZE|fontsize)="([0-9.]+)"', dot)]
        assert sizes and min(sizes) >= 10, sorted(set(sizes))


def test_the_twelve_container_pod_keeps_every_part() -> None:
    document = shop()
    nodes = node_lines(build_dot(document, version="1.33"))
    spec = document["spec"]
    for container in spec["containers"]:
        assert f"container-{container['name']}" in nodes
    for volume in spec["volumes"]:
        assert f"volume-{volume['name']}" in nodes
    assert {"init-wait-for-db", "init-migrate", "init-cloud-sql-proxy", "init-log-agent"} <= set(nodes)
    assert {"init-start-cloud-sql-proxy", "init-start-log-agent", "pod-start", "legend"} <= set(nodes)
    assert "dangling-9091" in nodes


def test_the_app_containers_wrap_into_rows_of_four_mounting_ones_lowest() -> None:
    dot = build_dot(shop(), version="1.33")
    rows = re.findall(r"\{rank=same; (c[0-9]+(?:; c[0-9]+)*)\}", dot)
    assert [len(row.split("; ")) for row in rows] == [4, 4, 4]
    # c0 (shop-api, five mounts) is not in the first row: the ones without mounts are.
    assert "c0" not in rows[0].split("; ")
    assert rows[0].split("; ")[0] == "c3"  # oauth2-proxy, the first without a mount


def test_the_twelve_container_pod_fits_near_the_panel(engine: str) -> None:
    # A 680 x 560 CSS px panel at "fit" shows 10 pt text at 9 px when the drawing is at most
    # 755 x 622 pt; the browser's engine measures that (tests/e2e/test_diagram_readable.py).
    # Here every server engine must stay near it: one column of containers was 3314 x 1821 pt.
    width, height = size_in_points(build_dot(shop(), version="1.33"), engine)
    assert width <= 860 and height <= 660, (width, height)


def test_a_small_pod_is_a_small_drawing(engine: str) -> None:
    # Two containers and a volume: 837 x 432 pt before (the legend stood beside the pod).
    width, height = size_in_points(build_dot(SIDECAR, version="1.33"), engine)
    assert width <= 600 and height <= 400, (width, height)


def test_images_lose_the_registry_host_and_long_ones_keep_name_and_tag() -> None:
    assert (
        short_image("europe-west1-docker.pkg.dev/acme-prod/apps/shop-api:2.3.1")
        == "acme-prod/apps/shop-api:2.3.1"
    )
    assert short_image("localhost:5000/app:1") == "app:1"
    assert short_image("nginx:1.27") == "nginx:1.27"
    assert short_image("fluent/fluent-bit:3.1") == "fluent/fluent-bit:3.1"
    long = short_image("otel/opentelemetry-collector-contrib:0.104.0")
    assert len(long) <= 30 and long.startswith("opentelemetry") and long.endswith(":0.104.0")


def test_the_full_image_and_every_port_stay_in_the_node() -> None:
    nodes = node_lines(build_dot(shop(), version="1.33"))
    api = nodes["container-shop-api"]
    # The whole reference is the short one's hover text; the node is still named "main shop-api".
    assert 'TOOLTIP="europe-west1-docker.pkg.dev/acme-prod/apps/shop-api:2.3.1"' in api
    assert 'tooltip="main shop-api"' in api
    assert "starts before the app, keeps running, stops after it" in nodes["init-log-agent"]
    assert 'ID="port-shop-api-8080"' in api and 'ID="port-shop-api-8081"' in api
    statsd = nodes["container-statsd-exporter"]
    assert ":9125 statsd/UDP" in statsd and ":9102 metrics<" in statsd  # TCP goes without saying


def test_mount_paths_are_exterior_labels_with_a_tooltip() -> None:
    dot = build_dot(SIDECAR)
    mount = next(line for line in dot.splitlines() if 'id="mount-app-0"' in line)
    assert "xlabel=</var/log/nginx <I>rw</I>>" in mount and " label=" not in mount
    assert 'tooltip="app mounts logs at /var/log/nginx (rw)"' in mount


def test_finding_marks_do_not_widen_the_drawing_much(engine: str) -> None:
    # With its findings the same pod was 1764 pt wide (each marked node listed its rule ids on
    # one line); two ids a line keep the marked pod near the unmarked one.
    from designer.pod.rules.lint import lint

    document = shop()
    findings = lint(document, version=(1, 33))
    assert len({f.rule for f in findings}) > 6
    plain, _ = size_in_points(build_dot(document, version="1.33"), engine)
    marked, _ = size_in_points(build_dot(document, findings=findings, version="1.33"), engine)
    assert marked <= plain * 1.4, (plain, marked)
