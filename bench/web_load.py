"""Load on 127.0.0.1: gunicorn (2 workers) + PostgreSQL, driven by a bounded asyncio HTTP client.

The script starts everything itself: a throwaway database on the PostgreSQL at 127.0.0.1:5432
(created, migrated, seeded with a user and designs, dropped at the end) and gunicorn on a port
of its own. Two scenarios, each measured against the login page in the same run:

A. Live previews of a 12-container design (the editor's htmx preview POST, each with a new
   image tag so no cache hides the work) per second, against login pages per second; the two
   alternate in rounds so both see the same machine. Goal (issue 14): at least 0.3.
B. Mixed reads and saves from 20 bounded clients for 60 s: each client reads its design's
   editor page, the library and the API, and saves through the API. 0 errors, every confirmed
   save present afterwards; p50/p99 against the login page's under the same load.

    .venv/bin/python bench/web_load.py [--quick] [--duration 60] [--clients 20]

Only the standard library: one connection per request (gunicorn's sync workers close it).
The two request shapes most likely to change with the editor and the API live in two small
adapter functions: preview_request() and save_request().
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pods import pod  # noqa: E402 - needs the project root on the path

HOST = "127.0.0.1"
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-1"


# --- the documents ----------------------------------------------------------------------------


# --- the adapters: request shapes that follow the editor and the API ---------------------------


@dataclass
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def preview_request(design: int, editor_page: str, csrf: str, n: int) -> Request:
    """One keystroke in the editor: its htmx preview POST, with a new image tag each time.

    The editor (editor.js) posts the tab's draft key and the fields typed in; the form's fields
    are read from the editor page as a browser would see them.
    """
    from tests.views.editor_helpers import form_data

    data = form_data(editor_page.encode())
    keep = ("tab", "base", "source", "k8s_version", "message")
    typed = {k: v for k, v in data.items() if k in keep}
    digest = re.search(r'data-digest="(\w+)"', editor_page)
    if digest:
        typed["findings_digest"] = digest.group(1)
    typed["cc0-image"] = f"registry.example.com/app:load.{n}"
    return Request(
        "POST",
        f"/designs/{design}/preview",
        urlencode(typed).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "X-CSRFToken": csrf},
    )


def save_request(design: int, token: str, base: int, document: dict[str, Any], message: str) -> Request:
    """A save through the API: a new revision on top of `base`; the answer names its number."""
    body = json.dumps({"base_revision": base, "document": document, "message": message}).encode()
    return Request(
        "PUT",
        f"/api/v1/designs/{design}",
        body,
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )


def saved_revision(answer: Answer) -> int:
    """The revision number a save_request's answer confirms."""
    return int(json.loads(answer.body)["revision"]["number"])


# --- a small HTTP/1.1 client over asyncio streams ---------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str]


class Client:
    """One simulated person: a cookie jar and a request function."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    async def send(self, request: Request, timeout: float = 60.0) -> Answer:
        return await asyncio.wait_for(self._send(request), timeout)

    async def _send(self, request: Request) -> Answer:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        try:
            headers = {
                "Host": f"{HOST}:{self.port}",
                "Connection": "close",
                "Content-Length": str(len(request.body)),
                **request.headers,
            }
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            head = f"{request.method} {request.path} HTTP/1.1\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            writer.write(head.encode("latin-1") + request.body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        return self._parse(raw)

    def _parse(self, raw: bytes) -> Answer:
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: dict[str, str] = {}
        cookies: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
            if name.strip().lower() == "set-cookie":
                jar: SimpleCookie = SimpleCookie()
                jar.load(value.strip())
                cookies.update({key: morsel.value for key, morsel in jar.items()})
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = _unchunk(body)
        self.cookies.update(cookies)
        return Answer(status, headers, body, cookies)

    async def sign_in(self, username: str) -> str:
        """Signs in through the login form; returns the CSRF token for later posts."""
        await self.send(Request("GET", "/accounts/login/"))
        csrf = self.cookies["csrftoken"]
        form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf})
        answer = await self.send(
            Request(
                "POST",
                "/accounts/login/",
                form.encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in failed: {answer.status}")
        return self.cookies["csrftoken"]


def _unchunk(body: bytes) -> bytes:
    out = bytearray()
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return bytes(out)


# --- the servers ------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Stack:
    """A throwaway database and gunicorn with 2 workers on it."""

    def __init__(self, workers: int, redis_url: str) -> None:
        import psycopg

        self.database = f"bench_web_load_{uuid.uuid4().hex[:10]}"
        self.psycopg = psycopg
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        base = ADMIN_URL.rsplit("/", 1)[0]
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{base}/{self.database}",
            "DJANGO_SETTINGS_MODULE": "designer.settings",
            "DJANGO_SECRET_KEY": "bench-web-load-" + uuid.uuid4().hex * 2,
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "REDIS_URL": redis_url,
            "PYTHONPATH": str(ROOT),
        }
        self.port = free_port()
        self.workers = workers
        self.server: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkdtemp(prefix="web-load-")) / "gunicorn.log"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def start(self) -> None:
        with self.log.open("w") as log:  # the child keeps its own descriptor
            self.server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "designer.wsgi:application", "--bind", f"{HOST}:{self.port}",
                 "--workers", str(self.workers), "--timeout", "60"],
                env=self.env, cwd=ROOT, stdout=log, stderr=log,
            )  # fmt: skip
        import urllib.request

        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {self.log}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(20)
        with self.psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


SEED = """
import json, sys
from django.contrib.auth import get_user_model
from designer.models import ApiToken
from designer.revisions import Content, create_design
spec = json.loads(sys.stdin.read())
user = get_user_model().objects.create_user("bench", "bench@example.com", spec["password"])
_, token = ApiToken.issue(user, "web-load")
preview = create_design(user, "preview 12", Content(spec["preview"], [], {})).pk
designs = [create_design(user, f"client {i}", Content(doc, [], {})).pk for i, doc in enumerate(spec["designs"])]
print(json.dumps({"token": token, "preview": preview, "designs": designs}))
"""

VERIFY = """
import json, sys
from designer.models import Revision
confirmed = json.loads(sys.stdin.read())
missing = [c for c in confirmed if not Revision.objects.filter(design_id=c[0], number=c[1], message=c[2]).exists()]
print(json.dumps({"checked": len(confirmed), "missing": missing}))
"""


def run_shell(stack: Stack, code: str, stdin: str) -> Any:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code],
        env=stack.env,
        cwd=ROOT,
        input=stdin,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        self.times.setdefault(kind, []).append(seconds)

    def count(self, kind: str) -> int:
        return len(self.times.get(kind, []))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def timed(
    client: Client, request: Request, kind: str, tally: Tally, expect: int = 200
) -> Answer | None:
    start = time.perf_counter()
    try:
        answer = await client.send(request)
    except (TimeoutError, OSError) as exc:
        tally.errors.append(f"{kind}: {type(exc).__name__}: {exc}")
        return None
    elapsed = time.perf_counter() - start
    if answer.status != expect:
        tally.errors.append(f"{kind}: HTTP {answer.status} {answer.body[:200]!r}")
        return None
    tally.add(kind, elapsed)
    return answer


async def for_a_while(clients: int, seconds: float, step: Callable[[int, int], Awaitable[None]]) -> float:
    """Runs `clients` loops of step(client, n) until `seconds` have passed; the elapsed time."""
    start = time.perf_counter()
    deadline = start + seconds

    async def loop(i: int) -> None:
        n = 0
        while time.perf_counter() < deadline:
            await step(i, n)
            n += 1

    await asyncio.gather(*(loop(i) for i in range(clients)))
    return time.perf_counter() - start


# --- scenario A: previews against the login page ----------------------------------------------


async def scenario_a(
    stack: Stack, seeded: dict[str, Any], rounds: int, seconds: float, clients: int
) -> Tally:
    tally = Tally()
    people = [Client(stack.port) for _ in range(clients)]
    tokens = [await person.sign_in("bench") for person in people]
    design = seeded["preview"]
    page = await people[0].send(Request("GET", f"/designs/{design}/"))
    if page.status != 200:
        raise RuntimeError(f"editor page answered {page.status}")
    editor_page = page.body.decode()
    anonymous = [Client(stack.port) for _ in range(clients)]
    counter = iter(range(10**9))

    async def preview(i: int, n: int) -> None:
        await timed(
            people[i], preview_request(design, editor_page, tokens[i], next(counter)), "preview", tally
        )

    async def login_page(i: int, n: int) -> None:
        await timed(anonymous[i], Request("GET", "/accounts/login/"), "login", tally)

    # Warm-up: imports, compiled schemas and templates in both workers.
    await for_a_while(clients, 2.0, preview)
    await for_a_while(clients, 1.0, login_page)
    tally.times.clear()
    spent = {"preview": 0.0, "login": 0.0}
    for _ in range(rounds):
        spent["login"] += await for_a_while(clients, seconds, login_page)
        spent["preview"] += await for_a_while(clients, seconds, preview)
    rate = {kind: tally.count(kind) / spent[kind] for kind in spent}
    print(
        f"A. previews at 12 containers vs the login page ({clients} clients, {rounds} rounds of {seconds:g} s each)"
    )
    for kind in ("login", "preview"):
        times = tally.times.get(kind, [0.0])
        print(
            f"   {kind:<8} {rate[kind]:8.1f}/s  p50 {statistics.median(times) * 1000:7.1f} ms"
            f"  p99 {percentile(times, 99) * 1000:7.1f} ms  ({tally.count(kind)} requests)"
        )
    print(
        f"   previews per second / login pages per second: {rate['preview'] / rate['login']:.3f} (goal >= 0.3)"
    )
    return tally


# --- scenario B: mixed reads and saves --------------------------------------------------------


async def scenario_b(
    stack: Stack, seeded: dict[str, Any], clients: int, seconds: float, documents: list[dict[str, Any]]
) -> tuple[Tally, list[tuple[int, int, str]], float]:
    tally = Tally()
    token = seeded["token"]
    people = [Client(stack.port) for _ in range(clients)]
    for person in people:
        await person.sign_in("bench")
    base = [1] * clients
    confirmed: list[tuple[int, int, str]] = []
    rng = random.Random(15)
    anonymous = [Client(stack.port) for _ in range(clients)]

    async def login_page(i: int, n: int) -> None:
        await timed(anonymous[i], Request("GET", "/accounts/login/"), "login", tally)

    async def mixed(i: int, n: int) -> None:
        design = seeded["designs"][i]
        roll = rng.random()
        if roll < 0.25:
            document = json.loads(json.dumps(documents[i]))
            document["spec"]["containers"][0]["image"] = f"registry.example.com/app:{i}.{n}"
            message = f"load {i}.{n}"
            answer = await timed(
                people[i], save_request(design, token, base[i], document, message), "save", tally
            )
            if answer is not None:
                base[i] = saved_revision(answer)
                confirmed.append((design, base[i], message))
        elif roll < 0.55:
            await timed(people[i], Request("GET", f"/designs/{design}/"), "editor page", tally)
        elif roll < 0.8:
            auth = {"Authorization": f"Bearer {token}"}
            await timed(
                people[i], Request("GET", f"/api/v1/designs/{design}", headers=auth), "api read", tally
            )
        else:
            await timed(people[i], Request("GET", "/"), "library", tally)

    await for_a_while(clients, min(5.0, seconds / 4), mixed)  # warm-up, saves included
    tally.times.clear()
    login_seconds = await for_a_while(clients, max(3.0, seconds / 4), login_page)
    login_rate = tally.count("login") / login_seconds
    mixed_seconds = await for_a_while(clients, seconds, mixed)
    everything = [t for kind, times in tally.times.items() if kind != "login" for t in times]
    login = tally.times.get("login", [0.0])
    print(
        f"B. mixed reads and saves, {clients} clients for {seconds:g} s (login page alone for {login_seconds:.0f} s)"
    )
    print(f"   {'kind':<12} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ("editor page", "api read", "library", "save", "login"):
        times = tally.times.get(kind, [])
        if times:
            print(
                f"   {kind:<12} {len(times):>6} {statistics.median(times) * 1000:>8.1f} {percentile(times, 99) * 1000:>8.1f}"
            )
    p50, p99 = statistics.median(everything), percentile(everything, 99)
    print(
        f"   all mixed    {len(everything):>6} {p50 * 1000:>8.1f} {p99 * 1000:>8.1f}"
        f"   ({len(everything) / mixed_seconds:.1f}/s against {login_rate:.1f}/s for the login page)"
    )
    print(
        f"   ratio to the login page: p50 {p50 / statistics.median(login):.1f}x, "
        f"p99 {p99 / percentile(login, 99):.1f}x, throughput {len(everything) / mixed_seconds / login_rate:.3f}"
    )
    return tally, confirmed, mixed_seconds


# --- main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short phases (a smoke run)")
    parser.add_argument("--duration", type=float, default=60.0, help="scenario B's length, seconds")
    parser.add_argument("--clients", type=int, default=20, help="scenario B's clients")
    parser.add_argument("--preview-clients", type=int, default=4, help="scenario A's clients")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", default="", help="a shared render cache, as in production")
    args = parser.parse_args(argv)
    rounds, seconds, duration = (2, 2.0, 8.0) if args.quick else (3, 8.0, args.duration)

    stack = Stack(args.workers, args.redis_url)
    try:
        stack.manage("migrate", "--noinput")
        documents = [pod(3, f"client-{i}") for i in range(args.clients)]
        spec = {"password": PASSWORD, "preview": pod(12, "preview-12"), "designs": documents}
        seeded = run_shell(stack, SEED, json.dumps(spec))
        stack.start()
        print(
            f"gunicorn: {args.workers} workers on {HOST}:{stack.port}; PostgreSQL database {stack.database}"
        )
        a = asyncio.run(scenario_a(stack, seeded, rounds, seconds, args.preview_clients))
        b, confirmed, _ = asyncio.run(scenario_b(stack, seeded, args.clients, duration, documents))
        verified = run_shell(stack, VERIFY, json.dumps(confirmed))
        errors = a.errors + b.errors
        print(f"errors: {len(errors)}")
        for error in errors[:10]:
            print("   " + error)
        print(f"confirmed saves: {verified['checked']}, missing afterwards: {len(verified['missing'])}")
        return 1 if errors or verified["missing"] else 0
    finally:
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
