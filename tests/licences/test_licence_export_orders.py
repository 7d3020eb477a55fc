"""`safeguard licences export-orders --out ORDERS.json`: what the monitoring engine reads."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests import factories as f
from tests.licences.contract import order_problems
from tests.licences.helpers import (
    CURFEW_V3,
    EVENT_ZONE,
    TODAY,
    active,
    curfew,
    exclusion,
    probation_team,
    square,
    tag,
)
from typer.testing import CliRunner

from safeguard.audit.models import AuditEntry
from safeguard.licences.cli import app
from safeguard.licences.conditions import ConditionEntry
from safeguard.licences.selectors import conditions_current
from safeguard.licences.variations import ConditionChange, VariationInput, licence_vary
from safeguard.people.models import PersonAddress

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _event() -> ConditionEntry:
    return ConditionEntry(
        EVENT_ZONE,
        {"eventName": "the Northam Show", "outOfBoundFilename": square(53.07, -1.44)},
        event_windows=[
            {"date": (TODAY + timedelta(days=5)).isoformat(), "from": "12:00", "until": "18:00"}
        ],
    )


@pytest.fixture
def licences() -> dict[str, Any]:
    tagged = probation_team()
    tagged_licence = active(
        tagged,
        curfew(),
        exclusion(),
        _event(),
        tag("curfew", "exclusion zone"),
        start=TODAY - timedelta(days=40),
    )
    nowhere = probation_team(given="Sam", family="Nowhereperson")
    PersonAddress.objects.filter(pk=nowhere.address.pk).update(latitude=None, longitude=None)
    nowhere_licence = active(nowhere, curfew())
    plain = active(probation_team(given="Ann", family="Plainperson"))
    return {"tagged": tagged_licence, "team": tagged, "nowhere": nowhere_licence, "plain": plain}


def _export(tmp_path: Path, *args: str) -> tuple[Any, Path]:
    out = tmp_path / "ORDERS.json"
    result = runner.invoke(app, ["export-orders", "--out", str(out), *args])
    return result, out


def test_export_is_accepted_by_the_monitoring_contract(
    tmp_path: Path, licences: dict[str, Any]
) -> None:
    result, out = _export(tmp_path, "--on", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert order_problems(document) == []
    (order,) = document["orders"]
    assert order["subject"] == str(licences["tagged"].person_id)
    assert order["timezone"] == "Europe/London"
    assert order["curfew_method"] == "gps"
    assert [(c["from"], c["until"]) for c in order["curfews"]] == [("19:00", "07:00")]
    assert order["curfews"][0]["address"] == {"lat": 53.0512, "lon": -1.4498, "radius_m": 60.0}
    kinds = sorted((z["kind"], z["schedule"] is None) for z in order["zones"])
    assert kinds == [("exclusion", False), ("exclusion", True)]
    assert order["settings"] == {
        "confirm_fixes": 2,
        "min_absence_minutes": 5,
        "max_gap_minutes": 15,
        "default_accuracy_m": 50,
    }
    # The monitoring engine's own reader accepts it too.
    orders_module = pytest.importorskip("safeguard.monitoring.engine.orders")
    (parsed,) = orders_module.parse_orders(document)
    assert parsed.subject == order["subject"]
    assert len(parsed.zones) == 2


def test_unwritable_orders_are_reported_beside_the_output(
    tmp_path: Path, licences: dict[str, Any]
) -> None:
    result, _out = _export(tmp_path)
    assert result.exit_code == 0
    errors = [
        json.loads(line) for line in (tmp_path / "ORDERS.errors.jsonl").read_text().splitlines()
    ]
    assert errors == [
        {
            "licence": str(licences["nowhere"].pk),
            "subject": str(licences["nowhere"].person_id),
            "reason": "the approved address has no map position for the curfew",
        }
    ]
    assert "1 orders" in result.stderr and "1 licences rejected" in result.stderr


def test_output_is_deterministic_and_audited_as_a_disclosure(
    tmp_path: Path, licences: dict[str, Any]
) -> None:
    before = AuditEntry.objects.count()
    first = _export(tmp_path)[1].read_bytes()
    second = _export(tmp_path)[1].read_bytes()
    assert first == second
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert [e.action for e in entries] == ["disclosure", "disclosure"]
    assert entries[0].details["subjects"] == [str(licences["tagged"].person_id)]


def test_an_order_covers_only_the_days_its_conditions_hold(
    tmp_path: Path, licences: dict[str, Any]
) -> None:
    licence, team = licences["tagged"], licences["team"]
    row = next(r for r in conditions_current(licence) if r.code == CURFEW_V3)
    later = TODAY + timedelta(days=10)
    licence_vary(
        actor=team.practitioner,
        licence=licence,
        variation=VariationInput(
            later, "later curfew", change=[ConditionChange(row.pk, curfew("21:00", "06:00"))]
        ),
    )
    now = json.loads(_export(tmp_path, "--on", TODAY.isoformat())[1].read_text())["orders"][0]
    assert now["curfews"][0]["from"] == "19:00"
    assert now["ends"].startswith(later.isoformat())
    then = json.loads(_export(tmp_path, "--on", later.isoformat())[1].read_text())["orders"][0]
    assert then["curfews"][0]["from"] == "21:00"
    assert then["starts"].startswith(later.isoformat())


def test_unusable_arguments_exit_2(tmp_path: Path) -> None:
    result, _ = _export(tmp_path, "--on", "31/12/2026")
    assert result.exit_code == 2
    assert "--on must be a date" in result.stderr
    missing = runner.invoke(app, ["export-orders", "--out", str(tmp_path / "nope" / "ORDERS.json")])
    assert missing.exit_code == 2


def test_the_api_gives_orders_to_the_monitoring_service_only(licences: dict[str, Any]) -> None:
    from safeguard.accounts.roles import Role

    feed = f.user(Role.PRACTITIONER, service=True, username="monitoring-feed")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(feed)}").get(
        "/api/v1/licences/monitoring/orders", {"on": TODAY.isoformat()}
    )
    assert response.status_code == 200
    assert order_problems(response.json()) == []
    assert len(response.json()["orders"]) == 1
    staff = licences["team"].practitioner
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(staff)}").get(
        "/api/v1/licences/monitoring/orders"
    )
    assert refused.status_code == 404


def test_orders_take_the_same_number_of_queries_however_many_licences() -> None:
    """Orders are rebuilt after every ingest batch: one query per licence would not scale."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safeguard.licences.orders import monitoring_orders

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            orders = monitoring_orders(on=TODAY).orders
        return len(captured.captured_queries), len(orders)

    active(probation_team(given="Ash"), curfew())
    few, one = queries()
    for name in ("Bea", "Cal", "Dee", "Eli"):
        active(probation_team(given=name), curfew())
    many, five = queries()
    assert (one, five) == (1, 5)
    assert many == few
