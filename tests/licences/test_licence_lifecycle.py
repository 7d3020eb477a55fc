"""Draft → submitted → approved (four eyes) → active → recalled / expired, each step audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from tests.licences.helpers import TODAY, active, curfew, draft, probation_team

from safeguard.audit.models import AuditEntry
from safeguard.licences.lifecycle import (
    RecallInput,
    licence_activate,
    licence_approve,
    licence_recall,
    licence_return,
    licence_submit,
    licences_advance,
)
from safeguard.licences.models import Licence, LicenceStatus
from safeguard.licences.selectors import conditions_current
from safeguard.licences.services import LicenceDetails, licence_create, licence_update
from safeguard.site.errors import DomainError

pytestmark = pytest.mark.django_db


def _licence_entries(licence: Licence) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="licence", object_id=str(licence.pk)))


def test_a_new_licence_is_a_draft_with_every_standard_condition() -> None:
    team = probation_team()
    licence = draft(team)
    assert licence.status == LicenceStatus.DRAFT
    assert licence.policy == "3.0"  # no V4 start date configured
    rows = conditions_current(licence)
    assert len(rows) == 9
    assert {r.kind for r in rows} == {"standard"}
    assert all(r.valid_from == licence.start_date for r in rows)
    (entry,) = _licence_entries(licence)
    assert entry.action == "collection"
    assert entry.actor_id == team.practitioner.pk


def test_v4_policy_applies_from_its_configured_start(settings: object) -> None:
    settings.LICENCE_V4_START = TODAY - timedelta(days=30)  # type: ignore[attr-defined]
    team = probation_team()
    licence = draft(team)
    assert licence.policy == "4.0"
    assert len(conditions_current(licence)) == 8


def test_dates_and_address_are_checked_with_gov_uk_messages() -> None:
    team = probation_team()
    other = probation_team(given="Sam", family="Otherperson")
    with pytest.raises(DomainError) as caught:
        licence_create(
            actor=team.practitioner,
            person=team.person,
            details=LicenceDetails(TODAY, TODAY - timedelta(days=1), None, other.address),
        )
    assert caught.value.extra["fields"] == {
        "end_date": "The end date must be after the start date",
        "approved_address": "Choose one of the person's addresses",
    }


def test_only_one_licence_in_progress_per_person() -> None:
    team = probation_team()
    draft(team)
    with pytest.raises(DomainError, match="already has a licence"):
        draft(team)
    # The database says the same, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Licence.objects.create(
            person=team.person,
            policy="3.0",
            start_date=TODAY,
            end_date=TODAY + timedelta(days=5),
        )


def test_the_author_cannot_approve_and_a_practitioner_cannot_approve() -> None:
    team = probation_team()
    licence = draft(team, curfew())
    licence_submit(actor=team.senior, licence=licence)  # a senior writes and submits it
    with pytest.raises(DomainError, match="did not write or submit"):
        licence_approve(actor=team.senior, licence=licence)
    with pytest.raises(DomainError, match="Only a senior practitioner"):
        licence_approve(actor=team.practitioner, licence=licence)
    licence_approve(actor=team.other_senior, licence=licence)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.APPROVED
    assert licence.approved_by == team.other_senior


def test_submit_needs_a_complete_draft() -> None:
    team = probation_team()
    licence = draft(team)
    licence_update(
        actor=team.practitioner,
        licence=licence,
        details=LicenceDetails(licence.start_date, licence.end_date, team.practitioner, None),
    )
    with pytest.raises(DomainError) as caught:
        licence_submit(actor=team.practitioner, licence=licence)
    assert caught.value.extra["fields"] == {"approved_address": "Choose the approved address"}


def test_return_to_draft_says_why_and_can_be_resubmitted() -> None:
    team = probation_team()
    licence = draft(team)
    licence_submit(actor=team.practitioner, licence=licence)
    with pytest.raises(DomainError) as caught:
        licence_return(actor=team.senior, licence=licence, reason="  ")
    assert caught.value.extra["fields"] == {"reason": "Say what needs to change"}
    licence_return(actor=team.senior, licence=licence, reason="Add the curfew we discussed")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.DRAFT
    assert licence.events.get(kind="returned").note == "Add the curfew we discussed"
    licence_submit(actor=team.practitioner, licence=licence)


def test_activation_waits_for_the_start_date() -> None:
    team = probation_team()
    licence = draft(team, start=TODAY + timedelta(days=3))
    licence_submit(actor=team.practitioner, licence=licence)
    licence_approve(actor=team.senior, licence=licence)
    with pytest.raises(DomainError, match="before its start date"):
        licence_activate(actor=team.practitioner, licence=licence)
    assert licences_advance(today=TODAY) == (0, 0)
    assert licences_advance(today=TODAY + timedelta(days=3)) == (1, 0)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE


def test_expiry_and_recall() -> None:
    team = probation_team()
    licence = active(team, curfew())
    with pytest.raises(DomainError) as caught:
        licence_recall(
            actor=team.practitioner, licence=licence, recall=RecallInput(TODAY, "breach")
        )
    assert "senior practitioner or manager" in caught.value.message
    with pytest.raises(DomainError) as caught:
        licence_recall(
            actor=team.senior,
            licence=licence,
            recall=RecallInput(TODAY + timedelta(days=1), ""),
        )
    assert caught.value.extra["fields"] == {
        "recalled_on": "The recall date must be today or in the past",
        "reason": "Enter the reason for the recall",
    }
    licence_recall(actor=team.senior, licence=licence, recall=RecallInput(TODAY, "Curfew breach"))
    licence.refresh_from_db()
    assert (licence.status, licence.recalled_on) == (LicenceStatus.RECALLED, TODAY)
    # A recalled licence is no longer open: the person can have a new one.
    assert draft(team).status == LicenceStatus.DRAFT
    ended = active(probation_team(given="Ann", family="Endingperson"))
    assert licences_advance(today=ended.end_date + timedelta(days=1)) == (0, 1)
    ended.refresh_from_db()
    assert ended.status == LicenceStatus.EXPIRED


def test_every_step_is_audited_in_order() -> None:
    team = probation_team()
    licence = active(team, curfew())
    events = [e.details["event"] for e in _licence_entries(licence)]
    assert events == ["created", "condition_added", "submitted", "approved", "activated"]
    assert [e.kind for e in licence.events.all()] == events


def test_a_failed_step_leaves_neither_change_nor_audit() -> None:
    """The audit entry is written in the action's transaction: both roll back together."""
    team = probation_team()
    licence = draft(team)
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        licence_submit(actor=team.practitioner, licence=licence)
        raise RuntimeError("failure after the action")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.DRAFT
    assert AuditEntry.objects.count() == before


def test_other_agencies_cannot_write_licences() -> None:
    from tests import factories as f

    from safeguard.accounts.roles import AgencyKind, Role

    team = probation_team()
    police = f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Police", AgencyKind.POLICE)))
    with pytest.raises(DomainError, match="Only probation staff"):
        licence_create(
            actor=police,
            person=team.person,
            details=LicenceDetails(TODAY, TODAY + timedelta(days=9), None, team.address),
        )
