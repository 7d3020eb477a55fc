"""The demo county's children: records, plans, households and chronologies (seeded)."""

from __future__ import annotations

import json
import re

import pytest

from safeguard.demo.county import TODAY, county_generate
from safeguard.people.models import Allocation, Person
from safeguard.safeguarding.demo import safeguarding_generate
from safeguard.safeguarding.models import (
    AdultPresence,
    Child,
    ChildProtectionPlan,
    ChronologyEvent,
    HouseholdMember,
    Notification,
    ReviewConference,
)
from safeguard.safeguarding.selectors import child_page

pytestmark = pytest.mark.django_db


def test_demo_children_have_plans_households_and_chronologies() -> None:
    county_generate(seed=11)
    children = Child.objects.count()
    assert (
        children
        == Allocation.objects.filter(team__agency__kind="social_care")
        .values("person")
        .distinct()
        .count()
    )
    plans = ChildProtectionPlan.objects.filter(ended_on__isnull=True)
    assert 0.04 * children < plans.count() < 0.15 * children
    assert plans.filter(social_worker__username="sw.teama").count() >= 3
    assert HouseholdMember.objects.count() >= children
    kinds = set(ChronologyEvent.objects.values_list("kind", flat=True))
    assert {
        "child_registered",
        "cp_plan_started",
        "visit",
        "injury",
        "attendance",
        "missed_appointment",
        "police_callout",
    } <= kinds
    # Most children are quiet; a few have a man in police call-outs who is not in the household.
    per_child = sorted(
        ChronologyEvent.objects.filter(child=c).count() for c in Child.objects.all()[:200]
    )
    assert per_child[len(per_child) // 2] < 8
    worrying = {p.child_id for p in AdultPresence.objects.filter(event__kind="police_callout")}
    assert 5 <= len(worrying) <= 15
    sw = plans.filter(social_worker__username="sw.teama").first().social_worker  # type: ignore[union-attr]
    mine = [
        c
        for c in worrying
        if ChildProtectionPlan.objects.filter(child_id=c, social_worker=sw).exists()
    ]
    assert mine, "the named demo social worker has a worrying child"
    page = child_page(user=sw, child_id=mine[0])
    assert any(a.gap and a.status == "never" for a in page.adults_seen)
    assert Notification.objects.exists()  # attendances by children on plans notified their workers


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _snapshot() -> list[tuple[str, ...]]:
    """Every event, with person ids replaced by names (ids are random UUIDs)."""
    names = {str(p.pk): p.full_name for p in Person.objects.all()}

    def words(details: dict[str, object]) -> str:
        return _UUID.sub(lambda m: names[m.group(0)], json.dumps(details, sort_keys=True))

    return sorted(
        (e.child.person.full_name, e.occurred_at.isoformat(), e.kind, e.agency, words(e.details))
        # The safeguarding generator's own events: later steps (the alerts demo's call-out and
        # the licence restrictions its sweep records) come after it and are not regenerated here.
        for e in ChronologyEvent.objects.filter(source="demo").select_related("child__person")
    )


def test_same_seed_gives_the_same_chronologies() -> None:
    county_generate(seed=4)
    first = _snapshot()
    # Remove what the safeguarding generator made (the men it invented too) and run it again.
    invented = set(AdultPresence.objects.values_list("person_id", flat=True)) - set(
        HouseholdMember.objects.values_list("person_id", flat=True)
    )
    invented -= set(Allocation.objects.values_list("person_id", flat=True))
    from safeguard.linkage.models import CandidatePair, LinkageEvent

    # The linkage log keeps the pairs it decided (the alerts demo's police record among them).
    LinkageEvent.objects.all().delete()
    CandidatePair.objects.all().delete()
    Notification.objects.all().delete()
    AdultPresence.objects.all().delete()
    ChronologyEvent.objects.all().delete()
    ReviewConference.objects.all().delete()
    ChildProtectionPlan.objects.all().delete()
    HouseholdMember.objects.all().delete()
    Child.objects.all().delete()
    Person.objects.filter(pk__in=invented).delete()
    safeguarding_generate(seed=4, today=TODAY)
    assert _snapshot() == first
