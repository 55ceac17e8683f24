"""Every URL in the URLconf, tried as every kind of user: no view can slip through unchecked.

The URL list is built by walking get_resolver(), so views other engineers add later are covered
without touching this file. A URL whose parameter this file cannot fill fails the test: add a
filler below. Public URLs (sign-in, sign-up, password reset, the rule reference) and the admin
are the only exceptions, listed explicitly; test_public_pages_answer_everyone checks the rule pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from designer.models import ApiToken, Design, Membership, Team, TeamInvitation
from designer.revisions import Content, save_revision

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "logout",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "rules",  # the rule reference: documentation that CI output links to (views/rules.py)
    "rule",
    # The API's description: its OpenAPI schema, the docs page, and ninja's root (a 404 that
    # points at the docs). No data; tokens are tried by the API's operations themselves.
    "openapi-json",
    "openapi-view",
    "api-root",
    "api-not-found",  # a JSON 404 for any other path under /api/
    "completion-schema",  # the editor's completion schema: the Kubernetes API's own docs (views/schemas.py)
}
SKIP_NAMESPACES = {"admin"}  # Django's admin has its own staff-only sign-in
MISSING = 987_654


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    params: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:") or self.url(dict.fromkeys(self.params, 1)).startswith("/api/")

    def url(self, values: dict[str, Any]) -> str:
        return reverse(self.name, kwargs={p: values[p] for p in self.params})


def _walk(patterns: list[Any], namespace: str = "", params: tuple[str, ...] = ()) -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        found = params + tuple(getattr(entry.pattern, "converters", {}).keys())
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIP_NAMESPACES:
                continue
            inner = f"{namespace}:{ns}".strip(":") if ns else namespace
            routes += _walk(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"every URL needs a name (unnamed: {entry.pattern})"
            if entry.name in PUBLIC:
                continue
            routes.append(Route(f"{namespace}:{entry.name}".strip(":"), found))
    return routes


ROUTES = _walk(get_resolver().url_patterns)


def _starter_slug() -> str:
    try:
        from designer.pod.starters import list_starters
    except ImportError:
        return "no-such-starter"
    starters = list_starters()
    return starters[0].slug if starters else "no-such-starter"


@dataclass
class World:
    owner: Any
    viewer: Any
    editor: Any
    outsider: Any
    superuser: Any
    team: Team
    other_team: Team
    design: Design  # a team design: viewer and editor are members
    private: Design  # alice's private design: only alice (and superusers) may see it
    token: ApiToken
    invitation: TeamInvitation  # alice's: only alice may answer it

    def values(self, design: Design, team: Team, member: Any) -> dict[str, Any]:
        return {
            "pk": design.pk,
            "a": 1,
            "b": 2,
            "number": 1,
            "team_id": team.pk,
            "user_id": member.pk,
            "token_id": self.token.pk,
            "invitation_id": self.invitation.pk,
            "slug": _starter_slug(),
            "fmt": "svg",
        }

    @property
    def missing(self) -> dict[str, Any]:
        values = dict.fromkeys(("pk", "team_id", "user_id", "token_id", "invitation_id"), MISSING)
        return {**values, "a": 1, "b": 2, "number": 1, "slug": "no-such-starter", "fmt": "svg"}


@pytest.fixture
def world(django_user_model: Any, alice: Any, bob: Any, make_design: Any) -> World:
    viewer = django_user_model.objects.create_user("vera", password="vera-password-1")
    editor = django_user_model.objects.create_user("ed", password="ed-password-1")
    superuser = django_user_model.objects.create_superuser("root", password="root-password-1")
    team = Team.objects.create(name="Platform", slug="platform")
    other_team = Team.objects.create(name="Secret", slug="secret")
    Membership.objects.create(team=team, user=alice, level="admin")
    Membership.objects.create(team=team, user=viewer, level="viewer")
    Membership.objects.create(team=team, user=editor, level="editor")
    Membership.objects.create(team=other_team, user=alice, level="admin")
    design = make_design(name="team design", team=team, visibility=Design.Visibility.TEAM)
    private = make_design(name="alices secret plan")
    for d in (design, private):
        save_revision(d, Content.of(d.latest), alice, message="second")
    token, _ = ApiToken.issue(alice, "ci")
    guild = Team.objects.create(name="Guild", slug="guild")
    Membership.objects.create(team=guild, user=superuser, level="admin")
    invitation = TeamInvitation.objects.create(team=guild, user=alice, level="editor", invited_by=superuser)
    return World(alice, viewer, editor, bob, superuser, team, other_team, design, private, token, invitation)


def _snapshot(world: World) -> dict[str, Any]:
    return {
        "designs": sorted(
            # Only the world's designs: forks and starts from a pattern are new designs.
            Design.objects.filter(pk__in=[world.design.pk, world.private.pk]).values_list(
                "pk", "name", "visibility", "team_id", "owner_id", "deleted_at", "revision_count", "tags"
            )
        ),
        "memberships": sorted(Membership.objects.values_list("team_id", "user_id", "level")),
        "tokens": sorted(ApiToken.objects.values_list("pk", "user_id")),
        "invitations": sorted(TeamInvitation.objects.values_list("team_id", "user_id", "level")),
    }


def _object_routes() -> list[Route]:
    return [r for r in ROUTES if r.params and set(r.params) - {"slug"}]


def test_it_found_the_urls() -> None:
    names = {r.name for r in ROUTES}
    assert {"designer:library", "designer:design", "designer:history", "api:design"} <= names
    known = {"pk", "a", "b", "number", "team_id", "user_id", "token_id", "invitation_id", "slug", "fmt"}
    unknown = {(r.name, p) for r in ROUTES for p in r.params if p not in known}
    assert not unknown, f"teach test_access_matrix.World.values to fill {unknown}"


def test_it_sends_anonymous_visitors_to_sign_in(client: Any, world: World) -> None:
    before = _snapshot(world)
    values = world.values(world.design, world.team, world.viewer)
    for route in ROUTES:
        url = route.url(values)
        statuses = set()
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            statuses.add(response.status_code)
            if route.is_api:
                # 405 for a method the endpoint does not serve at all tells nothing away.
                assert response.status_code in (401, 405), f"anonymous {method.upper()} {url}"
            else:
                assert response.status_code == 302, f"anonymous {method.upper()} {url}"
                assert response["Location"].startswith(reverse("login")), url
        if route.is_api:
            assert 401 in statuses, f"{url} answers anonymous requests without asking for a token"
    assert _snapshot(world) == before


@pytest.mark.parametrize("who", ["outsider", "viewer", "editor"])
def test_it_answers_404_for_what_a_user_may_not_see(client: Any, world: World, who: str) -> None:
    """The private design, a team the user is not in, another user's token: as if they did not exist."""
    user = getattr(world, who)
    client.force_login(user)
    before = _snapshot(world)
    values = world.values(world.private, world.other_team, world.owner)
    for route in _object_routes():
        for method in ("get", "post"):
            for headers in ({}, {"HX-Request": "true"}):
                real = getattr(client, method)(route.url(values), headers=headers)
                missing = getattr(client, method)(route.url(world.missing), headers=headers)
                where = f"{who} {method.upper()} {route.url(values)}"
                assert real.status_code in (404, 405), where
                assert real.status_code == missing.status_code, where
                assert world.private.name.encode() not in real.content, where
    assert _snapshot(world) == before


def test_it_never_lists_a_private_design_to_others(client: Any, world: World) -> None:
    client.force_login(world.outsider)
    for route in ROUTES:
        if route.params:
            continue
        response = client.get(route.url({}))
        assert world.private.name.encode() not in response.content, route.name


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_it_lets_team_members_read_but_not_manage(client: Any, world: World, who: str) -> None:
    client.force_login(getattr(world, who))
    values = world.values(world.design, world.team, world.viewer)
    for route in ROUTES:
        if route.name in ("designer:history", "designer:revision", "designer:diff", "designer:design"):
            assert client.get(route.url(values)).status_code == 200, route.name
    before = _snapshot(world)
    for route in ROUTES:
        url = route.url(values)
        assert client.get(url).status_code < 500, url
        if route.name == "designer:team-leave":
            continue  # leaving is every member's own right (test_teams.py)
        assert client.post(url).status_code < 500, url
    after = _snapshot(world)
    # Members never manage (rename, share, move, trash, purge, membership, tokens); editors may
    # add revisions; forks are new designs and excluded from the snapshot.
    if who == "editor":
        strip = (
            [row[:-2] + row[-1:] for row in before["designs"]],
            [row[:-2] + row[-1:] for row in after["designs"]],
        )
        assert strip[0] == strip[1]
    else:
        assert after["designs"] == before["designs"]
    assert after["memberships"] == before["memberships"]
    assert after["tokens"] == before["tokens"]
    assert after["invitations"] == before["invitations"]


@pytest.mark.parametrize("who", ["owner", "superuser"])
def test_it_opens_every_page_to_the_owner_and_superusers(client: Any, world: World, who: str) -> None:
    client.force_login(getattr(world, who))
    values = world.values(world.design, world.team, world.viewer)
    for route in ROUTES:
        if route.params == ("slug",) and values["slug"] == "no-such-starter":
            continue
        response = client.get(route.url(values))
        assert response.status_code not in (401, 403, 404), f"{who} GET {route.url(values)}"
        assert response.status_code < 500, f"{who} GET {route.url(values)}"


def test_public_pages_answer_everyone(client: Any, world: World) -> None:
    for who in (None, world.owner):
        client.logout()
        if who is not None:
            client.force_login(who)
        assert client.get(reverse("designer:rules")).status_code == 200
        assert (
            client.get(reverse("designer:rule", kwargs={"rule_id": "PAT-PORT-CONFLICT"})).status_code == 200
        )
        assert client.get(reverse("designer:rule", kwargs={"rule_id": "NO-SUCH-RULE"})).status_code == 404
        assert client.post(reverse("designer:rules")).status_code == 405
        schema = reverse("designer:completion-schema", kwargs={"version": "1.33"})
        assert client.get(schema).status_code == 200
