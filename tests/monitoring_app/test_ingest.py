"""Tag feeds: counts and reasons, idempotency, back-pressure, access and audit."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeguard.accounts.roles import Role
from safeguard.audit.models import AuditEntry
from safeguard.monitoring.models import DeviceEvent, Fix
from tests import factories as f

pytestmark = pytest.mark.django_db


def _feed_client(service: bool = True) -> tuple[Client, Any]:
    team = f.team(f.agency())
    user = f.user(Role.PRACTITIONER, team, service=service)
    return Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(user)}"), user


def _fix(subject: Any, seq: int, minute: int = 0, **extra: Any) -> dict[str, Any]:
    item = {
        "subject": str(subject),
        "seq": seq,
        "recorded_at": f"2026-10-05T10:{minute:02d}:00Z",
        "lat": 51.5,
        "lon": -0.1,
        "accuracy_m": 10,
    }
    item.update(extra)
    return item


def _post(client: Client, path: str, items: list[Any], ndjson: bool = False) -> Any:
    if ndjson:
        body = "\n".join(json.dumps(i) for i in items)
        return client.post(path, body, content_type="application/x-ndjson")
    return client.post(path, json.dumps(items), content_type="application/json")


def test_counts_and_reasons_per_item() -> None:
    client, _ = _feed_client()
    person = f.person()
    items = [
        _fix(person.pk, 1),
        _fix(person.pk, 1),  # identical resend in the batch
        _fix(person.pk, 1, minute=5),  # differs: conflict
        _fix(person.pk, 2, lat=91),
        _fix(person.pk, 3, recorded_at="2026-10-05T10:00:00"),
        _fix(person.pk, 4, accuracy_m=-1),
        _fix("not-a-person", 5),
        _fix("00000000-0000-0000-0000-000000000001", 6),
        {"subject": str(person.pk), "seq": "x", "recorded_at": "2026-10-05T10:00:00Z"},
        _fix(person.pk, 7, accuracy_m=None),
    ]
    response = _post(client, "/api/v1/monitoring/fixes", items)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["accepted"], body["duplicate"], body["rejected"]) == (2, 1, 7)
    reasons = {r["index"]: r["reason"] for r in body["rejects"]}
    assert reasons == {
        2: "conflict: differs from item 0",
        3: "latitude outside [-90, 90]",
        4: "recorded_at has no offset",
        5: "accuracy_m is negative",
        6: "unknown subject",
        7: "unknown subject",
        8: "seq is not an integer",
    }
    assert Fix.objects.count() == 2
    # Sent again: all duplicates now, and a changed copy is a conflict with the stored one.
    again = _post(client, "/api/v1/monitoring/fixes", [items[0], _fix(person.pk, 7, lon=0.2)])
    assert again.json()["duplicate"] == 1
    assert again.json()["rejects"] == [
        {"index": 1, "reason": "conflict: differs from the stored copy"}
    ]
    assert Fix.objects.count() == 2


def test_events_as_ndjson() -> None:
    client, _ = _feed_client()
    person = f.person()
    items = [
        {
            "subject": str(person.pk),
            "seq": 1,
            "recorded_at": "2026-10-05T10:00:00Z",
            "kind": "strap_tamper",
        },
        {
            "subject": str(person.pk),
            "seq": 2,
            "recorded_at": "2026-10-05T10:01:00Z",
            "kind": "lost",
        },
    ]
    body = _post(client, "/api/v1/monitoring/events", items, ndjson=True).json()
    assert body["accepted"] == 1
    assert body["rejects"] == [{"index": 1, "reason": "unknown event kind"}]
    assert DeviceEvent.objects.get().kind == "strap_tamper"


def test_one_audit_entry_per_batch() -> None:
    client, user = _feed_client()
    person = f.person()
    before = AuditEntry.objects.filter(object_type="em_fixes").count()
    _post(client, "/api/v1/monitoring/fixes", [_fix(person.pk, n) for n in range(50)])
    entries = AuditEntry.objects.filter(object_type="em_fixes")
    assert entries.count() == before + 1
    entry = entries.last()
    assert entry is not None and entry.actor_id == user.pk
    assert entry.details["accepted"] == 50


def test_too_large_a_batch_is_refused_with_413(settings: Any) -> None:
    settings.MONITORING_MAX_BATCH_ITEMS = 3
    client, _ = _feed_client()
    person = f.person()
    response = _post(client, "/api/v1/monitoring/fixes", [_fix(person.pk, n) for n in range(4)])
    assert response.status_code == 413
    assert "at most 3" in response.json()["message"]
    assert Fix.objects.count() == 0


def test_too_large_a_body_is_refused_with_413(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client, _ = _feed_client()
    person = f.person()
    response = _post(client, "/api/v1/monitoring/fixes", [_fix(person.pk, n) for n in range(20)])
    assert response.status_code == 413
    assert response.json()["message"] == "The batch is too large; send it in smaller batches"
    assert Fix.objects.count() == 0


def test_busy_feed_answers_429_with_retry_after(settings: Any) -> None:
    settings.MONITORING_MAX_CONCURRENT_BATCHES = 0
    client, _ = _feed_client()
    response = _post(client, "/api/v1/monitoring/fixes", [_fix(f.person().pk, 1)])
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert Fix.objects.count() == 0


def test_feeds_refuse_staff_and_anonymous() -> None:
    staff, _ = _feed_client(service=False)
    person = f.person()
    for path in ("/api/v1/monitoring/fixes", "/api/v1/monitoring/events"):
        assert _post(staff, path, [_fix(person.pk, 1)]).status_code == 404
        assert _post(Client(), path, [_fix(person.pk, 1)]).status_code == 401
    assert Fix.objects.count() == 0


def test_bad_body_is_a_400() -> None:
    client, _ = _feed_client()
    response = client.post("/api/v1/monitoring/fixes", "[1, 2", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "The body is not valid JSON"


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.permutations(list(range(12))),
    cuts=st.lists(st.integers(1, 11), max_size=4),
    resend=st.lists(st.integers(0, 11), max_size=5),
)
def test_any_chunking_and_order_stores_the_same_set(
    order: list[int], cuts: list[int], resend: list[int]
) -> None:
    Fix.objects.all().delete()
    client, _ = _feed_client()
    person = f.person()
    readings = [_fix(person.pk, n, minute=n) for n in range(12)]
    sequence = [readings[i] for i in order] + [readings[i] for i in resend]
    bounds = [0, *sorted(set(cuts)), len(sequence)]
    accepted = 0
    for start, end in itertools.pairwise(bounds):
        body = _post(client, "/api/v1/monitoring/fixes", sequence[start:end]).json()
        accepted += body["accepted"]
        assert body["rejected"] == 0
    stored = set(Fix.objects.values_list("seq", "recorded_at__minute"))
    assert stored == {(n, n) for n in range(12)}
    assert accepted == 12
