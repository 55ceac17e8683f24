"""`python -m designer.pod lint|diagram|convert|rules ...`: the core without Django, for CI pipelines.

Each subcommand lives in designer/pod/cli/<name>.py with `main(argv) -> int`; it is imported
only when used, so `diagram` does not pay for the schema validators and vice versa.
"""

from __future__ import annotations

import importlib
import os
import sys

COMMANDS = {
    "convert": "convert a manifest to another workload kind or format",
    "lint": "validate manifests (kube-apiserver rules, patterns, practices)",
    "diagram": "draw the inside of a pod as SVG, PNG or DOT",
    "rules": "list the rules, or explain one with examples",
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        lines = [f"  {name:8} {text}" for name, text in COMMANDS.items()]
        print("usage: python -m designer.pod COMMAND ...\n\ncommands:\n" + "\n".join(lines), file=sys.stderr)
        return 0 if args and args[0] in ("-h", "--help") else 2
    module = importlib.import_module(f"designer.pod.cli.{args[0]}")
    try:
        return int(module.main(args[1:]))
    except BrokenPipeError:
        # The reader has gone (`lint ... | head -1`): the rest of the output is theirs to drop, so
        # end quietly, as coreutils do, with the status of a process that SIGPIPE ended.
        _drop_stdout()
        return SIGPIPE_STATUS


SIGPIPE_STATUS = 128 + 13


def _drop_stdout() -> None:
    """Point stdout at /dev/null so the final flush of what is still buffered cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a test's StringIO): nothing to redirect
        pass


def exit_now(code: int) -> None:
    """Flush and leave without the interpreter's teardown (freeing every module and object):
    ~5 ms of a diagram run that is mostly start-up, and a one-shot CLI leaves nothing to clean."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`... | head`): the output is theirs to drop
            pass
    os._exit(code)


if __name__ == "__main__":
    exit_now(main())
