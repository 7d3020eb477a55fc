"""Canary sweep (security.md #3 and #12): a protected person's current address and former
identity appear in no page, API response, export, PDF or log line for anyone but the privacy
officer and the staff named for protected identities.

Over the synthetic demo county, one protected person gets unmistakable canary values and is
placed in a child's household (so the child's social worker legitimately sees them under their
current name). Then every GET route of the site, pages and API, is requested by every other
role with the ids of that person, their licence and the child; the chronology is exported as
PDF and CSV and the licence PDF downloaded by the staff entitled to them; PDF text is read from
the decompressed content streams. A positive control shows each channel would reveal a canary:
the privacy officer sees them on the person page, and the PDFs' text is readable.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.accounts.roles import Role
from safeguard.demo.county import county_generate
from safeguard.licences.models import Licence
from safeguard.people.models import IdentityLink, Person, PersonAddress
from safeguard.safeguarding.exports import chronology_export
from safeguard.safeguarding.models import Child
from safeguard.safeguarding.services import household_member_add
from safeguard.site.routes import all_routes
from tests.platform.pdftext import pdf_text

pytestmark = pytest.mark.django_db

ADDRESS_CANARY = "Canaryprotectedclose"
FORMER_NAME_CANARY = "Quillonformer"
FORMER_ADDRESS_CANARY = "Canaryformerstreet"
CANARIES = (ADDRESS_CANARY, FORMER_NAME_CANARY, FORMER_ADDRESS_CANARY)
SWEEPERS = [
    "pp.north",
    "spo.north",
    "manager.probation",
    "sw.teama",
    "senior.sw",
    "manager.childrens",
    "police.ppu",
    "nurse.ed",
    "triage.mash",
    "auditor",
    "admin",
]


def _body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"%PDF"):
        return pdf_text(content)
    return content.decode("utf-8", "replace")


def _assert_clean(where: str, text: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary} shown at {where}"


@pytest.fixture
def world() -> dict[str, Any]:
    county_generate(seed=3)
    link = IdentityLink.objects.select_related("current").order_by("pk").first()
    assert link is not None
    person = link.current
    former = Person.objects.get(pk=link.former_ref)
    address = PersonAddress.objects.filter(person=person, valid_to__isnull=True).first()
    assert address is not None
    address.line1 = f"12 {ADDRESS_CANARY}"
    address.save()
    former.family_name = FORMER_NAME_CANARY
    former.save()
    for old in PersonAddress.objects.filter(person=former):
        old.line1 = f"3 {FORMER_ADDRESS_CANARY}"
        old.save()
    child = Child.objects.filter(person__allocations__practitioner__username="sw.teama").first()
    assert child is not None
    social_worker = User.objects.get(username="sw.teama")
    household_member_add(
        actor=social_worker,
        child=child,
        person=person,
        role="partner_of_parent",
        relationship="mother's partner",
        moved_in_on=timezone.localdate() - timedelta(days=40),
        known_by="seen",
    )
    licence = Licence.objects.filter(person=person).order_by("pk").first()
    probation = person.allocations.select_related("practitioner").first()
    return {
        "person": person,
        "former": former,
        "child": child,
        "licence": licence,
        "probation": probation.practitioner if probation else None,
        "social_worker": social_worker,
    }


def _urls(world: dict[str, Any]) -> list[str]:
    values = {
        "person_id": [str(world["person"].pk), str(world["former"].pk)],
        "child_id": [str(world["child"].pk)],
        "licence_id": [str(world["licence"].pk)] if world["licence"] else ["1"],
    }
    urls = []
    for route in all_routes():
        if route.policy is None or (route.methods and "GET" not in route.methods):
            continue
        path = re.sub(r"\{(\w+)\}", r"<\1>", route.path)
        names = re.findall(r"<(?:\w+:)?(\w+)>", path)
        choices = [values.get(n, ["1"]) for n in names]
        combos: list[list[str]] = [[]]
        for options in choices:
            combos = [[*c, o] for c in combos for o in options]
        for combo in combos:
            url = path
            for value in combo:
                url = re.sub(r"<(?:\w+:)?\w+>", value, url, count=1)
            urls.append("/" + url)
    return sorted(set(urls))


def test_no_canary_reaches_an_unauthorised_role(
    world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    urls = _urls(world)
    assert len(urls) > 50
    answered = 0
    for username in SWEEPERS:
        user = User.objects.get(username=username)
        page_client = Client()
        page_client.force_login(user)
        for url in urls:
            response = page_client.get(url)
            _assert_clean(f"{url} as {username}", _body(response))
            answered += response.status_code == 200
    # The child's social worker sees the protected person under their current name, and some
    # pages at least answer: the sweep looked at real content, not only refusals.
    sw = Client()
    sw.force_login(world["social_worker"])
    household = sw.get(f"/children/{world['child'].pk}").content.decode()
    assert world["person"].family_name in household
    assert answered > 100
    _assert_clean("the application log", caplog.text)


def test_exports_and_pdfs_carry_no_canary(world: dict[str, Any]) -> None:
    child, sw = world["child"], world["social_worker"]
    for fmt in ("pdf", "csv", "jsonl"):
        made = chronology_export(
            actor=sw,
            child=child,
            fmt=fmt,
            purpose="initial child protection conference",
            recipients=["conference chair"],
        )
        text = pdf_text(made.content) if fmt == "pdf" else made.content.decode()
        # Positive control: the file shows the protected person, under their current identity.
        shown = str(world["person"].pk) if fmt == "jsonl" else world["person"].family_name
        assert shown in text, fmt
        _assert_clean(f"chronology {fmt}", text)
    assert world["licence"] is not None and world["probation"] is not None
    probation = Client()
    probation.force_login(world["probation"])
    pdf = probation.get(f"/licences/{world['licence'].pk}/licence.pdf")
    assert pdf.status_code == 200
    text = _body(pdf)
    assert world["person"].family_name in text  # the text extraction works on it
    _assert_clean("licence PDF", text)


def test_the_sweepers_are_not_entitled_to_the_canaries() -> None:
    county_generate(seed=3)
    for username in SWEEPERS:
        user = User.objects.get(username=username)
        assert not user.protected_identity_cleared and user.role != Role.PRIVACY_OFFICER


def test_the_canaries_are_real_for_the_privacy_officer(world: dict[str, Any]) -> None:
    """Without this, a sweep that never finds a canary might be looking in the wrong place."""
    client = Client()
    client.force_login(User.objects.get(username="privacy.officer"))
    page = client.get(f"/people/{world['person'].pk}").content.decode()
    assert ADDRESS_CANARY in page and FORMER_NAME_CANARY in page
