"""Pure licences engine: no Django, deterministic, dataclasses in and out.

The condition catalogue (``catalogue/v3.json``, ``v4.json``, imported from the official
policy files by ``importer.py``), keyed by (policy, code); validation of entered values and
rendering of condition wording. See docs/licence-catalogue.md.
"""

from safeguard.licences.engine.catalogue import (
    Catalogue,
    CatalogueError,
    Condition,
    InputSpec,
    Option,
    get_condition,
    load_catalogue,
    normalise_policy,
    policy_for,
    v4_start_from,
)
from safeguard.licences.engine.render import render_condition_text
from safeguard.licences.engine.validation import (
    ConditionInputError,
    FieldError,
    validate_condition_inputs,
)

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Condition",
    "ConditionInputError",
    "FieldError",
    "InputSpec",
    "Option",
    "get_condition",
    "load_catalogue",
    "normalise_policy",
    "policy_for",
    "render_condition_text",
    "v4_start_from",
    "validate_condition_inputs",
]
