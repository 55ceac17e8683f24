"""Benchmark: designer.pod.manifest load + dump against plain PyYAML on the same input.

Run: .venv/bin/python bench/manifest.py
Prints, for each input, the best-of-N time of load_stream + dump_yaml, of yaml.safe_load_all +
yaml.safe_dump_all (PyYAML's defaults, pure Python), and of the same with the libyaml C
loader/dumper; the ratio against each (goal: <= 1.5x safe_*), and peak traced memory.
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

from designer.pod.manifest import dump_json, dump_yaml, load_stream  # noqa: E402

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


def main() -> None:
    print(f"PyYAML {yaml.__version__}, libyaml: {yaml.__with_libyaml__}, Python {sys.version.split()[0]}")
    report("~1 MiB multi-document stream", stream_of(1_000_000), repeat=5)
    if FIXTURES.is_dir():
        report("fixture corpus (tests/fixtures/manifests)", corpus(), repeat=20)


if __name__ == "__main__":
    main()
