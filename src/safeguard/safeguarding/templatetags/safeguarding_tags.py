"""``{% child_record_link person %}``: the person page's link to their children's record."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.safeguarding.access import children_visible_to

register = template.Library()


@register.inclusion_tag("safeguarding/person_child_record.html", takes_context=True)
def child_record_link(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """Shown only when the reader may see the child (the same rule as the child's own page)."""
    user = getattr(context.get("request"), "user", None)
    child = children_visible_to(user).filter(pk=person.pk).first() if user else None
    return {"child": child, "person": person}
