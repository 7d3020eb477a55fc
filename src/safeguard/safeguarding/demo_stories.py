"""Chronology events for demo children: quiet lives, and a few worrying ones (seeded)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from safeguard.people.models import Person
from safeguard.safeguarding.models import Child, EventAgency, EventKind, HouseholdMember
from safeguard.safeguarding.services.events import EventDraft
from safeguard.safeguarding.timeutil import local_zone

_PROVIDERS = [
    "Northam General Hospital",
    "Kestrel Bridge Urgent Care Centre",
    "Wenbury Royal Infirmary",
]
_SURGERIES = ["Ashby Moor Surgery", "Fenwick Vale Medical Practice", "Coldharbour Health Centre"]
_GP_REASONS = ["cough and cold", "ear infection", "routine vaccinations", "rash", "asthma review"]


@dataclass
class Story:
    child: Child
    adults: list[HouseholdMember]  # the current recorded household
    today: date
    rng: random.Random

    def at(self, days_ago: int, start: int = 8, end: int = 20) -> datetime:
        day = self.today - timedelta(days=max(days_ago, 1))
        moment = time(self.rng.randint(start, end - 1), self.rng.choice([0, 10, 20, 30, 40, 50]))
        return datetime.combine(day, moment, tzinfo=local_zone())

    def age_days(self) -> int:
        dob = self.child.person.date_of_birth
        return (self.today - dob).days if dob else 3650

    def home_adults(self, days_ago: int) -> list[str]:
        day = self.today - timedelta(days=days_ago)
        return [str(m.person_id) for m in self.adults if m.moved_in_on <= day]

    def draft(
        self,
        days_ago: int,
        kind: str,
        agency: str,
        details: dict[str, Any],
        narrative: str = "",
        **kw: Any,
    ) -> EventDraft:
        return EventDraft(
            self.child, kind, agency, self.at(days_ago), details, narrative=narrative, **kw
        )


def quiet_events(s: Story) -> list[EventDraft]:
    """Zero to three ordinary contacts in the last two years."""
    rng, drafts = s.rng, []
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        days = rng.randint(5, 700)
        if s.age_days() - days < 0:
            continue
        if rng.random() < 0.6:
            drafts.append(
                s.draft(
                    days,
                    EventKind.ATTENDANCE,
                    EventAgency.HEALTH,
                    {
                        "setting": "gp",
                        "provider": rng.choice(_SURGERIES),
                        "reason": rng.choice(_GP_REASONS),
                    },
                )
            )
        elif s.age_days() - days < 5 * 365:
            drafts.append(
                s.draft(
                    days,
                    EventKind.VISIT,
                    EventAgency.HEALTH,
                    {
                        "child_seen": True,
                        "seen_alone": False,
                        "adults_present": s.home_adults(days)[:1],
                    },
                    "Health visitor development review. Growth and development as expected.",
                )
            )
        else:
            drafts.append(
                s.draft(
                    days,
                    EventKind.CONCERN,
                    EventAgency.EDUCATION,
                    {
                        "summary": "Attendance has dropped this term; the family say the child "
                        "has been unwell.",
                        "referrer": "Designated safeguarding lead",
                    },
                )
            )
    return drafts


def worrying_events(s: Story, *, stranger: Person, on_plan: bool) -> list[EventDraft]:
    """Over four months: a man the police keep finding at the home who is not in the recorded
    household, injuries seen by two agencies, attendances at two hospitals, missed appointments."""
    rng = s.rng
    man = str(stranger.pk)
    home = s.home_adults(120)
    infant = s.age_days() < 240
    drafts = [
        s.draft(
            118,
            EventKind.POLICE_CALLOUT,
            EventAgency.POLICE,
            {
                "reason": "Neighbour reported shouting and a child crying",
                "adults_present": [*home[:1], man],
            },
            "Officers attended. Mother and a man who gave his name were present; "
            "both said it was a verbal argument. Child asleep upstairs, not seen.",
            significant=True,
        ),
        s.draft(
            96,
            EventKind.MISSED_APPOINTMENT,
            EventAgency.HEALTH,
            {"setting": "health_visitor", "appointment": "development review"},
        ),
        s.draft(
            90,
            EventKind.ADULT_ASSOCIATED,
            EventAgency.POLICE,
            {
                "person": man,
                "reason": "Named by a neighbour as the mother's new partner, often staying "
                "at the address",
            },
        ),
        s.draft(
            74,
            EventKind.INJURY,
            EventAgency.HEALTH,
            {
                "site": "right_ear" if infant else "left_upper_arm_back",
                "type": "bruise",
                "explanation": "Caught it on the cot side" if infant else "Fell off the sofa",
                "explained_by": "parent_carer",
                "mobile": not infant,
                "size": "2 cm",
                "colour": "blue-purple",
            },
            "Seen at the emergency department with mother.",
        ),
        s.draft(
            74,
            EventKind.ATTENDANCE,
            EventAgency.HEALTH,
            {"setting": "emergency_department", "provider": _PROVIDERS[0], "reason": "bruising"},
        ),
        s.draft(
            51,
            EventKind.POLICE_CALLOUT,
            EventAgency.POLICE,
            {
                "reason": "Concern for welfare call from a member of the public",
                "adults_present": [man],
            },
            "The man answered the door and said the mother was out. Child seen briefly "
            "in the hallway.",
        ),
        s.draft(
            40,
            EventKind.ATTENDANCE,
            EventAgency.HEALTH,
            {"setting": "urgent_care", "provider": _PROVIDERS[1], "reason": "minor head injury"},
        ),
        s.draft(
            39,
            EventKind.INJURY,
            EventAgency.EDUCATION if not infant else EventAgency.HEALTH,
            {
                "site": "face",
                "type": "bruise",
                "explanation": "Walked into a door",
                "explained_by": "child" if not infant else "parent_carer",
                "mobile": not infant,
                "size": "3 cm by 1 cm",
                "colour": "yellow-green",
            },
        ),
        s.draft(
            33,
            EventKind.MISSED_APPOINTMENT,
            EventAgency.HEALTH,
            {"setting": "gp", "appointment": "follow-up after head injury"},
        ),
        s.draft(
            12,
            EventKind.CONCERN,
            EventAgency.PUBLIC,
            {
                "summary": "A neighbour says a man shouts at the children most evenings.",
                "referrer": "neighbour (anonymous)",
            },
        ),
    ]
    if rng.random() < 0.5:
        drafts.append(
            s.draft(
                20,
                EventKind.ATTENDANCE,
                EventAgency.HEALTH,
                {
                    "setting": "emergency_department",
                    "provider": _PROVIDERS[2],
                    "reason": "scald to hand",
                    "adults_present": [man],
                },
            )
        )
    if not on_plan:
        drafts = [d for d in drafts if d.kind != EventKind.ADULT_ASSOCIATED or rng.random() < 0.5]
    return drafts


# Names a clerk or an officer spells two ways (the probation record, the police's record).
_SPELLINGS = {
    "Steven": "Stephen",
    "Stephen": "Steven",
    "John": "Jon",
    "Jon": "John",
    "Sean": "Shaun",
    "Shaun": "Sean",
    "Matthew": "Mathew",
    "Philip": "Phillip",
    "Phillip": "Philip",
    "Geoffrey": "Jeffrey",
    "Jeffrey": "Geoffrey",
    "Carl": "Karl",
    "Karl": "Carl",
    "Neil": "Neal",
    "Neal": "Neil",
    "Alan": "Allan",
    "Allan": "Alan",
    "Stuart": "Stewart",
    "Stewart": "Stuart",
    "Mohammed": "Mohammad",
    "Mohammad": "Mohammed",
}


def spelled_two_ways(given: str) -> bool:
    return given in _SPELLINGS


def respelt(given: str) -> str:
    """The same first name as another agency might write it."""
    if given in _SPELLINGS:
        return _SPELLINGS[given]
    if len(given) > 3 and given[-1] in "aeiou":
        return given[:-1]
    return given + given[-1]


def licence_namesake_callout(s: Story, namesake: Person) -> EventDraft:
    """A police call-out at the child's home naming a man whose probation record (a licence
    forbidding unsupervised contact with children) is spelled differently (ADR 0209)."""
    return s.draft(
        9,
        EventKind.POLICE_CALLOUT,
        EventAgency.POLICE,
        {
            "reason": "Neighbour reported a man shouting at the address",
            "adults_present": [*s.home_adults(9)[:1], str(namesake.pk)],
        },
        "Officers attended. The mother and a man who gave his name were present; he said he "
        "was visiting. Children in the living room.",
        significant=True,
    )
