"""The hostile user: every form and endpoint a user can post to, fed with junk and attacks.

The promise under test: bad input gets a clear message and loses nothing; never a 500 page;
user strings are escaped in HTML and SVG; nothing is saved on an error; the input stays in the
form; private designs answer 404 to others; CSRF is checked.
"""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.models import Design, Revision, Team
from tests.views.editor_helpers import field_name, form_data

pytestmark = pytest.mark.django_db

BROKEN = Path(__file__).parent.parent / "fixtures" / "broken"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE_NAMES = [
    SCRIPT,
    IMG,
    "{{ 7*7 }}",
    "{% debug %}",
    "../../etc/passwd",
    "\u202eevil\u200b\u200dname",
    "x" * 10_000,
    "nul\x00byte",
    "'; DROP TABLE designer_design; --",
]

WORKLOAD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
"""


def _hostile_pod(name: str) -> str:
    doc = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}, "annotations": {name: name}},
        "spec": {
            "containers": [
                {
                    "name": name,
                    "image": name,
                    "env": [{"name": "URL", "value": name}],
                    "ports": [{"containerPort": 8080, "name": name}],
                    "volumeMounts": [{"name": name, "mountPath": name}],
                }
            ],
            "volumes": [{"name": name, "configMap": {"name": name}}],
        },
    }
    return json.dumps(doc)


def _client(client: Any) -> Any:
    client.raise_request_exception = False
    return client


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self._in_json = False
        self._json = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k.lower(): v or "" for k, v in attrs}
        self.tags.append((tag, names))
        self._in_script = tag == "script"
        # A JSON script element is data the browser never runs (the YAML editor's diagnostics):
        # it must parse as JSON whole, which it cannot if the input closed the element early.
        self._in_json = self._in_script and names.get("type") == "application/json"

    def handle_endtag(self, tag: str) -> None:
        if self._in_json:
            json.loads(self._json)
            self._json = ""
        self._in_script = False
        self._in_json = False

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self._json += data
        elif self._in_script:
            self.scripts.append(data)


def _assert_no_injection(markup: str) -> None:
    """No element, attribute or script that came from the hostile input (escaped text is fine)."""
    assert SCRIPT not in markup
    parser = _Tags()
    parser.feed(markup)
    for tag, attrs in parser.tags:
        assert not (tag == "img" and attrs.get("src") == "x"), (tag, attrs)
        for name, value in attrs.items():
            assert not (name.startswith("on") and "alert(1)" in value), (tag, attrs)
    assert not any("alert(1)" in text for text in parser.scripts)


def _assert_clean(response: Any) -> None:
    """Never a server error; HTML answers carry no live script or event handler from input."""
    assert response.status_code < 500, response.content[:2000]
    ctype = response.get("Content-Type", "")
    if "html" in ctype or "svg" in ctype:
        _assert_no_injection(response.content.decode("utf-8", errors="replace"))


def _assert_svg_safe(svg: str) -> None:
    root = ElementTree.fromstring(svg.encode())
    for element in root.iter():
        assert not element.tag.lower().endswith("script"), element.tag
        assert not element.tag.lower().endswith("foreignobject"), element.tag
        for name, value in element.attrib.items():
            assert not name.split("}")[-1].lower().startswith("on"), (element.tag, name)
            assert not value.strip().lower().startswith("javascript:"), (element.tag, name)


def _revisions(design: Design) -> int:
    return Revision.objects.filter(design=design).count()


def _editor_data(client: Any, design: Design, **changes: Any) -> dict[str, str]:
    page = client.get(f"/designs/{design.pk}/")
    assert page.status_code == 200
    return form_data(page.content, **changes)


# --- the editor: tampered working copies ------------------------------------------------------

TAMPERED_WORKING = [
    "",
    "{",
    '{"document": {"kind": "Pod", "spec": {"containers": [',  # truncated
    "[]",
    '"a string"',
    "42",
    "null",
    '{"document": []}',
    '{"document": "Pod"}',
    '{"document": {}, "companions": "x"}',
    '{"document": {}, "roles": []}',
    '{"document": {"kind": "Pod", "spec": []}}',
    '{"document": {"kind": "Pod", "spec": {"containers": "x"}}}',
    '{"document": {"kind": "Pod", "spec": {"containers": [1, "a", null, []]}}}',
    '{"document": {"kind": "Pod", "spec": {"containers": [{"name": 5, "image": []}]}}}',
    '{"document": {"kind": "Pod", "spec": {"volumes": {"a": 1}, "initContainers": 3}}}',
    '{"document": {"kind": ["Pod"], "metadata": "x", "spec": null}}',
    '{"document": {"kind": "Deployment", "spec": {"template": "x"}}}',
    '{"document": {"kind": "Deployment", "spec": {"template": {"spec": []}}}}',
    '{"document": {"kind": "CronJob", "spec": {"jobTemplate": {"spec": 1}}}}',
    '{"document": {"kind": "Pod"}, "companions": [1, "x", null]}',
    '{"document": {"kind": "Pod", "spec": {"containers": [{"name": "app"}]}}, "roles": {"app": "bogus"}}',
    "\x00\x01\x02",
    "[" * 100_000,  # deeper than json can decode
    '{"document": {"kind": "Pod", "metadata": {"labels": ' + '{"a": ' * 150 + "1" + "}" * 150 + "}}}",
    '{"document": {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "b", "ports": '
    '[{"containerPort": 99999999999999999999999999}]}]}}}',
]


@pytest.mark.parametrize("working", TAMPERED_WORKING)
@pytest.mark.parametrize(
    "action", ["apply", "save", "add-container", "remove-container:app", "apply-yaml", "fork", "preview"]
)
def test_it_survives_a_tampered_working_copy(
    alice_client: Any, make_design: Any, working: str, action: str
) -> None:
    client = _client(alice_client)
    design = make_design()
    data = _editor_data(client, design, working=working)
    if action == "preview":
        response = client.post(f"/designs/{design.pk}/preview", data, HTTP_HX_REQUEST="true")
    else:
        data["action"] = action
        response = client.post(f"/designs/{design.pk}/", data)
    _assert_clean(response)
    try:
        readable = isinstance(json.loads(working), dict) and isinstance(json.loads(working)["document"], dict)
    except (ValueError, KeyError, RecursionError):
        readable = False
    if not readable and action != "fork":
        assert _revisions(design) == 1
    if not readable and response.status_code == 400:
        assert b"working copy" in response.content


@pytest.mark.parametrize("base", ["abc", "-1", "1e9", "99999999999999999999999", "", "1.5", "\x00"])
def test_it_survives_a_junk_base_revision(alice_client: Any, make_design: Any, base: str) -> None:
    client = _client(alice_client)
    design = make_design()
    data = _editor_data(client, design, base=base, action="save")
    data[field_name(data, "-image", "cc0")] = "nginx:9"
    response = client.post(f"/designs/{design.pk}/", data)
    _assert_clean(response)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_it_escapes_hostile_field_values_in_the_editor(
    alice_client: Any, make_design: Any, name: str
) -> None:
    client = _client(alice_client)
    design = make_design()
    data = _editor_data(client, design, action="apply")
    for key in list(data):
        if key.endswith(("-name", "-image", "-mountPath")) or key in ("message",):
            data[key] = name
    response = client.post(f"/designs/{design.pk}/", data)
    _assert_clean(response)
    preview = client.post(f"/designs/{design.pk}/preview", data, HTTP_HX_REQUEST="true")
    _assert_clean(preview)
    assert _revisions(design) == 1


@pytest.mark.parametrize(
    "action",
    [
        "remove-container:" + SCRIPT,
        "duplicate-container:" + IMG,
        "up-container:nope",
        "native-sidecar:../../etc/passwd",
        "pattern:" + SCRIPT,
        "pattern:",
        "add-volume:" + IMG,
        "remove-volume:{{ 7*7 }}",
        "down-volume:\x00",
        "explode",
        ":::",
        "x" * 10_000,
    ],
)
def test_it_answers_a_hostile_action_with_a_message(alice_client: Any, make_design: Any, action: str) -> None:
    client = _client(alice_client)
    design = make_design()
    data = _editor_data(client, design, action=action)
    response = client.post(f"/designs/{design.pk}/", data)
    _assert_clean(response)
    assert _revisions(design) == 1
    preview = client.post(f"/designs/{design.pk}/preview", data, HTTP_HX_REQUEST="true")
    _assert_clean(preview)


BROKEN_FILES = sorted(p.name for p in BROKEN.iterdir())


def _generated() -> dict[str, str]:
    many = "\n".join(f"  - name: c{i}\n    image: busybox:1.36" for i in range(1000))
    deep = "a:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(150)) + "  " * 152 + "v\n"
    return {
        "thousand-containers": f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n{many}\n",
        "deep-flow": "[" * 150 + "]" * 150,
        "deep-block": deep,
        "two-megabytes": "# " + "x" * (2 * 1024 * 1024) + "\n" + WORKLOAD,
        "tab-indent": "apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n",
        "unclosed": "apiVersion: v1\nkind: Pod\nmetadata: {name: [web\n",
        "python-tag": "!!python/object/apply:os.system ['id']\n",
        "scalar": "just a string",
        "null": "~",
        "list-of-pods": "- kind: Pod\n- kind: Pod\n",
        "wrong-kind": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
        "kind-not-string": "apiVersion: v1\nkind: [Pod]\nspec: {}\n",
        "spec-is-list": "apiVersion: v1\nkind: Pod\nspec: []\n",
        "containers-is-dict": "apiVersion: v1\nkind: Pod\nspec:\n  containers: {a: 1}\n",
        "containers-of-scalars": "apiVersion: v1\nkind: Pod\nspec:\n  containers: [1, x, null]\n",
        "huge-int": "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: b\n"
        "    ports: [{containerPort: 99999999999999999999999999999}]\n",
        "script-names": _hostile_pod(SCRIPT),
        "img-names": _hostile_pod(IMG),
    }


GENERATED = _generated()


@pytest.mark.parametrize("case", [*BROKEN_FILES, *GENERATED])
def test_it_answers_the_yaml_tab_with_a_message_and_keeps_the_text(
    alice_client: Any, make_design: Any, case: str
) -> None:
    client = _client(alice_client)
    design = make_design()
    text = GENERATED[case] if case in GENERATED else (BROKEN / case).read_bytes().decode("utf-8", "replace")
    data = _editor_data(client, design, action="apply-yaml", source="yaml", yaml=text)
    start = time.monotonic()
    response = client.post(f"/designs/{design.pk}/", data)
    assert time.monotonic() - start < 30
    _assert_clean(response)
    assert _revisions(design) == 1
    data["action"] = "save"
    saved = client.post(f"/designs/{design.pk}/", data)
    _assert_clean(saved)
    if saved.status_code == 400 and len(text) < 100_000 and "\x00" not in text:
        # The user's text is kept in the YAML tab next to the message.
        from html import unescape

        assert text.strip()[:40] in unescape(saved.content.decode())


def test_it_points_at_the_line_and_column_of_broken_yaml(alice_client: Any, make_design: Any) -> None:
    client = _client(alice_client)
    design = make_design()
    text = (BROKEN / "bad-indentation.yaml").read_text()
    data = _editor_data(client, design, action="apply-yaml", source="yaml", yaml=text)
    response = client.post(f"/designs/{design.pk}/", data)
    assert response.status_code < 500
    assert re.search(rb"line \d+", response.content)
    assert re.search(rb"column \d+", response.content)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    values=st.dictionaries(
        st.sampled_from(
            ["cc0-name", "cc0-image", "cc0-role", "vol0-name", "pod-name", "cc0-port0-containerPort"]
        ),
        st.text(max_size=60),
    ),
    junk_keys=st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=40), max_size=5),
)
def test_it_never_fails_on_generated_field_posts(
    alice_client: Any, make_design: Any, values: dict[str, str], junk_keys: dict[str, str]
) -> None:
    client = _client(alice_client)
    design = Design.objects.filter(name="fuzz").first() or make_design(name="fuzz")
    if not hasattr(test_it_never_fails_on_generated_field_posts, "base"):
        test_it_never_fails_on_generated_field_posts.base = {}  # type: ignore[attr-defined]
    cache = test_it_never_fails_on_generated_field_posts.base  # type: ignore[attr-defined]
    if design.pk not in cache:
        cache[design.pk] = _editor_data(client, design)
    data = dict(cache[design.pk])
    for key, value in values.items():
        matches = [k for k in data if k.endswith(key.split("-", 1)[1]) and k.startswith(key.split("-", 1)[0])]
        data[matches[0] if matches else key] = value
    data.update({k: v for k, v in junk_keys.items() if k not in ("working", "base")})
    data["action"] = "apply"
    response = client.post(f"/designs/{design.pk}/", data)
    _assert_clean(response)
    before = _revisions(design)
    preview = client.post(f"/designs/{design.pk}/preview", data, HTTP_HX_REQUEST="true")
    _assert_clean(preview)
    assert _revisions(design) == before


def test_it_reads_invalid_utf8_in_form_fields(alice_client: Any, make_design: Any) -> None:
    client = _client(alice_client)
    design = make_design()
    body = b"action=apply&working=%FF%FE&cc0-name=%C3%28&base=%80"
    response = client.post(f"/designs/{design.pk}/", body, content_type="application/x-www-form-urlencoded")
    _assert_clean(response)
    response = client.post(
        "/designs/new",
        b"import-text=%FF%FE%00&import-k8s_version=1.33",
        content_type="application/x-www-form-urlencoded",
    )
    _assert_clean(response)
    assert _revisions(design) == 1


# --- import ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", [*BROKEN_FILES, *GENERATED])
def test_it_imports_hostile_input_by_paste_and_upload(alice_client: Any, case: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(alice_client)
    raw = GENERATED[case].encode() if case in GENERATED else (BROKEN / case).read_bytes()
    before = Design.objects.count()
    start = time.monotonic()
    upload = client.post(
        "/designs/new", {"import-file": SimpleUploadedFile(case, raw), "import-k8s_version": "1.33"}
    )
    assert time.monotonic() - start < 30
    _assert_clean(upload)
    paste = client.post(
        "/designs/new", {"import-text": raw.decode("utf-8", "replace"), "import-k8s_version": "1.33"}
    )
    _assert_clean(paste)
    for response in (upload, paste):
        if response.status_code == 302:
            page = client.get(response["Location"])
            _assert_clean(page)
            pk = int(response["Location"].strip("/").split("/")[-1])
            for url in (
                "diagram.svg",
                "diagram.dot",
                "lifecycle.svg",
                "history/",
                "export.yaml",
                "bundle.zip",
            ):
                drawn = client.get(f"/designs/{pk}/{url}")
                _assert_clean(drawn)
                if url.endswith(".svg") and drawn.status_code == 200:
                    _assert_svg_safe(drawn.content.decode())
        else:
            assert response.status_code == 400
            assert b"errorlist" in response.content or b"error" in response.content
    if upload.status_code == 400 and paste.status_code == 400:
        assert Design.objects.count() == before


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_it_imports_hostile_names_escaped(alice_client: Any, name: str) -> None:
    client = _client(alice_client)
    response = client.post(
        "/designs/new",
        {"import-text": _hostile_pod(name), "import-name": name, "import-k8s_version": "1.33"},
    )
    _assert_clean(response)
    blank = client.post("/designs/new", {"blank-name": name, "blank-k8s_version": "1.33"})
    _assert_clean(blank)
    for design in Design.objects.all():
        for url in ("", "diagram.svg", "lifecycle.svg", "history/", "settings/", "revisions/1/"):
            drawn = client.get(f"/designs/{design.pk}/{url}")
            _assert_clean(drawn)
            if url.endswith(".svg") and drawn.status_code == 200:
                _assert_svg_safe(drawn.content.decode())
    _assert_clean(client.get("/"))
    _assert_clean(client.get("/", {"q": name}))


# --- settings, sharing, moving, forking, teams -----------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_it_renames_and_forks_with_hostile_values(alice_client: Any, make_design: Any, name: str) -> None:
    client = _client(alice_client)
    design = make_design()
    for data in (
        {"name": name, "description": name, "tags": name, "k8s_version": "1.33"},
        {"name": name, "description": name, "tags": name, "k8s_version": name},
        {"name": "", "k8s_version": "1.33"},
    ):
        response = client.post(f"/designs/{design.pk}/rename", data)
        _assert_clean(response)
        if response.status_code == 400 and data["name"]:
            from html import unescape

            assert data["name"][:50].replace("\x00", "") in unescape(response.content.decode()) or (
                "\x00" in name
            )
    _assert_clean(client.get(f"/designs/{design.pk}/settings/"))
    _assert_clean(client.get("/"))
    _assert_clean(client.post(f"/designs/{design.pk}/fork", {"name": name, "team": name}))
    _assert_clean(client.post(f"/designs/{design.pk}/fork", {"name": name}))
    _assert_clean(client.get("/"))
    assert _revisions(design) == 1


@pytest.mark.parametrize(
    "value", ["", "public", SCRIPT, "x" * 10_000, "-1", "99999999999999999999999", "\x00"]
)
def test_it_answers_junk_share_and_move_values(alice_client: Any, make_design: Any, value: str) -> None:
    client = _client(alice_client)
    design = make_design()
    _assert_clean(client.post(f"/designs/{design.pk}/share", {"team": "", "visibility": value}))
    _assert_clean(client.post(f"/designs/{design.pk}/share", {"team": value, "visibility": "team"}))
    design.refresh_from_db()
    assert design.visibility == "private" and design.team_id is None
    _assert_clean(client.post(f"/designs/{design.pk}/purge", {"confirm_name": value}))
    assert Design.objects.filter(pk=design.pk).exists()


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_it_creates_teams_and_members_from_hostile_values(alice_client: Any, bob: Any, name: str) -> None:
    client = _client(alice_client)
    _assert_clean(client.post("/teams/new", {"name": name}))
    _assert_clean(client.get("/teams/"))
    for team in Team.objects.all():
        _assert_clean(client.get(f"/teams/{team.pk}/"))
        _assert_clean(client.post(f"/teams/{team.pk}/members", {"username": name, "level": name}))
        _assert_clean(client.post(f"/teams/{team.pk}/members", {"username": "bob", "level": name}))
        _assert_clean(client.post(f"/teams/{team.pk}/members/{bob.pk}", {"level": name}))
        _assert_clean(client.post(f"/teams/{team.pk}/members/99999999999999999999", {"level": "admin"}))


# --- ids and numbers in URLs and query strings -----------------------------------------------

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/designs/{HUGE}/",
        f"/designs/{HUGE}/export.yaml",
        f"/designs/{HUGE}/diagram.svg",
        f"/designs/{HUGE}/history/",
        "/designs/{pk}/revisions/0/",
        f"/designs/{{pk}}/revisions/{HUGE}/",
        f"/designs/{{pk}}/diff/1/{HUGE}/",
        "/designs/{pk}/diff/0/1/",
        "/designs/{pk}/history/compare?a=abc&b=1",
        "/designs/{pk}/history/compare?a=-1&b=-5",
        f"/designs/{{pk}}/history/compare?a=1&b={HUGE}",
        "/designs/{pk}/history/compare?a=%00&b=",
        "/designs/{pk}/history/compare?a=%C2%B2&b=1",
        "/designs/{pk}/history/?page=-1",
        f"/designs/{{pk}}/history/?page={HUGE}",
        "/designs/{pk}/history/?page=abc",
        "/designs/{pk}/diagram.exe",
        "/designs/{pk}/diagram.",
        "/designs/{pk}/diagram.svg.svg",
        "/designs/{pk}/export.yaml?kind=%3Cscript%3Ealert(1)%3C/script%3E",
        "/designs/{pk}/export.yaml?kind=Service&format=xml",
        "/designs/{pk}/export.yaml?format=%00",
        "/designs/{pk}/export.yaml?kind=Deployment&format=json&annotations=%FF",
        f"/teams/{HUGE}/",
        "/?page=-1",
        "/?page=abc",
        f"/?page={HUGE}",
        f"/?team={HUGE}",
        "/?team=abc&role=%3Cscript%3E&sort=%00&version=x&has_errors=maybe",
        "/?q=%00&tag=%FF%FE&owner=" + "x" * 5000,
        "/?q=" + "%25" * 3000,
        "/trash/?page=-3",
    ],
)
def test_it_answers_junk_urls_without_a_server_error(alice_client: Any, make_design: Any, url: str) -> None:
    client = _client(alice_client)
    design = make_design()
    response = client.get(url.replace("{pk}", str(design.pk)))
    _assert_clean(response)


@pytest.mark.parametrize("number", ["0", HUGE, "2"])
def test_it_restores_no_missing_revision(alice_client: Any, make_design: Any, number: str) -> None:
    client = _client(alice_client)
    design = make_design()
    for base in ("", "abc", "-1", HUGE):
        response = client.post(f"/designs/{design.pk}/revisions/{number}/restore", {"base_revision": base})
        _assert_clean(response)
    assert _revisions(design) == 1


@pytest.mark.parametrize("base", ["²", "٣", "1e0", ""])
def test_it_refuses_a_restore_with_a_base_that_only_looks_like_a_number(
    alice_client: Any, make_design: Any, base: str
) -> None:
    # '²' and '٣' are str.isdigit(); int() refuses the first and reads the second as 3. Neither
    # is a revision number, and a restore without one would skip the staleness check: 400.
    client = _client(alice_client)
    design = make_design()
    response = client.post(f"/designs/{design.pk}/revisions/1/restore", {"base_revision": base})
    _assert_clean(response)
    assert response.status_code == 400
    assert _revisions(design) == 1


# --- access, CSRF, error pages ------------------------------------------------------------------


def test_it_answers_404_to_others_on_every_design_url(client: Any, make_design: Any, bob: Any) -> None:
    client = _client(client)
    design = make_design()
    client.force_login(bob)
    urls = [
        "",
        "export.yaml",
        "diagram.svg",
        "diagram.png",
        "diagram.dot",
        "lifecycle.svg",
        "bundle.zip",
        "history/",
        "revisions/1/",
        "diff/1/1/",
        "history/compare?a=1&b=1",
        "settings/",
        "fork",
    ]
    for url in urls:
        assert client.get(f"/designs/{design.pk}/{url}").status_code == 404, url
    for url in ["", "preview", "rename", "share", "trash", "fork", "revisions/1/restore"]:
        assert client.post(f"/designs/{design.pk}/{url}", {"name": "x"}).status_code == 404, url
    assert client.get(f"/api/v1/designs/{design.pk}").status_code == 404
    update = json.dumps({"base_revision": 1, "document": design.latest.document})
    assert (
        client.put(f"/api/v1/designs/{design.pk}", update, content_type="application/json").status_code == 404
    )
    # A body that does not validate is refused before any design is looked up: the same 400
    # for a design that exists and one that does not, so nothing is discovered either way.
    for pk in (design.pk, 987_654):
        assert client.put(f"/api/v1/designs/{pk}", "{}", content_type="application/json").status_code == 400
    assert _revisions(design) == 1


def test_it_checks_csrf_and_answers_with_an_app_page(alice: Any, make_design: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.raise_request_exception = False
    client.force_login(alice)
    design = make_design()
    for url in (f"/designs/{design.pk}/", f"/designs/{design.pk}/rename", "/designs/new", "/teams/new"):
        response = client.post(url, {"name": "x", "action": "save"})
        assert response.status_code == 403
        assert b"Pod Designer" in response.content
        assert b"Traceback" not in response.content
    assert _revisions(design) == 1


def test_it_shows_app_error_pages(alice_client: Any) -> None:
    client = _client(alice_client)
    response = client.get("/no/such/page")
    assert response.status_code == 404 and b"Pod Designer" in response.content
    from django.template.loader import get_template

    for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html"):
        html = get_template(name).render({})
        assert "Pod Designer" in html and "Traceback" not in html


def test_it_answers_a_bad_request_with_the_app_page(alice_client: Any) -> None:
    client = _client(alice_client)
    response = client.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert b"Pod Designer" in response.content


# --- the JSON API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"[]",
        b'"x"',
        b"null",
        b"\xff\xfe\x00",
        b'{"base_revision": "1"}',
        b'{"base_revision": true, "document": {"kind": "Pod"}}',
        b'{"base_revision": 1e400, "document": {"kind": "Pod"}}',
        b'{"base_revision": 99999999999999999999999999, "document": {"kind": "Pod"}}',
        b'{"base_revision": -1, "document": {"kind": "Pod"}}',
        b'{"document": {"kind": "Pod"}}',
        b'{"base_revision": 1}',
        b'{"base_revision": 1, "document": []}',
        b'{"base_revision": 1, "document": {"kind": 5}}',
        b'{"base_revision": 1, "document": {"kind": "Pod"}, "companions": {}}',
        b'{"base_revision": 1, "document": {"kind": "Pod"}, "roles": []}',
        b'{"base_revision": 1, "document": {"kind": "Pod"}, "roles": {"a": []}}',
        b'{"base_revision": 1, "document": {"kind": "Pod"}, "message": {"x": 1}}',
        b'{"base_revision": 1, "document": {"kind": "Pod"}, "message": "' + b"x" * 5000 + b'"}',
        b'{"base_revision": 1, "manifest": "a: [b"}',
        b'{"base_revision": 1, "manifest": 5}',
        b'{"base_revision": 1, "manifest": "!!python/object/apply:os.system [id]"}',
        b'{"base_revision": 1, "document": {"kind": "Pod", "spec": {"containers": "x"}}}',
        b'{"base_revision": 1, "document": {"kind": "Deployment", "spec": []}}',
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_it_answers_junk_api_updates_with_json_errors(
    alice_client: Any, make_design: Any, body: bytes
) -> None:
    client = _client(alice_client)
    design = make_design()
    response = client.put(f"/api/v1/designs/{design.pk}", body, content_type="application/json")
    _assert_clean(response)
    assert response["Content-Type"].startswith("application/json")
    if response.status_code >= 400:
        assert "error" in response.json()
        assert _revisions(design) == 1


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=abc",
        f"page={HUGE}",
        f"team={HUGE}",
        "team=abc",
        "sort=%00",
        "q=%FF%FE",
        "role=" + "x" * 5000,
        "patterns=%00",
        "version=1.999",
    ],
)
def test_it_answers_junk_api_list_queries(alice_client: Any, make_design: Any, query: str) -> None:
    client = _client(alice_client)
    make_design()
    response = client.get(f"/api/v1/designs?{query}")
    _assert_clean(response)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("case", [*BROKEN_FILES, *GENERATED])
@pytest.mark.parametrize("endpoint", ["lint", "diagram"])
def test_it_answers_the_lint_and_diagram_api_on_hostile_input(
    alice_client: Any, case: str, endpoint: str
) -> None:
    client = _client(alice_client)
    raw = GENERATED[case].encode() if case in GENERATED else (BROKEN / case).read_bytes()
    start = time.monotonic()
    response = client.post(f"/api/v1/{endpoint}", raw, content_type="application/yaml")
    assert time.monotonic() - start < 30
    _assert_clean(response)
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"]
    elif endpoint == "diagram":
        _assert_svg_safe(response.content.decode())


@pytest.mark.parametrize(
    "query",
    ["k8s_version=abc", "k8s_version=1.999", "k8s_version=%00", f"choose={HUGE}", "choose=-1", "choose=abc"],
)
def test_it_answers_junk_lint_parameters(alice_client: Any, query: str) -> None:
    client = _client(alice_client)
    for endpoint in ("lint", "diagram"):
        response = client.post(f"/api/v1/{endpoint}?{query}", WORKLOAD, content_type="application/yaml")
        _assert_clean(response)


def test_it_draws_hostile_names_in_a_safe_svg(alice_client: Any) -> None:
    client = _client(alice_client)
    for name in HOSTILE_NAMES:
        for payload in (_hostile_pod(name), _hostile_pod('x" onload="alert(1)')):
            response = client.post("/api/v1/diagram", payload, content_type="application/json")
            _assert_clean(response)
            if response.status_code == 200:
                _assert_svg_safe(response.content.decode())


# --- what the user typed stays; messages point at the line --------------------------------------


def test_it_keeps_the_pasted_text_and_points_at_the_line_on_import(alice_client: Any) -> None:
    from html import unescape

    client = _client(alice_client)
    text = (BROKEN / "bad-indentation.yaml").read_text()
    response = client.post(
        "/designs/new", {"import-text": text, "import-name": IMG, "import-k8s_version": "1.33"}
    )
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert text.strip() in page
    assert IMG in page  # the name typed is kept too (escaped in the HTML)
    assert re.search(r"line \d+", page) and re.search(r"column \d+", page)
    _assert_clean(response)
    assert Design.objects.count() == 0


def test_it_answers_the_lint_api_with_line_and_column(alice_client: Any) -> None:
    client = _client(alice_client)
    raw = (BROKEN / "bad-indentation.yaml").read_bytes()
    response = client.post("/api/v1/lint", raw, content_type="application/yaml")
    assert response.status_code == 400
    assert isinstance(response.json()["line"], int) and isinstance(response.json()["column"], int)


# --- pages that show stored hostile names: conflict, diff, history, trash, tokens --------------


@pytest.mark.parametrize("name", [SCRIPT, IMG, "{{ 7*7 }}", 'x" onload="alert(1)'])
def test_it_escapes_hostile_names_on_the_conflict_diff_and_trash_pages(
    alice_client: Any, make_design: Any, name: str
) -> None:
    client = _client(alice_client)
    design = make_design(_hostile_pod(name), name=name)
    second = json.loads(_hostile_pod(name + "2"))
    saved = client.put(
        f"/api/v1/designs/{design.pk}",
        json.dumps({"base_revision": 1, "document": second, "message": name}),
        content_type="application/json",
    )
    assert saved.status_code == 200
    # A save from the stale revision 1: the conflict page shows both versions.
    data = _editor_data(client, design, action="save", base="1", message=name)
    data["working"] = json.dumps({"document": json.loads(_hostile_pod(name + "3")), "roles": {}})
    conflict = client.post(f"/designs/{design.pk}/", data)
    assert conflict.status_code == 409
    _assert_clean(conflict)
    for url in ("diff/1/2/", "history/", "revisions/2/", "history/compare?a=2&b=1"):
        _assert_clean(client.get(f"/designs/{design.pk}/{url}", follow=True))
    assert _revisions(design) == 2
    _assert_clean(client.post(f"/designs/{design.pk}/trash"))
    _assert_clean(client.get("/trash/"))
    _assert_clean(client.get(f"/designs/{design.pk}/purge"))


@pytest.mark.parametrize("name", [SCRIPT, IMG, "x" * 10_000, "\x00", ""])
def test_it_answers_hostile_token_names(alice_client: Any, name: str) -> None:
    client = _client(alice_client)
    _assert_clean(client.post("/accounts/profile/tokens", {"name": name}))
    _assert_clean(client.get("/accounts/profile/"))
    _assert_clean(client.post(f"/accounts/profile/tokens/{HUGE}/revoke"))


def test_it_lets_no_anonymous_user_in(client: Any, make_design: Any) -> None:
    client = _client(client)
    design = make_design()
    pages = ["", "export.yaml", "diagram.svg", "bundle.zip", "history/", "revisions/1/", "settings/"]
    for url in pages:
        response = client.get(f"/designs/{design.pk}/{url}")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in ["", "preview", "rename", "share", "fork", "revisions/1/restore"]:
        response = client.post(f"/designs/{design.pk}/{url}", {"name": "x", "action": "save"})
        assert response.status_code in (302, 403), url
    for method, url in (("get", "/api/v1/designs"), ("post", "/api/v1/lint"), ("post", "/api/v1/diagram")):
        response = getattr(client, method)(url, HTTP_AUTHORIZATION="Bearer not-a-token")
        assert response.status_code in (401, 403), url
        assert response["Content-Type"].startswith("application/json")
    assert _revisions(design) == 1


def test_it_hides_a_team_from_outsiders(alice_client: Any, bob: Any) -> None:
    client = _client(alice_client)
    client.post("/teams/new", {"name": "platform"})
    team = Team.objects.get()
    client.force_login(bob)
    assert client.get(f"/teams/{team.pk}/").status_code == 404
    assert client.post(f"/teams/{team.pk}/members", {"username": "bob", "level": "admin"}).status_code == 404
    assert not team.memberships.filter(user=bob).exists()


def test_it_accepts_the_full_form_post_of_a_large_pod(alice_client: Any, make_design: Any) -> None:
    """12 containers and 10 volumes (DESIGN.md §5) post nearly a thousand fields without JavaScript."""
    doc = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "big"},
        "spec": {
            "containers": [{"name": f"c{i}", "image": "busybox:1.36"} for i in range(12)],
            "volumes": [{"name": f"v{i}", "emptyDir": {}} for i in range(10)],
        },
    }
    client = _client(alice_client)
    design = make_design(json.dumps(doc), name="big")
    # Every container's and volume's fields shown (a large pod draws them as their sections open).
    every = ",".join([f"cc{i}" for i in range(12)] + [f"v{i}" for i in range(10)])
    data = form_data(client.get(f"/designs/{design.pk}/?open={every}").content, action="save")
    assert len(data) > 900
    data[field_name(data, "-image", "cc0")] = "busybox:1.37"
    response = client.post(f"/designs/{design.pk}/", data)
    assert response.status_code == 302
    assert _revisions(design) == 2


def test_it_answers_an_oversized_post_with_the_app_page(alice_client: Any, make_design: Any) -> None:
    client = _client(alice_client)
    design = make_design()
    huge = "x" * (4 * 1024 * 1024)
    for url in ("/designs/new", f"/designs/{design.pk}/"):
        response = client.post(url, {"import-text": huge, "yaml": huge, "action": "apply-yaml"})
        assert response.status_code == 400
        assert b"Pod Designer" in response.content
    assert _revisions(design) == 1


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.builds(
            lambda body: WORKLOAD + body, st.text(alphabet="-:[]{}&*!|>'\"#%@ \n\tabc012", max_size=120)
        ),
    )
)
def test_it_never_fails_on_generated_yaml_tab_text(alice_client: Any, make_design: Any, text: str) -> None:
    client = _client(alice_client)
    design = Design.objects.filter(name="fuzz-yaml").first() or make_design(name="fuzz-yaml")
    data = _editor_data(client, design, source="yaml", yaml=text, action="apply-yaml")
    preview = client.post(f"/designs/{design.pk}/preview", data, HTTP_HX_REQUEST="true")
    _assert_clean(preview)
    assert _revisions(design) == 1
