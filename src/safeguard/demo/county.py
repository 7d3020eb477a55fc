"""The synthetic demo county, "Northshire": deterministic (seeded), fictional names only.

Five agencies, about 40 staff across every role, about 300 people on licence (a few with
protected identities and a former identity), and about 600 children in households whose adults
are recorded against them. Later areas add licences, tag feeds, chronologies and concerns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from safeguard.accounts.models import Agency, Team, User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditAction
from safeguard.audit.services import AuditDraft, audit_record_many
from safeguard.people.models import (
    Allocation,
    IdentifierScheme,
    IdentityLink,
    Person,
    PersonAddress,
    PersonIdentifier,
    Relationship,
    RelationshipKind,
    Sex,
    postcode_digest,
)

DEMO_PASSWORD = "northshire-demo"  # noqa: S105 - synthetic demo accounts only
TODAY = date(2026, 11, 30)  # the county is generated as of a fixed day: deterministic output

# A fictional county around a fictional centre; postcodes use the unused "NS" area.
_CENTRE = (53.05, -1.45)
_PNC_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_TOWNS = ["Northam", "Kestrel Bridge", "Ashby Moor", "Wenbury", "Coldharbour", "Fenwick Vale"]

_AGENCIES: list[tuple[str, AgencyKind, list[str]]] = [
    ("Northshire Probation Service", AgencyKind.PROBATION, ["North PDU", "South PDU"]),
    ("Northshire Police", AgencyKind.POLICE, ["Public Protection Unit", "Neighbourhood Team"]),
    (
        "Northshire Children's Services",
        AgencyKind.SOCIAL_CARE,
        ["Child Protection Team A", "Child Protection Team B"],
    ),
    ("Northshire NHS Trust", AgencyKind.HEALTH, ["Emergency Department", "Health Visiting"]),
    ("Northshire Safeguarding Hub", AgencyKind.FRONT_DOOR, ["Front Door Triage"]),
]

# (username, agency kind, team index or None, role, description) for the named demo sign-ins.
_NAMED_STAFF: list[tuple[str, AgencyKind, int | None, Role, str]] = [
    ("pp.north", AgencyKind.PROBATION, 0, Role.PRACTITIONER, "probation practitioner, North PDU"),
    ("spo.north", AgencyKind.PROBATION, 0, Role.SENIOR_PRACTITIONER, "senior probation officer"),
    ("manager.probation", AgencyKind.PROBATION, 0, Role.MANAGER, "probation manager"),
    ("sw.teama", AgencyKind.SOCIAL_CARE, 0, Role.PRACTITIONER, "social worker, CP Team A"),
    ("senior.sw", AgencyKind.SOCIAL_CARE, 0, Role.SENIOR_PRACTITIONER, "senior social worker"),
    ("manager.childrens", AgencyKind.SOCIAL_CARE, 0, Role.MANAGER, "children's services manager"),
    ("police.ppu", AgencyKind.POLICE, 0, Role.PRACTITIONER, "police officer, PPU"),
    ("nurse.ed", AgencyKind.HEALTH, 0, Role.PRACTITIONER, "emergency department nurse"),
    ("triage.mash", AgencyKind.FRONT_DOOR, 0, Role.TRIAGE, "front-door triage"),
    ("privacy.officer", AgencyKind.FRONT_DOOR, None, Role.PRIVACY_OFFICER, "privacy officer"),
    ("auditor", AgencyKind.FRONT_DOOR, None, Role.AUDITOR, "auditor"),
    ("admin", AgencyKind.FRONT_DOOR, None, Role.ADMINISTRATOR, "administrator"),
]


@dataclass
class _Builder:
    fake: Faker
    rng: random.Random
    postcode_seq: int = 0

    def postcode(self) -> str:
        self.postcode_seq += 1
        n = self.postcode_seq
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        return f"NS{1 + n % 9} {n % 10}{letters[n % 20]}{letters[(n // 20) % 20]}"

    def address(self, person: Person, since: date) -> PersonAddress:
        return PersonAddress(
            person=person,
            line1=self.fake.street_address().replace("\n", ", "),
            town=self.rng.choice(_TOWNS),
            postcode=(code := self.postcode()),
            postcode_index=postcode_digest(code),
            latitude=round(_CENTRE[0] + self.rng.uniform(-0.15, 0.15), 6),
            longitude=round(_CENTRE[1] + self.rng.uniform(-0.25, 0.25), 6),
            valid_from=since,
        )

    def person(self, sex: Sex, born: date, family_name: str | None = None) -> Person:
        given = self.fake.first_name_female() if sex == Sex.FEMALE else self.fake.first_name_male()
        return Person(
            given_name=given,
            family_name=family_name or self.fake.last_name(),
            date_of_birth=born,
            sex=sex,
        )

    def birth_date(self, min_age: int, max_age: int) -> date:
        days = self.rng.randint(min_age * 365, max_age * 365 + 364)
        return TODAY - timedelta(days=days)


def county_exists() -> bool:
    return Agency.objects.filter(name=_AGENCIES[0][0]).exists()


def demo_sign_ins() -> list[tuple[str, str]]:
    return [(username, description) for username, *_rest, description in _NAMED_STAFF]


def county_generate(*, seed: int = 2007) -> bool:
    """Create the county unless it is there already. Returns whether it was created."""
    if county_exists():
        return False
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    builder = _Builder(fake=fake, rng=random.Random(seed))
    with transaction.atomic():
        teams = _agencies_and_teams()
        staff = _staff(builder, teams)
        people = _people_on_licence(builder, teams, staff)
        children = _children_and_households(builder, teams, staff, people)
        drafts = [
            AuditDraft(
                action=AuditAction.COLLECTION,
                object_type="person",
                object_id=str(p.pk),
                summary="recorded a person (synthetic demo county)",
            )
            for p in [*people, *children]
        ]
        audit_record_many(actor=None, drafts=drafts, actor_label="demo-generator")
        from safeguard.licences.demo import licences_generate

        licences_generate(seed=seed, today=TODAY)
        from safeguard.safeguarding.demo import safeguarding_generate

        safeguarding_generate(seed=seed, today=TODAY)
        from safeguard.referrals.demo import referrals_generate

        referrals_generate(seed=seed, today=TODAY)
        from safeguard.linkage.demo import linkage_generate

        linkage_generate(seed=seed, today=TODAY)
        from safeguard.monitoring.demo import monitoring_generate

        monitoring_generate(seed=seed, today=TODAY)
        from safeguard.alerts.demo import alerts_generate

        alerts_generate(seed=seed, today=TODAY)
        from safeguard.recall.demo import breach_cases_generate

        breach_cases_generate(seed=seed, today=TODAY)
    return True


def _agencies_and_teams() -> dict[AgencyKind, list[Team]]:
    teams: dict[AgencyKind, list[Team]] = {}
    for name, kind, team_names in _AGENCIES:
        agency = Agency.objects.create(name=name, kind=kind)
        teams[kind] = [Team.objects.create(agency=agency, name=t) for t in team_names]
    return teams


def _staff(builder: _Builder, teams: dict[AgencyKind, list[Team]]) -> dict[Team, list[User]]:
    password = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
    by_team: dict[Team, list[User]] = {t: [] for ts in teams.values() for t in ts}
    users: list[User] = []
    for username, kind, team_index, role, _description in _NAMED_STAFF:
        team = teams[kind][team_index] if team_index is not None else None
        user = User(
            username=username,
            password=password,
            role=role,
            agency=teams[kind][0].agency,
            team=team,
            first_name=builder.fake.first_name(),
            last_name=builder.fake.last_name(),
        )
        users.append(user)
    # Further practitioners so that every team has a few (about 40 staff in all).
    for kind, kind_teams in teams.items():
        for team in kind_teams:
            for i in range(1, 4):
                slug = team.name.lower().replace(" ", "-").replace("'", "")
                users.append(
                    User(
                        username=f"{kind.value}.{slug}.{i}",
                        password=password,
                        role=Role.PRACTITIONER if i < 3 else Role.SENIOR_PRACTITIONER,
                        agency=team.agency,
                        team=team,
                        first_name=builder.fake.first_name(),
                        last_name=builder.fake.last_name(),
                    )
                )
    User.objects.bulk_create(users)
    for user in User.objects.filter(team__isnull=False).select_related("team").order_by("id"):
        assert user.team is not None
        by_team[user.team].append(user)
    return by_team


def _people_on_licence(
    builder: _Builder, teams: dict[AgencyKind, list[Team]], staff: dict[Team, list[User]]
) -> list[Person]:
    rng = builder.rng
    people = [
        builder.person(Sex.FEMALE if rng.random() < 0.12 else Sex.MALE, builder.birth_date(21, 62))
        for _ in range(300)
    ]
    # A few were given a new identity for their safety; their former identity stays hidden.
    former = [builder.person(Sex(p.sex), p.date_of_birth or TODAY) for p in people[::60]]
    for p in people[::60]:
        p.protected_identity = True
    for f in former:
        f.is_former_identity = True
    Person.objects.bulk_create([*people, *former])
    IdentityLink.objects.bulk_create(
        [IdentityLink.build(current=p, former=f) for p, f in zip(people[::60], former, strict=True)]
    )
    addresses, identifiers, allocations = [], [], []
    for i, person in enumerate(people):
        addresses.append(builder.address(person, TODAY - timedelta(days=rng.randint(10, 900))))
        identifiers.append(
            PersonIdentifier(person=person, scheme=IdentifierScheme.CRN, value=f"N{100000 + i}")
        )
        identifiers.append(
            PersonIdentifier(
                person=person,
                scheme=IdentifierScheme.PNC,
                value=f"{1990 + i % 30}/{1000000 + i * 7919 % 8999999}{_PNC_LETTERS[i % 23]}",
            )
        )
        team = teams[AgencyKind.PROBATION][i % 2]
        practitioner = staff[team][i % len(staff[team])]
        allocations.append(
            Allocation(
                person=person,
                team=team,
                practitioner=practitioner,
                started_on=TODAY - timedelta(days=rng.randint(5, 700)),
            )
        )
    for f in former:
        addresses.append(builder.address(f, TODAY - timedelta(days=4000)))
    PersonAddress.objects.bulk_create(addresses)
    PersonIdentifier.objects.bulk_create(identifiers)
    Allocation.objects.bulk_create(allocations)
    return people


def _children_and_households(
    builder: _Builder,
    teams: dict[AgencyKind, list[Team]],
    staff: dict[Team, list[User]],
    on_licence: list[Person],
) -> list[Person]:
    """About 300 households with 1 to 3 children each (about 600) and 1 or 2 adults."""
    rng = builder.rng
    children: list[Person] = []
    adults: list[Person] = []
    relationships: list[Relationship] = []
    addresses: list[PersonAddress] = []
    allocations: list[Allocation] = []
    identifiers: list[PersonIdentifier] = []
    household = 0
    while len(children) < 600:
        household += 1
        family = builder.fake.last_name()
        mother = builder.person(Sex.FEMALE, builder.birth_date(19, 45), family)
        members = [mother]
        if rng.random() < 0.55:
            members.append(builder.person(Sex.MALE, builder.birth_date(20, 50), family))
        kids = [
            builder.person(
                Sex.FEMALE if rng.random() < 0.5 else Sex.MALE, builder.birth_date(0, 15), family
            )
            for _ in range(rng.choice([1, 2, 2, 3]))
        ]
        adults.extend(members)
        children.extend(kids)
        moved_in = TODAY - timedelta(days=rng.randint(60, 2000))
        team = teams[AgencyKind.SOCIAL_CARE][household % 2]
        worker = staff[team][household % len(staff[team])]
        lat, lon = _CENTRE[0] + rng.uniform(-0.15, 0.15), _CENTRE[1] + rng.uniform(-0.25, 0.25)
        line1, town, postcode = (
            builder.fake.street_address(),
            rng.choice(_TOWNS),
            builder.postcode(),
        )
        for member in [*members, *kids]:
            addresses.append(
                PersonAddress(
                    person=member,
                    line1=line1.replace("\n", ", "),
                    town=town,
                    postcode=postcode,
                    postcode_index=postcode_digest(postcode),
                    latitude=round(lat, 6),
                    longitude=round(lon, 6),
                    valid_from=moved_in,
                )
            )
        for kid in kids:
            allocations.append(
                Allocation(
                    person=kid,
                    team=team,
                    practitioner=worker,
                    started_on=TODAY - timedelta(days=rng.randint(5, 400)),
                )
            )
            for member in members:
                relationships.append(
                    Relationship(
                        anchor=kid,
                        other=member,
                        kind=RelationshipKind.PARENT
                        if member is mother
                        else RelationshipKind.HOUSEHOLD_MEMBER,
                        started_on=moved_in,
                    )
                )
        # Now and then a man on licence has moved in and social care has recorded him.
        if household % 37 == 0:
            lodger = on_licence[household % len(on_licence)]
            for kid in kids:
                relationships.append(
                    Relationship(
                        anchor=kid,
                        other=lodger,
                        kind=RelationshipKind.HOUSEHOLD_MEMBER,
                        started_on=TODAY - timedelta(days=30),
                    )
                )
    Person.objects.bulk_create([*adults, *children])
    for i, kid in enumerate(children):
        identifiers.append(
            PersonIdentifier(person=kid, scheme=IdentifierScheme.NHS, value=_nhs_number(i))
        )
    PersonAddress.objects.bulk_create(addresses)
    Allocation.objects.bulk_create(allocations)
    Relationship.objects.bulk_create(relationships)
    PersonIdentifier.objects.bulk_create(identifiers)
    return [*children, *adults]


def _nhs_number(i: int) -> str:
    """A synthetic NHS number in the 999 range (reserved for testing) with a valid check digit."""
    while True:
        body = f"999{i:06d}"
        total = sum(int(d) * (10 - pos) for pos, d in enumerate(body))
        check = (11 - total % 11) % 11
        if check != 10:
            return body + str(check)
        i += 500_000
