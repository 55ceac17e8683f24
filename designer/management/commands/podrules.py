"""`manage.py podrules`: the same command as `python -m designer.pod rules`, same arguments."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from designer.pod.cli.rules import main


class Command(BaseCommand):
    help = "Same as python -m designer.pod rules (run with --help for its arguments)."

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is [manage.py, podrules, ...]: hand the rest to the CLI untouched, exit code too.
        sys.exit(main(argv[2:]))

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - run_from_argv handles it
        raise SystemExit(main(list(args)))
