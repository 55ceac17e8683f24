"""Accounts: sign-up behind a setting, password change, profile with API tokens (shown once)."""

from __future__ import annotations

from typing import Any

import pytest

from designer.models import ApiToken

pytestmark = pytest.mark.django_db


def test_it_closes_sign_up_by_default(client: Any, settings: Any) -> None:
    settings.POD_DESIGNER_SIGNUP = False
    assert client.get("/accounts/signup/").status_code == 404


def test_it_signs_up_when_open(client: Any, settings: Any, django_user_model: Any) -> None:
    settings.POD_DESIGNER_SIGNUP = True
    assert client.get("/accounts/signup/").status_code == 200
    data = {"username": "carol", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"}
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302
    assert django_user_model.objects.filter(username="carol").exists()
    assert client.get("/").status_code == 200  # signed in


def test_it_signs_in_and_out(client: Any, alice: Any) -> None:
    response = client.post("/accounts/login/", {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_it_changes_the_password(alice_client: Any, alice: Any) -> None:
    assert alice_client.get("/accounts/password_change/").status_code == 200
    data = {
        "old_password": "alice-password-1",
        "new_password1": "new-pass-phrase-42",
        "new_password2": "new-pass-phrase-42",
    }
    response = alice_client.post("/accounts/password_change/", data)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("new-pass-phrase-42")


def test_it_shows_a_new_token_once_and_stores_its_hash(alice_client: Any, alice: Any) -> None:
    response = alice_client.post("/accounts/profile/tokens", {"name": "CI pipeline"})
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret.startswith("pd_") and secret.encode() in response.content
    token = ApiToken.objects.get(user=alice)
    assert token.token_hash == ApiToken.hash(secret) and secret not in token.token_hash
    page = alice_client.get("/accounts/profile/")
    assert b"CI pipeline" in page.content
    assert secret.encode() not in page.content


def test_it_revokes_only_own_tokens(alice_client: Any, alice: Any, bob: Any) -> None:
    mine, _ = ApiToken.issue(alice, "mine")
    bobs, _ = ApiToken.issue(bob, "bobs")
    assert alice_client.post(f"/accounts/profile/tokens/{bobs.pk}/revoke").status_code == 404
    assert alice_client.post(f"/accounts/profile/tokens/{mine.pk}/revoke").status_code == 302
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["bobs"]
