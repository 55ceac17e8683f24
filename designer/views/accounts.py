"""Accounts: open sign-up (when settings.POD_DESIGNER_SIGNUP), the profile and its API tokens.

Sign in/out and password change are Django's own views (accounts/ in urls.py) with our templates.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from designer import throttle
from designer.access import AuthedRequest
from designer.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(label="Token name", max_length=100, help_text="What uses it, e.g. “CI pipeline”.")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.POD_DESIGNER_SIGNUP:
        raise Http404("Sign-up is closed")
    if request.user.is_authenticated:
        return redirect("designer:library")
    if request.method == "POST" and (refused := throttle.check(request, "signup")):
        return refused
    form: UserCreationForm[User] = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome, {user.get_username()}.")
        return redirect("designer:library")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


def _profile(request: AuthedRequest, form: TokenForm, secret: str = "", status: int = 200) -> HttpResponse:
    ctx = {
        "form": form,
        "secret": secret,
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created"),
        "teams": request.user.memberships.select_related("team").order_by("team__name"),
    }
    return render(request, "registration/profile.html", ctx, status=status)


@login_required
@require_GET
def profile(request: AuthedRequest) -> HttpResponse:
    return _profile(request, TokenForm())


@login_required
@require_POST
def create_token(request: AuthedRequest) -> HttpResponse:
    if refused := throttle.check(request, "token", f"user:{request.user.pk}"):
        return refused
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _profile(request, form, status=400)
    _, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
    # The secret is rendered in this response only: it is stored hashed and cannot be shown again.
    response = _profile(request, TokenForm(), secret=secret, status=201)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    token.delete()
    messages.success(request, f"Revoked the token “{token.name}”.")
    return redirect("profile")
