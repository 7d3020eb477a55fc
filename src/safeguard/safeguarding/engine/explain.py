"""Plain-English explanations of alerts, shared by the fast engine and the reference.

Each names the facts behind the alert with their event ids, agencies and dates as recorded
(the local date written in the event's time), so a practitioner can find them in the
chronology without opening anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from safeguard.safeguarding.engine.events import Event


def _agency(event: Event) -> str:
    return event.agency or "agency not recorded"


# How one event is listed in an explanation, per kind of rule: `e3 (health, 2007-04-09)`.
# `at.date()` is the local date as written, which is what the practitioner recorded.
Item = Callable[[Event], str]


def item(e: Event) -> str:
    return f"{e.id} ({e.agency or 'agency not recorded'}, {e.at.date().isoformat()})"


def item_with_kind(e: Event) -> str:
    return f"{e.id} ({e.agency or 'agency not recorded'}, {e.kind}, {e.at.date().isoformat()})"


def item_with_setting(e: Event) -> str:
    setting = e.text("setting") or "setting not recorded"
    return f"{e.id} ({e.agency or 'agency not recorded'}, {setting}, {e.at.date().isoformat()})"


def item_attendance(e: Event) -> str:
    where = f"{e.text('setting')}, {e.text('provider') or 'provider not recorded'}"
    return f"{e.id} ({e.agency or 'agency not recorded'}, {where}, {e.at.date().isoformat()})"


def _listing(events: Sequence[Event], describe: Item) -> str:
    return ", ".join(map(describe, events))


def _injury(event: Event) -> str:
    what = event.text("type") or "injury"
    site = event.text("site")
    return f"{what} to {site}" if site else what


def _names(people: Sequence[str]) -> str:
    return people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1]


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {plural or noun + 's'}"


def non_mobile_injury(injury: Event, dob: date | None, under_months: int) -> str:
    recorded = (
        f"{_injury(injury)} recorded by {_agency(injury)} on {injury.local_date} ({injury.id})"
    )
    if injury.flag("mobile") is False:
        return f"{recorded} to a child who is not independently mobile"
    born = dob.isoformat() if dob else "unknown"
    return (
        f"{recorded} to a child under {under_months} months old (born {born}); "
        "mobility not recorded"
    )


def window_count(noun: str, plural: str, events: Sequence[Event], days: int, describe: Item) -> str:
    return f"{_plural(len(events), noun, plural)} within {days} days: {_listing(events, describe)}"


def window_distinct(
    noun: str, by: str, values: Sequence[str], events: Sequence[Event], days: int, describe: Item
) -> str:
    return (
        f"{noun} from {len(values)} different {by} ({', '.join(values)}) within {days} days: "
        f"{_listing(events, describe)}"
    )


def missed_on_plan(missed: Sequence[Event]) -> str:
    return (
        f"{_plural(len(missed), 'missed appointment')} while the child is on a child protection "
        f"plan: {_listing(missed, item_with_setting)}"
    )


def unknown_adult(event: Event, unknown: Sequence[str]) -> str:
    return (
        f"{_names(unknown)} present at {event.kind} ({_agency(event)}, {event.local_date}, "
        f"{event.id}) but not recorded in the household"
    )


def restricted_adult(person: str, restriction: Event, tie: Event) -> str:
    what = restriction.text("restriction") or "restriction not described"
    if tie.kind == "household_member_added":
        how = f"is a member of the household (added {tie.local_date}, {tie.id})"
    elif tie.kind == "adult_associated":
        reason = tie.text("reason") or "reason not recorded"
        how = f"is associated with the child ({reason}; {_agency(tie)}, {tie.local_date}, {tie.id})"
    else:
        how = f"was present at {tie.kind} ({_agency(tie)}, {tie.local_date}, {tie.id})"
    return (
        f"{person} carries a restriction ({what}; {_agency(restriction)}, "
        f"{restriction.local_date}, {restriction.id}) and {how}"
    )


def child_not_seen(clock: Event, days: int) -> str:
    if clock.kind == "visit":
        since = f"last seen at a visit by {_agency(clock)} on {clock.local_date} ({clock.id})"
    else:
        since = (
            f"the plan started on {clock.local_date} ({clock.id}) with no visit seeing the child"
        )
    return f"child on a protection plan not seen for more than {days} days: {since}"
