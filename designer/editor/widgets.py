"""Form controls from the field table: label, control, help and error, every value escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from designer.editor.fields import Field

BOOL_CHOICES = [("", "(not set)"), ("true", "true"), ("false", "false")]


@dataclass
class FormField:
    name: str  # the post name
    id: str
    label: str
    widget: str  # text | number | textarea | select | yaml
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    help: str = ""
    error: str = ""
    rows: int = 3

    def html(self) -> SafeString:
        """The field's markup: label, control, help and error, every value escaped.

        Built here rather than in a template: a 12-container pod has about a thousand fields
        and the template engine would spend tens of milliseconds on them at every structural
        action (see bench/editor.py).
        """
        e = escape
        described = " ".join(
            x for x in (f"{self.id}-help" if self.help else "", f"{self.id}-error" if self.error else "") if x
        )
        aria = (f' aria-describedby="{described}"' if described else "") + (
            ' aria-invalid="true"' if self.error else ""
        )
        attrs = f'id="{e(self.id)}" name="{e(self.name)}"{aria}'
        if self.widget == "yaml":
            head = f'<span class="label">{e(self.label)}</span>'
            control = (
                f'<p id="{e(self.id)}" class="yaml-only"><small>Set in a form the fields cannot show: '
                '<a href="#yaml-text">edit it in YAML</a>.</small></p>'
            )
        else:
            head = f'<label for="{e(self.id)}">{e(self.label)}</label>'
            if self.widget == "textarea":
                control = f'<textarea {attrs} rows="{self.rows}" spellcheck="false" class="code">\n{e(self.value)}</textarea>'
            elif self.widget == "select":
                options = "".join(
                    f'<option value="{e(v)}"{" selected" if v == self.value else ""}>{e(t)}</option>'
                    for v, t in self.choices
                )
                control = f"<select {attrs}>{options}</select>"
            else:
                numeric = ' inputmode="numeric"' if self.widget == "number" else ""
                control = f'<input type="text"{numeric} {attrs} value="{e(self.value)}" spellcheck="false">'
        help_text = (
            f'<small id="{e(self.id)}-help">{e(self.help)}</small>'
            if self.help and self.widget != "yaml"
            else ""
        )
        error = (
            f'<small class="field-error" id="{e(self.id)}-error">{e(self.error)}</small>'
            if self.error
            else ""
        )
        css = f"field field-{self.widget}" + (" has-error" if self.error else "")
        return mark_safe(f'<div class="{css}">{head}{control}{help_text}{error}</div>')  # noqa: S308 (escaped above)


def dom_id(prefix: str, key: str) -> str:
    """The id of a field's control: 'f-cc0-resources-limits-memory'."""
    return f"f-{prefix}-{re.sub(r'[^A-Za-z0-9_-]', '-', key)}"


def make_field(prefix: str, row: Field, shown: dict[str, str], errors: dict[str, str]) -> FormField:
    """The control for one row of the table; 'edit in YAML' when the value cannot be shown."""
    name = f"{prefix}-{row.key}"
    if row.key not in shown:
        return FormField(
            name, dom_id(prefix, row.key), row.label, "yaml", help="this value can only be edited in YAML"
        )
    value = shown[row.key]
    result = FormField(
        name, dom_id(prefix, row.key), row.label, row.widget, value, help=row.help, error=errors.get(name, "")
    )
    if row.widget == "bool":
        result.widget, result.choices = "select", list(BOOL_CHOICES)
    elif row.widget == "select":
        result.choices = [(o, o or "(not set)") for o in row.choices]
        if value not in row.choices:
            result.choices.append((value, value))  # a value the list does not know stays selectable
    elif row.widget == "textarea":
        result.rows = max(2, min(12, value.count("\n") + 2))
    return result
