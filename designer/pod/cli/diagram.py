"""`python -m designer.pod diagram FILE [-o OUT.svg|.png|.dot] [--lifecycle] [--engine E]`.

Exit codes: 0 drawn, 2 the input could not be read or the drawing could not be made. Imports
stay lean (no schema validators) so that CI pipelines pay only for YAML and graphviz.
"""

from __future__ import annotations

import argparse
import sys

from designer.pod.cli import read_manifest
from designer.pod.diagram import build_dot, build_lifecycle_dot
from designer.pod.render import RenderError, render, sanitize_svg

FORMATS = ("svg", "png", "dot")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m designer.pod diagram",
        description="Draw the inside of a pod as SVG (default, to stdout), PNG or DOT; '-' reads stdin.",
    )
    parser.add_argument("file", help="YAML or JSON manifest, '-' for stdin")
    parser.add_argument(
        "-o", "--output", help="write here; the format follows the extension (.svg .png .dot)"
    )
    parser.add_argument("--format", choices=FORMATS, help="output format (default: from -o, else svg)")
    parser.add_argument("--lifecycle", action="store_true", help="draw the start/stop order instead")
    parser.add_argument("--engine", help='graphviz engine: "dot", "graphviz-pure" or a path')
    parser.add_argument("--choose", type=int, help="index (in the stream) of the workload to use")
    parser.add_argument("--target-version", help="Kubernetes version shown in the pod's frame")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds the engine may take")
    args = parser.parse_args(argv)

    fmt = args.format
    if fmt is None and args.output:
        extension = args.output.rsplit(".", 1)[-1].lower() if "." in args.output else ""
        if extension not in FORMATS:
            print(f"{args.output}: unknown extension; use .svg, .png or .dot (or --format)", file=sys.stderr)
            return 2
        fmt = extension
    fmt = fmt or "svg"

    manifest = read_manifest(args.file, args.choose)
    if manifest is None:
        return 2

    if args.lifecycle:
        dot = build_lifecycle_dot(manifest.document)
    else:
        dot = build_dot(manifest.document, version=args.target_version)
    try:
        output = render(dot, fmt, engine=args.engine, timeout=args.timeout, cache=False)
        if fmt == "svg":
            output = sanitize_svg(output)
    except RenderError as exc:
        print(f"{'<stdin>' if args.file == '-' else args.file}: cannot draw: {exc}", file=sys.stderr)
        return 2

    if args.output:
        try:
            with open(args.output, "wb") as handle:
                handle.write(output)
        except OSError as exc:
            print(f"{args.output}: cannot write: {exc.strerror or exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
    return 0
