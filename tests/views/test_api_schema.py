"""schemathesis against the served schema /api/v1/openapi.json: no server error, every answer
as the schema says (status, content type, JSON shape). Bounded and deterministic: a few
examples per operation, hypothesis derandomized, the Django WSGI app called in-process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from designer.models import ApiToken
from designer.pod.manifest import load_manifest
from tests.conftest import SIDECAR_POD

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 30


@pytest.fixture
def schema(db: None) -> Iterator[Any]:
    # The WSGI handler starts and ends each request by closing "old" connections, which on
    # PostgreSQL is the test's own connection inside its transaction; Django's test Client unhooks
    # those signals for the same reason, and so do we while schemathesis calls the app in-process.
    hooks = (signals.request_started, signals.request_finished)
    for hook in hooks:
        hook.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        for hook in hooks:
            hook.connect(close_old_connections)


def test_the_schema_describes_every_operation(schema: Any) -> None:
    operations = {(op.method.upper(), op.path) for op in (r.ok() for r in schema.get_all_operations())}
    assert operations == {
        ("GET", "/api/v1/designs"),
        ("POST", "/api/v1/designs"),
        ("GET", "/api/v1/designs/{pk}"),
        ("PUT", "/api/v1/designs/{pk}"),
        ("GET", "/api/v1/designs/{pk}/export"),
        ("POST", "/api/v1/lint"),
        ("POST", "/api/v1/diagram"),
    }


def test_every_answer_matches_the_schema(schema: Any, alice: Any, bob: Any, make_design: Any) -> None:
    own, others = make_design(), make_design(owner=bob, name="bob's")
    headers = {"Authorization": f"Bearer {ApiToken.issue(alice, 'schemathesis')[1]}"}
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), data=st.data())
        def run(case: Any, data: Any) -> None:
            nonlocal calls
            if "pk" in (case.path_parameters or {}):
                # Mostly real designs (one the token's user owns, one it may not see), so the
                # examples reach past the 404.
                choices = [own.pk, own.pk, others.pk, case.path_parameters["pk"]]
                case.path_parameters["pk"] = data.draw(st.sampled_from(choices))
            if data.draw(st.booleans()):
                _make_readable(case, own, data)
            response = case.call(headers=headers)
            calls += 1
            case.validate_response(response, checks=CHECKS)

        run()
    assert calls >= EXAMPLES * 5


def _make_readable(case: Any, design: Any, data: Any) -> None:
    """Half the examples carry a manifest that loads, so they reach past the 400 of the loader:
    the other fields (names, versions, levels, `choose`, base revisions) stay generated."""
    pod = load_manifest(SIDECAR_POD).document
    generated = case.body if isinstance(case.body, dict) else {}
    if case.operation.path in ("/api/v1/lint", "/api/v1/diagram"):
        case.media_type = "application/json"
        case.body = pod
    elif case.method.upper() == "POST" and case.operation.path == "/api/v1/designs":
        case.body = {**generated, "manifest": SIDECAR_POD}
    elif case.method.upper() == "PUT":
        changed = {**pod, "metadata": {"name": data.draw(st.sampled_from(["web", "web-2", "other"]))}}
        body = {**generated, "document": changed, "base_revision": data.draw(st.integers(0, 4))}
        body.pop("manifest", None)
        case.body = body
