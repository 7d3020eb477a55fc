"""``{% person_linkage person %}``: the person page's line about their master person.

Shown to linkage reviewers only (ADR 0404), and only for a master person they may see: how
many agency records are held to be this person, with a link to the master person page (which
lists them and is audited when opened). Nothing for anyone else.
"""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.linkage.access import is_reviewer, masters_visible_to
from safeguard.linkage.models import Membership

register = template.Library()


@register.inclusion_tag("linkage/person_section.html", takes_context=True)
def person_linkage(context: dict[str, Any], person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_reviewer(user):
        return {"master": None}
    membership = Membership.objects.filter(person=person).first()
    if membership is None:
        return {"master": None}
    master = masters_visible_to(user).filter(pk=membership.master_id).first()
    if master is None:
        return {"master": None}
    return {"master": master, "records": Membership.objects.filter(master=master).count()}
