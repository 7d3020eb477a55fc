"""Only a recorded human decision closes an alert: acknowledge, then close with a decision and
reasons; reopening is possible and everything is audited and visible in the history."""

from __future__ import annotations

import json

import pytest
from django.utils.html import escape

from safeguard.alerts.models import Alert
from safeguard.audit.models import AuditEntry
from safeguard.safeguarding.services import contact_record
from tests import factories as f
from tests.alerts.helpers import World, client_for, world
from tests.safeguarding.helpers import ago

pytestmark = pytest.mark.django_db


def _alert(w: World) -> Alert:
    contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="injury",
        agency="health",
        occurred_at=ago(1),
        details={"site": "face", "type": "bruise", "explanation": "fell", "mobile": False},
    )
    return Alert.objects.get(rule="non_mobile_injury")


def test_the_queue_shows_my_open_alerts_most_serious_first() -> None:
    w = world()
    contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="missed_appointment",
        agency="health",
        occurred_at=ago(5),
        details={"setting": "gp"},
    )
    contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="missed_appointment",
        agency="health",
        occurred_at=ago(4),
        details={"setting": "gp"},
    )
    serious = _alert(w)
    text = client_for(w.fam.sw).get("/alerts").content.decode()
    minor = Alert.objects.get(rule="was_not_brought")
    assert text.index(f"/alerts/{serious.pk}") < text.index(f"/alerts/{minor.pk}")
    assert "Robin Testchild" in text
    # The manager is sent them too; a colleague sees them in the team's queue only.
    assert f"/alerts/{serious.pk}" in client_for(w.manager).get("/alerts").content.decode()
    colleague = client_for(w.fam.colleague)
    assert f"/alerts/{serious.pk}" not in colleague.get("/alerts").content.decode()
    assert f"/alerts/{serious.pk}" in colleague.get("/alerts?scope=team").content.decode()
    assert "No alerts" in client_for(w.fam.outsider).get("/alerts?scope=all").content.decode()


def test_close_needs_acknowledgement_a_decision_and_reasons() -> None:
    w = world()
    alert = _alert(w)
    sw = client_for(w.fam.sw)
    page = sw.get(f"/alerts/{alert.pk}").content.decode()
    assert escape(alert.explanation) in page and escape(alert.guidance) in page
    assert f"/children/{w.fam.child.pk}/events/" in page  # evidence linked to the chronology
    early = sw.post(f"/alerts/{alert.pk}/close", {"decision": "section_47", "rationale": "x" * 30})
    assert early.status_code == 400 and "Acknowledge the alert" in early.content.decode()
    assert sw.post(f"/alerts/{alert.pk}/acknowledge").status_code == 302
    missing = sw.post(f"/alerts/{alert.pk}/close", {"decision": "", "rationale": ""})
    body = missing.content.decode()
    assert missing.status_code == 400
    assert 'href="#decision"' in body and 'href="#rationale"' in body  # the error summary
    alert.refresh_from_db()
    assert alert.state == "acknowledged"
    done = sw.post(
        f"/alerts/{alert.pk}/close",
        {"decision": "strategy_discussion", "rationale": "Strategy discussion held with police."},
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert (alert.state, alert.decision, alert.closed_by) == (
        "closed",
        "strategy_discussion",
        w.fam.sw,
    )
    history = sw.get(f"/alerts/{alert.pk}").content.decode()
    assert "Strategy discussion held with police." in history
    assert "Closed with a decision" in history and "Acknowledged" in history
    entries = AuditEntry.objects.filter(object_type="alert", object_id=str(alert.pk))
    assert {"acknowledged an alert", "closed an alert with a decision"} <= set(
        entries.values_list("summary", flat=True)
    )
    assert entries.filter(action="consultation").exists()  # viewing is audited too
    # Closed alerts leave the queue; reopening is recorded.
    assert f"/alerts/{alert.pk}" not in sw.get("/alerts").content.decode()
    assert (
        sw.post(
            f"/alerts/{alert.pk}/reopen", {"reason": "New injury reported by school"}
        ).status_code
        == 302
    )
    alert.refresh_from_db()
    assert alert.state == "open" and alert.decision == ""
    assert entries.filter(summary="reopened an alert").exists()


def test_the_api_does_the_same() -> None:
    w = world()
    alert = _alert(w)
    from django.test import Client

    api = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(w.fam.sw)}")
    listed = api.get("/api/v1/alerts/").json()
    assert [a["id"] for a in listed] == [alert.pk]
    one = api.get(f"/api/v1/alerts/{alert.pk}").json()
    assert one["explanation"] == alert.explanation and one["guidance"] == alert.guidance
    assert one["evidence"][0]["id"] == alert.evidence[0]
    assert api.post(f"/api/v1/alerts/{alert.pk}/acknowledge").status_code == 200
    bad = api.post(
        f"/api/v1/alerts/{alert.pk}/close",
        json.dumps({"decision": "nope", "rationale": ""}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and set(bad.json()["extra"]["fields"]) == {
        "decision",
        "rationale",
    }
    ok = api.post(
        f"/api/v1/alerts/{alert.pk}/close",
        json.dumps(
            {"decision": "no_further_action", "rationale": "Explained by a known condition."}
        ),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["state"] == "closed"
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(w.fam.outsider)}")
    assert outsider.get(f"/api/v1/alerts/{alert.pk}").status_code == 404


def test_the_person_and_child_pages_list_the_childs_alerts() -> None:
    w = world()
    alert = _alert(w)
    page = client_for(w.fam.sw).get(f"/people/{w.fam.child.pk}").content.decode()
    assert f"/alerts/{alert.pk}" in page
    child_page = client_for(w.fam.sw).get(f"/children/{w.fam.child.pk}").content.decode()
    assert f"/alerts/{alert.pk}" in child_page
    outsider = client_for(w.fam.outsider).get(f"/people/{w.fam.child.pk}")
    assert f"/alerts/{alert.pk}" not in outsider.content.decode()
