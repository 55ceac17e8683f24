"""The completion schema of a Kubernetes version, for the YAML editor (yaml_editor.js).

Public like the rule reference: it is the Kubernetes API's own documentation, no user data, and
a public response may sit in shared caches. Built once per process and version; the browser
keeps it a day and then revalidates with the ETag (the text changes only with the
kubernetes-validate package).
"""

from __future__ import annotations

import functools
import gzip
import hashlib

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from designer.models import K8S_VERSIONS
from designer.pod.completion_schema import completion_schema
from designer.pod.rules.context import parse_version

MAX_AGE = 24 * 3600


@functools.cache
def _encoded(version: str) -> tuple[bytes, bytes, str]:
    """The JSON, its gzip form (the text compresses to a quarter) and its ETag."""
    body = completion_schema(parse_version(version))
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return body, gzip.compress(body, compresslevel=9, mtime=0), etag


@require_GET
def completion(request: HttpRequest, version: str) -> HttpResponse:
    if version not in K8S_VERSIONS:
        raise Http404("no schema for that Kubernetes version")
    body, compressed, etag = _encoded(version)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE}", "Vary": "Accept-Encoding"}
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified(headers=headers)
        return response
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="application/json", headers=headers)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type="application/json", headers=headers)
    return response
