"""Starter designs: commented Pod manifests shipped in designer/starters/ (package data).

Each starter file opens with one-line comments that describe it, then the manifest itself:
  # name: Web app with sidecar
  # description: A web server on port 8080 with a sidecar ...
  # tags: sidecar, classic          (optional)
  # pss: restricted                 (optional: the PodSecurity level the design is checked at)
The file name without `.yaml` is the starter's slug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from designer.pod.rules.pss import LEVELS as PSS_LEVELS

# Not imported as a package on purpose: the domain core must not import the Django app package.
STARTERS_DIR = Path(__file__).resolve().parent.parent / "starters"

_HEADER = re.compile(r"^#\s*(name|description|tags|pss)\s*:\s*(.*?)\s*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass(frozen=True)
class Starter:
    slug: str
    name: str
    description: str
    tags: tuple[str, ...]
    text: str
    pss: str = ""


def parse_starter(slug: str, text: str) -> Starter:
    """A Starter from a file's text; the leading `# key: value` comments give name, description, tags."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match and match.group(1) not in header:
            header[match.group(1)] = match.group(2)
    if not _SLUG.match(slug):
        raise ValueError(f"starter {slug!r}: the file name must be a lowercase slug")
    for key in ("name", "description"):
        if not header.get(key):
            raise ValueError(f"starter {slug!r}: missing '# {key}: ...' comment at the top")
    tags = tuple(tag.strip() for tag in header.get("tags", "").split(",") if tag.strip())
    pss = header.get("pss", "")
    if pss and pss not in PSS_LEVELS:
        raise ValueError(f"starter {slug!r}: '# pss: {pss}' is not one of {', '.join(PSS_LEVELS)}")
    return Starter(slug, header["name"], header["description"], tags, text, pss)


def list_starters(directory: Path = STARTERS_DIR) -> list[Starter]:
    """Every starter in the folder, sorted by slug."""
    return [
        parse_starter(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.yaml"), key=lambda p: p.stem)
    ]


def get_starter(slug: str, directory: Path = STARTERS_DIR) -> Starter | None:
    """The starter with this slug, or None (never reads outside the folder)."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        return None
    path = directory / f"{slug}.yaml"
    if not path.is_file():
        return None
    return parse_starter(slug, path.read_text(encoding="utf-8"))
