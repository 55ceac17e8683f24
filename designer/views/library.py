"""The library: the designs a user may see, and the Patterns collection."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from designer.access import visible_designs


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    designs = visible_designs(request.user).select_related("owner", "team")
    ctx = {
        "designs": designs.filter(is_starter=False)[:100],
        "patterns": designs.filter(is_starter=True).order_by("name"),
    }
    return render(request, "designer/library.html", ctx)
