"""Password reset: offered only when mail can be sent; never a "sent" page for a failed mail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


def test_it_is_not_offered_without_a_mail_server(client: Any, settings: Any) -> None:
    settings.POD_DESIGNER_PASSWORD_RESET = False
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.post("/accounts/password_reset/", {"email": "alice@example.com"}).status_code == 404
    assert b"Forgot your password" not in client.get("/accounts/login/").content


def test_it_sends_the_link_and_the_link_sets_a_new_password(client: Any, settings: Any, alice: Any) -> None:
    settings.POD_DESIGNER_PASSWORD_RESET = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert b"Forgot your password" in client.get("/accounts/login/").content
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "a-new-pass-phrase-7", "new_password2": "a-new-pass-phrase-7"}
    )
    assert done.status_code == 302
    assert client.login(username="alice", password="a-new-pass-phrase-7")


def test_it_never_says_sent_when_the_mail_failed(client: Any, settings: Any, alice: Any) -> None:
    settings.POD_DESIGNER_PASSWORD_RESET = True
    settings.EMAIL_BACKEND = "tests.views.test_password_reset.RefusingBackend"
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"could not be sent" in response.content
    assert b"Check your e-mail" not in response.content


def test_an_unknown_address_gets_the_same_answer(client: Any, settings: Any, alice: Any) -> None:
    settings.POD_DESIGNER_PASSWORD_RESET = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 0
