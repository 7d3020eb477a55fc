"""Need-to-know for breach cases: a case is visible exactly when its person is.

The only way a page or API handler gets a case. A case the user may not see raises the same
``NotFoundError`` as one that does not exist (no existence oracle).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from safeguard.people.access import people_visible_to
from safeguard.recall.models import BreachCase
from safeguard.site.errors import NotFoundError


def cases_visible_to(user: Any) -> QuerySet[BreachCase]:
    """Every breach case of every person this user may see today."""
    return BreachCase.objects.filter(person__in=people_visible_to(user))


def access_case_by_id(user: Any, case_id: uuid.UUID | str) -> BreachCase:
    """The case, if this user may see its person; otherwise exactly as if there were none."""
    try:
        key = case_id if isinstance(case_id, uuid.UUID) else uuid.UUID(str(case_id))
    except ValueError as exc:
        raise NotFoundError() from exc
    case = cases_visible_to(user).select_related("person", "licence").filter(pk=key).first()
    if case is None:
        raise NotFoundError()
    return case
