"""Ages for the indicator rules: dob + N calendar months, the day clamped to the month's end."""

from __future__ import annotations

import calendar
import re
from datetime import date

from safeguard.safeguarding.engine.events import Event

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def add_months(day: date, months: int) -> date:
    """2009-08-31 + 6 months = 2010-02-28: the day is clamped to the end of the month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if year > 9999:
        return date.max
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def registered_dob(event: Event) -> date | None:
    """The `dob` of a child_registered event; None when absent or not YYYY-MM-DD."""
    text = event.text("dob")
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def is_under(dob: date, on: date, months: int) -> bool:
    """Under N months on a local date: that date comes before dob + N calendar months."""
    return on < add_months(dob, months)
