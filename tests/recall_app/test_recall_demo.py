"""Demo county breach cases: one at each stage, on the named sign-ins' caseload, repeatable."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguard.accounts.models import User
from safeguard.demo.county import TODAY, county_generate
from safeguard.licences.models import LicenceStatus
from safeguard.recall.demo import breach_cases_generate
from safeguard.recall.models import BreachCase, BreachEvent, BreachEvidence, Stage

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[str, ...]]:
    rows = BreachCase.objects.select_related("person").order_by("opened_at", "person__family_name")
    return [
        (
            c.person.full_name,
            c.stage,
            c.recommendation,
            c.opened_at.isoformat(),
            str(c.assessment.get("options")),
            str(c.licence_id),
            ";".join(
                f"{e.kind}@{e.occurred_at.isoformat()}" for e in c.evidence.order_by("occurred_at")
            ),
        )
        for c in rows
    ]


def test_the_demo_has_a_case_at_each_stage_and_is_repeatable() -> None:
    county_generate(seed=2007)
    stages = set(BreachCase.objects.values_list("stage", flat=True))
    assert {Stage.OPEN, Stage.RECOMMENDED, Stage.COUNTERSIGNED, Stage.CLOSED} <= stages
    assert Stage.BOOKED in stages
    booked = BreachCase.objects.get(stage=Stage.BOOKED)
    assert booked.licence is not None and booked.licence.status == LicenceStatus.RECALLED
    waiting = BreachCase.objects.get(stage=Stage.RECOMMENDED)
    assert waiting.recommended_by == User.objects.get(username="pp.north")
    assert "fixed_term" in waiting.assessment["options"]

    # The senior sees the recommendation awaiting their countersignature.
    client = Client()
    client.force_login(User.objects.get(username="spo.north"))
    page = client.get(f"/recall/cases/{waiting.pk}").content.decode()
    assert ">Countersign<" in page
    assert "Awaiting you" in client.get("/recall/cases").content.decode()

    first = _snapshot()
    BreachEvidence.objects.all().delete()
    BreachEvent.objects.all().delete()
    BreachCase.objects.all().delete()
    breach_cases_generate(seed=2007, today=TODAY)
    assert _snapshot() == first
