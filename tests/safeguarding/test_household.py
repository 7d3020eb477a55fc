"""The recorded household over time, and the adults agencies have actually seen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguard.people.access import people_visible_to
from safeguard.people.models import Person, Relationship
from safeguard.safeguarding.models import ChronologyEvent
from safeguard.safeguarding.selectors import child_page
from safeguard.safeguarding.services import NewAdult, household_member_add, household_member_leave
from safeguard.site.errors import DomainError
from tests import factories as f
from tests.safeguarding.helpers import callout, family

pytestmark = pytest.mark.django_db


def test_recording_a_household_member_lets_the_childs_team_see_them() -> None:
    fam = family()
    partner = f.person("Jesse", "Testpartner")
    assert partner not in people_visible_to(fam.sw)
    household_member_add(
        actor=fam.sw,
        child=fam.child,
        person=partner,
        role="partner_of_parent",
        relationship="mother's partner",
        moved_in_on=timezone.localdate(),
        known_by="seen",
    )
    assert partner in people_visible_to(fam.sw)
    assert partner not in people_visible_to(fam.outsider)


def test_leaving_ends_the_relationship_and_is_a_chronology_event() -> None:
    fam = family()
    member = fam.child.household.get(person=fam.mother)
    household_member_leave(actor=fam.sw, member=member, moved_out_on=timezone.localdate())
    assert member.link_id is not None
    assert Relationship.objects.get(pk=member.link_id).ended_on == timezone.localdate()
    left = ChronologyEvent.objects.get(child=fam.child, kind="household_member_left")
    assert left.details == {"person": str(fam.mother.pk), "role": "parent_carer"}
    with pytest.raises(DomainError):
        household_member_leave(actor=fam.sw, member=member, moved_out_on=timezone.localdate())


def test_the_same_person_cannot_be_recorded_twice_at_once() -> None:
    fam = family()
    with pytest.raises(DomainError):
        household_member_add(
            actor=fam.sw,
            child=fam.child,
            person=fam.mother,
            role="parent_carer",
            relationship="mother",
            moved_in_on=timezone.localdate(),
            known_by="told",
        )


def test_the_gap_between_household_and_adults_seen_is_shown() -> None:
    fam = family()
    callout(fam, days_ago=20, adults=[fam.mother], new=[NewAdult("Dale", "Stranger")])
    callout(fam, days_ago=5, new=[NewAdult("Dale", "Stranger")], actor=fam.sw)
    page = child_page(user=fam.sw, child_id=fam.child.pk)
    by_name = {a.name: a for a in page.adults_seen}
    stranger, mother = by_name["Dale Stranger"], by_name["Morgan Testchild"]
    assert stranger.status == "never" and stranger.gap and stranger.times == 2
    assert mother.status == "current" and not mother.gap
    assert page.adults_seen[0] is stranger  # the gap comes first


def test_seen_before_being_recorded_still_counts_as_a_gap() -> None:
    fam = family()
    callout(fam, days_ago=15, new=[NewAdult("Dale", "Stranger")])
    stranger = Person.objects.get(family_name="Stranger")
    household_member_add(
        actor=fam.sw,
        child=fam.child,
        person=stranger,
        role="partner_of_parent",
        relationship="mother's partner",
        moved_in_on=timezone.localdate() - timedelta(days=2),
        known_by="told",
    )
    [adult] = [
        a
        for a in child_page(user=fam.sw, child_id=fam.child.pk).adults_seen
        if a.person_id == str(stranger.pk)
    ]
    assert adult.status == "current"
    assert adult.times_not_in_household == 1
