"""Crime matching in the app: police only, audited as a disclosure naming who was found."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from typer.testing import CliRunner

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.audit.models import AuditEntry
from safeguard.monitoring.cli import app as monitor_app
from safeguard.monitoring.models import Fix
from tests import factories as f

pytestmark = pytest.mark.django_db

PLACE = (53.0512, -1.4498)
NEAR = (53.0515, -1.4498)  # about 33 m north
FAR = (53.0612, -1.4498)  # about 1.1 km north


def at() -> datetime:
    return (timezone.now() - timedelta(hours=3)).replace(microsecond=0)


def fixes(person: Any, when: datetime, places: list[tuple[float, float]], seq0: int = 0) -> None:
    Fix.objects.bulk_create(
        Fix(
            subject=str(person.pk),
            seq=seq0 + n,
            recorded_at=when + timedelta(minutes=n),
            lat=lat,
            lon=lon,
            accuracy_m=10,
        )
        for n, (lat, lon) in enumerate(places)
    )


def police_user(role: Role = Role.PRACTITIONER) -> Any:
    return f.user(role, f.team(f.agency("Testshire Police", AgencyKind.POLICE), "PPU"))


def api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(user)}")


def body(when: datetime, **changes: Any) -> str:
    data = {
        "at": when.isoformat(),
        "lat": PLACE[0],
        "lon": PLACE[1],
        "radius_m": 100,
        "window_minutes": 30,
        "reason": "crime ref NS/123/26",
        **changes,
    }
    return json.dumps(data)


def search(client: Client, text: str) -> Any:
    return client.post("/api/v1/monitoring/near", text, content_type="application/json")


@pytest.fixture
def trails() -> dict[str, Any]:
    when = at()
    there = f.person("Near", "Bystander")
    away = f.person("Far", "Walker")
    later = f.person("Late", "Arrival")
    fixes(there, when - timedelta(minutes=5), [FAR, NEAR, NEAR, FAR])
    fixes(away, when - timedelta(minutes=5), [FAR] * 6)
    fixes(later, when + timedelta(minutes=31), [PLACE])  # just after the window
    return {"at": when, "there": there, "away": away, "later": later}


def test_police_find_who_was_there_and_the_search_is_a_disclosure(trails: dict[str, Any]) -> None:
    officer = police_user()
    response = search(api(officer), body(trails["at"]))
    assert response.status_code == 200
    answer = response.json()
    assert answer["count"] == 1
    (hit,) = answer["results"]
    assert hit["subject"] == str(trails["there"].pk)
    assert hit["name"] == "Near Bystander" and hit["fixes"] == 2
    assert 30 < hit["closest_m"] < 36
    entry = AuditEntry.objects.get(object_type="em_near_search")
    assert entry.action == "disclosure" and entry.actor_id == officer.pk
    assert entry.details["subjects"] == [str(trails["there"].pk)]
    assert entry.justification == "crime ref NS/123/26"
    assert entry.recipients == [officer.username]


def test_a_wider_window_or_radius_finds_more(trails: dict[str, Any]) -> None:
    client = api(police_user())
    wide = search(client, body(trails["at"], window_minutes=32)).json()
    assert {r["subject"] for r in wide["results"]} == {
        str(trails["there"].pk),
        str(trails["later"].pk),
    }
    big = search(client, body(trails["at"], radius_m=1200)).json()
    assert str(trails["away"].pk) in {r["subject"] for r in big["results"]}
    # Every search is audited, even one that finds nobody.
    search(client, body(trails["at"] - timedelta(days=2)))
    assert AuditEntry.objects.filter(object_type="em_near_search").count() == 3
    last = AuditEntry.objects.filter(object_type="em_near_search").last()
    assert last is not None and last.details["subjects"] == []


def test_fix_accuracy_is_allowed_for() -> None:
    when = at()
    vague = f.person("Vague", "Fix")
    # 150 m from the place: outside a 100 m radius unless its accuracy reaches 50 m.
    lat = PLACE[0] + 150 / 111_250
    Fix.objects.create(
        subject=str(vague.pk), seq=1, recorded_at=when, lat=lat, lon=PLACE[1], accuracy_m=60
    )
    precise = f.person("Precise", "Fix")
    Fix.objects.create(
        subject=str(precise.pk), seq=1, recorded_at=when, lat=lat, lon=PLACE[1], accuracy_m=5
    )
    found = search(api(police_user()), body(when)).json()
    assert [r["subject"] for r in found["results"]] == [str(vague.pk)]


def test_a_bad_search_is_refused_by_field_and_not_audited() -> None:
    response = search(api(police_user()), body(at(), radius_m=-5, reason=" "))
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"radius_m", "reason"}
    assert not AuditEntry.objects.filter(object_type="em_near_search").exists()


@pytest.mark.parametrize(
    ("agency_kind", "role"),
    [
        (AgencyKind.PROBATION, Role.PRACTITIONER),
        (AgencyKind.PROBATION, Role.MANAGER),
        (AgencyKind.SOCIAL_CARE, Role.PRACTITIONER),
        (AgencyKind.FRONT_DOOR, Role.PRIVACY_OFFICER),
        (AgencyKind.POLICE, Role.AUDITOR),
        (AgencyKind.POLICE, Role.ADMINISTRATOR),
        (AgencyKind.POLICE, Role.TRIAGE),
    ],
)
def test_everyone_but_police_casework_staff_gets_the_missing_answer(
    trails: dict[str, Any], agency_kind: AgencyKind, role: Role
) -> None:
    user = f.user(role, f.team(f.agency(f"Testshire {agency_kind.value}", agency_kind), "T"))
    client = api(user)
    refused = search(client, body(trails["at"]))
    missing = client.get("/api/v1/people/00000000-0000-0000-0000-000000000000")
    assert refused.status_code == 404 and missing.status_code == 404
    assert refused.content == missing.content
    page = Client()
    page.force_login(user)
    assert page.get("/monitoring/near").status_code == 404
    if role not in (Role.AUDITOR, Role.ADMINISTRATOR):
        assert "Crime matching</a>" not in page.get("/").content.decode()
    assert page.post("/monitoring/near", {}).status_code == 404
    assert not AuditEntry.objects.filter(object_type="em_near_search").exists()


def test_service_accounts_and_anonymous_are_refused(trails: dict[str, Any]) -> None:
    police_feed = f.user(
        Role.PRACTITIONER, f.team(f.agency("Testshire Police", AgencyKind.POLICE)), service=True
    )
    assert search(api(police_feed), body(trails["at"])).status_code == 404
    assert search(Client(), body(trails["at"])).status_code == 401
    assert Client().get("/monitoring/near").status_code == 302


def test_the_police_page_searches_and_shows_who_was_there(trails: dict[str, Any]) -> None:
    page = Client()
    page.force_login(police_user())
    assert "Crime matching</a>" in page.get("/").content.decode()  # in the menu
    form = page.get("/monitoring/near")
    assert form.status_code == 200 and "Crime matching" in form.content.decode()
    local = timezone.localtime(trails["at"]).strftime("%Y-%m-%dT%H:%M")
    fields = {
        "at": local,
        "lat": str(PLACE[0]),
        "lon": str(PLACE[1]),
        "radius_m": "100",
        "window_minutes": "30",
        "reason": "crime ref NS/9/26",
    }
    shown = page.post("/monitoring/near", fields).content.decode()
    assert "Near Bystander" in shown and "Far Walker" not in shown
    assert "1 person found" in shown
    bad = page.post("/monitoring/near", {**fields, "lat": "north", "reason": ""})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'href="#lat"' in text and 'href="#reason"' in text
    assert AuditEntry.objects.filter(object_type="em_near_search").count() == 1


def test_the_command_lists_subjects_and_is_audited(trails: dict[str, Any]) -> None:
    args = ["near", "--at", trails["at"].isoformat(), "--lat", str(PLACE[0])]
    args += ["--lon", str(PLACE[1]), "--radius", "100", "--window", "30"]
    result = CliRunner().invoke(monitor_app, args)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["subject"] for line in lines] == [str(trails["there"].pk)]
    entry = AuditEntry.objects.get(object_type="em_near_search")
    assert entry.actor_label == "cli" and entry.action == "disclosure"
    no_offset = CliRunner().invoke(monitor_app, ["near", "--at", "2026-11-29T21:00", *args[3:]])
    assert no_offset.exit_code == 2 and "offset" in no_offset.output
