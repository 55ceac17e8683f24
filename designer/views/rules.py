"""The rule reference as public pages: every rule, and one rule with its failing and passing example.

Public like the CLI's `rules` command: the texts are documentation, not user data, and the SARIF
and JSON output of `lint --base-url` link here from CI systems whose readers may not sign in.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from designer.pod.rules import reference


@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(request, "designer/rules.html", {"families": reference.families()})


@require_GET
def rule_detail(request: HttpRequest, rule_id: str) -> HttpResponse:
    doc = reference.rule(rule_id)
    if doc is None:
        raise Http404("no such rule")
    paragraphs = [" ".join(p.split()) for p in doc.explanation.split("\n\n")]
    return render(request, "designer/rule_detail.html", {"rule": doc, "paragraphs": paragraphs})
