"""Probation <-> children's services: a man on licence with a restriction about children,
recorded in a child's household (or seen at the child's home), raises "restricted adult" the
same day, to the child's social worker and to his offender manager, each seeing what their
work needs; the sharing is audited as a disclosure in both directions."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.utils import timezone

from safeguard.alerts import links
from safeguard.alerts.models import Alert, AlertRecipient
from safeguard.audit.models import AuditEntry
from safeguard.safeguarding.models import ChronologyEvent, HouseholdMember
from safeguard.safeguarding.services.events import chronology_event_record
from tests.alerts.helpers import add_to_household, child_condition_add, client_for, world
from tests.safeguarding.helpers import ago, callout

pytestmark = pytest.mark.django_db


def test_an_adult_on_licence_added_to_the_household_raises_restricted_adult_today() -> None:
    w = world()
    add_to_household(w)
    restriction = ChronologyEvent.objects.get(child=w.fam.child, kind="adult_restriction")
    assert restriction.agency == "probation"
    assert restriction.details["person"] == str(w.adult.pk)
    assert "unsupervised contact" in restriction.details["restriction"]
    alert = Alert.objects.get(child=w.fam.child, rule="restricted_adult")
    assert alert.adult_id == w.adult.pk
    assert timezone.localtime(alert.raised_at).date() == timezone.localdate()
    assert restriction.public_id in alert.evidence
    assert "MAPPA" in alert.guidance or "multi-agency public protection" in alert.guidance
    sent = {
        (r.user.username if r.user else str(r.team_id), r.side)
        for r in AlertRecipient.objects.filter(alert=alert).select_related("user", "team")
    }
    assert ("sw.test", "childrens_services") in sent
    assert ("manager.test", "childrens_services") in sent
    assert ("om.test", "probation") in sent
    assert ("pp.south", "probation") not in sent


def test_both_directions_of_the_sharing_are_audited_as_disclosures() -> None:
    w = world()
    add_to_household(w)
    licence_side = AuditEntry.objects.get(
        action="disclosure", object_type="licence", object_id=str(w.licence.pk)
    )
    assert "sw.test" in licence_side.recipients
    assert "Working Together" in licence_side.justification
    child_side = AuditEntry.objects.get(
        action="disclosure",
        object_type="child",
        object_id=str(w.fam.child.pk),
        summary__contains="probation",
    )
    assert child_side.recipients == ["om.test"]
    assert "MAPPA" in child_side.justification


def test_linking_twice_records_the_restriction_once() -> None:
    w = world()
    # A call-out after he joined the household names him again. (Placed after the join on
    # purpose: "0.1 days ago at 11:00" fell on the day before the join between 00:00 and
    # 02:24, and an earlier sighting re-keys the alert: see the alerts notes.)
    member = add_to_household(w)
    after_join = timezone.make_aware(datetime.combine(member.moved_in_on, time(0)))
    callout(w.fam, days_ago=0, at=max(ago(0), after_join), adults=[w.adult])
    assert links.licence_links_sweep() == set()
    assert ChronologyEvent.objects.filter(kind="adult_restriction").count() == 1
    assert Alert.objects.filter(rule="restricted_adult").count() == 1


def test_an_adult_without_a_restriction_about_children_raises_nothing() -> None:
    w = world(child_condition=False)
    add_to_household(w)
    assert not ChronologyEvent.objects.filter(kind="adult_restriction").exists()
    assert not Alert.objects.filter(rule="restricted_adult").exists()


def test_the_reverse_direction_a_licence_gaining_the_condition_is_swept() -> None:
    w = world(child_condition=False)
    add_to_household(w)
    child_condition_add(w.licence)  # a variation adds the condition later
    assert links.licence_links_sweep() == {str(w.fam.child.pk)}
    assert Alert.objects.filter(rule="restricted_adult", adult=w.adult).exists()


def test_a_disclosed_partner_whose_household_has_a_child_on_a_plan_is_linked() -> None:
    from datetime import timedelta

    from safeguard.licences.models import RelationshipDisclosure
    from safeguard.safeguarding.services import plan_start

    w = world()
    today = timezone.localdate()
    plan_start(
        actor=w.fam.sw,
        child=w.fam.child,
        category="neglect",
        started_on=today - timedelta(days=5),
        initial_conference_on=today - timedelta(days=5),
        team=w.fam.social_care,
        social_worker=w.fam.sw,
    )
    RelationshipDisclosure.objects.create(
        licence=w.licence,
        partner=w.fam.mother,
        started_on=today - timedelta(days=10),
        household_includes_children=True,
        action_taken="no_action",
    )
    assert links.licence_links_sweep() == {str(w.fam.child.pk)}
    kinds = set(ChronologyEvent.objects.filter(child=w.fam.child).values_list("kind", flat=True))
    assert {"adult_associated", "adult_restriction"} <= kinds
    assert Alert.objects.filter(rule="restricted_adult", adult=w.adult).exists()


def test_a_police_callout_naming_him_at_the_childs_home_links_him_live() -> None:
    w = world()
    # A police feed item whose adult the person index resolved to him.
    chronology_event_record(
        actor=None,
        child=w.fam.child,
        kind="police_callout",
        agency="police",
        occurred_at=ago(0.05),
        details={"reason": "disturbance", "adults_present": [str(w.adult.pk)]},
        source="feed:police",
        reference="CAD-1",
    )
    assert not HouseholdMember.objects.filter(person=w.adult).exists()
    assert Alert.objects.filter(rule="restricted_adult", adult=w.adult).exists()


def test_each_side_sees_only_what_its_work_needs() -> None:
    w = world()
    add_to_household(w)
    alert = Alert.objects.get(rule="restricted_adult")
    child_name = w.fam.child.person.full_name
    social = client_for(w.fam.sw).get(f"/alerts/{alert.pk}").content.decode()
    assert child_name in social and alert.explanation.split(":")[0] in social
    probation = client_for(w.offender_manager).get(f"/alerts/{alert.pk}")
    assert probation.status_code == 200
    text = probation.content.decode()
    assert child_name not in text and "Testchild" not in text
    assert w.adult.full_name in text
    assert "unsupervised contact" in text  # his own restriction
    assert "sw.test" in text or w.fam.sw.display_name in text  # whom to call
    # Probation cannot close the child's alert; someone with no reason gets "not found".
    om = client_for(w.offender_manager)
    assert om.post(f"/alerts/{alert.pk}/acknowledge").status_code == 302
    closing = om.post(f"/alerts/{alert.pk}/close", {"decision": "other", "rationale": "x" * 20})
    assert closing.status_code == 400
    alert.refresh_from_db()
    assert alert.state == "acknowledged"
    assert client_for(w.probation_colleague).get(f"/alerts/{alert.pk}").status_code == 404
    assert client_for(w.fam.outsider).get(f"/alerts/{alert.pk}").status_code == 404
