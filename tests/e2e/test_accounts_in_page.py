"""In Chromium: no page breaks the Content-Security-Policy; sharing, invitations and throttling."""

from __future__ import annotations

from typing import Any

from designer.models import Design, Membership, Team


def _csp_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    return errors


def test_no_page_breaks_the_policy(signed_in_page: Any, live_server: Any, make_design: Any) -> None:
    page = signed_in_page
    errors = _csp_errors(page)
    design = make_design()
    for path in (
        "/",
        f"/designs/{design.pk}/settings/",
        f"/designs/{design.pk}/history/",
        f"/designs/{design.pk}/revisions/1/",
        "/teams/",
        "/accounts/profile/",
        "/rules/",
        "/designs/new",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # htmx ran (it would have injected its indicator style without the meta tag) and drew nothing inline.
    assert page.evaluate("typeof htmx !== 'undefined' && htmx.config.includeIndicatorStyles === false")
    assert errors == []


def test_the_editor_does_not_break_the_policy(
    signed_in_page: Any, live_server: Any, make_design: Any
) -> None:
    page = signed_in_page
    errors = _csp_errors(page)
    design = make_design()
    page.goto(f"{live_server.url}/designs/{design.pk}/")
    page.wait_for_load_state("networkidle")
    page.locator("#form-panel").get_by_label("Image", exact=True).first.fill("nginx:1.27")
    page.wait_for_load_state("networkidle")
    assert errors == []


def test_moving_into_a_team_and_opening_it_is_one_step(
    signed_in_page: Any, live_server: Any, make_design: Any, alice: Any, screenshot: Any
) -> None:
    page = signed_in_page
    team = Team.objects.create(name="Platform", slug="platform")
    Membership.objects.create(team=team, user=alice, level="editor")
    design = make_design()
    page.goto(f"{live_server.url}/designs/{design.pk}/settings/")
    page.get_by_role("radio", name="Team (members of its team)").check()
    page.get_by_role("button", name="Save where it lives and who sees it").click()
    assert page.locator("#visibility-error").is_visible()
    screenshot("sharing-error-next-to-visibility")
    page.get_by_label("Where it lives:").select_option(label="Team: Platform")
    page.get_by_role("radio", name="Team (members of its team)").check()
    page.get_by_role("button", name="Save where it lives and who sees it").click()
    page.wait_for_selector(".message-success")
    screenshot("sharing-saved")
    design.refresh_from_db()
    assert (design.team, design.visibility) == (team, Design.Visibility.TEAM)
    page.goto(f"{live_server.url}/designs/{design.pk}/history/")
    assert page.get_by_text("Moved from the personal space of alice to team Platform").is_visible()
    screenshot("history-sharing-events")


def test_an_invitation_is_accepted_by_the_invited_user(
    signed_in_page: Any, live_server: Any, alice: Any, bob: Any, browser: Any, screenshot: Any
) -> None:
    page = signed_in_page
    team = Team.objects.create(name="Platform", slug="platform")
    Membership.objects.create(team=team, user=alice, level="admin")
    page.goto(f"{live_server.url}/teams/{team.pk}/")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Level:").select_option("editor")
    page.get_by_role("button", name="Invite").click()
    page.wait_for_selector(".message-success")
    screenshot("team-invited")

    bob_page = browser.new_context().new_page()
    bob_page.goto(f"{live_server.url}/accounts/login/")
    bob_page.get_by_label("Username").fill("bob")
    bob_page.get_by_label("Password").fill("bob-password-1")
    bob_page.get_by_role("button", name="Sign in").click()
    bob_page.goto(f"{live_server.url}/teams/")
    bob_page.screenshot(path=str(screenshot("team-invited").parent / "teams-invitation.png"), full_page=True)
    bob_page.get_by_role("button", name="Accept the invitation to Platform").click()
    bob_page.wait_for_selector(".message-success")
    assert Membership.objects.get(team=team, user=bob).level == "editor"
    assert bob_page.get_by_role("button", name="Leave Platform").is_visible()


def test_repeated_failures_show_the_throttle_page(
    page: Any, live_server: Any, alice: Any, screenshot: Any
) -> None:
    for attempt in range(6):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        with page.expect_response(
            lambda r: r.url.endswith("/accounts/login/") and r.request.method == "POST"
        ) as info:
            page.get_by_role("button", name="Sign in").click()
        status = info.value.status
    assert status == 429
    assert info.value.headers["retry-after"] == "900"
    assert page.get_by_role("heading", name="Too many attempts").is_visible()
    screenshot("sign-in-throttled")
