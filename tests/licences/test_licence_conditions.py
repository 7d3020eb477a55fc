"""Conditions with validated inputs: times, people from the index, zones, events, bespoke."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests import factories as f
from tests.licences.helpers import (
    CURFEW_V3,
    EVENT_ZONE,
    EXCLUSION,
    NO_CONTACT,
    TODAY,
    curfew,
    draft,
    probation_team,
    square,
)

from safeguard.licences.conditions import ConditionEntry
from safeguard.licences.models import BESPOKE
from safeguard.licences.selectors import conditions_current
from safeguard.licences.services import (
    licence_condition_add,
    licence_condition_change,
    licence_condition_remove,
)
from safeguard.site.errors import DomainError

pytestmark = pytest.mark.django_db


def _errors(licence: object, actor: object, entry: ConditionEntry) -> dict[str, str]:
    with pytest.raises(DomainError) as caught:
        licence_condition_add(actor=actor, licence=licence, entry=entry)  # type: ignore[arg-type]
    return dict(caught.value.extra["fields"])


def test_curfews_take_one_to_three_windows_and_may_cross_midnight() -> None:
    team = probation_team()
    licence = draft(team)
    row = licence_condition_add(
        actor=team.practitioner,
        licence=licence,
        entry=ConditionEntry(
            CURFEW_V3,
            {
                "numberOfCurfews": "Three curfews",
                "curfewStart": "22:00",
                "curfewEnd": "02:00",
                "curfewStart2": "09:00",
                "curfewEnd2": "10:00",
                "curfewStart3": "13:00",
                "curfewEnd3": "14:00",
                "reviewPeriod": "Monthly",
            },
        ),
    )
    assert row.values["curfewEnd"] == "02:00"
    assert row.category == "Curfew arrangement"


def test_bad_times_get_gov_uk_messages_per_field() -> None:
    team = probation_team()
    licence = draft(team)
    errors = _errors(
        licence,
        team.practitioner,
        ConditionEntry(
            CURFEW_V3,
            {
                "numberOfCurfews": "Two curfews",
                "curfewStart": "25:00",
                "curfewEnd": "07:00",
                "curfewStart2": "20:00",
                "curfewEnd2": "",
                "reviewPeriod": "Weekly",
            },
        ),
    )
    assert errors == {
        "curfewStart": "Enter a real time",
        "curfewEnd2": "Enter an end time for the second curfew",
    }
    overlap = _errors(
        licence,
        team.practitioner,
        ConditionEntry(
            CURFEW_V3,
            {
                "numberOfCurfews": "Two curfews",
                "curfewStart": "19:00",
                "curfewEnd": "07:00",
                "curfewStart2": "06:00",
                "curfewEnd2": "08:00",
                "reviewPeriod": "Weekly",
            },
        ),
    )
    assert overlap == {"curfewStart2": "Curfew times must not overlap"}


def test_named_people_come_from_the_person_index_and_must_be_visible() -> None:
    team = probation_team()
    licence = draft(team)
    victim = f.person("Morgan", "Victimperson")
    f.relate(team.person, victim)  # recorded against the person: the team may see them
    stranger = f.person("Riley", "Strangerperson")
    errors = _errors(
        licence,
        team.practitioner,
        ConditionEntry(NO_CONTACT, {"name": [{"person_id": str(stranger.pk), "name": "Riley"}]}),
    )
    assert errors == {"name[0]": "Choose the person from the person index"}
    row = licence_condition_add(
        actor=team.practitioner,
        licence=licence,
        entry=ConditionEntry(NO_CONTACT, {"name": [{"person_id": str(victim.pk), "name": "x"}]}),
    )
    # The name always comes from the index, not from what was typed.
    assert row.values["name"] == [{"person_id": str(victim.pk), "name": "Morgan Victimperson"}]


def test_zones_are_checked_and_stored_as_geojson() -> None:
    team = probation_team()
    licence = draft(team)
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[-1.46, 53.06], [-1.44, 53.07], [-1.44, 53.06], [-1.46, 53.07], [-1.46, 53.06]]
        ],
    }
    open_ring = {
        "type": "Polygon",
        "coordinates": [[[-1.46, 53.06], [-1.44, 53.06], [-1.44, 53.07]]],
    }
    for geometry, message in [
        (bow_tie, "The area's edges must not cross each other"),
        (open_ring, "The area's outline must be closed: its last point must be its first"),
        (square(53.06, -1.46, half=0.00001), "The area must be at least 100 square metres"),
        (square(48.85, 2.35), "The area must be in Great Britain"),
        ("not json", "The file must be GeoJSON containing one or more polygons"),
    ]:
        errors = _errors(
            licence, team.practitioner, ConditionEntry(EXCLUSION, {"outOfBoundFilename": geometry})
        )
        assert errors == {"outOfBoundFilename": message}, geometry
    feature = {"type": "Feature", "properties": {}, "geometry": square(53.06, -1.46)}
    row = licence_condition_add(
        actor=team.practitioner,
        licence=licence,
        entry=ConditionEntry(EXCLUSION, {"outOfBoundFilename": feature}),
    )
    assert row.values["outOfBoundFilename"]["type"] == "Polygon"


def test_a_circle_around_one_of_the_persons_addresses() -> None:
    team = probation_team()
    licence = draft(team)
    entry = ConditionEntry(
        EXCLUSION,
        {"outOfBoundFilename": {"circle": {"address_id": team.address.pk, "radius_m": 300}}},
    )
    row = licence_condition_add(actor=team.practitioner, licence=licence, entry=entry)
    ring = row.values["outOfBoundFilename"]["coordinates"][0]
    assert len(ring) == 65  # 64 sides, closed
    other = probation_team(given="Sam", family="Otherperson")
    errors = _errors(
        licence,
        team.practitioner,
        ConditionEntry(
            EXCLUSION,
            {"outOfBoundFilename": {"circle": {"address_id": other.address.pk, "radius_m": 300}}},
        ),
    )
    assert errors == {"outOfBoundFilename": "Choose one of the person's addresses"}


def test_event_zones_need_their_dates_within_the_licence() -> None:
    team = probation_team()
    licence = draft(team)
    values = {"eventName": "the Northam Show", "outOfBoundFilename": square(53.06, -1.46)}
    assert _errors(licence, team.practitioner, ConditionEntry(EVENT_ZONE, values)) == {
        "event_windows": "Enter the date and times of the event"
    }
    late = (licence.end_date + timedelta(days=3)).isoformat()
    errors = _errors(
        licence,
        team.practitioner,
        ConditionEntry(
            EVENT_ZONE, values, event_windows=[{"date": late, "from": "10:00", "until": "10:00"}]
        ),
    )
    assert errors == {
        "event_windows[0].date": "The event date must be within the licence period",
        "event_windows[0].until": "The end time must be different from the start time",
    }
    day = (TODAY + timedelta(days=20)).isoformat()
    row = licence_condition_add(
        actor=team.practitioner,
        licence=licence,
        entry=ConditionEntry(
            EVENT_ZONE, values, event_windows=[{"date": day, "from": "12:00", "until": "18:30"}]
        ),
    )
    assert row.event_windows == [{"date": day, "from": "12:00", "until": "18:30"}]


def test_bespoke_condition_when_none_fits() -> None:
    team = probation_team()
    licence = draft(team)
    assert _errors(licence, team.practitioner, ConditionEntry(BESPOKE)) == {
        "bespoke_text": "Enter the wording of the condition"
    }
    row = licence_condition_add(
        actor=team.practitioner,
        licence=licence,
        entry=ConditionEntry(BESPOKE, bespoke_text="You must not keep a dog."),
    )
    assert (row.kind, row.bespoke_text) == ("bespoke", "You must not keep a dog.")


def test_draft_conditions_change_and_go_but_standard_ones_stay() -> None:
    team = probation_team()
    licence = draft(team, curfew())
    assert _errors(licence, team.practitioner, curfew("20:00", "06:00")) == {
        "code": "This licence already has that condition"
    }
    row = next(r for r in conditions_current(licence) if r.code == CURFEW_V3)
    licence_condition_change(
        actor=team.practitioner, licence=licence, condition=row, entry=curfew("20:00", "06:00")
    )
    row.refresh_from_db()
    assert row.values["curfewStart"] == "20:00"
    standard = next(r for r in conditions_current(licence) if r.kind == "standard")
    with pytest.raises(DomainError, match="Standard conditions"):
        licence_condition_remove(actor=team.practitioner, licence=licence, condition=standard)
    licence_condition_remove(actor=team.practitioner, licence=licence, condition=row)
    assert all(r.code != CURFEW_V3 for r in conditions_current(licence))


def test_unknown_or_standard_codes_cannot_be_added() -> None:
    team = probation_team()
    licence = draft(team)
    standard = conditions_current(licence)[0].code
    for code in ("not-a-code", standard, "52faefcf-15f0-42c5-b908-621b4a7ecdb9"):
        assert _errors(licence, team.practitioner, ConditionEntry(code)) == {
            "code": "Choose a condition from the list"
        }
