"""Need-to-know for licences: a licence is visible exactly when its person is.

The only way a page or API handler gets a licence. A licence the user may not see raises the
same ``NotFoundError`` as one that does not exist (no existence oracle).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from safeguard.licences.models import Licence
from safeguard.people.access import people_visible_to
from safeguard.site.errors import NotFoundError


def licences_visible_to(user: Any) -> QuerySet[Licence]:
    """Every licence of every person this user may see today."""
    return Licence.objects.filter(person__in=people_visible_to(user))


def access_licence_by_id(user: Any, licence_id: uuid.UUID | str) -> Licence:
    """The licence, if this user may see its person; otherwise exactly as if there were none."""
    try:
        key = licence_id if isinstance(licence_id, uuid.UUID) else uuid.UUID(str(licence_id))
    except ValueError as exc:
        raise NotFoundError() from exc
    licence = (
        licences_visible_to(user)
        .select_related("person", "approved_address", "supervising_practitioner")
        .filter(pk=key)
        .first()
    )
    if licence is None:
        raise NotFoundError()
    return licence
