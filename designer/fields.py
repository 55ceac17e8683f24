"""A JSON field that keeps key order on every database.

PostgreSQL's jsonb reorders object keys; a Kubernetes document must come back exactly as the
user gave it, so documents are stored as JSON text and parsed on read.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class OrderedJSONField(models.TextField[Any, Any]):
    description = "JSON stored as text (key order kept)"
    # What django-stubs' plugin reads as the types a model attribute takes and gives: any JSON.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        return None if value is None else json.loads(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def value_to_string(self, obj: Any) -> str:
        return self.get_prep_value(self.value_from_object(obj)) or ""
