"""Run a graphviz engine on DOT text: time limit, size caps, caching, and inline-safe SVG.

Engines: the official `dot` on PATH, else the pip-installed `graphviz-pure` (a Rust port of
Graphviz) next to the interpreter or on PATH. POD_DESIGNER_GRAPHVIZ (a path, or "dot" /
"graphviz-pure") overrides the search; an explicit `preferred` overrides everything.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable

ENGINE_ENV = "POD_DESIGNER_GRAPHVIZ"
ENGINE_NAMES = ("dot", "graphviz-pure")
FORMATS = ("svg", "png", "dot")
CACHE_SIZE = 256
# A drawing that failed (the engine timed out, crashed or is missing) is not tried again for this
# long: a broken engine would otherwise cost every page view its full timeout.
FAILURE_SECONDS = 30.0
SHARED_KEY_PREFIX = "pod-render:"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


class RenderError(Exception):
    """A drawing could not be made; the message says why, for showing in place of the drawing."""


_cache: OrderedDict[str, bytes] = OrderedDict()
_cache_lock = threading.Lock()
_failures: OrderedDict[str, tuple[float, str]] = OrderedDict()  # key -> (until, message)
_clock = time.monotonic
_shared_get: Callable[[str], bytes | None] | None = None
_shared_set: Callable[[str, bytes], None] | None = None


def set_shared_cache(
    get: Callable[[str], bytes | None] | None, set: Callable[[str, bytes], None] | None
) -> None:
    """Plug a second-level cache shared between processes (the web layer wires Django's cache)."""
    global _shared_get, _shared_set
    _shared_get, _shared_set = get, set


def clear_cache() -> None:
    """Forget every render this process remembers."""
    with _cache_lock:
        _cache.clear()
        _failures.clear()


def _which(name: str) -> str | None:
    # shutil.which, without importing shutil: the CLI's start-up time is part of its budget.
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _resolve(name_or_path: str) -> str | None:
    def runnable(path: str) -> bool:
        return os.path.isfile(path) and os.access(path, os.X_OK)

    if os.sep in name_or_path or (os.altsep and os.altsep in name_or_path):
        return name_or_path if runnable(name_or_path) else None
    beside = os.path.join(os.path.dirname(sys.executable), name_or_path)
    if name_or_path == "graphviz-pure" and runnable(beside):
        return beside
    return _which(name_or_path) or (beside if runnable(beside) else None)


def find_engine(preferred: str | None = None) -> str:
    """The path of the graphviz engine to run; RenderError when none is installed."""
    wanted = preferred or os.environ.get(ENGINE_ENV) or None
    if wanted:
        found = _resolve(wanted)
        if found is None:
            raise RenderError(f"graphviz engine {wanted!r} not found (install graphviz or graphviz-pure)")
        return found
    for name in ENGINE_NAMES:
        found = _resolve(name)
        if found:
            return found
    raise RenderError("no graphviz engine found: install Graphviz (`dot`) or the graphviz-pure wheel")


def installed_engines() -> list[str]:
    """Paths of every engine present (both, on a fully provisioned machine)."""
    return [path for path in (_resolve(name) for name in ENGINE_NAMES) if path]


def _cache_key(engine: str, fmt: str, dot: str) -> str:
    # Imported here: loading OpenSSL costs ~3 ms of start-up, which the diagram CLI (no cache)
    # need not pay; the web process pays it once.
    import hashlib

    digest = hashlib.sha256()
    for part in (engine, fmt, dot):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def render(
    dot: str,
    fmt: str = "svg",
    engine: str | None = None,
    timeout: float = 2.0,
    max_bytes: int = 5_000_000,
    cache: bool = True,
) -> bytes:
    """DOT text drawn as svg or png bytes ("dot" returns the source); RenderError on any failure.

    cache=False skips both cache levels: a one-shot process (the CLI) would only pay for them.
    """
    if fmt not in FORMATS:
        raise RenderError(f"unknown diagram format {fmt!r} (use svg, png or dot)")
    data = dot.encode("utf-8", "replace")
    if len(data) > max_bytes:
        raise RenderError(f"diagram source too large ({len(data)} bytes, limit {max_bytes})")
    if fmt == "dot":
        return data
    path = find_engine(engine)
    if not cache:
        return _run(path, fmt, data, timeout, max_bytes)
    key = _cache_key(path, fmt, dot)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    if _shared_get is not None:
        try:
            shared = _shared_get(SHARED_KEY_PREFIX + key)
        except Exception:  # a broken cache backend must not break drawing
            shared = None
        if isinstance(shared, bytes):
            _remember(key, shared)
            return shared
    failure = _recent_failure(key)
    if failure is not None:
        raise RenderError(failure)
    try:
        output = _run(path, fmt, data, timeout, max_bytes)
    except RenderError as exc:
        _remember_failure(key, str(exc))
        raise
    _remember(key, output)
    if _shared_set is not None:
        try:
            _shared_set(SHARED_KEY_PREFIX + key, output)
        except Exception:
            pass
    return output


def _remember(key: str, output: bytes) -> None:
    with _cache_lock:
        _cache[key] = output
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def _recent_failure(key: str) -> str | None:
    with _cache_lock:
        failure = _failures.get(key)
        if failure is None:
            return None
        if failure[0] <= _clock():
            del _failures[key]
            return None
        return failure[1]


def _remember_failure(key: str, message: str) -> None:
    with _cache_lock:
        _failures[key] = (_clock() + FAILURE_SECONDS, message)
        _failures.move_to_end(key)
        while len(_failures) > CACHE_SIZE:
            _failures.popitem(last=False)


def _run(path: str, fmt: str, data: bytes, timeout: float, max_bytes: int) -> bytes:
    name = os.path.basename(path)
    try:
        # A session (process group) of its own: the timeout kills the engine and anything it
        # started, where subprocess.run would kill the engine alone and then wait for the pipes
        # a surviving child still holds open.
        process = subprocess.Popen(
            [path, f"-T{fmt}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        raise RenderError(f"could not run {name}: {exc.strerror or exc}") from None
    try:
        stdout, stderr = process.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise RenderError(f"{name} took longer than {timeout:g} s to draw the diagram") from None
    finally:
        # Whatever the engine left behind in its group (a helper it forked) goes with it.
        _kill_group(process, only_leftovers=True)
    if process.returncode != 0 or not stdout:
        detail = _first_error(stderr)
        raise RenderError(f"{name} could not draw the diagram (exit {process.returncode}): {detail}")
    if len(stdout) > max_bytes:
        raise RenderError(f"drawing too large ({len(stdout)} bytes, limit {max_bytes})")
    return stdout


def _kill_group(process: subprocess.Popen[bytes], only_leftovers: bool = False) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # the group is already gone
    if not only_leftovers:
        # Close the pipes without waiting for EOF: only the dead group could have written them.
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        process.wait()


def _first_error(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()] or lines
    return errors[0][:300] if errors else "no output"


# --- inline-safe SVG --------------------------------------------------------------------------

# An allowlist: what graphviz draws with, and nothing else. Everything not named here goes,
# subtree and all (script, style, foreignObject, image, use, set, animate*, any other namespace).
_SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "a", "title", "desc", "polygon", "polyline", "path", "ellipse", "circle", "rect",
        "line", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop", "clipPath",
    }
)  # fmt: skip
_SVG_ATTRIBUTES = frozenset(
    {
        "id", "class", "width", "height", "viewBox", "preserveAspectRatio", "transform", "version",
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "points", "d",
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
        "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "opacity",
        "font-family", "font-size", "font-weight", "font-style", "text-anchor", "text-decoration",
        "dominant-baseline", "baseline-shift", "offset", "stop-color", "stop-opacity",
        "gradientUnits", "gradientTransform", "clip-path", "style", "href", "role", "aria-label",
        "visibility",
    }
)  # fmt: skip
_XLINK_ATTRIBUTES = frozenset({"href", "title"})
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_OUR_ID = re.compile(r"^a_((?:port|container|init|volume)-.*)$")
# url(...) that is not a reference inside the document, and anything that could run.
_UNSAFE_VALUE = re.compile(r"url\(\s*['\"]?\s*(?!#)|javascript:|expression\(|@import", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sanitize_svg(svg: bytes) -> bytes:
    """SVG safe to inline in HTML: only known SVG elements and attributes, links only inside it.

    An allowlist (elements and attributes graphviz draws with); `href`/`xlink:href` only to
    `#...`; no value with an external `url(...)`, `javascript:` or `data:`; no prolog.
    """
    return _sanitized(svg)


# The editor redraws on every keystroke and most of what it draws comes from the render cache
# unchanged (the lifecycle drawing nearly always): parsing and re-serialising such an SVG cost
# a few milliseconds each time. Keyed by the bytes themselves, so only an identical input hits.
@functools.lru_cache(maxsize=32)
def _sanitized(svg: bytes) -> bytes:
    try:
        parser = ET.XMLParser()
        root = ET.fromstring(svg, parser=parser)
    except ET.ParseError as exc:
        raise RenderError(f"the engine produced SVG that is not well-formed: {exc}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise RenderError("the engine output is not an SVG document")
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    stack = [root]
    while stack:
        element = stack.pop()
        for child in list(element):
            if _allowed_element(child):
                stack.append(child)
            else:
                element.remove(child)
        for attr in list(element.attrib):
            if not _allowed_attribute(attr, element.attrib[attr]):
                del element.attrib[attr]
        # graphviz prefixes ids of HTML-label cells with "a_"; give them back the ids the DOT set.
        match = _OUR_ID.match(element.get("id", ""))
        if match and match.group(1) not in ids:
            element.set("id", match.group(1))
    _hoist_font_family(root)
    return ET.tostring(root, encoding="unicode").encode("utf-8")


def _allowed_element(element: ET.Element) -> bool:
    tag = element.tag
    return isinstance(tag, str) and tag.startswith(f"{{{SVG_NS}}}") and _local(tag) in _SVG_ELEMENTS


def _allowed_attribute(name: str, value: str) -> bool:
    if name.startswith(f"{{{XLINK_NS}}}"):
        known = _local(name) in _XLINK_ATTRIBUTES
    elif name.startswith(f"{{{_XML_NS}}}"):
        known = _local(name) == "space"
    else:
        known = name in _SVG_ATTRIBUTES
    if not known:
        return False
    if _local(name) == "href":
        return value.startswith("#")
    return not _UNSAFE_VALUE.search(value.replace(" ", ""))


def _hoist_font_family(root: ET.Element) -> None:
    """One font-family on the root instead of on every <text> when they all name the same one.

    dot repeats it on each text element (14,000 times in a 1,000-container pod: half a megabyte
    of the editor page); SVG inherits it from the root, so the drawing is the same.
    """
    texts = [el for el in root.iter() if _local(el.tag) == "text"]
    families = {el.get("font-family") for el in texts}
    if len(families) != 1 or None in families or root.get("font-family") not in (None, *families):
        return
    root.set("font-family", families.pop() or "")
    for el in texts:
        del el.attrib["font-family"]
