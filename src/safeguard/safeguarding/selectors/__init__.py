"""Every read of the safeguarding area that returns records to a user: access-checked and
audited (one consultation entry per page or API response)."""

from safeguard.safeguarding.selectors.child import (
    ChildFlag,
    child_flag_for,
    child_flag_lookup,
    child_page,
    may_ask_for_flags,
    register,
)
from safeguard.safeguarding.selectors.chronology import (
    body_map_page,
    chronology_page,
    event_page,
    export_rows,
)
from safeguard.safeguarding.selectors.events import Filters

__all__ = [
    "ChildFlag",
    "Filters",
    "body_map_page",
    "child_flag_for",
    "child_flag_lookup",
    "child_page",
    "chronology_page",
    "event_page",
    "export_rows",
    "may_ask_for_flags",
    "register",
]
