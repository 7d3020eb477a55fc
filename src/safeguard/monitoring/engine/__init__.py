"""Pure monitoring engine: no Django, deterministic, dataclasses in and out."""
