"""``{% recall_history person %}``: the person page's section on releases and recalls."""

from __future__ import annotations

from typing import Any

from django import template

from safeguard.recall.selectors import person_history

register = template.Library()


@register.inclusion_tag("recall/person_history.html", takes_context=True)
def recall_history(context: dict[str, Any], person: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    history = person_history(user=user, person=person)
    query = "&".join(f"violation={v.pk}" for v in history.waiting)
    return {"history": history, "open_query": query}


OPTION_LABELS = {
    "fixed_term": "Fixed-term recall",
    "standard": "Standard recall",
    "emergency": "Emergency recall",
    "no_recall": "No recall",
}


@register.filter
def recall_option(option: str) -> str:
    """The words for one of the recall engine's options."""
    return OPTION_LABELS.get(option, option.replace("_", " "))


@register.filter
def words(value: str) -> str:
    """ "breach_action" → "breach action"."""
    return str(value).replace("_", " ")
