"""``{% person_licences person %}``: the person page's list of their licences."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.licences.access import licences_visible_to

register = template.Library()


@register.inclusion_tag("licences/person_licences.html", takes_context=True)
def person_licences(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """Newest first; only licences the reader may see (the same rule as the licence pages)."""
    user = getattr(context.get("request"), "user", None)
    licences = (
        list(licences_visible_to(user).filter(person=person).order_by("-start_date", "-id"))
        if user
        else []
    )
    return {"licences": licences}
