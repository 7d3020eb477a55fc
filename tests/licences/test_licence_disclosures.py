"""Relationship disclosures and the household check against the child-protection register."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from tests import factories as f
from tests.licences.helpers import TODAY, Team, active, probation_team

from safeguard.audit.models import AuditEntry
from safeguard.licences.disclosures import (
    DisclosureInput,
    NewPartner,
    RegisterEntry,
    disclosure_check_household,
    disclosure_record,
)
from safeguard.licences.models import Licence, RelationshipDisclosure
from safeguard.people.access import people_visible_to
from safeguard.people.models import Person, Relationship
from safeguard.site.errors import DomainError

pytestmark = pytest.mark.django_db


def _record(team: Team, licence: Licence, **changes: Any) -> RelationshipDisclosure:
    data = DisclosureInput(
        started_on=TODAY - timedelta(days=10),
        household_includes_children=True,
        action_taken="childrens_services",
        action_notes="Referral made to the front door",
        new_partner=NewPartner("Robin", "Partnerperson"),
    )
    return disclosure_record(
        actor=team.practitioner, licence=licence, data=dataclasses.replace(data, **changes)
    )


def test_a_new_partner_joins_the_person_index_and_the_team_may_see_them() -> None:
    team = probation_team()
    licence = active(team)
    disclosure = _record(team, licence)
    partner = Person.objects.get(family_name="Partnerperson")
    assert disclosure.partner == partner
    assert Relationship.objects.filter(anchor=team.person, other=partner, kind="partner").exists()
    assert partner in people_visible_to(team.practitioner)
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "object_type"))[-3:]
    assert actions == [
        ("collection", "person"),
        ("combination", "person"),
        ("collection", "licence"),
    ]


def test_an_existing_partner_must_be_someone_the_user_may_see() -> None:
    team = probation_team()
    licence = active(team)
    hidden = f.person("Alex", "Hiddenpartner")
    with pytest.raises(DomainError) as caught:
        _record(team, licence, new_partner=None, partner_id=str(hidden.pk))
    assert caught.value.extra["fields"] == {"partner": "Choose the partner from the person index"}
    with pytest.raises(DomainError) as caught:
        _record(team, licence, new_partner=None, partner_id=str(team.person.pk))
    assert caught.value.extra["fields"] == {
        "partner": "Choose someone other than the person on licence"
    }


def test_household_check_uses_the_register_it_is_given_and_is_audited() -> None:
    team = probation_team()
    licence = active(team)
    disclosure = _record(team, licence)
    child = uuid.uuid4()
    asked: list[tuple[Person, date]] = []

    def register(*, adult: Person, on: date) -> list[RegisterEntry]:
        asked.append((adult, on))
        return [RegisterEntry(child, "neglect", date(2026, 1, 5))]

    result = disclosure_check_household(
        actor=team.practitioner,
        disclosure=disclosure,
        register=register,
        on=TODAY,
    )
    assert asked == [(disclosure.partner, TODAY)]
    assert result.needs_action
    assert [e.child_id for e in result.children_on_plans] == [child]
    disclosure.refresh_from_db()
    assert disclosure.last_check["children_on_plans"][0]["category"] == "neglect"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "combination"
    assert entry.details["children"] == [str(child)]


def test_no_children_disclosed_and_none_on_the_register_needs_no_action() -> None:
    team = probation_team()
    licence = active(team)
    disclosure = _record(team, licence, household_includes_children=False)
    result = disclosure_check_household(
        actor=None,
        disclosure=disclosure,
        register=lambda *, adult, on: [],
        on=TODAY,
    )
    assert not result.needs_action
