"""Starter designs are seeded idempotently; the sign-in page offers sign-up only when it is open."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from designer.models import Design, Revision
from designer.pod.starters import list_starters

pytestmark = pytest.mark.django_db


def test_it_seeds_every_starter_once() -> None:
    call_command("seed_starters")
    call_command("seed_starters")
    starters = Design.objects.filter(is_starter=True)
    assert sorted(starters.values_list("starter_slug", flat=True)) == sorted(s.slug for s in list_starters())
    assert Revision.objects.count() == len(list_starters())
    assert set(starters.values_list("visibility", flat=True)) == {"shared"}


def test_a_starter_that_names_a_podsecurity_level_is_checked_at_it() -> None:
    call_command("seed_starters")
    levels = dict(Design.objects.filter(is_starter=True).values_list("starter_slug", "pss_level"))
    assert levels == {s.slug: s.pss for s in list_starters()}
    assert levels["pod-designer-on-kubernetes"] == "restricted"


def test_starters_show_as_patterns_to_every_user(client: Any, bob: Any) -> None:
    call_command("seed_starters")
    client.force_login(bob)
    page = client.get("/").content.decode()
    for starter in list_starters():
        assert starter.name in page


def test_it_creates_the_local_admin_once(capsys: Any) -> None:
    call_command("ensure_admin")
    first = capsys.readouterr().out
    call_command("ensure_admin")
    second = capsys.readouterr().out
    assert "password" in first and "admin" in first
    assert "exists" in second


def test_sign_in_offers_sign_up_only_when_open(client: Any, settings: Any) -> None:
    settings.POD_DESIGNER_SIGNUP = False
    assert b"Create an account" not in client.get("/accounts/login/").content
    settings.POD_DESIGNER_SIGNUP = True
    assert b"Create an account" in client.get("/accounts/login/").content


def test_every_page_links_its_favicon(client: Any) -> None:
    from django.contrib.staticfiles import finders

    html = client.get("/accounts/login/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/designer/favicon\.svg" type="image/svg\+xml">', html)
    found = finders.find("designer/favicon.svg")
    assert found and Path(str(found)).read_text(encoding="utf-8").startswith("<svg")
