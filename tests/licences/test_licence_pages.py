"""The licence pages without JavaScript: create, add conditions, vary, approve; GOV.UK errors."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.licences.helpers import (
    CURFEW_V3,
    EXCLUSION,
    TODAY,
    active,
    curfew,
    draft,
    probation_team,
    square,
)

from safeguard.audit.models import AuditEntry
from safeguard.licences.models import Licence, LicenceStatus
from safeguard.licences.selectors import conditions_current

pytestmark = pytest.mark.django_db

CURFEW_FORM = {
    "numberOfCurfews": "One curfew",
    "numberOfCurfews-0-curfewStart": "7pm",
    "numberOfCurfews-0-curfewEnd": "07:00",
    "reviewPeriod": "Weekly",
}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _summary_links(html: str) -> dict[str, str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary))


def _dates(prefix: str, day: object) -> dict[str, str]:
    return {
        f"{prefix}-day": str(day.day),  # type: ignore[attr-defined]
        f"{prefix}-month": str(day.month),  # type: ignore[attr-defined]
        f"{prefix}-year": str(day.year),  # type: ignore[attr-defined]
    }


def test_create_a_licence_with_an_error_summary_first() -> None:
    team = probation_team()
    client = _client(team.practitioner)
    url = f"/people/{team.person.pk}/licences/new"
    form = client.get(url)
    assert form.status_code == 200
    assert "3 Mill Lane" in form.content.decode()
    bad = client.post(
        url, {"start_date-day": "31", "start_date-month": "2", "start_date-year": "2027"}
    )
    assert bad.status_code == 400
    assert _summary_links(bad.content.decode()) == {
        "start_date-day": "The licence start date must be a real date",
        "end_date-day": "Enter the licence end date",
    }
    good = client.post(
        url,
        {
            **_dates("start_date", TODAY),
            **_dates("end_date", TODAY + timedelta(days=400)),
            "supervising_practitioner": str(team.practitioner.pk),
            "approved_address": str(team.address.pk),
        },
    )
    licence = Licence.objects.get(person=team.person)
    assert good.status_code == 302 and good["Location"] == f"/licences/{licence.pk}"
    page = client.get(good["Location"]).content.decode()
    assert "Draft licence created" in page
    assert page.count('class="sg-condition"') == 9


def test_add_a_curfew_and_see_field_errors_linked_from_the_summary() -> None:
    team = probation_team()
    licence = draft(team)
    client = _client(team.practitioner)
    url = f"/licences/{licence.pk}/conditions/add/{CURFEW_V3}"
    form = client.get(url).content.decode()
    assert 'id="numberOfCurfews-0-curfewStart"' in form
    assert 'id="numberOfCurfews-2-curfewStart3"' in form  # every option's inputs, for no-JS
    bad = client.post(url, {**CURFEW_FORM, "numberOfCurfews-0-curfewStart": "25:00"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert _summary_links(html) == {"numberOfCurfews-0-curfewStart": "Enter a real time"}
    assert 'value="25:00"' in html  # what was typed is shown again
    assert client.post(url, CURFEW_FORM).status_code == 302
    page = client.get(f"/licences/{licence.pk}").content.decode()
    assert "between the hours of 7pm and 7am daily" in page


def test_zones_by_pasted_geojson_by_upload_and_as_a_circle() -> None:
    team = probation_team()
    client = _client(team.practitioner)
    licence = draft(team)
    url = f"/licences/{licence.pk}/conditions/add/{EXCLUSION}"
    pasted = json.dumps(square(53.06, -1.46))
    assert (
        client.post(
            url, {"outOfBoundFilename-method": "draw", "outOfBoundFilename-geojson": pasted}
        ).status_code
        == 302
    )
    upload = SimpleUploadedFile(
        "zone.geojson",
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": square(53.07, -1.47)}
                ],
            }
        ).encode(),
        content_type="application/geo+json",
    )
    response = client.post(
        url, {"outOfBoundFilename-method": "upload", "outOfBoundFilename-file": upload}
    )
    assert response.status_code == 302
    circle = {
        "outOfBoundFilename-method": "circle",
        "outOfBoundFilename-circle-address": str(team.address.pk),
        "outOfBoundFilename-circle-radius": "5",
    }
    bad = client.post(url, circle)
    assert _summary_links(bad.content.decode()) == {
        "outOfBoundFilename-geojson": "Enter a radius from 20 to 20,000 metres"
    }
    circle["outOfBoundFilename-circle-radius"] = "250"
    assert client.post(url, circle).status_code == 302
    zones = [r for r in conditions_current(licence) if r.code == EXCLUSION]
    assert len(zones) == 3
    page = client.get(f"/licences/{licence.pk}").content.decode()
    data = json.loads(
        page.split('id="licence-map-data" type="application/json">')[1].split("</script>")[0]
    )
    assert len(data["zones"]) == 3
    assert data["address"]["lat"] == pytest.approx(53.0512)
    assert data["tileUrl"] == ""  # no tile server by default


def test_each_page_that_shows_a_licence_writes_one_consultation_entry() -> None:
    team = probation_team()
    licence = draft(team, curfew())
    client = _client(team.practitioner)
    for url in (
        f"/licences/{licence.pk}",
        f"/licences/{licence.pk}/conditions/add/{CURFEW_V3}",
        "/licences",
    ):
        before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        assert client.get(url).status_code == 200
        entries = list(AuditEntry.objects.filter(seq__gt=before))
        assert [e.action for e in entries] == ["consultation"], url


def test_submit_approve_activate_and_vary_through_the_pages() -> None:
    team = probation_team()
    licence = draft(team, curfew(), start=TODAY - timedelta(days=5))
    author, senior = _client(team.practitioner), _client(team.senior)
    assert author.post(f"/licences/{licence.pk}/submit").status_code == 302
    # Approving is for senior practitioners: for anyone else the route does not exist.
    assert author.post(f"/licences/{licence.pk}/approve").status_code == 404
    assert "Approve licence" in senior.get(f"/licences/{licence.pk}").content.decode()
    assert senior.post(f"/licences/{licence.pk}/approve").status_code == 302
    assert author.post(f"/licences/{licence.pk}/activate").status_code == 302
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE
    row = next(r for r in conditions_current(licence) if r.code == CURFEW_V3)
    change = f"/licences/{licence.pk}/conditions/{row.pk}/change"
    form = author.get(change).content.decode()
    assert 'value="19:00"' in form and "Date the change takes effect" in form
    missing = author.post(change, {**CURFEW_FORM, "numberOfCurfews-0-curfewStart": "20:00"})
    assert _summary_links(missing.content.decode()) == {
        "effective_from-day": "Enter the date the change takes effect"
    }
    tomorrow = TODAY + timedelta(days=1)
    varied = author.post(
        change,
        {
            **CURFEW_FORM,
            "numberOfCurfews-0-curfewStart": "20:00",
            **_dates("effective_from", tomorrow),
            "reason": "Later curfew",
        },
    )
    assert varied.status_code == 302
    today_page = author.get(f"/licences/{licence.pk}").content.decode()
    assert "between the hours of 7pm and 7am" in today_page
    upcoming = today_page.split('id="upcoming"')[1].split("</ul>")[0]
    assert "between the hours of 8pm and 7am" in upcoming
    later = author.get(f"/licences/{licence.pk}", _dates("on", tomorrow)).content.decode()
    assert "between the hours of 8pm and 7am" in later
    assert "Later curfew" in later


def test_a_submission_with_problems_is_explained_on_the_licence_page() -> None:
    team = probation_team()
    licence = draft(team)
    Licence.objects.filter(pk=licence.pk).update(approved_address=None)
    response = _client(team.practitioner).post(f"/licences/{licence.pk}/submit")
    assert response.status_code == 400
    assert _summary_links(response.content.decode()) == {
        "actions": "The licence is not ready to submit",
        "licence-details": "Choose the approved address",
    }


PROTECTED_ADDRESS = "3 Mill Lane"


def test_protected_person_address_and_maps_only_for_named_roles() -> None:
    from tests import factories as f

    from safeguard.accounts.roles import Role

    team = probation_team(protected=True)
    licence = active(team, curfew())
    page = _client(team.practitioner).get(f"/licences/{licence.pk}").content.decode()
    assert PROTECTED_ADDRESS not in page
    assert "licence-map-data" not in page
    api = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(team.practitioner)}")
    body = api.get(f"/api/v1/licences/{licence.pk}").json()
    assert body["address_withheld"] is True and body["approved_address"] is None
    assert PROTECTED_ADDRESS not in json.dumps(body)
    # Zones would show where the person lives: only the named roles set them.
    zone_url = f"/licences/{licence.pk}/conditions/add/{EXCLUSION}"
    withheld = _client(team.practitioner).get(zone_url).content.decode()
    assert "set only by the named roles" in withheld and "geojson" not in withheld
    posted = _client(team.practitioner).post(zone_url, {"outOfBoundFilename-geojson": "{}"})
    assert posted.status_code == 400
    cleared = f.user(Role.PRACTITIONER, team.practitioner.team, cleared=True)
    assert PROTECTED_ADDRESS in _client(cleared).get(f"/licences/{licence.pk}").content.decode()
    assert "outOfBoundFilename-geojson" in _client(cleared).get(zone_url).content.decode()


def test_list_shows_licences_of_visible_people_and_who_still_needs_one() -> None:
    team = probation_team()
    draft(team)
    waiting = probation_team(given="Casey", family="Waitingperson")
    hidden = probation_team(given="Quinn", family="Hiddenperson")
    from safeguard.people.models import Allocation

    Allocation.objects.filter(person=hidden.person).delete()
    draft(hidden)
    page = _client(team.practitioner).get("/licences").content.decode()
    assert "Licenceperson" in page
    assert "Hiddenperson" not in page
    assert f"/people/{waiting.person.pk}/licences/new" in page
