"""Who may see a child: the allocated teams and recorded reasons; partner agencies see the
plan flag only; every view is audited."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.audit.models import AuditEntry
from safeguard.safeguarding.models import Notification
from safeguard.safeguarding.selectors import child_flag_for
from safeguard.safeguarding.services import plan_start
from safeguard.site.errors import NotFoundError
from tests import factories as f
from tests.safeguarding.helpers import NHS_NUMBER, Family, family

pytestmark = pytest.mark.django_db

CHILD_PAGES = [
    "",
    "/chronology",
    "/story",
    "/body-map",
    "/export",
    "/events/new/visit",
    "/household/new",
    "/plan/new",
]


def test_the_allocated_team_sees_the_child_and_others_get_not_found() -> None:
    fam = family()
    for suffix in CHILD_PAGES:
        url = f"/children/{fam.child.pk}{suffix}"
        assert fam.client(fam.colleague).get(url).status_code == 200, suffix
        for user in (fam.outsider, fam.officer, fam.nurse):
            assert fam.client(user).get(url).status_code == 404, (suffix, user.username)


def test_a_health_visitor_allocated_too_sees_the_record() -> None:
    fam = family()
    visitor = fam.nurse_allocated()
    assert fam.client(visitor).get(f"/children/{fam.child.pk}/chronology").status_code == 200


def _plan(fam: Family) -> None:
    day = timezone.localdate() - timedelta(days=10)
    plan_start(
        actor=fam.sw,
        child=fam.child,
        category="sexual",
        started_on=day,
        initial_conference_on=day,
        team=fam.social_care,
        social_worker=fam.sw,
    )


def test_an_emergency_nurse_sees_only_the_flag_and_whom_to_call() -> None:
    fam = family()
    _plan(fam)
    client = fam.client(fam.nurse)
    assert client.get("/child-flag").status_code == 200
    before = AuditEntry.objects.count()
    response = client.post("/child-flag", {"nhs_number": NHS_NUMBER, "reason": "unscheduled_care"})
    text = response.content.decode()
    assert "On a child protection plan" in text and "Sexual abuse" in text and "CP Team A" in text
    for private in ("Robin", "Morgan", "Testchild"):
        assert private not in text
    [entry] = AuditEntry.objects.filter(seq__gt=before)
    assert entry.object_type == "child_flag" and entry.action == "consultation"
    assert entry.justification.startswith("The child is attending unscheduled care")


def test_unknown_and_not_on_a_plan_look_the_same() -> None:
    fam = family()
    client = fam.client(fam.officer)
    known = client.post(
        "/child-flag", {"nhs_number": NHS_NUMBER, "reason": "police_attendance"}
    ).content
    unknown = client.post(
        "/child-flag", {"nhs_number": "9990000999", "reason": "police_attendance"}
    ).content
    strip = [
        b for b in known.split(b"\n") if b"csrfmiddlewaretoken" not in b and b"value=" not in b
    ]
    strip_unknown = [
        b for b in unknown.split(b"\n") if b"csrfmiddlewaretoken" not in b and b"value=" not in b
    ]
    assert strip == strip_unknown
    assert b"No child protection plan recorded" in known


def test_the_flag_is_for_partner_agencies_only() -> None:
    fam = family()
    _plan(fam)
    assert fam.client(fam.outsider).get("/child-flag").status_code == 404
    with pytest.raises(NotFoundError):
        child_flag_for(user=fam.outsider, child=fam.child, reason="curious")
    flag = child_flag_for(user=fam.officer, child=fam.child, reason="attending an incident")
    assert flag.on_plan and flag.contact == fam.sw.display_name
    api = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(fam.nurse)}")
    answer = api.post(
        "/api/v1/safeguarding/child-flag",
        json.dumps({"nhs_number": NHS_NUMBER, "reason": "ED"}),
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["category"] == "Sexual abuse"


def test_notifications_show_the_child_only_while_the_reader_may_see_them() -> None:
    fam = family()
    Notification.objects.create(
        user=fam.outsider,
        message="An attendance",
        link="/x",
        child=fam.child,
        created_at=timezone.now(),
    )
    text = fam.client(fam.outsider).get("/notifications").content.decode()
    assert "An attendance" in text and "Robin" not in text and "No longer on your caseload" in text
    fam.client(fam.outsider).post("/notifications", {"notification": "all"})
    assert Notification.objects.get().read_at is not None
