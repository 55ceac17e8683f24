"""The deployment files agree with the settings and with each other (no Docker daemon needed)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def size_in_bytes(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def test_the_proxy_accepts_exactly_the_bodies_django_accepts() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    [limit] = re.findall(r"^\s*client_max_body_size\s+(\S+);", conf, re.MULTILINE)
    assert size_in_bytes(limit) == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert re.search(r"^\s*proxy_request_buffering on;", conf, re.MULTILINE)
    assert re.search(r"^\s*proxy_buffering on;", conf, re.MULTILINE)


def compose() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(document, dict)
    return document


def test_compose_runs_the_app_behind_nginx_with_postgres_and_redis() -> None:
    services = compose()["services"]
    assert {"proxy", "app", "migrate", "db", "redis"} <= set(services)
    app = services["app"]
    assert app["deploy"]["replicas"] >= 2
    assert app["read_only"] is True and app["tmpfs"] == ["/tmp"]
    assert app["cap_drop"] == ["ALL"] and app["user"].split(":")[0] != "0"
    env = app["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
    assert int(env["WEB_CONCURRENCY"].split(":-")[1].rstrip("}")) >= 2
    # The upload limit the proxy was sized for.
    assert int(env["POD_DESIGNER_MAX_UPLOAD"]) == settings.POD_DESIGNER_MAX_UPLOAD
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in services["proxy"]["volumes"]
    assert services["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"


def test_the_image_is_non_root_locked_and_checked() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert "apt-get install -y --no-install-recommends graphviz" in dockerfile
    assert "pip install --require-hashes --no-deps -r requirements/runtime.txt" in dockerfile
    assert "manage.py collectstatic --noinput" in dockerfile
    [user] = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user.split(":")[0] not in ("0", "root")
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, re.MULTILINE)
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[1] == "*"  # everything is out unless listed: no .venv, db.sqlite3 or .secret_key


def names(requirements: Path) -> set[str]:
    pinned = re.findall(r"^([A-Za-z0-9_.\-]+)==\S+ \\$", requirements.read_text(), re.MULTILINE)
    return {normalized(name) for name in pinned}


def normalized(requirement: str) -> str:
    name = re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_files_pin_every_dependency_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = ROOT / "requirements" / "runtime.txt", ROOT / "requirements" / "dev.txt"
    # A dependency added to pyproject.toml without `make lock` fails here.
    assert {normalized(r) for r in project["dependencies"]} <= names(runtime)
    assert {normalized(r) for r in project["optional-dependencies"]["dev"]} <= names(dev)
    assert names(runtime) <= names(dev)
    for lock in (runtime, dev):
        text = lock.read_text()
        assert text.count("==") == len(names(lock))
        assert all("--hash=sha256:" in block for block in re.split(r"\n(?=[a-z])", text) if "==" in block)
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements/dev.txt" in makefile
    assert "pip install --quiet --no-deps -e . --config-settings editable_mode=compat" in makefile
