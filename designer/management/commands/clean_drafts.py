"""Delete editor drafts nobody touched for POD_DESIGNER_DRAFT_MAX_AGE_DAYS days (cron it daily)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from designer.editor import drafts


class Command(BaseCommand):
    help = "Delete drafts older than POD_DESIGNER_DRAFT_MAX_AGE_DAYS (default 14) days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="override the setting")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.POD_DESIGNER_DRAFT_MAX_AGE_DAYS
        deleted = drafts.clean(max(0, days))
        self.stdout.write(f"Deleted {deleted} draft{'s' if deleted != 1 else ''} older than {days} days.")
