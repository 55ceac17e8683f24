"""`python -m designer.pod diagram FILE... [-o OUT.svg|.png|.dot|DIR/] [-j N] [--lifecycle] [--engine E]`.

One FILE draws to stdout or to -o. Several files (or -o naming a directory, written with a
trailing slash or already existing) draw each pod to DIR/<file stem>.<format> in this one
process: a CI job that draws a whole folder pays Python's start-up and the imports once, not once
per pod (bench/diagram.py measures the per-pod cost against a bare `dot`). -j N draws N pods at a
time (each drawing is a graphviz subprocess, so threads overlap them).

Exit codes: 0 all drawn, 2 an input could not be read or a drawing could not be made (in a batch
the others are still drawn). Imports stay lean (no schema validators) so that CI pipelines pay
only for YAML and graphviz.
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from designer.pod.cli import read_manifest
from designer.pod.diagram import build_dot, build_lifecycle_dot
from designer.pod.render import RenderError, render, sanitize_svg

FORMATS = ("svg", "png", "dot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m designer.pod diagram",
        description="Draw the inside of a pod as SVG (default, to stdout), PNG or DOT; '-' reads stdin. "
        "Several files draw into the directory given with -o DIR/.",
    )
    parser.add_argument("file", nargs="+", help="YAML or JSON manifests, '-' for stdin (one file only)")
    parser.add_argument(
        "-o",
        "--output",
        help="write here; the format follows the extension (.svg .png .dot); a directory (DIR/) for a batch",
    )
    parser.add_argument("--format", choices=FORMATS, help="output format (default: from -o, else svg)")
    parser.add_argument(
        "-j", "--jobs", type=int, default=1, help="pods drawn at a time in a batch (default 1)"
    )
    parser.add_argument("--lifecycle", action="store_true", help="draw the start/stop order instead")
    parser.add_argument("--engine", help='graphviz engine: "dot", "graphviz-pure" or a path')
    parser.add_argument("--choose", type=int, help="index (in the stream) of the workload to use")
    parser.add_argument("--target-version", help="Kubernetes version shown in the pod's frame")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds the engine may take")
    return parser


def _draw(path: str, fmt: str, args: argparse.Namespace) -> bytes | None:
    """The drawing of the workload in FILE, or None after saying on stderr why not."""
    manifest = read_manifest(path, args.choose)
    if manifest is None:
        return None
    if args.lifecycle:
        dot = build_lifecycle_dot(manifest.document)
    else:
        dot = build_dot(manifest.document, version=args.target_version)
    try:
        output = render(dot, fmt, engine=args.engine, timeout=args.timeout, cache=False)
        return sanitize_svg(output) if fmt == "svg" else output
    except RenderError as exc:
        print(f"{'<stdin>' if path == '-' else path}: cannot draw: {exc}", file=sys.stderr)
        return None


def _write(target: str, output: bytes) -> bool:
    try:
        with open(target, "wb") as handle:
            handle.write(output)
    except OSError as exc:
        print(f"{target}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def _targets(files: list[str], directory: Path, fmt: str) -> list[str]:
    """DIR/<stem>.<fmt> for each file; a stem seen before gets -2, -3, ... (a/pod.yaml, b/pod.yaml)."""
    seen: dict[str, int] = {}
    result = []
    for name in files:
        stem = Path(name).stem or "pod"
        seen[stem] = seen.get(stem, 0) + 1
        suffix = f"-{seen[stem]}" if seen[stem] > 1 else ""
        result.append(str(directory / f"{stem}{suffix}.{fmt}"))
    return result


def _batch(args: argparse.Namespace, fmt: str) -> int:
    if "-" in args.file:
        print("'-' (stdin) draws one pod; give files for a batch", file=sys.stderr)
        return 2
    directory = Path(args.output or ".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"{directory}: cannot create: {exc.strerror or exc}", file=sys.stderr)
        return 2
    targets = _targets(args.file, directory, fmt)

    def one(job: tuple[str, str]) -> bool:
        output = _draw(job[0], fmt, args)
        return output is not None and _write(job[1], output)

    jobs = list(zip(args.file, targets, strict=True))
    if args.jobs > 1:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(one, jobs))
    else:
        results = [one(job) for job in jobs]
    return 0 if all(results) else 2


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.jobs < 1:
        print("-j must be at least 1", file=sys.stderr)
        return 2
    to_directory = bool(args.output) and (args.output.endswith(("/", os.sep)) or os.path.isdir(args.output))
    if len(args.file) > 1 and args.output and not to_directory:
        print(
            f"{args.output}: several files draw into a directory; write it as {args.output}/", file=sys.stderr
        )
        return 2

    fmt = args.format
    if fmt is None and args.output and not to_directory:
        extension = args.output.rsplit(".", 1)[-1].lower() if "." in args.output else ""
        if extension not in FORMATS:
            print(f"{args.output}: unknown extension; use .svg, .png or .dot (or --format)", file=sys.stderr)
            return 2
        fmt = extension
    fmt = fmt or "svg"

    if to_directory or len(args.file) > 1:
        if not args.output:
            print("several files need -o DIR/ to draw into", file=sys.stderr)
            return 2
        return _batch(args, fmt)

    output = _draw(args.file[0], fmt, args)
    if output is None:
        return 2
    if args.output:
        return 0 if _write(args.output, output) else 2
    sys.stdout.buffer.write(output)
    sys.stdout.flush()
    return 0
