"""Password reset by e-mail, offered only when mail can be sent (settings.POD_DESIGNER_PASSWORD_RESET).

Django's own form logs a failed mail and shows "sent" anyway; here a failed mail answers 503
with the form and says that nothing was sent, so nobody waits for a mail that never comes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template import loader

from designer import throttle

log = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server refused or could not be reached."""


class StrictPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        try:
            message.send()
        except Exception as exc:  # any backend failure (socket, SMTP, auth) means "not sent"
            log.warning("password reset mail not sent: %s", exc)
            raise MailNotSent from exc


def _offered(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not settings.POD_DESIGNER_PASSWORD_RESET:
            raise Http404("Password reset is not configured")
        return view(request, *args, **kwargs)

    return wrapped


class ResetView(auth_views.PasswordResetView):
    form_class = StrictPasswordResetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if refused := throttle.check(request, "password-reset"):
            return refused
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            return super().form_valid(form)
        except MailNotSent:
            form.add_error(None, "The e-mail could not be sent just now; nothing was sent. Try again later.")
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 503
            response["Retry-After"] = "60"
            return response


reset = _offered(ResetView.as_view())
reset_done = _offered(auth_views.PasswordResetDoneView.as_view())
reset_confirm = _offered(auth_views.PasswordResetConfirmView.as_view())
reset_complete = _offered(auth_views.PasswordResetCompleteView.as_view())
