"""An alert's evidence, highlighted in the child's chronology (issue 7, item 6)."""

from __future__ import annotations

import re

import pytest

from safeguard.alerts.models import Alert
from safeguard.safeguarding.models import ChronologyEvent
from safeguard.safeguarding.services import contact_record
from tests.alerts.helpers import client_for, world
from tests.safeguarding.helpers import ago

pytestmark = pytest.mark.django_db


def test_the_alert_links_to_its_evidence_highlighted_in_the_chronology() -> None:
    w = world()
    contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="visit",
        agency="social_care",
        occurred_at=ago(3),
        details={"child_seen": True, "adults_present": []},
    )
    contact_record(
        actor=w.fam.sw,
        child=w.fam.child,
        kind="injury",
        agency="health",
        occurred_at=ago(1),
        details={"site": "face", "type": "bruise", "explanation": "fell", "mobile": False},
    )
    alert = Alert.objects.get(rule="non_mobile_injury")
    client = client_for(w.fam.sw)
    page = client.get(f"/alerts/{alert.pk}").content.decode()
    link = re.search(r'id="evidence-in-chronology" href="([^"]+)"', page)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert url.endswith("?evidence=" + ",".join(alert.evidence))

    chronology = client.get(url).content.decode()
    assert 'id="evidence-notice"' in chronology
    shown = set(re.findall(r'<tr class="[^"]*sg-row--evidence[^"]*" id="e(\d+)"', chronology))
    assert shown == {e.removeprefix("e") for e in alert.evidence}
    visit = ChronologyEvent.objects.get(child=w.fam.child, kind="visit")
    assert f'id="e{visit.pk}"' not in chronology  # only the evidence, not the rest

    whole = client.get(f"/children/{w.fam.child.pk}/chronology").content.decode()
    assert f'id="e{visit.pk}"' in whole and "sg-row--evidence" not in whole


def test_a_hand_made_evidence_list_shows_only_that_childs_events() -> None:
    w = world()
    client = client_for(w.fam.sw)
    page = client.get(f"/children/{w.fam.child.pk}/chronology?evidence=e999999,junk,<b>")
    assert page.status_code == 200
    body = page.content.decode()
    assert "sg-row--evidence" not in body and "&lt;b&gt;" not in body
