"""/rules/ and /rules/<ID>/: the rule reference as public pages, linked from every finding."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from designer.pod.rules import reference

pytestmark = pytest.mark.django_db


def test_it_lists_every_rule_by_family(client: Any) -> None:
    response = client.get("/rules/")
    assert response.status_code == 200
    html = response.content.decode()
    for family in reference.families():
        assert f'id="{family.name}"' in html
    for rule_id in reference.rules():
        assert f'href="/rules/{rule_id}/"' in html


def test_it_explains_a_rule_with_its_examples(client: Any) -> None:
    doc = reference.rules()["K8S-CTR-NAME-UNIQUE"]
    response = client.get("/rules/K8S-CTR-NAME-UNIQUE/")
    assert response.status_code == 200
    html = response.content.decode()
    assert doc.summary in html and "Fails" in html and "Passes" in html
    assert "initContainers: [{name: app, image: busybox:1.36" in html


def test_it_finds_a_rule_whatever_the_case_and_answers_404_for_an_unknown_one(client: Any) -> None:
    assert client.get("/rules/pat-port-conflict/").status_code == 200
    assert client.get("/rules/PAT-NO-SUCH-THING/").status_code == 404


def test_the_nav_links_to_the_rules_signed_in_or_not(client: Any, alice: Any) -> None:
    assert 'href="/rules/"' in client.get("/accounts/login/").content.decode()
    client.force_login(alice)
    assert 'href="/rules/"' in client.get(reverse("designer:library")).content.decode()


def test_every_finding_in_the_editor_links_to_its_rule(alice_client: Any, make_design: Any) -> None:
    html = alice_client.get(reverse("designer:design", kwargs={"pk": make_design().pk})).content.decode()
    rules = set(re.findall(r'<li class="finding[^"]*" data-rule="([^"]+)"', html))
    assert rules
    for rule_id in rules:
        assert f'[<a href="/rules/{rule_id}/" target="_blank">{rule_id}</a>]' in html
