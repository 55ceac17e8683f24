"""Throttling: sign-in per username and per address (django-axes), sign-up and token creation."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _sign_in(client: Any, username: str, password: str, addr: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=addr)


def test_it_answers_429_with_retry_after_after_repeated_failures(
    client: Any, alice: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    answers = [_sign_in(client, "alice", f"wrong-{i}").status_code for i in range(3)]
    assert answers[:2] == [200, 200]  # the form again, with its error
    refused = _sign_in(client, "alice", "alice-password-1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == settings.POD_DESIGNER_THROTTLE_COOLOFF
    assert b"Too many attempts" in refused.content
    assert "_auth_user_id" not in client.session  # the right password did not sign in


def test_it_locks_the_username_from_any_address(client: Any, alice: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for i in range(3):
        _sign_in(client, "alice", f"wrong-{i}", addr=f"10.0.1.{i}")
    assert _sign_in(client, "alice", "alice-password-1", addr="10.0.2.1").status_code == 429


def test_it_locks_the_address_for_any_username(client: Any, alice: Any, bob: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for name in ("carol", "dave", "erin"):
        _sign_in(client, name, "guess", addr="10.0.3.1")
    assert _sign_in(client, "bob", "bob-password-1", addr="10.0.3.1").status_code == 429


def test_it_leaves_another_user_elsewhere_unaffected(
    client: Any, alice: Any, bob: Any, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for i in range(4):
        _sign_in(client, "alice", f"wrong-{i}", addr="10.0.4.1")
    assert _sign_in(client, "bob", "bob-password-1", addr="10.0.4.2").status_code == 302


def test_it_lets_the_right_password_in_after_the_cool_off(client: Any, alice: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    for i in range(3):
        _sign_in(client, "alice", f"wrong-{i}")
    assert _sign_in(client, "alice", "alice-password-1").status_code == 429
    time.sleep(1.2)
    assert _sign_in(client, "alice", "alice-password-1").status_code == 302
    assert client.get("/").status_code == 200


def test_it_ignores_a_forged_forwarded_for_without_a_proxy(client: Any, alice: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    for i in range(3):
        client.post(
            LOGIN,
            {"username": f"u{i}", "password": "x"},
            REMOTE_ADDR="10.0.5.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{i}",
        )
    assert _sign_in(client, "alice", "alice-password-1", addr="10.0.5.1").status_code == 429


def test_it_reads_the_client_address_behind_a_proxy(client: Any, alice: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.POD_DESIGNER_PROXY_COUNT = 1
    for i in range(3):
        # The client put a fake hop first; the proxy appended the real address.
        forwarded = f"9.9.9.{i}, 203.0.113.7"
        client.post(
            LOGIN,
            {"username": f"u{i}", "password": "x"},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    other = client.post(
        LOGIN,
        {"username": "alice", "password": "alice-password-1"},
        REMOTE_ADDR="10.0.0.9",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other.status_code == 302  # the proxy's address is not what was locked


def test_the_test_client_login_still_works(client: Any, alice: Any) -> None:
    assert client.login(username="alice", password="alice-password-1")


def test_it_throttles_sign_up_per_address(client: Any, settings: Any) -> None:
    settings.POD_DESIGNER_SIGNUP = True
    settings.POD_DESIGNER_THROTTLE_LIMIT = 2
    data = {"username": "x", "password1": "short", "password2": "different"}
    assert [client.post("/accounts/signup/", data).status_code for _ in range(2)] == [400, 400]
    refused = client.post("/accounts/signup/", data)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert client.post("/accounts/signup/", data, REMOTE_ADDR="10.9.9.9").status_code == 400


def test_it_throttles_token_creation(alice_client: Any, settings: Any) -> None:
    settings.POD_DESIGNER_THROTTLE_LIMIT = 2
    codes = [alice_client.post("/accounts/profile/tokens", {"name": f"t{i}"}).status_code for i in range(3)]
    assert codes == [201, 201, 429]
    from designer.models import ApiToken

    assert ApiToken.objects.count() == 2
