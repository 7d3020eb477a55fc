"""Pure monitoring engine: no Django, deterministic, dataclasses in and out.

``run_check`` is the batch command over files (contracts.md §1); ``evaluate`` the same over
in-memory tables; ``MonitorStream`` the incremental form for feeds. See
docs/monitoring-engine.md.
"""

from safeguard.monitoring.engine.batch import evaluate, latest_reading
from safeguard.monitoring.engine.check import (
    Summary,
    errors_path,
    load_orders,
    parse_until,
    run_check,
)
from safeguard.monitoring.engine.csvrows import Reject, UnusableInput
from safeguard.monitoring.engine.ingest import read_events, read_fixes
from safeguard.monitoring.engine.orders import Curfew, Order, OrderError, Zone, parse_orders
from safeguard.monitoring.engine.settings import RULE_VERSION, Settings
from safeguard.monitoring.engine.spells import Violation
from safeguard.monitoring.engine.stream import MonitorStream
from safeguard.monitoring.engine.tables import EVENT_KINDS, EventTable, FixTable

__all__ = [
    "EVENT_KINDS",
    "RULE_VERSION",
    "Curfew",
    "EventTable",
    "FixTable",
    "MonitorStream",
    "Order",
    "OrderError",
    "Reject",
    "Settings",
    "Summary",
    "UnusableInput",
    "Violation",
    "Zone",
    "errors_path",
    "evaluate",
    "latest_reading",
    "load_orders",
    "parse_orders",
    "parse_until",
    "read_events",
    "read_fixes",
    "run_check",
]
