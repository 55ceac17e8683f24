"""Benchmark: designer.pod.manifest load + dump against plain PyYAML on the same input.

Run: .venv/bin/python bench/manifest.py
Prints, for each input, the best-of-N time of load_stream + dump_yaml, of yaml.safe_load_all +
yaml.safe_dump_all (PyYAML's defaults, pure Python), and of the same with the libyaml C
loader/dumper; the ratio against each (goal: <= 1.5x safe_*), and peak traced memory.

Then the cost of keeping the user's text (designer/pod/source.py), each against a baseline
measured in the same run, interleaved: the tree the patches are made on (compose_roots) and
ruamel.yaml's round-trip tree against the plain load on the 1 MiB stream; one patched edit (an
image changed) against the canonical dump it replaces, on the stream and on one manifest; and
what that does to a live preview's core (lint + text; goal: at most 20% slower).
"""

from __future__ import annotations

import gc
import re
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from designer.pod.manifest import compose_roots, dump_json, dump_yaml, load_stream  # noqa: E402
from designer.pod.source import patch_text  # noqa: E402
from designer.pod.workloads import WORKLOAD_KINDS, pod_spec  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "manifests"


def _fixture_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.yaml"))]


def corpus() -> str:
    texts = _fixture_texts()
    return "\n---\n".join(t.strip("\n") for t in texts) + "\n"


def stream_of(size: int) -> str:
    """A ~size-byte multi-document stream made of realistic workloads and companions."""
    base = corpus() if FIXTURES.is_dir() else ""
    if not base.strip():
        base = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n"
    parts, total, i = [], 0, 0
    docs = [t.strip("\n") for t in _fixture_texts()] or [base.strip("\n")]
    while total < size:
        doc = re.sub(r"^(  name: )(?=[a-z0-9])", rf"\g<1>n{i}-", docs[i % len(docs)], count=1, flags=re.M)
        parts.append(doc)
        total += len(doc) + 5
        i += 1
    return "\n---\n".join(parts) + "\n"


def ours(text: str) -> str:
    return dump_yaml(load_stream(text, _limits(text)).documents)


def _limits(text: str) -> Any:
    from designer.pod.manifest import Limits

    return Limits(max_bytes=max(len(text.encode()) + 1, 1_048_576), max_documents=100_000, max_nodes=10**8)


def pyyaml_safe(text: str) -> str:
    return str(yaml.safe_dump_all(list(yaml.safe_load_all(text)), sort_keys=False, allow_unicode=True))


def pyyaml_c(text: str) -> str:
    docs = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    return str(yaml.dump_all(docs, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True))


def best_time(func: Callable[[str], Any], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - start)
    return best


def best_times(text: str, repeat: int) -> dict[str, float]:
    """Best of `repeat` rounds; candidates interleaved so that drift hits all of them alike."""
    times = dict.fromkeys(CANDIDATES, float("inf"))
    for _ in range(repeat):
        for name, func in CANDIDATES.items():
            times[name] = min(times[name], best_time(func, text, 1))
    return times


def peak_memory(func: Callable[[str], Any], text: str) -> int:
    tracemalloc.start()
    try:
        func(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def report(label: str, text: str, repeat: int) -> None:
    size = len(text.encode())
    loaded = load_stream(text, _limits(text))
    documents = len(loaded.documents)
    json_text = dump_json(loaded.documents)
    del loaded
    print(f"\n{label}: {size / 1024:.0f} KiB, {documents} documents")
    times = best_times(text, repeat)
    peaks = {name: peak_memory(func, text) for name, func in CANDIDATES.items()}
    for name in CANDIDATES:
        print(f"  {name:34} {times[name] * 1000:8.1f} ms   peak {peaks[name] / 2**20:6.1f} MiB")
    ratio = times["ours (load_stream + dump_yaml)"] / times["yaml.safe_load_all + safe_dump_all"]
    ratio_c = times["ours (load_stream + dump_yaml)"] / times["CSafeLoader + CSafeDumper"]
    mem = peaks["ours (load_stream + dump_yaml)"] / peaks["yaml.safe_load_all + safe_dump_all"]
    verdict = "OK" if ratio <= 1.5 else "OVER GOAL"
    print(f"  ratio vs safe_*: {ratio:.2f}x (goal <= 1.5x: {verdict}); vs C loader/dumper: {ratio_c:.2f}x")
    print(f"  peak memory vs safe_*: {mem:.2f}x")
    json_time = best_time(lambda t: load_stream(t, _limits(t)), json_text, repeat)
    print(
        f"  same documents as JSON ({len(json_text.encode()) / 1024:.0f} KiB): load_stream {json_time * 1000:.1f} ms"
    )


CANDIDATES: dict[str, Callable[[str], Any]] = {
    "ours (load_stream + dump_yaml)": ours,
    "yaml.safe_load_all + safe_dump_all": pyyaml_safe,
    "CSafeLoader + CSafeDumper": pyyaml_c,
}


def interleaved(candidates: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Best of `repeat` rounds of each candidate, taken in turn so drift hits all of them alike."""
    times = dict.fromkeys(candidates, float("inf"))
    for _ in range(repeat):
        for name, func in candidates.items():
            gc.collect()
            start = time.perf_counter()
            func()
            times[name] = min(times[name], time.perf_counter() - start)
    return times


def _print_ratios(times: dict[str, float], baseline: str) -> None:
    for name, seconds in times.items():
        ratio = "" if name == baseline else f"   {seconds / times[baseline]:5.2f}x {baseline}"
        print(f"  {name:40} {seconds * 1000:8.1f} ms{ratio}")


def edited(documents: list[dict[str, Any]], suffix: str = "-edited") -> list[dict[str, Any]]:
    """The documents with the first workload's first image changed, as one form edit does."""
    import copy

    new = copy.deepcopy(documents)
    workload = next(d for d in new if d.get("kind") in WORKLOAD_KINDS)
    container = pod_spec(workload)["containers"][0]
    container["image"] = str(container.get("image", "x")) + suffix
    return new


def source_report(text: str, manifest_text: str, repeat: int) -> None:
    from ruamel.yaml import YAML

    limits = _limits(text)
    documents = load_stream(text, limits).documents
    print(
        f"\nkeeping the user's text, ~1 MiB stream ({len(text.encode()) / 1024:.0f} KiB, {len(documents)} documents)"
    )
    rt = YAML(typ="rt")
    times = interleaved(
        {
            "load_stream (plain load)": lambda: load_stream(text, limits),
            "compose_roots (tree the patches use)": lambda: compose_roots(text, limits),
            "ruamel.yaml round-trip load_all": lambda: list(rt.load_all(text)),
        },
        max(2, repeat // 2),
    )
    _print_ratios(times, "load_stream (plain load)")
    new = edited(documents)
    assert not patch_text(text, documents, new, limits).normalised
    times = interleaved(
        {
            "dump_yaml (canonical text)": lambda: dump_yaml(new),
            "patch_text (one edit, checked)": lambda: patch_text(text, documents, new, limits),
        },
        repeat,
    )
    _print_ratios(times, "dump_yaml (canonical text)")

    single = load_stream(manifest_text).documents
    new_single = edited(single)
    assert not patch_text(manifest_text, single, new_single).normalised
    print(f"\none manifest ({len(manifest_text.encode()) / 1024:.1f} KiB)")
    times = interleaved(
        {
            "dump_yaml": lambda: dump_yaml(new_single),
            "patch_text": lambda: patch_text(manifest_text, single, new_single),
        },
        repeat * 4,
    )
    _print_ratios(times, "dump_yaml")
    preview_report(manifest_text, single, repeat)


def preview_report(manifest_text: str, documents: list[dict[str, Any]], repeat: int) -> None:
    """A live preview's core (lint, diagram, text) with the canonical dump and with the patch."""
    from designer.pod.diagram import build_dot
    from designer.pod.render import render
    from designer.pod.rules.lint import lint

    edits = iter(range(10**9))

    def preview(text_of: Callable[[list[dict[str, Any]]], Any]) -> None:
        # A new image every time, so the diagram differs and the render cache hides nothing.
        new = edited(documents, f"-{next(edits)}")
        workload = next(d for d in new if d.get("kind") in WORKLOAD_KINDS)
        findings = lint(workload)
        try:
            render(build_dot(workload, None, findings), "svg")
        except Exception:  # noqa: BLE001 - no graphviz here: the preview without its drawing
            pass
        text_of(new)

    # The drawing (a graphviz process) varies by tens of ms from run to run: medians of many
    # interleaved rounds, and the text step's own cost as a share of the whole.
    rounds = repeat * 8
    samples: dict[str, list[float]] = {"dump": [], "patch": []}
    for _ in range(rounds):
        for name, text_of in (
            ("dump", dump_yaml),
            ("patch", lambda new: patch_text(manifest_text, documents, new)),
        ):
            gc.collect()
            start = time.perf_counter()
            preview(text_of)
            samples[name].append(time.perf_counter() - start)
    before, now = (sorted(samples[k])[rounds // 2] for k in ("dump", "patch"))
    print(f"  a preview's core (lint + diagram + text), median of {rounds} interleaved rounds")
    print(f"  {'with dump_yaml (before)':40} {before * 1000:8.1f} ms")
    print(f"  {'with patch_text (now)':40} {now * 1000:8.1f} ms   {now / before:5.2f}x before")
    new = edited(documents)
    text_times = interleaved(
        {"dump": lambda: dump_yaml(new), "patch": lambda: patch_text(manifest_text, documents, new)}, rounds
    )
    share = (text_times["patch"] - text_times["dump"]) / before
    verdict = "OK" if share <= 0.2 else "OVER GOAL"
    print(f"  the patch adds {share * 100:.1f}% to the preview's median (goal <= 20%: {verdict})")


def main() -> None:
    print(f"PyYAML {yaml.__version__}, libyaml: {yaml.__with_libyaml__}, Python {sys.version.split()[0]}")
    stream = stream_of(1_000_000)
    report("~1 MiB multi-document stream", stream, repeat=5)
    if FIXTURES.is_dir():
        report("fixture corpus (tests/fixtures/manifests)", corpus(), repeat=20)
        manifest_text = (FIXTURES / "istio-injected-deployment.yaml").read_text(encoding="utf-8")
        source_report(stream, manifest_text, repeat=5)


if __name__ == "__main__":
    main()
