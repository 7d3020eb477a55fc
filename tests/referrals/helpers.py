"""Shared bits of the referrals tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

FORM: dict[str, str] = {
    "child_name": "Tilly Testchild",
    "child_age": "about 6",
    "address": "4 Canary Row, Testtown",
    "postcode": "NS1 1AA",
    "adults": "Her mum's new partner",
    "what_happened": "I heard shouting and a child crying late every night this week.",
    "where": "At home",
    "when": "Every night this week",
    "anonymous": "yes",
}


def submit(client: Client | None = None, /, **changes: str) -> Any:
    data = {**FORM, **changes}
    return (client or Client()).post("/report-a-concern", data)
