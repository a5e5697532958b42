"""What a model declares, read for the views; the readers live in app.core.declared, shared with the imports."""
from ..core.declared import (  # noqa: F401
    AUDIT_COLUMNS, declared_fields, editable_fields, field_info, label_column, label_for, sections,
)
