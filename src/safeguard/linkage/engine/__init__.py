"""Pure linkage engine: no Django, deterministic, dataclasses in and out."""
