"""`python -m designer.pod convert FILE [--to KIND] [--format yaml|json] [--choose N]`."""

from __future__ import annotations

import argparse
import sys

from designer.pod.cli import read_manifest
from designer.pod.manifest import export_text
from designer.pod.workloads import WORKLOAD_KINDS


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m designer.pod convert",
        description="Convert a manifest to another workload kind and/or format; '-' reads stdin.",
    )
    parser.add_argument("file", help="YAML or JSON manifest, '-' for stdin")
    parser.add_argument("--to", choices=list(WORKLOAD_KINDS), help="workload kind to convert to")
    parser.add_argument("--format", choices=["yaml", "json"], default="yaml", help="output format")
    parser.add_argument("--choose", type=int, help="index (in the stream) of the workload to use")
    parser.add_argument("--schedule", help="schedule when converting to a CronJob")
    args = parser.parse_args(argv)
    manifest = read_manifest(args.file, args.choose)
    if manifest is None:
        return 2
    text = export_text(
        manifest.document, manifest.companions, kind=args.to, fmt=args.format, schedule=args.schedule
    )
    sys.stdout.write(text)
    return 0
