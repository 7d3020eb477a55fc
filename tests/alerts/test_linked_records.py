"""Linked records (ADR 0209): a police call-out at a child's home names "Stephen Marlowe"; the
man on licence probation supervises is "Steven Marlowe", born the same day. The police's record
is a new person; once the person index links the two records (on arrival, or by a reviewer)
the restriction on his licence is recorded against the child and the alert goes to the child's
social worker and to his offender manager, with its evidence. Taking the record out again does
not withdraw the alert: only a recorded decision closes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.alerts.models import Alert, AlertRecipient
from safeguard.audit.models import AuditEntry
from safeguard.linkage.index import index_reset
from safeguard.linkage.models import CandidatePair, Membership, PairStatus
from safeguard.linkage.services import event_undo, master_unmerge, pair_decide
from safeguard.people.models import Person
from safeguard.safeguarding.models import ChronologyEvent
from safeguard.safeguarding.services import contact_record
from safeguard.safeguarding.services.events import chronology_event_record
from safeguard.safeguarding.services.recording import NewAdult
from tests import factories as f
from tests.alerts.helpers import client_for, licence_for
from tests.linkage_app.helpers import population, record
from tests.safeguarding.helpers import Family, ago, family

pytestmark = pytest.mark.django_db

DOB = date(1986, 4, 2)


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    index_reset()
    yield
    index_reset()


def _steven() -> tuple[Family, Any, Person]:
    """A family known to children's services; Steven Marlowe on licence, with an offender
    manager, his licence forbidding unsupervised contact with children."""
    population()
    fam = family()
    probation = f.agency("Testshire Probation", AgencyKind.PROBATION)
    om = f.user(Role.PRACTITIONER, f.team(probation, "North PDU"), username="om.test")
    steven = record("Steven", "Marlowe", DOB, sex="M", line1="14 Acacia Avenue", postcode="NS1 4AB")
    f.allocate(steven, f.team(probation, "North PDU"), om)
    licence_for(steven)
    return fam, om, steven


def _police_callout(fam: Family, capture: Any) -> Person:
    """The police feed's service: the adult is named, not chosen from the index."""
    with capture(execute=True):
        event = contact_record(
            actor=fam.officer,
            child=fam.child,
            kind="police_callout",
            agency="police",
            occurred_at=ago(0.1),
            details={"reason": "Neighbour reported shouting", "adults_present": []},
            new_adults=[NewAdult("Stephen", "Marlowe", DOB)],
            source="feed:police",
            reference="CAD-2026-77",
        )
    [named] = event.details["adults_present"]
    stephen = Person.objects.get(pk=named)
    assert stephen.given_name == "Stephen"
    return stephen


def _sent(alert: Alert) -> set[tuple[str, str]]:
    return {
        (username, side)
        for username, side in AlertRecipient.objects.filter(
            alert=alert, user__isnull=False
        ).values_list("user__username", "side")
    }


def _assert_alert_for_both(fam: Family, om: Any, stephen: Person) -> Alert:
    alert = Alert.objects.get(child=fam.child, rule="restricted_adult")
    assert alert.adult_id == stephen.pk  # the man the police named
    restriction = ChronologyEvent.objects.get(child=fam.child, kind="adult_restriction")
    assert restriction.details["person"] == str(stephen.pk)
    assert "unsupervised contact" in restriction.details["restriction"]
    callout = ChronologyEvent.objects.get(child=fam.child, kind="police_callout")
    assert {restriction.public_id, callout.public_id} <= set(alert.evidence)
    assert {("sw.test", "childrens_services"), ("om.test", "probation")} <= _sent(alert)
    social = client_for(fam.sw).get(f"/alerts/{alert.pk}")
    assert social.status_code == 200
    assert "unsupervised contact" in social.content.decode()
    probation = client_for(om).get(f"/alerts/{alert.pk}")
    assert probation.status_code == 200
    assert "unsupervised contact" in probation.content.decode()
    assert fam.child.person.full_name not in probation.content.decode()
    return alert


def test_without_a_link_the_differently_spelled_name_raises_nothing(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LINKAGE_LINK_THRESHOLD = 1.01  # nothing links itself: the pair waits for review
    fam, _om, _probation_record = _steven()
    _police_callout(fam, django_capture_on_commit_callbacks)
    assert CandidatePair.objects.filter(status=PairStatus.PENDING).exists()
    assert not ChronologyEvent.objects.filter(kind="adult_restriction").exists()
    assert not Alert.objects.filter(rule="restricted_adult").exists()


def test_a_reviewer_linking_the_records_raises_the_alert_to_both_sides(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LINKAGE_LINK_THRESHOLD = 1.01
    fam, om, steven = _steven()
    stephen = _police_callout(fam, django_capture_on_commit_callbacks)
    pair = CandidatePair.objects.get(left=stephen, right=steven, status=PairStatus.PENDING)
    reviewer = f.user(Role.PRIVACY_OFFICER, username="reviewer.test")
    with django_capture_on_commit_callbacks(execute=True):
        pair_decide(actor=reviewer, pair=pair, decision="link", reason="Same date of birth")
    _assert_alert_for_both(fam, om, stephen)
    # Sharing his licence detail with children's services is audited, with recipients.
    disclosure = AuditEntry.objects.get(action="disclosure", object_type="licence")
    assert "sw.test" in disclosure.recipients
    assert "Working Together" in disclosure.justification
    assert disclosure.details["linked_record"] is True


def test_records_linked_on_arrival_raise_the_alert_the_same_moment(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LINKAGE_LINK_THRESHOLD = 0.5
    fam, om, steven = _steven()
    stephen = _police_callout(fam, django_capture_on_commit_callbacks)
    assert CandidatePair.objects.get(left=stephen, right=steven).status == PairStatus.AUTO_LINKED
    _assert_alert_for_both(fam, om, stephen)


def test_taking_the_record_out_again_does_not_withdraw_the_alert(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LINKAGE_LINK_THRESHOLD = 0.5
    fam, om, steven = _steven()
    stephen = _police_callout(fam, django_capture_on_commit_callbacks)
    alert = _assert_alert_for_both(fam, om, stephen)
    master = Membership.objects.get(person=steven).master
    reviewer = f.user(Role.PRIVACY_OFFICER, username="reviewer.test")
    with django_capture_on_commit_callbacks(execute=True):
        master_unmerge(actor=reviewer, master=master, person=stephen, reason="Different men")
    assert Membership.objects.get(person=stephen).master_id != master.pk
    alert.refresh_from_db()
    assert alert.state == "open"
    assert alert.superseded is False
    assert ChronologyEvent.objects.filter(child=fam.child, kind="adult_restriction").exists()


def test_undoing_the_link_keeps_the_alert_and_new_ties_no_longer_see_the_licence(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LINKAGE_LINK_THRESHOLD = 1.01
    fam, om, steven = _steven()
    stephen = _police_callout(fam, django_capture_on_commit_callbacks)
    pair = CandidatePair.objects.get(left=stephen, right=steven)
    reviewer = f.user(Role.PRIVACY_OFFICER, username="reviewer.test")
    with django_capture_on_commit_callbacks(execute=True):
        link = pair_decide(actor=reviewer, pair=pair, decision="link", reason="Same man")
    alert = _assert_alert_for_both(fam, om, stephen)
    with django_capture_on_commit_callbacks(execute=True):
        event_undo(actor=reviewer, event=link, reason="Linked in error")
    alert.refresh_from_db()
    assert alert.state == "open" and alert.superseded is False
    # Apart again: the police's record named at another child's home raises nothing there.
    other = family_elsewhere(fam)
    with django_capture_on_commit_callbacks(execute=True):
        chronology_event_record(  # a feed item whose adult the index resolved to him
            actor=None,
            child=other,
            kind="police_callout",
            agency="police",
            occurred_at=ago(0.05),
            details={"reason": "Concern for welfare", "adults_present": [str(stephen.pk)]},
            source="feed:police",
            reference="CAD-2026-78",
        )
    assert not Alert.objects.filter(child=other, rule="restricted_adult").exists()


def family_elsewhere(fam: Family) -> Any:
    """A second child known to the same team."""
    from safeguard.safeguarding.services import child_register

    kid = f.person("Sam", "Testother", dob=date(2019, 6, 1))
    f.allocate(kid, fam.social_care, fam.sw)
    return child_register(actor=fam.sw, person=kid, registered_at=ago(100))
