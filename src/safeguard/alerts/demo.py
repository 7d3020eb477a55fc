"""The demo county's alerts (called by ``county_generate`` after the chronologies exist).

The safeguarding demo already tells the licence story in the chronologies: men on licence
recorded as staying with children carry the restriction probation shared, and a man the
police keep finding at a home is not in the recorded household. This runs the reverse licence
sweep (a no-op unless a licence in force has a condition about children not yet recorded) and
evaluates every child once, as of noon on the county's fixed day, so two builds give the same
alerts. It adds no chronology events of its own: the safeguarding demo's determinism test
compares chronologies built twice.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.alerts.clock import evaluation_clock
from safeguard.alerts.evaluation import alerts_reevaluate
from safeguard.alerts.links import licence_links_sweep
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.licences.models import IN_FORCE_STATUSES, LicenceCondition
from safeguard.linkage.models import CandidatePair, PairStatus
from safeguard.linkage.services import pair_decide, record_arrival
from safeguard.people.models import Allocation, Person, Sex
from safeguard.safeguarding.demo_stories import (
    Story,
    licence_namesake_callout,
    respelt,
    spelled_two_ways,
)
from safeguard.safeguarding.models import Child, HouseholdMember
from safeguard.safeguarding.services.events import chronology_events_record
from safeguard.safeguarding.timeutil import local_zone

LABEL = "demo-generator"
NO_UNSUPERVISED_CONTACT = "4a5fed48-0fb9-4711-8ddf-b46ddfd90246"  # catalogue code (links.py)


def alerts_generate(*, seed: int, today: date) -> int:
    """Link licences, evaluate every child as of the county's day; returns alerts raised.
    ``seed`` is accepted like the other generators' (nothing here is random)."""
    noon = datetime.combine(today, time(12, 0), tzinfo=local_zone())
    with evaluation_clock(noon):
        _namesake_story(seed=seed, today=today)
        licence_links_sweep()
        outcome = alerts_reevaluate(
            Child.objects.values_list("pk", flat=True), as_of=noon, actor_label=LABEL
        )
    return len(outcome.raised)


def _namesake_story(*, seed: int, today: date) -> None:
    """Issue 7's story across two records (ADR 0209): the police name "Stephen" at a call-out
    at the home of one of ``sw.teama``'s children; probation's record of the man, on licence
    with a condition about children, says "Steven". The police's record is matched on arrival
    and, if it waits for review, linked by the demo's front-door reviewer; the licence sweep
    below then records the restriction against the child and the alert goes to both sides."""
    holder = _licence_holder()
    child = (
        Child.objects.filter(
            person__allocations__practitioner__username="sw.teama",
            person__allocations__ended_on__isnull=True,
        )
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")
        .first()
    )
    if holder is None or child is None:
        return
    namesake = Person(
        given_name=respelt(holder.given_name),
        family_name=holder.family_name,
        date_of_birth=holder.date_of_birth,
        sex=Sex.MALE,
    )
    Person.objects.bulk_create([namesake])  # bulk: matched explicitly below
    audit_record_many(
        actor=None,
        actor_label=LABEL,
        drafts=[
            AuditDraft(
                action=AuditAction.COLLECTION,
                object_type="person",
                object_id=str(namesake.pk),
                summary="recorded a person (synthetic demo county, police record)",
            )
        ],
    )
    adults = list(HouseholdMember.objects.filter(child=child, moved_out_on__isnull=True))
    rng = random.Random(seed * 31 + 9)  # noqa: S311  # nosec B311 - seeded synthetic data
    story = Story(child=child, adults=adults, today=today, rng=rng)
    chronology_events_record(
        actor=None,
        actor_label=LABEL,
        drafts=[licence_namesake_callout(story, namesake)],
        source="demo-namesake",
    )
    arrival = record_arrival(person=namesake)
    if arrival.linked_to is not None:
        return
    pair = CandidatePair.objects.filter(
        left=namesake, right=holder, status=PairStatus.PENDING
    ).first()
    reviewer = User.objects.filter(role=Role.TRIAGE, agency__kind=AgencyKind.FRONT_DOOR).first()
    if pair is not None and reviewer is not None:
        pair_decide(
            actor=reviewer,
            pair=pair,
            decision="link",
            reason="Same date of birth and surname; probation confirm he uses both spellings",
        )


def _licence_holder() -> Person | None:
    """The first man (in name order) on licence in force with a condition about children and
    an allocated probation practitioner, preferring a first name spelled two ways."""
    holders = (
        Person.objects.filter(
            pk__in=LicenceCondition.objects.filter(
                code=NO_UNSUPERVISED_CONTACT, licence__status__in=IN_FORCE_STATUSES
            ).values("licence__person_id"),
            date_of_birth__isnull=False,
            is_former_identity=False,
            protected_identity=False,
        )
        .filter(
            pk__in=Allocation.objects.filter(
                team__agency__kind=AgencyKind.PROBATION,
                practitioner__isnull=False,
                ended_on__isnull=True,
            ).values("person_id")
        )
        .order_by("family_name", "given_name", "date_of_birth", "pk")
    )
    people = list(holders)
    return next((p for p in people if spelled_two_ways(p.given_name)), next(iter(people), None))
