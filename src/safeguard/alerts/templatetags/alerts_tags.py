"""``{% person_alerts person %}``: the alerts about a person (as a child or as the restricted
adult) that the signed-in user may see, for the person and child pages."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.alerts.selectors import alerts_about_person

register = template.Library()


@register.inclusion_tag("alerts/_person_alerts.html", takes_context=True)
def person_alerts(context: dict[str, Any], person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    rows = alerts_about_person(user, person) if user is not None and person is not None else []
    return {"alert_rows": rows}
