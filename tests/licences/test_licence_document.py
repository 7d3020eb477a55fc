"""The licence as a PDF: conditions in plain English, zone maps, a font for any name; audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from tests.licences.helpers import (
    HOME,
    TODAY,
    active,
    curfew,
    draft,
    exclusion,
    probation_team,
    square,
)
from tests.licences.pdftext import pdf_text

from safeguard.audit.models import AuditEntry
from safeguard.licences.documents import licence_pdf
from safeguard.licences.zone_drawing import MapZone, _nice_length, zone_map

pytestmark = pytest.mark.django_db


def test_pdf_has_the_conditions_with_their_inputs_and_is_audited_as_a_disclosure() -> None:
    team = probation_team()
    licence = active(team, curfew("19:00", "07:00"), exclusion())
    before = AuditEntry.objects.count()
    pdf, filename = licence_pdf(user=team.practitioner, licence_id=licence.pk)
    assert pdf.startswith(b"%PDF")
    assert filename.endswith(".pdf")
    text = pdf_text(pdf)
    assert "between the hours of 7pm and 7am daily" in text
    assert "Not to enter the area as defined by the attached map" in text
    assert "Map: Freedom of movement" in text
    assert "Jordan Licenceperson" in text
    (entry,) = AuditEntry.objects.filter(seq__gt=before)
    assert entry.action == "disclosure"
    assert entry.object_id == str(licence.pk)
    assert entry.recipients == ["the person on licence (printed licence)"]


def test_names_outside_latin_1_print_with_the_shipped_font() -> None:
    team = probation_team(given="Łukasz", family="Ōtani-Nguyễn")
    licence = draft(team)
    pdf, _ = licence_pdf(user=team.practitioner, licence_id=licence.pk)
    assert b"DejaVuSans" in pdf
    assert "Łukasz Ōtani-Nguyễn" in pdf_text(pdf)


def test_the_document_is_deterministic() -> None:
    team = probation_team()
    licence = draft(team, curfew())
    first, _ = licence_pdf(user=team.practitioner, licence_id=licence.pk)
    second, _ = licence_pdf(user=team.practitioner, licence_id=licence.pk)
    assert first == second


def test_protected_address_is_not_printed_for_an_uncleared_user() -> None:
    team = probation_team(protected=True)
    licence = draft(team)
    text = pdf_text(licence_pdf(user=team.practitioner, licence_id=licence.pk)[0])
    assert "3 Mill Lane" not in text
    assert "Withheld" in text


def test_printing_as_of_an_earlier_date(client: Client) -> None:
    team = probation_team()
    licence = active(team, curfew(), start=TODAY - timedelta(days=20))
    client.force_login(team.practitioner)
    earlier = TODAY - timedelta(days=30)
    response = client.get(
        f"/licences/{licence.pk}/licence.pdf",
        {"on-day": earlier.day, "on-month": earlier.month, "on-year": earlier.year},
    )
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "No conditions are in force on this date." in pdf_text(response.content)


def test_zone_map_is_drawn_to_scale() -> None:
    drawing = zone_map([MapZone("exclusion", square(53.06, -1.46))], HOME)
    labels = [getattr(shape, "text", "") for shape in drawing.contents]
    assert "Approved address" in labels
    assert "N" in labels
    assert any(label.endswith(" m") or label.endswith(" km") for label in labels)
    assert [_nice_length(x) for x in (7, 180, 2500, 0.4)] == [5, 100, 2000, 0.2]
