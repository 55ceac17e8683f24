"""Benchmark: the library page and its search at 10, 1,000 and 10,000 designs.

Plain script (`.venv/bin/python bench/library.py`): builds a throw-away SQLite database, fills
it with designs as a team would have them (own, team and shared designs), and prints for each
size the median server time and the query count of the page, a search and a filtered search,
as ratios against the 10-design baseline measured in the same run. Goal: 10,000 designs within
3x the time of 10, with the same query count.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="pod-bench-")
# Never the configured database: the benchmark fills it with throw-away rows. BENCH_DATABASE_URL
# may point at an empty scratch database (e.g. PostgreSQL) instead of the temporary SQLite file.
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "designer.settings"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from designer.models import Design, Membership, Revision, Team  # noqa: E402
from designer.pod.manifest import load_manifest  # noqa: E402
from designer.revisions import Content, create_design  # noqa: E402

SIZES = (10, 1_000, 10_000)
RUNS = 15
URLS = {
    "library": "/",
    "search": "/?q=proxy",
    "filtered": "/?q=shop&role=ambassador&tag=db&has_errors=on&sort=name&page=2",
}
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: shop}
spec:
  containers:
  - {name: shop, image: "shop/app:1.0"}
  - {name: proxy, image: "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0"}
"""
IMAGES = ["nginx:1.27", "envoyproxy/envoy:v1.31", "fluent/fluent-bit:3.1", "prom/statsd-exporter:v0.27"]
ROLES = ["main", "main,sidecar", "ambassador,main", "adapter,main,sidecar"]


def fill(user: User, others: list[User], team: Team, latest: Revision | None, upto: int) -> None:
    have = Design.objects.count()
    batch = []
    for i in range(have, upto):
        owner = user if i % 3 == 0 else others[i % len(others)]
        shared = i % 3 == 1
        batch.append(
            Design(
                name=f"design {i}",
                description=f"pod number {i}",
                owner=owner,
                team=team if i % 3 == 2 else None,
                visibility="shared" if shared else ("team" if i % 3 == 2 else "private"),
                tags=",db,mesh," if i % 4 == 0 else ",web,",
                latest=latest,
                revision_count=1,
                search_text=f"design {i} shop-{i % 50} {IMAGES[i % 4]} proxy-{i % 7}",
                roles_present=ROLES[i % 4],
                error_count=i % 5 == 0,
                warning_count=i % 3,
            )
        )
    Design.objects.bulk_create(batch, batch_size=1000)


def measure(client: Client, url: str) -> tuple[float, int]:
    for _ in range(3):
        client.get(url)  # warm caches, templates and the database's page cache
    times = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def main() -> int:
    call_command("migrate", verbosity=0)
    User = get_user_model()
    user = User.objects.create_user("bench")
    others = [User.objects.create_user(f"other{i}") for i in range(5)]
    team = Team.objects.create(name="Shop", slug="shop")
    Membership.objects.create(team=team, user=user, level="editor")
    manifest = load_manifest(POD)
    seed = create_design(user, "seed", Content(manifest.document, [], {}))
    client = Client()
    client.force_login(user)
    results: dict[tuple[int, str], tuple[float, int]] = {}
    for size in SIZES:
        fill(user, others, team, seed.latest, size)
        # The rows created here stay out of the measurement: a server process never holds them.
        gc.collect()
        gc.freeze()
        for label, url in URLS.items():
            results[(size, label)] = measure(client, url)
    print(f"database: {connection.vendor}; median of {RUNS} requests; ratios against {SIZES[0]} designs")
    print(f"{'designs':>8} {'page':>9} {'time ms':>9} {'ratio':>6} {'queries':>8}")
    ok = True
    for size in SIZES:
        for label in URLS:
            seconds, queries = results[(size, label)]
            base_seconds, base_queries = results[(SIZES[0], label)]
            ratio = seconds / base_seconds
            print(f"{size:>8} {label:>9} {seconds * 1000:>9.2f} {ratio:>6.2f} {queries:>8}")
            if size == SIZES[-1]:
                ok &= ratio <= 3 and queries == base_queries
    print("goal (10,000 within 3x of 10, same query count):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
