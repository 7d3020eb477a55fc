"""The demo county's alerts (called by ``county_generate`` after the chronologies exist).

The safeguarding demo already tells the licence story in the chronologies: men on licence
recorded as staying with children carry the restriction probation shared, and a man the
police keep finding at a home is not in the recorded household. This runs the reverse licence
sweep (a no-op unless a licence in force has a condition about children not yet recorded) and
evaluates every child once, as of noon on the county's fixed day, so two builds give the same
alerts. It adds no chronology events of its own: the safeguarding demo's determinism test
compares chronologies built twice.
"""

from __future__ import annotations

from datetime import date, datetime, time

from safeguard.alerts.clock import evaluation_clock
from safeguard.alerts.evaluation import alerts_reevaluate
from safeguard.alerts.links import licence_links_sweep
from safeguard.safeguarding.models import Child
from safeguard.safeguarding.timeutil import local_zone

LABEL = "demo-generator"


def alerts_generate(*, seed: int, today: date) -> int:
    """Link licences, evaluate every child as of the county's day; returns alerts raised.
    ``seed`` is accepted like the other generators' (nothing here is random)."""
    noon = datetime.combine(today, time(12, 0), tzinfo=local_zone())
    with evaluation_clock(noon):
        licence_links_sweep()
        outcome = alerts_reevaluate(
            Child.objects.values_list("pk", flat=True), as_of=noon, actor_label=LABEL
        )
    return len(outcome.raised)
