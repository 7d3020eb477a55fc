"""Demo county licences: one realistic licence per person on licence, deterministic, valid."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from tests.licences.contract import order_problems

from safeguard.licences.conditions import ConditionEntry, condition_prepare
from safeguard.licences.demo import licences_generate
from safeguard.licences.engine.orders import TAG_CODE
from safeguard.licences.models import BESPOKE, Licence, LicenceCondition, LicenceStatus
from safeguard.licences.orders import monitoring_orders
from safeguard.people.models import Person

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)


def _snapshot() -> list[tuple[str, ...]]:
    rows = LicenceCondition.objects.order_by(
        "licence__person__family_name", "licence__person__given_name", "position", "valid_from"
    )
    return [
        (
            r.licence.person.full_name,
            r.licence.status,
            str(r.licence.start_date),
            r.code,
            str(r.values),
            str(r.valid_from),
        )
        for r in rows.select_related("licence__person")
    ]


def test_every_person_on_licence_gets_a_realistic_valid_deterministic_licence() -> None:
    """One county for every check: generating it is the slow part."""
    from safeguard.demo.county import TODAY, county_generate

    county_generate(seed=11)
    on_licence = Person.objects.filter(allocations__team__agency__kind="probation").distinct()
    assert Licence.objects.count() == on_licence.count() == 300
    assert set(Licence.objects.values_list("person_id", flat=True)) == set(
        on_licence.values_list("id", flat=True)
    )
    statuses = Counter(Licence.objects.values_list("status", flat=True))
    assert statuses[LicenceStatus.ACTIVE] + statuses[LicenceStatus.VARIED] > 200
    assert statuses[LicenceStatus.VARIED] >= 5
    assert all(
        statuses[s] >= 1
        for s in (
            LicenceStatus.DRAFT,
            LicenceStatus.SUBMITTED,
            LicenceStatus.APPROVED,
            LicenceStatus.RECALLED,
        )
    )
    curfews = Licence.objects.filter(conditions__category="Curfew arrangement").distinct().count()
    zones = Licence.objects.filter(conditions__category="Freedom of movement").distinct().count()
    assert 90 <= curfews <= 180 and 60 <= zones <= 140
    # Monitoring orders come straight from the demo licences and meet the contract.
    document = monitoring_orders(on=TODAY).document()
    assert order_problems(document) == []
    assert len(document["orders"]) >= 80
    # Every condition passes the checks the pages and the API apply.
    first = _snapshot()
    for row in LicenceCondition.objects.exclude(code=BESPOKE).select_related("licence")[:400]:
        entry = ConditionEntry(row.code, row.values, row.bespoke_text, row.event_windows)
        _prepared, errors = condition_prepare(
            actor=None, licence=row.licence, entry=entry, standard_allowed=True
        )
        assert errors == {}, (row.code, errors)
    assert LicenceCondition.objects.filter(code=TAG_CODE).exists()
    # Generating again from the same people gives the same licences.
    from safeguard.recall.models import BreachCase

    BreachCase.objects.all().delete()  # the county's demo cases keep their licences
    Licence.objects.all().delete()
    assert licences_generate(seed=11, today=DAY) == 300
    assert _snapshot() == first
