"""The library page: search, filters, sorting, pagination, patterns, htmx partial, query count."""

from __future__ import annotations

import re
from typing import Any

import pytest

from designer.models import Design, Membership, Team

pytestmark = pytest.mark.django_db

AMBASSADOR_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: orders
spec:
  containers:
  - name: orders
    image: shop/orders:2.0
    env:
    - name: DB_HOST
      value: localhost:5432
  - name: cloud-sql-proxy
    image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0
    ports:
    - containerPort: 5432
"""


def names(response: Any) -> list[str]:
    return [d.name for d in response.context["page"].object_list]


def test_it_lists_only_designs_the_user_may_see(alice_client: Any, make_design: Any, bob: Any) -> None:
    make_design(name="mine")
    make_design(name="bobs private", owner=bob)
    make_design(name="bobs shared", owner=bob, visibility=Design.Visibility.SHARED)
    response = alice_client.get("/")
    assert response.status_code == 200
    assert sorted(names(response)) == ["bobs shared", "mine"]
    assert b"bobs private" not in response.content


def test_it_searches_names_container_names_and_images(alice_client: Any, make_design: Any) -> None:
    make_design(name="web")
    make_design(AMBASSADOR_POD, name="orders")
    assert names(alice_client.get("/?q=fluent-bit")) == ["web"]
    assert names(alice_client.get("/?q=CLOUD-SQL")) == ["orders"]
    assert names(alice_client.get("/?q=orders proxy")) == ["orders"]
    assert names(alice_client.get("/?q=nothing-like-this")) == []


def test_it_filters_by_role_tag_owner_team_version_and_errors(
    alice_client: Any, alice: Any, bob: Any, make_design: Any
) -> None:
    team = Team.objects.create(name="Platform", slug="platform")
    Membership.objects.create(team=team, user=alice, level="viewer")
    make_design(name="web", tags=",logging,")
    make_design(AMBASSADOR_POD, name="orders", k8s_version="1.30")
    make_design(name="team one", owner=bob, team=team, visibility=Design.Visibility.TEAM)
    Design.objects.update(error_count=0)
    Design.objects.filter(name="web").update(error_count=2)
    assert names(alice_client.get("/?role=ambassador")) == ["orders"]
    assert names(alice_client.get("/?tag=logging")) == ["web"]
    assert sorted(names(alice_client.get("/?owner=me"))) == ["orders", "web"]
    assert names(alice_client.get("/?owner=bob")) == ["team one"]
    assert names(alice_client.get(f"/?team={team.pk}")) == ["team one"]
    assert names(alice_client.get("/?version=1.30")) == ["orders"]
    assert names(alice_client.get("/?has_errors=on")) == ["web"]


def test_it_sorts_and_paginates(alice_client: Any, make_design: Any) -> None:
    for name in ["b", "a", "c"]:
        make_design(name=name)
    assert names(alice_client.get("/?sort=name")) == ["a", "b", "c"]
    assert names(alice_client.get("/")) == ["c", "a", "b"]  # newest first


def test_it_paginates_keeping_the_query(alice: Any, alice_client: Any, make_design: Any) -> None:
    design = make_design(name="page test")
    # Rows that share the first design's latest revision: the library reads only Design columns.
    Design.objects.bulk_create(
        [
            Design(name=f"bulk {i:02}", owner=alice, latest=design.latest, search_text=f"bulk {i}")
            for i in range(30)
        ]
    )
    first = alice_client.get("/?q=bulk&sort=name")
    assert len(names(first)) == 25
    assert b"q=bulk&amp;sort=name&amp;page=2" in first.content
    second = alice_client.get("/?q=bulk&sort=name&page=2")
    assert names(second) == [f"bulk {i:02}" for i in range(25, 30)]


def test_it_renders_only_the_results_for_htmx(alice_client: Any, make_design: Any) -> None:
    make_design(name="web")
    response = alice_client.get("/?q=web", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "Patterns" not in html


def test_it_shows_starters_as_patterns(alice_client: Any, make_design: Any, bob: Any) -> None:
    make_design(name="Sidecar logging", owner=None, is_starter=True, visibility=Design.Visibility.SHARED)
    response = alice_client.get("/")
    assert [d.name for d in response.context["patterns"]] == ["Sidecar logging"]
    assert names(response) == []


def test_it_keeps_the_query_count_flat(
    alice: Any, alice_client: Any, make_design: Any, django_assert_max_num_queries: Any
) -> None:
    design = make_design(name="seed")
    with django_assert_max_num_queries(8) as small:
        alice_client.get("/?q=seed&sort=name")
    Design.objects.bulk_create(
        [
            Design(name=f"d{i}", owner=alice, latest=design.latest, search_text=f"seed {i}", tags=",x,")
            for i in range(600)
        ]
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = alice_client.get("/?q=seed&sort=name&page=3")
    assert len(names(response)) == 25


def test_it_requires_sign_in(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wide_tables_scroll_in_their_own_box(alice_client: Any, make_design: Any) -> None:
    design = make_design()
    for url in ("/", f"/designs/{design.pk}/history/"):
        html = alice_client.get(url).content.decode()
        assert re.search(r'<div class="table-scroll"[^>]*>\s*<table', html), url
