"""`python -m designer.pod diagram FILE... [-o OUT.svg|.png|.dot|DIR/] [-j N] [--lifecycle] [--engine E]`.

One FILE draws to stdout or to -o. Several files (or -o naming a directory, written with a
trailing slash or already existing) draw each pod to DIR/<file stem>.<format> in this one
process: a CI job that draws a whole folder pays Python's start-up and the imports once, not once
per pod (bench/diagram.py measures the per-pod cost against a bare `dot`). The batch also hands all
its graphs to one engine process (`dot -O a.dot b.dot ...`, which graphviz-pure understands too),
so the engine's own start-up is paid once; a graph the engine cannot draw is redrawn alone for its
error message. -j N splits the batch over N engine processes.

Exit codes: 0 all drawn, 2 an input could not be read or a drawing could not be made (in a batch
the others are still drawn). Imports stay lean (no schema validators) so that CI pipelines pay
only for YAML and graphviz.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from designer.pod.cli import read_manifest
from designer.pod.diagram import build_dot, build_lifecycle_dot
from designer.pod.render import RenderError, find_engine, render, sanitize_svg

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


def _dot_of(path: str, args: argparse.Namespace) -> str | None:
    """The DOT source for the workload in FILE, or None after saying on stderr why not."""
    manifest = read_manifest(path, args.choose)
    if manifest is None:
        return None
    if args.lifecycle:
        return build_lifecycle_dot(manifest.document)
    return build_dot(manifest.document, version=args.target_version)


def _draw(path: str, fmt: str, args: argparse.Namespace, dot: str | None = None) -> bytes | None:
    """The drawing of the workload in FILE, or None after saying on stderr why not."""
    dot = dot if dot is not None else _dot_of(path, args)
    if dot is None:
        return None
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
    dots = [_dot_of(path, args) for path in args.file]
    jobs = [(path, target, dot) for path, target, dot in zip(args.file, targets, dots, strict=True) if dot]
    chunks = [jobs[k :: args.jobs] for k in range(min(args.jobs, len(jobs)))]
    if len(chunks) > 1:
        # Imported here: a one-pod run would pay its import in start-up for nothing.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            results = [ok for chunk in pool.map(lambda c: _draw_chunk(c, fmt, args), chunks) for ok in chunk]
    else:
        results = [ok for chunk in chunks for ok in _draw_chunk(chunk, fmt, args)]
    return 0 if all(results) and len(jobs) == len(args.file) else 2


def _draw_chunk(jobs: list[tuple[str, str, str]], fmt: str, args: argparse.Namespace) -> list[bool]:
    """Draw (file, target, dot) jobs with one engine process; a job it fails is drawn alone."""
    drawn = _engine_many([dot for _, _, dot in jobs], fmt, args) if fmt != "dot" else [None] * len(jobs)
    results = []
    for (path, target, dot), output in zip(jobs, drawn, strict=True):
        if output is None:
            output = _draw(path, fmt, args, dot)
        elif fmt == "svg":
            try:
                output = sanitize_svg(output)
            except RenderError:
                output = _draw(path, fmt, args, dot)  # drawn alone, for the engine's own message
        results.append(output is not None and _write(target, output))
    return results


def _engine_many(dots: list[str], fmt: str, args: argparse.Namespace) -> list[bytes | None]:
    """Each graph drawn by one `ENGINE -Tfmt -O 0.dot 1.dot ...` run; None where it drew nothing."""
    import subprocess
    import tempfile

    if len(dots) < 2:
        return [None] * len(dots)
    try:
        engine = find_engine(args.engine)
    except RenderError:
        return [None] * len(dots)  # each job then reports the missing engine itself
    with tempfile.TemporaryDirectory(prefix="pod-diagram-") as work:
        sources = [os.path.join(work, f"{k}.dot") for k in range(len(dots))]
        for source, dot in zip(sources, dots, strict=True):
            with open(source, "w", encoding="utf-8") as handle:
                handle.write(dot)
        try:
            subprocess.run(
                [engine, f"-T{fmt}", "-O", *sources],
                capture_output=True,
                timeout=args.timeout * len(dots),
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return [None] * len(dots)
        outputs: list[bytes | None] = []
        for source in sources:
            try:
                with open(f"{source}.{fmt}", "rb") as handle:
                    data = handle.read()
                outputs.append(data or None)
            except OSError:
                outputs.append(None)
        return outputs


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
