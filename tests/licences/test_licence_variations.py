"""Variations: what was in force on any date stays answerable."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from tests.licences.helpers import (
    CURFEW_V3,
    EXCLUSION,
    TODAY,
    active,
    curfew,
    draft,
    exclusion,
    probation_team,
    tag,
)

from safeguard.licences.lifecycle import RecallInput, licence_recall
from safeguard.licences.models import LicenceCondition, LicenceStatus
from safeguard.licences.selectors import conditions_current, conditions_in_force
from safeguard.licences.services import licence_condition_add
from safeguard.licences.variations import ConditionChange, VariationInput, licence_vary
from safeguard.site.errors import DomainError

pytestmark = pytest.mark.django_db


def _codes(rows: Sequence[LicenceCondition]) -> set[str]:
    return {r.code for r in rows if r.kind != "standard"}


def _curfew_start(licence: object, day: object) -> str | None:
    rows = conditions_in_force(licence, on=day)  # type: ignore[arg-type]
    found = [r for r in rows if r.code == CURFEW_V3]
    return found[0].values["curfewStart"] if found else None


def test_what_was_in_force_on_any_date() -> None:
    team = probation_team()
    start = TODAY - timedelta(days=60)
    licence = active(team, curfew("19:00", "07:00"), start=start)
    curfew_row = next(r for r in conditions_current(licence) if r.code == CURFEW_V3)
    march, april = start + timedelta(days=10), start + timedelta(days=30)
    licence_vary(
        actor=team.practitioner,
        licence=licence,
        variation=VariationInput(
            march,
            "Curfew later after good progress",
            change=[ConditionChange(curfew_row.pk, curfew("21:00", "06:00"))],
            add=[exclusion()],
        ),
    )
    exclusion_row = next(r for r in conditions_current(licence) if r.code == EXCLUSION)
    licence_vary(
        actor=team.practitioner,
        licence=licence,
        variation=VariationInput(april, "Zone no longer needed", remove=[exclusion_row.pk]),
    )
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.VARIED
    day_before = march - timedelta(days=1)
    assert _curfew_start(licence, day_before) == "19:00"
    assert _codes(conditions_in_force(licence, on=day_before)) == {CURFEW_V3}
    assert _curfew_start(licence, march) == "21:00"
    assert _codes(conditions_in_force(licence, on=march)) == {CURFEW_V3, EXCLUSION}
    assert _codes(conditions_in_force(licence, on=april)) == {CURFEW_V3}
    assert conditions_in_force(licence, on=start - timedelta(days=1)) == []
    assert conditions_in_force(licence, on=licence.end_date + timedelta(days=1)) == []
    # The change keeps the condition's lineage: its versions are one condition over time.
    versions = licence.conditions.filter(code=CURFEW_V3).order_by("valid_from")
    assert len({v.lineage for v in versions}) == 1
    assert [v.valid_to for v in versions] == [march, None]


def test_no_condition_is_in_force_from_a_recall_or_before_approval() -> None:
    team = probation_team()
    licence = active(team, curfew(), start=TODAY - timedelta(days=30))
    licence_recall(actor=team.senior, licence=licence, recall=RecallInput(TODAY, "breach"))
    licence.refresh_from_db()
    assert conditions_in_force(licence, on=TODAY) == []
    assert _curfew_start(licence, TODAY - timedelta(days=1)) == "19:00"
    not_yet = draft(probation_team(given="Sam", family="Draftperson"), curfew())
    assert conditions_in_force(not_yet, on=TODAY) == []


def test_variation_rules_and_messages() -> None:
    team = probation_team()
    licence = active(team, curfew(), start=TODAY - timedelta(days=30))
    standard = next(r for r in conditions_current(licence) if r.kind == "standard")
    with pytest.raises(DomainError) as caught:
        licence_vary(
            actor=team.practitioner,
            licence=licence,
            variation=VariationInput(
                licence.end_date + timedelta(days=1), "", remove=[standard.pk, 999_999]
            ),
        )
    assert caught.value.extra["fields"] == {
        "effective_from": "The change must take effect within the licence period",
        "reason": "Enter the reason for the change",
        "remove[0]": "Standard conditions cannot be removed",
        "remove[1]": "That condition is not on the licence",
    }
    licence_vary(
        actor=team.practitioner,
        licence=licence,
        variation=VariationInput(TODAY, "Tag fitted", add=[tag("curfew")]),
    )
    with pytest.raises(DomainError) as caught:
        licence_vary(
            actor=team.practitioner,
            licence=licence,
            variation=VariationInput(TODAY - timedelta(days=1), "Backdated", add=[exclusion()]),
        )
    assert caught.value.extra["fields"]["effective_from"].startswith(
        "The change cannot take effect before the last one"
    )
    with pytest.raises(DomainError) as caught:
        licence_vary(
            actor=team.practitioner,
            licence=licence,
            variation=VariationInput(TODAY, "Again", add=[curfew("20:00", "21:00")]),
        )
    assert caught.value.extra["fields"] == {
        "add[0].code": "This licence already has that condition"
    }


def test_a_draft_is_not_varied_and_a_licence_in_force_is_not_edited() -> None:
    team = probation_team()
    licence = draft(team)
    with pytest.raises(DomainError, match="Only a licence in force"):
        licence_vary(
            actor=team.practitioner,
            licence=licence,
            variation=VariationInput(TODAY, "x", add=[curfew()]),
        )
    live = active(probation_team(given="Sam", family="Liveperson"))
    with pytest.raises(DomainError, match="change by variation"):
        licence_condition_add(actor=team.practitioner, licence=live, entry=curfew())
