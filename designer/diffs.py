"""A readable diff of two revisions' YAML: difflib hunks rendered as an HTML table.

Every piece of user text passes through escape() before it is marked safe; changed lines also
get their changed characters highlighted (<del>/<ins> inside the line).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "context", "removed", "added", "hunk"
    old_no: int | None
    new_no: int | None
    html: str  # already escaped


def _inline(old: str, new: str) -> tuple[str, str]:
    """The two lines escaped, with the differing character runs wrapped in <del>/<ins>."""
    # Compare word by word (not character by character) so "1.4.2" → "1.5.0" reads as two changes.
    a_tokens, b_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, a_tokens, b_tokens, autojunk=False)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = escape("".join(a_tokens[i1:i2])), escape("".join(b_tokens[j1:j2]))
        if op == "equal":
            left.append(a)
            right.append(b)
        else:
            if a:
                left.append(f"<del>{a}</del>")
            if b:
                right.append(f"<ins>{b}</ins>")
    return "".join(left), "".join(right)


def diff_lines(old_text: str, new_text: str, context: int = 3) -> list[DiffLine]:
    """Hunks of changed lines with `context` lines around them; [] when the texts are equal."""
    old, new = old_text.splitlines(), new_text.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        header = f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@"
        lines.append(DiffLine("hunk", None, None, escape(header)))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines += [
                    DiffLine("context", i1 + k + 1, j1 + k + 1, escape(old[i1 + k])) for k in range(i2 - i1)
                ]
                continue
            removed, added = old[i1:i2], new[j1:j2]
            if op == "replace" and len(removed) == len(added):
                pairs = [_inline(a, b) for a, b in zip(removed, added, strict=True)]
                lines += [DiffLine("removed", i1 + k + 1, None, p[0]) for k, p in enumerate(pairs)]
                lines += [DiffLine("added", None, j1 + k + 1, p[1]) for k, p in enumerate(pairs)]
            else:
                lines += [DiffLine("removed", i1 + k + 1, None, escape(t)) for k, t in enumerate(removed)]
                lines += [DiffLine("added", None, j1 + k + 1, escape(t)) for k, t in enumerate(added)]
    return lines


_SIGNS = {"context": " ", "removed": "-", "added": "+", "hunk": ""}


def diff_html(old_text: str, new_text: str, context: int = 3) -> SafeString:
    """The diff as a <table class="diff">; a short note when nothing changed."""
    lines = diff_lines(old_text, new_text, context)
    if not lines:
        return mark_safe('<p class="diff-empty">The two revisions are identical.</p>')
    rows = []
    for line in lines:
        if line.kind == "hunk":
            rows.append(f'<tr class="diff-hunk"><td colspan="3"><code>{line.html}</code></td></tr>')
            continue
        old_no = "" if line.old_no is None else line.old_no
        new_no = "" if line.new_no is None else line.new_no
        rows.append(
            f'<tr class="diff-{line.kind}"><td class="diff-no">{old_no}</td><td class="diff-no">{new_no}</td>'
            f'<td><code><span class="diff-sign" aria-hidden="true">{_SIGNS[line.kind]}</span>{line.html}</code></td></tr>'
        )
    head = '<thead><tr><th scope="col">Old</th><th scope="col">New</th><th scope="col">Line</th></tr></thead>'
    return mark_safe(f'<table class="diff">{head}<tbody>{"".join(rows)}</tbody></table>')  # noqa: S308 (escaped above)
