"""`python -m designer.pod convert FILE [--to KIND] [--format yaml|json] [--choose N]`.

Without --to (or with the file's own kind) and in the file's own format, the file is written
back as it is, comments and layout included (source.py): the text is what the user wrote, and
a stream with several workloads passes through whole. Another kind or format is the canonical
dump of the converted documents.
"""

from __future__ import annotations

import argparse
import sys

from designer.pod.cli import read_bytes, read_manifest
from designer.pod.manifest import ManifestError, MultipleWorkloads, export_text, load_manifest, load_stream
from designer.pod.source import is_json, stream_documents, text_for_import
from designer.pod.workloads import WORKLOAD_KINDS


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m designer.pod convert",
        description="Convert a manifest to another workload kind and/or format; '-' reads stdin.",
    )
    parser.add_argument("file", help="YAML or JSON manifest, '-' for stdin")
    parser.add_argument("--to", choices=list(WORKLOAD_KINDS), help="workload kind to convert to")
    parser.add_argument(
        "--format", choices=["yaml", "json"], help="output format (default: the input's, written as it is)"
    )
    parser.add_argument("--choose", type=int, help="index (in the stream) of the workload to use")
    parser.add_argument("--schedule", help="schedule when converting to a CronJob")
    args = parser.parse_args(argv)
    data = read_bytes(args.file)
    if data is None:
        return 2
    if args.to is None and args.schedule is None:
        kept = _as_written(data, args.format, args.choose)
        if kept is not None:
            sys.stdout.write(kept)
            return 0
    manifest = read_manifest(args.file, args.choose, data=data)
    if manifest is None:
        return 2
    converted = export_text(
        manifest.document,
        manifest.companions,
        kind=args.to,
        fmt=args.format or "yaml",
        schedule=args.schedule,
        position=manifest.position,
    )
    sys.stdout.write(converted)
    return 0


def _as_written(data: bytes, fmt: str | None, choose: int | None) -> str | None:
    """The input itself when the output is the same kind and format; None to convert it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # read_manifest says where
    if fmt is not None and (fmt == "json") != is_json(text):
        return None
    try:
        try:
            manifest = load_manifest(text, choose=choose)
            documents = stream_documents(manifest.document, manifest.companions, manifest.position)
        except MultipleWorkloads:
            documents = load_stream(text).documents  # nothing to choose for: the stream as it is
        return text_for_import(text, documents)
    except ManifestError:
        return None  # read_manifest says why
