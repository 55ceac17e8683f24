"""`manage.py export_library DIR`: every design with every revision, as YAML plus JSON metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from designer.library_backup import export_library


class Command(BaseCommand):
    help = "Export the whole library (designs, revisions, teams) into DIR; run it again to refresh DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        count = export_library(options["directory"])
        self.stdout.write(f"exported {count} designs to {options['directory']}")
