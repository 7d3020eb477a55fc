"""Pure safeguarding engine: no Django, deterministic, dataclasses in and out."""
