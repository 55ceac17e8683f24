"""Template context every page needs: whether open sign-up and password reset are on (the sign-in page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"signup_open": settings.POD_DESIGNER_SIGNUP, "reset_open": settings.POD_DESIGNER_PASSWORD_RESET}
