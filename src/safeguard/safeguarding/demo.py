"""The demo county's children: records, households, plans and chronologies (seeded).

Most children are quiet (a GP visit, a health visitor's check). About one in thirteen is on a
child protection plan, visited about every ten working days. A few are worrying: injuries from
more than one agency, missed appointments, and a man the police keep finding at the home whom
social care has never recorded in the household. Every event goes through
``chronology_events_record`` like any other write, so the notifications and audit entries
are the real ones.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from faker import Faker

from safeguard.accounts.roles import AgencyKind
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.people.models import Allocation, Person, Relationship, RelationshipKind, Sex
from safeguard.safeguarding.demo_stories import Story, quiet_events, worrying_events
from safeguard.safeguarding.models import (
    Child,
    ChildProtectionPlan,
    EventAgency,
    EventKind,
    HouseholdMember,
    HouseholdRole,
    KnownBy,
    PlanCategory,
    ReviewConference,
)
from safeguard.safeguarding.schedule import add_months, add_working_days
from safeguard.safeguarding.services.events import EventDraft, chronology_events_record
from safeguard.safeguarding.timeutil import local_midnight, local_zone

LABEL = "demo-generator"
_LICENCE_CONDITION = (
    "Licence condition: no unsupervised contact with any child under 16 without the prior "
    "approval of the probation practitioner"
)
_CATEGORIES = (
    [PlanCategory.NEGLECT] * 10
    + [PlanCategory.EMOTIONAL] * 7
    + [PlanCategory.PHYSICAL] * 2
    + [PlanCategory.SEXUAL]
)


def _at(day: date, rng: random.Random, start: int = 9, end: int = 18) -> datetime:
    return datetime.combine(
        day, time(rng.randint(start, end - 1), rng.choice([0, 15, 30, 45])), tzinfo=local_zone()
    )


def safeguarding_generate(*, seed: int, today: date) -> None:
    """Add the safeguarding records to a freshly generated county (inside its transaction)."""
    rng = random.Random(seed * 31 + 5)  # noqa: S311 - seeded synthetic data, on purpose
    fake = Faker("en_GB")
    fake.seed_instance(seed + 5)
    allocations = list(
        Allocation.objects.filter(team__agency__kind=AgencyKind.SOCIAL_CARE)
        .select_related("person", "practitioner", "team")
        .order_by("id")
    )
    on_licence = set(
        Allocation.objects.filter(team__agency__kind=AgencyKind.PROBATION).values_list(
            "person_id", flat=True
        )
    )
    with transaction.atomic():
        children = _children(allocations)
        members = _households(children, on_licence, rng)
        plans = _plans(allocations, children, rng, today)
        drafts = _registration_drafts(children)
        drafts += _household_drafts(children, members)
        drafts += _plan_drafts(children, plans, members, rng, today)
        stories = _pick_worrying(allocations, plans, rng)
        for allocation in allocations:
            child = children[allocation.person_id]
            adults = [m for m in members[child.pk] if m.moved_out_on is None]
            story = Story(child=child, adults=adults, today=today, rng=rng)
            drafts += quiet_events(story)
            if allocation.person_id in stories:
                drafts += worrying_events(
                    story, stranger=_stranger(fake, rng), on_plan=allocation.person_id in plans
                )
        drafts += _restrictions(children, members, on_licence, rng, today)
        drafts.sort(key=lambda d: (d.occurred_at, str(d.child.pk), d.kind))
        chronology_events_record(actor=None, actor_label=LABEL, drafts=drafts, source="demo")


def _children(allocations: list[Allocation]) -> dict[Any, Child]:
    children = {}
    for a in allocations:
        if a.person_id not in children:
            children[a.person_id] = Child(
                person=a.person,
                registered_at=datetime.combine(a.started_on, time(9, 30), tzinfo=local_zone()),
            )
    Child.objects.bulk_create(children.values())
    audit_record_many(
        actor=None,
        actor_label=LABEL,
        drafts=[
            AuditDraft(
                action=AuditAction.COLLECTION,
                object_type="child",
                object_id=str(c.pk),
                summary="registered a child (synthetic demo county)",
            )
            for c in children.values()
        ],
    )
    return children


def _households(
    children: dict[Any, Child], on_licence: set[Any], rng: random.Random
) -> dict[Any, list[HouseholdMember]]:
    members: dict[Any, list[HouseholdMember]] = defaultdict(list)
    rows = (
        Relationship.objects.filter(anchor_id__in=list(children))
        .select_related("other")
        .order_by("id")
    )
    for r in rows:
        if r.kind == RelationshipKind.PARENT:
            role, relationship, known = HouseholdRole.PARENT_CARER, "mother", KnownBy.CHECKED
        elif r.other_id in on_licence:
            role, relationship, known = HouseholdRole.LODGER, "family friend staying", KnownBy.TOLD
        else:
            father = rng.random() < 0.6
            role = HouseholdRole.PARENT_CARER if father else HouseholdRole.PARTNER_OF_PARENT
            relationship = "father" if father else "mother's partner"
            known = rng.choice([KnownBy.SEEN, KnownBy.SEEN, KnownBy.TOLD, KnownBy.CHECKED])
        members[r.anchor_id].append(
            HouseholdMember(
                child=children[r.anchor_id],
                person=r.other,
                role=role,
                relationship=relationship,
                moved_in_on=r.started_on,
                known_by=known,
                link=r,
            )
        )
    HouseholdMember.objects.bulk_create([m for ms in members.values() for m in ms])
    return members


def _plans(
    allocations: list[Allocation], children: dict[Any, Child], rng: random.Random, today: date
) -> dict[Any, ChildProtectionPlan]:
    """About one child in thirteen; the named demo social worker always has a few."""
    plans: dict[Any, ChildProtectionPlan] = {}
    named = 0
    for a in allocations:
        mine = a.practitioner is not None and a.practitioner.username == "sw.teama" and named < 4
        room = (today - a.started_on).days - 7  # a plan starts after the child is known
        if room < 25 or (not mine and rng.random() > 0.085):
            continue
        named += mine
        started = today - timedelta(days=rng.randint(25, min(380, room)))
        ended = None
        if not mine and (today - started).days > 240 and rng.random() < 0.35:
            ended = started + timedelta(days=rng.randint(180, (today - started).days - 1))
        plans[a.person_id] = ChildProtectionPlan(
            child=children[a.person_id],
            category=rng.choice(_CATEGORIES),
            started_on=started,
            initial_conference_on=started,
            ended_on=ended,
            end_reason="Review conference: risks reduced" if ended else "",
            social_worker=a.practitioner,
            team=a.team,
            visit_every_working_days=10,
        )
    ChildProtectionPlan.objects.bulk_create(plans.values())
    reviews = []
    for plan in plans.values():
        due = add_months(plan.initial_conference_on, 3)
        last = plan.ended_on or today
        while due <= last:
            if plan.ended_on is None and rng.random() < 0.15 and add_months(due, 6) > today:
                break  # overdue: this review has not been held
            held = min(due - timedelta(days=rng.randint(0, 10)), last)
            reviews.append(ReviewConference(plan=plan, held_on=held, decision="continue"))
            due = add_months(held, 6)
    ReviewConference.objects.bulk_create(reviews)
    return plans


def _registration_drafts(children: dict[Any, Child]) -> list[EventDraft]:
    return [
        EventDraft(
            c,
            EventKind.CHILD_REGISTERED,
            EventAgency.SOCIAL_CARE,
            c.registered_at,
            {
                "dob": c.person.date_of_birth.isoformat() if c.person.date_of_birth else None,
                "name": c.person.full_name,
            },
        )
        for c in children.values()
    ]


def _household_drafts(
    children: dict[Any, Child], members: dict[Any, list[HouseholdMember]]
) -> list[EventDraft]:
    return [
        EventDraft(
            children[child_id],
            EventKind.HOUSEHOLD_MEMBER_ADDED,
            EventAgency.SOCIAL_CARE,
            local_midnight(m.moved_in_on),
            {
                "person": str(m.person_id),
                "role": m.role,
                "relationship": m.relationship,
                "known_by": m.known_by,
            },
        )
        for child_id, ms in members.items()
        for m in ms
    ]


def _plan_drafts(
    children: dict[Any, Child],
    plans: dict[Any, ChildProtectionPlan],
    members: dict[Any, list[HouseholdMember]],
    rng: random.Random,
    today: date,
) -> list[EventDraft]:
    """Plan start and end, and the statutory visits (a few children not seen lately)."""
    drafts = []
    for child_id, plan in plans.items():
        child = children[child_id]
        drafts.append(
            EventDraft(
                child,
                EventKind.CP_PLAN_STARTED,
                EventAgency.SOCIAL_CARE,
                local_midnight(plan.started_on),
                {"category": plan.category},
            )
        )
        end = plan.ended_on or today
        if plan.ended_on:
            drafts.append(
                EventDraft(
                    child,
                    EventKind.CP_PLAN_ENDED,
                    EventAgency.SOCIAL_CARE,
                    local_midnight(plan.ended_on),
                    {"category": plan.category},
                )
            )
        household = [m for m in members[child_id] if m.moved_out_on is None]
        lapse = plan.ended_on is None and rng.random() < 0.2  # visits have slipped lately
        day = add_working_days(plan.started_on, rng.randint(2, 6), frozenset())
        while day < end:
            if lapse and (today - day).days < 24:
                break
            seen = rng.random() < 0.9
            adults = [str(m.person_id) for m in household if m.moved_in_on <= day]
            present = rng.sample(adults, k=min(len(adults), rng.randint(1, 2)))
            details: dict[str, Any] = {"child_seen": seen, "adults_present": present}
            if seen:
                details["seen_alone"] = rng.random() < 0.6
            narrative = "Home visit. " + (
                "Child seen and spoken with."
                if seen
                else "No answer at the door; a neighbour said the family were out."
            )
            drafts.append(
                EventDraft(
                    child,
                    EventKind.VISIT,
                    EventAgency.SOCIAL_CARE,
                    _at(day, rng),
                    details,
                    narrative=narrative,
                )
            )
            day = add_working_days(day, rng.randint(7, 11), frozenset())
    return drafts


def _pick_worrying(
    allocations: list[Allocation], plans: dict[Any, ChildProtectionPlan], rng: random.Random
) -> set[Any]:
    """Two of the named social worker's plan children, and about eight others."""
    mine = [
        a.person_id
        for a in allocations
        if a.person_id in plans and a.practitioner and a.practitioner.username == "sw.teama"
    ]
    others = [a.person_id for a in allocations if a.person_id not in mine]
    return set(mine[:2]) | set(rng.sample(others, 8))


def _stranger(fake: Faker, rng: random.Random) -> Person:
    born = date(1980 + rng.randint(0, 18), rng.randint(1, 12), rng.randint(1, 28))
    person = Person(
        given_name=fake.first_name_male(),
        family_name=fake.last_name(),
        date_of_birth=born if rng.random() < 0.5 else None,
        sex=Sex.MALE,
    )
    person.save()
    audit_record_many(
        actor=None,
        actor_label=LABEL,
        drafts=[
            AuditDraft(
                action=AuditAction.COLLECTION,
                object_type="person",
                object_id=str(person.pk),
                summary="recorded a person (synthetic demo county)",
            )
        ],
    )
    return person


def _restrictions(
    children: dict[Any, Child],
    members: dict[Any, list[HouseholdMember]],
    on_licence: set[Any],
    rng: random.Random,
    today: date,
) -> list[EventDraft]:
    """A man on licence living with children: probation records his licence condition."""
    drafts = []
    for child_id, ms in members.items():
        for m in ms:
            if m.person_id in on_licence:
                drafts.append(
                    EventDraft(
                        children[child_id],
                        EventKind.ADULT_RESTRICTION,
                        EventAgency.PROBATION,
                        _at(today - timedelta(days=rng.randint(3, 20)), rng),
                        {
                            "person": str(m.person_id),
                            "restriction": _LICENCE_CONDITION,
                        },
                        narrative="Probation learned he is staying at the address and shared his "
                        "licence conditions.",
                    )
                )
    return drafts
