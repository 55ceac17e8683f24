"""The library: search, filters, sorting and pagination over the designs a user may see."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from designer.access import AuthedRequest, visible_designs
from designer.library_search import LibraryFilterForm, filter_designs
from designer.models import Team
from designer.numbers import ascii_int

PAGE_SIZE = 25


@login_required
@require_GET
@vary_on_headers("HX-Request")
def library(request: AuthedRequest) -> HttpResponse:
    teams = list(Team.objects.filter(memberships__user=request.user).order_by("name"))
    form = LibraryFilterForm(request.GET, teams=teams)
    query = form.query()
    visible = visible_designs(request.user).select_related("owner", "team")
    designs = filter_designs(visible.filter(is_starter=False), query, request.user)
    page = Paginator(designs, PAGE_SIZE).get_page(ascii_int(request.GET.get("page")))
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "form": form,
        "page": page,
        "query_string": params.urlencode(),
        "filtered": bool(query.keys() - {"sort"}),
        "patterns": visible.filter(is_starter=True).order_by("name")[:50],
    }
    template = "designer/library.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(request, template, ctx)
