"""A stream of demo concerns for the triage queue (seeded; synthetic names only).

Over the two days before ``today``: public concerns (mostly anonymous) and professional
referrals from the county's agencies. About a third name a child the county holds (so triage
sees a match proposal), the rest name children nobody knows. Some are not yet rated, some are
rated red, amber or green, and a few already have an outcome.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from faker import Faker

from safeguard.accounts.models import Agency, User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.referrals import conf
from safeguard.referrals.models import Concern, ConcernSource, Outcome, Rag
from safeguard.referrals.services.submit import REFERENCE_ALPHABET
from safeguard.safeguarding.models import Child
from safeguard.safeguarding.timeutil import local_zone

_HOW_MANY = 24
_WORRIES = (
    "I keep hearing a small child screaming late at night and an adult shouting at them.",
    "The children are often outside on their own after dark, without coats, and seem hungry.",
    "A girl in my daughter's class said her mum's boyfriend hits her when she is naughty.",
    "I saw a man dragging a young boy by the arm to a car; the boy had a cut on his face.",
    "There are lots of different adults coming and going from the flat at all hours.",
    "The toddler next door has had bruises on his face twice this month.",
    "A teenager told me she is staying with an older man she met online and is scared to go home.",
    "The baby cries for hours and I have not seen any adult go in or out for two days.",
)
_WHERE = ("At home", "Outside the shop", "At the park", "Outside school", "In the street")
_WHEN = ("Last night", "This morning", "Most weekends", "Yesterday afternoon", "Every night")
_ADULTS = ("Mum's boyfriend", "An older man, about 40", "The dad", "", "Two adults I don't know")
_RATIONALE = {
    Outcome.NO_FURTHER_ACTION: "Checks found no concerns; family already supported by school.",
    Outcome.EARLY_HELP: "Needs support, no significant harm: family agreed to early help.",
    Outcome.SECTION_47: "Reasonable cause to suspect significant harm: strategy meeting held.",
    Outcome.POLICE: "A crime may have been committed: passed to the police.",
}


def _reference(rng: random.Random) -> str:
    body = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"SG-{body[:4]}-{body[4:]}"


def _received(today: date, rng: random.Random) -> datetime:
    day = today - timedelta(days=rng.randint(0, 2))
    return datetime.combine(
        day, time(rng.randint(7, 22), rng.choice([0, 10, 25, 40, 55])), tzinfo=local_zone()
    )


def referrals_generate(*, seed: int, today: date) -> None:
    """Add the demo concerns to a freshly generated county (inside its transaction)."""
    rng = random.Random(seed * 17 + 9)  # noqa: S311 - seeded synthetic data, on purpose
    fake = Faker("en_GB")
    fake.seed_instance(seed + 9)
    known = list(
        Child.objects.select_related("person")
        .prefetch_related("person__addresses")
        .order_by("person__family_name", "person__given_name", "person__date_of_birth")[:40]
    )
    agencies = list(Agency.objects.exclude(kind=AgencyKind.FRONT_DOOR).order_by("name"))
    referrers = {
        a.pk: User.objects.filter(agency=a, is_service_account=False).order_by("pk").first()
        for a in agencies
    }
    triage = User.objects.filter(role=Role.TRIAGE).order_by("pk").first()
    hours = conf.rag_hours()
    concerns: list[Concern] = []
    with transaction.atomic():
        for index in range(_HOW_MANY):
            received = _received(today, rng)
            child = rng.choice(known) if known and index % 3 == 0 else None
            if child is not None:
                address = child.person.addresses.first()
                name = child.person.full_name
                dob = child.person.date_of_birth
                age = dob.strftime("%d/%m/%Y") if dob else ""
                postcode = address.postcode if address else ""
            else:
                name = f"{fake.first_name()} {fake.last_name()}" if rng.random() < 0.8 else ""
                age = f"about {rng.randint(1, 15)}" if rng.random() < 0.7 else ""
                postcode = fake.postcode() if rng.random() < 0.6 else ""
            agency = rng.choice(agencies) if agencies and rng.random() < 0.4 else None
            concern = Concern(
                reference=_reference(rng),
                received_at=received,
                source=ConcernSource.PROFESSIONAL if agency else ConcernSource.PUBLIC,
                child_name=name,
                child_age=age,
                postcode=postcode,
                adults=rng.choice(_ADULTS),
                what_happened=rng.choice(_WORRIES),
                where=rng.choice(_WHERE),
                when=rng.choice(_WHEN),
                anonymous=agency is None and rng.random() < 0.7,
                referrer=referrers.get(agency.pk) if agency else None,
                referrer_agency=agency,
            )
            if not concern.anonymous and agency is None:
                concern.contact_name = fake.name()
                concern.contact_details = fake.phone_number()
            if index % 4 != 0:  # a quarter still waiting to be rated
                rag = rng.choice([Rag.RED, Rag.AMBER, Rag.AMBER, Rag.GREEN, Rag.GREEN])
                concern.rag = rag
                concern.rag_reason = "Demo rating"
                concern.rated_at = received + timedelta(minutes=rng.randint(5, 60))
                concern.due_at = received + timedelta(hours=hours[rag])
                concern.assigned_to = triage
            if index % 6 == 5:
                outcome = rng.choice(list(_RATIONALE))
                concern.outcome = outcome
                concern.outcome_rationale = _RATIONALE[outcome]
                concern.outcome_at = received + timedelta(hours=1)
                concern.outcome_by = triage
            concerns.append(concern)
        Concern.objects.bulk_create(concerns)
        audit_record_many(
            actor=None,
            actor_label="demo-generator",
            drafts=[
                AuditDraft(
                    action=AuditAction.COLLECTION,
                    object_type="concern",
                    object_id=str(c.pk),
                    summary="received a concern (synthetic demo)",
                )
                for c in concerns
            ],
        )
