"""The demo tag feed: planted violations come out of the real ingest and engine, and the same
seed gives the same readings and violations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from safeguard.audit.models import AuditEntry
from safeguard.monitoring.demo import monitoring_generate
from safeguard.monitoring.models import DeviceEvent, Fix, Violation
from tests.licences.helpers import active, curfew, exclusion, probation_team, tag

pytestmark = pytest.mark.django_db


def county() -> list[str]:
    """Four tagged people: three with curfew and zone, one with a curfew only by RF."""
    start = timezone.localdate() - timedelta(days=20)
    subjects = []
    for n in range(3):
        team = probation_team(given=f"Tagged{n}")
        active(team, curfew(), exclusion(), tag("curfew", "exclusion zone"), start=start)
        subjects.append(str(team.person.pk))
    rf = probation_team(given="Radio")
    active(rf, curfew(), tag("curfew"), start=start)
    subjects.append(str(rf.person.pk))
    return subjects


def snapshot() -> tuple[list[Any], list[Any]]:
    fixes = list(Fix.objects.order_by("subject", "seq").values_list("seq", "lat", "lon"))
    found = list(
        Violation.objects.order_by("kind", "started_at").values_list(
            "kind", "started_at", "ended_at"
        )
    )
    return fixes, found


def test_the_feed_plants_each_kind_of_violation_through_ingest() -> None:
    county()
    today = timezone.localdate()
    count = monitoring_generate(seed=1, today=today, days=2)
    kinds = sorted(Violation.objects.values_list("kind", flat=True))
    assert count == len(kinds)
    assert set(kinds) >= {"curfew_absence", "exclusion_entry", "no_signal"}
    assert "home_unit_absent" in set(DeviceEvent.objects.values_list("kind", flat=True))
    late = Violation.objects.get(
        kind="curfew_absence", curfew__gte=0, subject__in=Fix.objects.values("subject")
    )
    assert late.ended_at is not None
    assert timedelta(minutes=40) <= late.ended_at - late.started_at <= timedelta(minutes=75)
    gap = Violation.objects.get(kind="no_signal")
    assert gap.ended_at is not None
    assert timedelta(minutes=55) <= gap.ended_at - gap.started_at <= timedelta(minutes=65)
    # Two days at one fix a minute for the three GPS subjects, less the silent hour.
    assert Fix.objects.count() == 3 * 2 * 1440 - 60
    # Through the ingest service: audited batches of fixes.
    assert AuditEntry.objects.filter(object_type="em_fixes").exists()
    # Nothing else: no stray violations from the ordinary days.
    assert len(kinds) <= 5


def test_the_same_seed_gives_the_same_feed() -> None:
    county()
    today = timezone.localdate()
    monitoring_generate(seed=4, today=today, days=1)
    first = snapshot()
    Violation.objects.all().delete()
    Fix.objects.all().delete()
    DeviceEvent.objects.all().delete()
    monitoring_generate(seed=4, today=today, days=1)
    assert snapshot() == first
