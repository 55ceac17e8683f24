"""Seed the starter designs (the Patterns collection); idempotent: run it as often as you like."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from designer.models import Design
from designer.pod.manifest import load_manifest
from designer.pod.starters import list_starters
from designer.revisions import Content, create_design, save_revision


class Command(BaseCommand):
    help = "Create or refresh the starter designs shown in the Patterns collection."

    def handle(self, *args: Any, **options: Any) -> None:
        created = updated = 0
        for starter in list_starters():
            manifest = load_manifest(starter.text)
            content = Content(manifest.document, manifest.companions, {}, manifest.position, starter.text)
            design = Design.objects.filter(is_starter=True, starter_slug=starter.slug).first()
            if design is None:
                create_design(
                    None,
                    starter.name,
                    content,
                    description=starter.description,
                    is_starter=True,
                    starter_slug=starter.slug,
                    visibility=Design.Visibility.SHARED,
                    tags=Design.encode_tags(list(starter.tags)),
                    pss_level=starter.pss,
                )
                created += 1
                continue
            if design.pss_level != starter.pss:
                design.pss_level = starter.pss
                design.save(update_fields=["pss_level"])
            if design.latest is None or design.latest.document != manifest.document:
                # A changed starter file becomes a new revision: history is never rewritten.
                save_revision(design, content, None, message="Starter updated")
                updated += 1
        self.stdout.write(f"starter designs: {created} created, {updated} updated")
