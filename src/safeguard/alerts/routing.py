"""Who an alert goes to.

Children's services side: the child's allocated social worker (the open plan's social worker
too, when another), the allocated team (its queue) and the team's managers (the agency's
managers when the team has none). Probation side, for ``restricted_adult`` only: the adult's
probation practitioner (offender manager; the supervising practitioner of a licence in force
too) and their team, looked up on every record of the adult's master person (ADR 0209: the
police's record of him has no offender manager; probation's record of him does). See
docs/alerts.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from safeguard.accounts.models import User
from safeguard.accounts.roles import AgencyKind, Role
from safeguard.alerts.linked_records import linked_records
from safeguard.alerts.models import Alert, AlertRecipient, RecipientSide
from safeguard.alerts.rules import RESTRICTED_ADULT
from safeguard.licences.models import IN_FORCE_STATUSES, Licence
from safeguard.people.models import Allocation
from safeguard.safeguarding.models import ChildProtectionPlan


@dataclass(frozen=True)
class Route:
    user_id: int | None
    team_id: int | None
    side: str
    reason: str


def _active(today: date) -> Q:
    return Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))


def _allocations(person_ids: Iterable[Any], kind: AgencyKind, today: date) -> dict[Any, list[Any]]:
    found: dict[Any, list[Any]] = defaultdict(list)
    rows = (
        Allocation.objects.filter(_active(today), person_id__in=list(person_ids))
        .filter(team__agency__kind=kind)
        .order_by("started_on", "id")
        .values_list("person_id", "team_id", "practitioner_id", "team__agency_id")
    )
    for person_id, team_id, practitioner_id, agency_id in rows:
        found[person_id].append((team_id, practitioner_id, agency_id))
    return found


def _managers(
    team_ids: set[Any], agency_ids: set[Any]
) -> tuple[dict[Any, list[int]], dict[Any, list[int]]]:
    by_team: dict[Any, list[int]] = defaultdict(list)
    by_agency: dict[Any, list[int]] = defaultdict(list)
    rows = (
        User.objects.filter(role=Role.MANAGER, is_active=True, is_service_account=False)
        .filter(Q(team_id__in=team_ids) | Q(agency_id__in=agency_ids))
        .order_by("id")
        .values_list("pk", "team_id", "agency_id")
    )
    for pk, team_id, agency_id in rows:
        if team_id is not None:
            by_team[team_id].append(pk)
        by_agency[agency_id].append(pk)
    return by_team, by_agency


class _Routes:
    """Recipients of one alert, each user or team once, in the order added."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self._seen: set[tuple[str, Any]] = set()

    def add(self, user_id: Any, team_id: Any, side: str, reason: str) -> None:
        if user_id is None and team_id is None:
            return
        mark = ("user", user_id) if user_id is not None else ("team", team_id)
        if mark not in self._seen:
            self._seen.add(mark)
            self.routes.append(Route(user_id, team_id, side, reason))


def routes_for(alerts: Sequence[Alert], today: date) -> dict[int, list[Route]]:
    """Recipients of each alert (by alert pk), each user or team once."""
    child_ids = {a.child_id for a in alerts}
    adult_ids = {a.adult_id for a in alerts if a.rule == RESTRICTED_ADULT and a.adult_id}
    records = linked_records(adult_ids)
    every_record = {r for group in records.values() for r in group}
    social = _allocations(child_ids, AgencyKind.SOCIAL_CARE, today)
    probation = {
        str(k): v for k, v in _allocations(every_record, AgencyKind.PROBATION, today).items()
    }
    plans = dict(
        ChildProtectionPlan.objects.filter(
            child_id__in=child_ids, ended_on__isnull=True, social_worker__isnull=False
        ).values_list("child_id", "social_worker_id")
    )
    supervisors: dict[str, list[Any]] = defaultdict(list)
    for person_id, supervisor_id in (
        Licence.objects.filter(
            person_id__in=every_record,
            status__in=IN_FORCE_STATUSES,
            supervising_practitioner__isnull=False,
        )
        .order_by("person_id", "id")
        .values_list("person_id", "supervising_practitioner_id")
    ):
        supervisors[str(person_id)].append(supervisor_id)
    teams = {t for rows in social.values() for t, _, _ in rows}
    agencies = {a for rows in social.values() for _, _, a in rows}
    managers_by_team, managers_by_agency = _managers(teams, agencies)

    result: dict[int, list[Route]] = {}
    sc, pr = RecipientSide.CHILDRENS_SERVICES, RecipientSide.PROBATION
    for alert in alerts:
        routes = _Routes()
        for _team, practitioner_id, _agency in social.get(alert.child_id, []):
            routes.add(practitioner_id, None, sc, "Allocated social worker")
        if alert.child_id in plans:
            routes.add(
                plans[alert.child_id], None, sc, "Social worker on the child protection plan"
            )
        for team_id, _practitioner, agency_id in social.get(alert.child_id, []):
            routes.add(None, team_id, sc, "Allocated team")
            managers = managers_by_team.get(team_id) or managers_by_agency.get(agency_id, [])
            for manager in managers:
                routes.add(manager, None, sc, "Team manager")
        if alert.rule == RESTRICTED_ADULT and alert.adult_id:
            adult_records = records.get(str(alert.adult_id), [str(alert.adult_id)])
            for record in adult_records:
                for _team, practitioner_id, _agency in probation.get(record, []):
                    routes.add(
                        practitioner_id, None, pr, "Probation practitioner (offender manager)"
                    )
            for record in adult_records:
                for supervisor_id in supervisors.get(record, []):
                    routes.add(supervisor_id, None, pr, "Supervising practitioner of the licence")
            for record in adult_records:
                for team_id, _practitioner, _agency in probation.get(record, []):
                    routes.add(None, team_id, pr, "Probation team")
        result[alert.pk] = routes.routes
    return result


def recipients_create(alerts: Sequence[Alert], today: date, at: Any) -> list[AlertRecipient]:
    routes = routes_for(alerts, today)
    rows = [
        AlertRecipient(
            alert=alert,
            user_id=r.user_id,
            team_id=r.team_id,
            side=r.side,
            reason=r.reason,
            added_at=at,
        )
        for alert in alerts
        for r in routes.get(alert.pk, [])
    ]
    return AlertRecipient.objects.bulk_create(rows, batch_size=500)
