"""Live re-evaluation: a new chronology event raises the child's alerts once, routed to the
allocated social worker and their manager, kept as the engine explained them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguard.alerts.evaluation import alerts_reevaluate
from safeguard.alerts.models import Alert, AlertAction, AlertRecipient
from safeguard.audit.models import AuditEntry
from safeguard.safeguarding.models import ChronologyEvent
from safeguard.safeguarding.services import NewAdult, contact_record
from tests.alerts.helpers import World, client_for, world
from tests.safeguarding.helpers import ago, callout

pytestmark = pytest.mark.django_db


def _injury(
    w: World, days_ago: float, agency: str = "health", mobile: bool = False
) -> ChronologyEvent:
    return contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="injury",
        agency=agency,
        occurred_at=ago(days_ago),
        details={"site": "face", "type": "bruise", "explanation": "fell", "mobile": mobile},
    )


def test_an_injury_to_a_non_mobile_child_raises_one_explained_alert() -> None:
    w = world()
    event = _injury(w, 1)
    alert = Alert.objects.get(child=w.fam.child, rule="non_mobile_injury")
    assert alert.evidence == [event.public_id]
    assert event.public_id in alert.explanation
    assert "NICE CG89" in alert.guidance
    assert alert.rule_version == "1"
    assert alert.state == "open"
    # Routed to the allocated social worker, their team and the team's manager.
    users = set(AlertRecipient.objects.filter(alert=alert).values_list("user__username", flat=True))
    assert {"sw.test", "manager.test"} <= users
    assert AlertRecipient.objects.filter(alert=alert, team=w.fam.social_care).exists()
    # Raising it is audited as a combination of the agencies' records.
    assert AuditEntry.objects.filter(
        action="combination",
        object_type="child",
        object_id=str(w.fam.child.pk),
        summary__startswith="evaluated the indicator rules",
    ).exists()


def test_re_evaluation_never_duplicates_an_alert() -> None:
    w = world()
    _injury(w, 10)
    before = list(Alert.objects.values_list("pk", "key"))
    actions = AlertAction.objects.count()
    outcome = alerts_reevaluate([w.fam.child.pk])
    assert not outcome.changed
    # Another event that raises nothing new re-evaluates the child again: still one alert each.
    contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="visit",
        agency="social_care",
        occurred_at=ago(0.5),
        details={"child_seen": True},
    )
    assert list(Alert.objects.values_list("pk", "key")) == before
    assert AlertAction.objects.count() == actions


def test_a_window_rule_fires_once_when_its_threshold_is_reached() -> None:
    w = world()
    _injury(w, 20, mobile=True)
    _injury(w, 10, mobile=True)
    assert not Alert.objects.filter(rule="repeat_injury").exists()
    third = _injury(w, 2, mobile=True)
    alert = Alert.objects.get(rule="repeat_injury")
    assert alert.evidence[-1] == third.public_id and len(alert.evidence) == 3
    _injury(w, 1, mobile=True)  # still inside a window that is already true: nothing new
    assert Alert.objects.filter(rule="repeat_injury").count() == 1


def test_an_alert_the_rules_no_longer_raise_is_kept_but_leaves_the_queue() -> None:
    w = world()
    event = contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="concern",
        agency="public",
        occurred_at=ago(3),
        details={"summary": "shouting"},
    )
    callout(w.fam, days_ago=2)
    alert = Alert.objects.get(rule="multi_agency_concern")
    ChronologyEvent.objects.filter(pk=event.pk).delete()  # a correction
    outcome = alerts_reevaluate([w.fam.child.pk])
    alert.refresh_from_db()
    assert alert.superseded and outcome.superseded == [alert]
    response = client_for(w.fam.sw).get("/alerts?scope=all")
    assert f"/alerts/{alert.pk}" not in response.content.decode()


def test_an_unknown_adult_at_a_callout_raises_an_alert_for_the_social_worker() -> None:
    w = world()
    callout(w.fam, days_ago=1, new=[NewAdult(given_name="Kit", family_name="Teststranger")])
    alert = Alert.objects.get(rule="unknown_adult")
    assert AlertRecipient.objects.filter(alert=alert, user=w.fam.sw).exists()


def test_the_time_when_the_child_was_not_seen_counts_up_to_now() -> None:
    from safeguard.safeguarding.services import plan_start

    w = world()
    plan_start(
        actor=w.fam.sw,
        child=w.fam.child,
        category="neglect",
        started_on=timezone.localdate() - timedelta(days=30),
        initial_conference_on=timezone.localdate() - timedelta(days=30),
        team=w.fam.social_care,
        social_worker=w.fam.sw,
    )
    assert Alert.objects.filter(rule="child_not_seen").exists()
