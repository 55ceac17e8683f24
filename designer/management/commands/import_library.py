"""`manage.py import_library DIR`: read an export_library directory back (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from designer.library_backup import BackupError, import_library


class Command(BaseCommand):
    help = "Import accounts, tokens, teams, designs and revisions from an export_library DIR; what exists is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        root = options["directory"]
        if not (root / "designs").is_dir() or not (root / "users.json").is_file():
            raise CommandError(f"{root} is not an export_library directory")
        try:
            designs, revisions = import_library(root)
        except BackupError as exc:
            raise CommandError(f"nothing imported: {exc}") from exc
        self.stdout.write(f"imported {designs} new designs and {revisions} new revisions from {root}")
