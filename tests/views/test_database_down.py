"""The database goes away under a running gunicorn: 503 + Retry-After, one log line, then service resumes.

The test starts a PostgreSQL of its own (tests/own_postgres.py), stops it while the app runs and
starts it again; the machine's PostgreSQL is never touched.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.own_postgres import OwnPostgres, free_port, postgres_bin

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL server binaries are not installed")

SEED = """
from django.contrib.auth.models import User
from designer.models import ApiToken
from designer.pod.manifest import load_manifest
from designer.revisions import Content, create_design
user = User.objects.create_user("alice", "alice@example.com", "alice-password-1")
manifest = load_manifest("apiVersion: v1\\nkind: Pod\\nmetadata: {name: web}\\nspec:\\n  containers:\\n  - {name: app, image: nginx:1.27}\\n")
design = create_design(user, "web", Content(manifest.document, manifest.companions, {}))
_, secret = ApiToken.issue(user, "test")
print("SEED", design.pk, secret)
"""


@dataclass
class Answer:
    status: int
    headers: Any
    body: str


@dataclass
class App:
    base: str
    opener: urllib.request.OpenerDirector
    cookies: http.cookiejar.CookieJar
    token: str
    design: int
    log: Path
    postgres: OwnPostgres

    def fetch(
        self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=15) as response:
                return Answer(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.headers, exc.read().decode())

    def csrf(self) -> str:
        return next(c.value or "" for c in self.cookies if c.name == "csrftoken")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    postgres = OwnPostgres()
    postgres.start()
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_SECRET_KEY": "database-down-test-key-" + "x" * 40,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, cwd=ROOT, check=True, capture_output=True)
    seeded = subprocess.run(
        [*manage, "shell", "-c", SEED], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    _, design, token = re.search(r"SEED (\d+) (\S+)", seeded.stdout).group(0).split()
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "designer.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", "30"],
            env=env, cwd=ROOT, stdout=stderr, stderr=stderr,
        )  # fmt: skip
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    application = App(f"http://127.0.0.1:{port}", opener, cookies, token, int(design), log, postgres)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if application.fetch("/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start: " + log.read_text())
            time.sleep(0.1)
        yield application
    finally:
        server.terminate()
        server.wait(10)
        postgres.destroy()


def sign_in(app: App) -> None:
    app.fetch("/accounts/login/")
    answer = app.fetch(
        "/accounts/login/",
        {"username": "alice", "password": "alice-password-1", "csrfmiddlewaretoken": app.csrf()},
    )
    assert answer.status == 200 and "Sign out alice" in answer.body


def test_the_app_answers_503_while_the_database_is_down_and_recovers(app: App) -> None:
    sign_in(app)
    bearer = {"Authorization": f"Bearer {app.token}"}
    assert app.fetch("/api/v1/designs", headers=bearer).status == 200
    assert app.fetch("/").status == 200

    app.postgres.stop()
    try:
        # The API (the token is looked up in a middleware: the handler500 path).
        api = app.fetch("/api/v1/designs", headers=bearer)
        assert api.status == 503
        assert api.headers["Retry-After"] == "5"
        assert api.headers["Content-Type"] == "application/json"
        assert json.loads(api.body)["error"] == "database unavailable"

        # A page (the session is read in the view: the middleware path).
        page = app.fetch("/")
        assert page.status == 503 and page.headers["Retry-After"] == "5"
        assert "Your change was not saved" in page.body

        # A save sent by htmx gets a fragment for errors.js's banner.
        save = app.fetch(
            f"/designs/{app.design}/rename",
            {"name": "renamed", "csrfmiddlewaretoken": app.csrf()},
            headers={"HX-Request": "true"},
        )
        assert save.status == 503 and save.headers["Retry-After"] == "5"
        assert save.body.startswith(
            '<p class="database-down" role="alert">The database is not reachable, so nothing was saved'
        )

        for _ in range(20):
            assert app.fetch("/", headers={"HX-Request": "true"}).status == 503

        assert app.fetch("/healthz").status == 200
        ready = app.fetch("/readyz")
        assert ready.status == 503 and json.loads(ready.body)["failed"] == ["database"]
    finally:
        app.postgres.start()

    deadline = time.monotonic() + 10
    while app.fetch("/").status != 200:
        assert time.monotonic() < deadline, "the app did not recover"
        time.sleep(0.1)
    assert app.fetch("/api/v1/designs", headers=bearer).status == 200
    assert app.fetch("/readyz").status == 200

    log = app.log.read_text()
    # One line for the whole incident, one when it ended; no traceback per request.
    assert log.count("database unavailable, answering 503") == 1, log
    assert log.count("database reachable again") == 1, log
    assert "Traceback" not in log, log
