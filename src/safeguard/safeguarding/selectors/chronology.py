"""The chronology (table and story views), the body map and the rows of an export."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.safeguarding import conf
from safeguard.safeguarding.access import access_child_by_id, access_event
from safeguard.safeguarding.bodymap import SITE_VIEWS, Mark, Outline
from safeguard.safeguarding.models import Child, EventKind
from safeguard.safeguarding.selectors.events import EventRow, Filters, event_rows, filtered_events
from safeguard.safeguarding.selectors.household import household_timeline


@dataclass(frozen=True)
class ChronologyPage:
    child: Child
    rows: list[EventRow]
    filters: Filters
    page: int
    pages: int
    total: int
    first_number: int  # 1-based position of the first row in the filtered list


def _page(child: Child, filters: Filters, page: int, size: int) -> ChronologyPage:
    events = filtered_events(child, filters)
    total = events.count()
    pages = max(1, -(-total // size))
    page = min(max(page, 1), pages)
    start = (page - 1) * size
    rows = event_rows(list(events[start : start + size]), household_timeline(child))
    return ChronologyPage(child, rows, filters, page, pages, total, start + 1)


def chronology_page(
    *, user: Any, child_id: uuid.UUID | str, filters: Filters, page: int = 1, story: bool = False
) -> ChronologyPage:
    """One page of the merged chronology (or of the story view); one consultation entry."""
    with transaction.atomic():
        child = access_child_by_id(user, child_id)
        size = conf.story_page_size() if story else conf.chronology_page_size()
        result = _page(child, filters, page, size)
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="child",
            object_id=str(child.pk),
            summary="viewed a child's story" if story else "viewed a child's chronology",
            details={"filters": filters.as_audit(), "page": result.page},
        )
        return result


def export_rows(child: Child, filters: Filters) -> list[EventRow]:
    """Every event matching the filters, oldest first (the caller checks access and audits)."""
    oldest_first = Filters(**{**filters.__dict__, "newest_first": False})
    return event_rows(list(filtered_events(child, oldest_first)), household_timeline(child))


@dataclass(frozen=True)
class EventPage:
    row: EventRow


def event_page(*, user: Any, child_id: uuid.UUID | str, event_id: int) -> EventPage:
    with transaction.atomic():
        event = access_event(user, child_id, event_id)
        [row] = event_rows([event], household_timeline(event.child))
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="child",
            object_id=str(event.child_id),
            summary="viewed a chronology event",
            details={"event": event.public_id},
        )
        return EventPage(row)


@dataclass(frozen=True)
class BodyMapPage:
    child: Child
    outline: Outline
    marks: list[Mark]
    rows: list[EventRow]


def default_outline(child: Child, today: date) -> Outline:
    dob = child.person.date_of_birth
    if dob is not None and (today - dob).days < 2 * 365:
        return Outline.INFANT
    return Outline.CHILD


def body_map_page(
    *, user: Any, child_id: uuid.UUID | str, outline: Outline | None, filters: Filters
) -> BodyMapPage:
    """Every agency's injuries on one drawing, numbered in time order."""
    with transaction.atomic():
        child = access_child_by_id(user, child_id)
        only_injuries = Filters(
            **{**filters.__dict__, "kinds": (EventKind.INJURY.value,), "newest_first": False}
        )
        rows = event_rows(list(filtered_events(child, only_injuries)), household_timeline(child))
        marks = []
        for number, row in enumerate(rows, start=1):
            d = row.event.details
            site = str(d.get("site", ""))
            if site not in SITE_VIEWS:
                continue
            u, v = d.get("u"), d.get("v")
            marks.append(
                Mark(
                    number=number,
                    site=site,
                    u=float(u) if isinstance(u, int | float) else None,
                    v=float(v) if isinstance(v, int | float) else None,
                    css_class=f"sg-mark--{row.event.agency}",
                    title=f"{number}. {row.when:%-d %b %Y}, {row.agency}: {row.text}",
                )
            )
        audit_record(
            actor=user,
            action=AuditAction.CONSULTATION,
            object_type="child",
            object_id=str(child.pk),
            summary="viewed a child's body map",
            details={"filters": filters.as_audit(), "injuries": len(rows)},
        )
        chosen = outline or default_outline(child, timezone.localdate())
        return BodyMapPage(child, chosen, marks, rows)
