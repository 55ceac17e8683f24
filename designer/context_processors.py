"""Template context every page needs: whether open sign-up is on (for the sign-in page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"signup_open": settings.POD_DESIGNER_SIGNUP}
