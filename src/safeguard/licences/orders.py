"""Monitoring orders from licences in force (contracts.md §1), for the monitoring engine.

``monitoring_orders(on=day)`` gathers each licence in force on the day into a snapshot for the
pure ``engine.orders.build_order``. One order per licence, its subject the person's id in the
person index. An order covers only the stretch of days around ``on`` in which the licence's
tag-checkable conditions stay the same (cut at the variation dates), so the monitoring engine
never judges one day by another day's conditions.

Producing orders is a disclosure to the monitoring service: ``monitoring_orders_export``
audits it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.licences import conf
from safeguard.licences.engine.orders import (
    ConditionSnapshot,
    EventWindow,
    LicenceSnapshot,
    OrderBuildError,
    build_order,
    is_tag_checkable,
    next_day,
    period_around,
)
from safeguard.licences.models import BESPOKE, IN_FORCE_STATUSES, Licence, LicenceCondition
from safeguard.licences.selectors import conditions_in_force


@dataclass
class OrdersResult:
    orders: list[dict[str, Any]] = field(default_factory=list)
    # (licence id, subject, reason) for each licence whose order could not be written.
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {"orders": self.orders}


def _checkable(licence: Licence, row: LicenceCondition) -> bool:
    return row.code != BESPOKE and is_tag_checkable(licence.policy, row.code)


def _snapshot(licence: Licence, on: date) -> LicenceSnapshot:
    rows = [r for r in conditions_in_force(licence, on=on) if _checkable(licence, r)]
    changes = sorted(
        {
            day
            for row in licence.conditions.all()
            if _checkable(licence, row)
            for day in (row.valid_from, row.valid_to)
            if day is not None
        }
    )
    ends = next_day(licence.end_date)
    if licence.recalled_on is not None:
        ends = min(ends, licence.recalled_on)
    starts, until = period_around(on, licence.start_date, ends, changes)
    address = licence.approved_address
    point = None
    if address is not None and address.latitude is not None and address.longitude is not None:
        point = (address.latitude, address.longitude)
    return LicenceSnapshot(
        subject=str(licence.person_id),
        policy=licence.policy,
        starts=starts,
        ends=until,
        address=point,
        conditions=tuple(
            ConditionSnapshot(
                code=row.code,
                values=row.values,
                zone_id=f"Z-{row.lineage.hex[:12]}",
                event_windows=tuple(
                    EventWindow(date.fromisoformat(w["date"]), w["from"], w["until"])
                    for w in row.event_windows
                ),
            )
            for row in rows
        ),
        curfew_radius_m=conf.curfew_radius_m(),
        settings=conf.monitoring_settings(),
    )


def monitoring_orders(*, on: date) -> OrdersResult:
    """Orders for every licence in force on ``on`` with a tag-checkable condition, sorted by
    subject; licences that cannot be written (say, a curfew address with no map position) are
    reported in ``problems``, never dropped silently."""
    result = OrdersResult()
    licences = (
        Licence.objects.filter(status__in=IN_FORCE_STATUSES, start_date__lte=on, end_date__gte=on)
        .select_related("approved_address")
        .prefetch_related("conditions")
        .order_by("person_id")
    )
    for licence in licences:
        if licence.recalled_on is not None and on >= licence.recalled_on:
            continue
        snapshot = _snapshot(licence, on)
        try:
            order = build_order(snapshot)
        except OrderBuildError as error:
            result.problems.append((str(licence.pk), snapshot.subject, str(error)))
            continue
        if order is not None:
            result.orders.append(order)
    result.orders.sort(key=lambda o: str(o["subject"]))
    return result


def monitoring_orders_export(
    *, actor: Any, on: date, recipient: str, actor_label: str | None = None
) -> OrdersResult:
    """The orders, with one audit entry recording their disclosure to ``recipient``."""
    with transaction.atomic():
        result = monitoring_orders(on=on)
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.DISCLOSURE,
            object_type="monitoring_orders",
            summary="exported electronic-monitoring orders from licences",
            justification="electronic monitoring of licence conditions",
            recipients=[recipient],
            details={
                "on": on.isoformat(),
                "subjects": [str(o["subject"]) for o in result.orders],
                "problems": len(result.problems),
            },
        )
    return result
