"""The demo county has explained alerts, including the adult on licence in a child's home, and
re-evaluating it changes nothing."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from safeguard.alerts.clock import evaluation_clock
from safeguard.alerts.evaluation import alerts_reevaluate
from safeguard.alerts.models import Alert, AlertRecipient
from safeguard.demo.county import TODAY, county_generate
from safeguard.safeguarding.models import Child
from safeguard.safeguarding.timeutil import local_zone

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_explained_alerts_for_both_agencies() -> None:
    county_generate(seed=11)
    alerts = Alert.objects.filter(superseded=False)
    rules = set(alerts.values_list("rule", flat=True))
    assert {"restricted_adult", "unknown_adult", "child_not_seen"} <= rules
    assert all(a.explanation and a.guidance and a.evidence for a in alerts)
    restricted = alerts.filter(rule="restricted_adult")
    assert AlertRecipient.objects.filter(alert__in=restricted, side="probation").exists()
    # The named social worker has the licence story in her own queue.
    mine = alerts.filter(recipients__user__username="sw.teama", rule="restricted_adult")
    assert mine.count() >= 2
    assert AlertRecipient.objects.filter(
        alert__in=mine, side="probation", user__isnull=False
    ).exists()
    before = sorted(alerts.values_list("key", "state"))
    noon = datetime.combine(TODAY, time(12, 0), tzinfo=local_zone())
    with evaluation_clock(noon):
        outcome = alerts_reevaluate(Child.objects.values_list("pk", flat=True), as_of=noon)
    assert not outcome.changed
    assert sorted(Alert.objects.filter(superseded=False).values_list("key", "state")) == before
