"""Running the graphviz engines: formats, caches, limits, clear errors, inline-safe SVG."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from designer.pod import render as render_module
from designer.pod.render import (
    RenderError,
    clear_cache,
    find_engine,
    render,
    sanitize_svg,
    set_shared_cache,
)
from tests.pod.conftest import ENGINES
from tests.pod.render_helpers import fresh_cache, script  # noqa: F401 - fresh_cache is autouse

SMALL = 'digraph { a [id="container-a" label="a"]; b [id="volume-b" shape="cylinder"]; a -> b [label="/b rw"]; }\n'


def test_it_renders_svg_with_the_ids_of_the_dot(engine: str) -> None:
    svg = render(SMALL, "svg", engine=engine)
    root = ET.fromstring(svg)
    ids = {g.get("id") for g in root.iter() if g.get("id")}
    assert {"container-a", "volume-b"} <= ids


def test_it_renders_png(engine: str) -> None:
    assert render(SMALL, "png", engine=engine).startswith(b"\x89PNG\r\n\x1a\n")


def test_it_returns_the_source_for_the_dot_format() -> None:
    assert render(SMALL, "dot") == SMALL.encode()


def test_it_rejects_an_unknown_format() -> None:
    with pytest.raises(RenderError, match="unknown diagram format"):
        render(SMALL, "pdf")


def test_it_reports_a_syntax_error_clearly(engine: str) -> None:
    with pytest.raises(RenderError, match="could not draw the diagram"):
        render("digraph { a -> ", "svg", engine=engine)


def test_it_caps_the_input_size(engine: str) -> None:
    with pytest.raises(RenderError, match="too large"):
        render(SMALL + "// " + "x" * 2000 + "\n", "svg", engine=engine, max_bytes=1000)


def test_it_caps_the_output_size(engine: str) -> None:
    with pytest.raises(RenderError, match="drawing too large"):
        render(SMALL, "svg", engine=engine, max_bytes=len(SMALL) + 10)


def test_it_kills_an_engine_that_takes_too_long(tmp_path: Path) -> None:
    slow = script(tmp_path, "slow-engine", "sleep 5")
    with pytest.raises(RenderError, match="longer than 0.3 s"):
        render(SMALL, "svg", engine=slow, timeout=0.3)


def test_it_caches_renders_in_process(tmp_path: Path) -> None:
    counter = tmp_path / "runs"
    engine = script(tmp_path, "counting-engine", f"cat >/dev/null; echo run >> {counter}; echo '<svg/>'")
    assert render(SMALL, "svg", engine=engine) == b"<svg/>\n"
    assert render(SMALL, "svg", engine=engine) == b"<svg/>\n"
    assert counter.read_text().count("run") == 1
    render(SMALL + " ", "svg", engine=engine)
    assert counter.read_text().count("run") == 2


def test_it_uses_the_shared_cache(tmp_path: Path) -> None:
    counter = tmp_path / "runs"
    engine = script(tmp_path, "counting-engine", f"cat >/dev/null; echo run >> {counter}; echo '<svg/>'")
    shared: dict[str, bytes] = {}
    set_shared_cache(shared.get, shared.__setitem__)
    render(SMALL, "svg", engine=engine)
    assert len(shared) == 1 and next(iter(shared)).startswith("pod-render:")
    clear_cache()  # another process: only the shared cache remembers
    assert render(SMALL, "svg", engine=engine) == b"<svg/>\n"
    assert counter.read_text().count("run") == 1


def test_it_skips_both_caches_when_asked(tmp_path: Path) -> None:
    counter = tmp_path / "runs"
    engine = script(tmp_path, "counting-engine", f"cat >/dev/null; echo run >> {counter}; echo '<svg/>'")
    shared: dict[str, bytes] = {}
    set_shared_cache(shared.get, shared.__setitem__)
    assert render(SMALL, "svg", engine=engine, cache=False) == b"<svg/>\n"
    assert render(SMALL, "svg", engine=engine, cache=False) == b"<svg/>\n"
    assert counter.read_text().count("run") == 2
    assert shared == {}


def test_it_draws_even_when_the_shared_cache_is_broken(engine: str) -> None:
    def broken(*args: Any) -> Any:
        raise ConnectionError("redis is down")

    set_shared_cache(broken, broken)
    assert b"<svg" in render(SMALL, "svg", engine=engine)


def test_it_keys_the_cache_by_engine_format_and_source() -> None:
    key = render_module._cache_key
    assert key("dot", "svg", SMALL) != key("graphviz-pure", "svg", SMALL)
    assert key("dot", "svg", SMALL) != key("dot", "png", SMALL)
    assert key("dot", "svg", SMALL) == key("dot", "svg", SMALL)


def test_it_lets_the_environment_choose_the_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = script(tmp_path, "my-dot", "echo '<svg/>'")
    monkeypatch.setenv("POD_DESIGNER_GRAPHVIZ", fake)
    assert find_engine() == fake
    assert find_engine(preferred="graphviz-pure") != fake or not ENGINES
    monkeypatch.setenv("POD_DESIGNER_GRAPHVIZ", str(tmp_path / "missing"))
    with pytest.raises(RenderError, match="not found"):
        find_engine()


def test_it_prefers_dot_then_graphviz_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POD_DESIGNER_GRAPHVIZ", raising=False)
    if not ENGINES:
        with pytest.raises(RenderError, match="no graphviz engine"):
            find_engine()
        return
    assert find_engine() == ENGINES[0]
    beside = Path(sys.executable).parent / "graphviz-pure"
    if beside.exists():
        assert find_engine("graphviz-pure") == str(beside)


def test_it_strips_scripts_handlers_and_external_links() -> None:
    hostile = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- a comment -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
<script>alert(2)</script>
<g id="container-a" onclick="alert(3)" class="node"><text>a</text>
<g id="a_port-a-80"><a xlink:href="http://evil.example/" target="_blank" xlink:title="t"><text>:80</text></a></g>
<a href="javascript:alert(4)"><text>j</text></a><a xlink:href="#port-a-80"><text>ok</text></a>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
<image xlink:href="https://tracker.example/pixel.png"/>
</g></svg>"""
    clean = sanitize_svg(hostile)
    text = clean.decode()
    assert text.startswith("<svg") and "<?xml" not in text and "DOCTYPE" not in text
    assert "script" not in text and "onload" not in text and "onclick" not in text
    assert "evil.example" not in text and "tracker.example" not in text and "javascript" not in text
    assert "target=" not in text and "foreignObject" not in text
    assert 'xlink:href="#port-a-80"' in text
    root = ET.fromstring(clean)
    ids = {g.get("id") for g in root.iter() if g.get("id")}
    assert {"container-a", "port-a-80"} <= ids


def test_it_refuses_svg_that_is_not_well_formed() -> None:
    with pytest.raises(RenderError, match="not well-formed"):
        sanitize_svg(b"<svg><g></svg>")


def test_it_sanitizes_real_engine_output(engine: str) -> None:
    clean = sanitize_svg(render(SMALL, "svg", engine=engine))
    root = ET.fromstring(clean)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert clean.startswith(b"<svg")


def test_one_font_family_on_the_root_instead_of_on_every_text() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><g><text font-family="Helvetica,sans-Serif">a</text>'
        b'<text font-family="Helvetica,sans-Serif">b</text></g></svg>'
    )
    out = sanitize_svg(svg).decode()
    assert out.count("font-family") == 1
    assert ET.fromstring(out).get("font-family") == "Helvetica,sans-Serif"
    mixed = svg.replace(b"Helvetica,sans-Serif</text></g>", b"Courier</text></g>").replace(
        b'"Helvetica,sans-Serif">b', b'"Courier">b'
    )
    assert sanitize_svg(mixed).decode().count("font-family") == 2  # different families stay as drawn


def test_the_sanitiser_is_an_allowlist() -> None:
    """Animation that rewrites an href, styles, images, unknown elements and attributes all go."""
    hostile = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:h="http://www.w3.org/1999/xhtml" width="10pt" viewBox="0 0 10 10">
<style>@import url(https://evil.example/x.css);</style>
<g id="node1" class="node" data-x="1" formaction="x" style="fill:url(https://evil.example/f)">
<title>c0</title>
<a id="link" xlink:href="#container-a" xlink:show="new" xlink:title="main a">
<set attributeName="href" to="javascript:alert(1)"/>
<animate attributeName="xlink:href" values="javascript:alert(2)"/>
<animateTransform attributeName="transform"/>
<text x="1" y="2" font-size="9">a</text></a>
<a href="https://evil.example/"><text>external</text></a>
<a href=" #spaced"><text>spaced</text></a>
<use xlink:href="#link"/>
<image href="data:image/svg+xml;base64,PHN2Zz4="/>
<h:iframe src="https://evil.example/"/>
<polygon points="0,0 1,1" fill="url(#grad)" stroke="url(javascript:alert(3))"/>
<discard/><feImage/><unknown-element><text>gone</text></unknown-element>
</g></svg>"""
    text = sanitize_svg(hostile).decode()
    root = ET.fromstring(text)
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert tags == {"svg", "g", "title", "a", "text", "polygon"}
    assert "evil.example" not in text and "javascript" not in text and "data:" not in text
    assert "<style" not in text and "formaction" not in text and "data-x" not in text and "show=" not in text
    assert "gone" not in text
    hrefs = [v for el in root.iter() for k, v in el.attrib.items() if k.endswith("href")]
    assert hrefs == ["#container-a"]
    polygon = next(el for el in root.iter() if el.tag.endswith("polygon"))
    assert polygon.get("fill") == "url(#grad)" and polygon.get("stroke") is None
    group = next(el for el in root.iter() if el.get("id") == "node1")
    assert group.get("style") is None and group.get("class") == "node"
    assert root.get("viewBox") == "0 0 10 10"
    assert 'xlink:title="main a"' in text


def test_the_sanitiser_refuses_a_root_that_is_not_svg() -> None:
    with pytest.raises(RenderError, match="not an SVG"):
        sanitize_svg(b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>')
    with pytest.raises(RenderError, match="not an SVG"):
        sanitize_svg(b"<svg><g/></svg>")  # no SVG namespace: not what an engine writes
