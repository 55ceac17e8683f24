"""`manage.py export_library DIR`: every account, team and design with every revision, as YAML
plus JSON metadata. DIR holds password and token hashes: keep it as secret as the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from designer.library_backup import export_library


class Command(BaseCommand):
    help = (
        "Export the whole library (accounts, tokens, teams, designs, revisions) into DIR; "
        "run it again to refresh DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        result = export_library(options["directory"])
        self.stdout.write(f"exported {result.designs} designs to {options['directory']}")
        if result.skipped:
            # Everything else is written; these could not be read back, so they are not in DIR.
            lines = "\n  ".join(result.skipped)
            raise CommandError(
                f"{len(result.skipped)} revision(s) left out, over the manifest loader's limits:\n  {lines}"
            )
