"""The public concern form: no sign-in, a reference on success, no oracle, abuse resistance."""

from __future__ import annotations

import ast
import inspect
import re
from datetime import date

import pytest
from django.test import Client

from safeguard.audit.models import AuditEntry
from safeguard.referrals import public_views
from safeguard.referrals.models import Concern
from safeguard.referrals.services import submit as submit_service
from tests import factories as f
from tests.referrals.helpers import FORM, submit

pytestmark = pytest.mark.django_db

_REFERENCE = re.compile(rb"SG-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def test_the_form_is_public_and_says_to_call_999() -> None:
    response = Client().get("/report-a-concern")
    assert response.status_code == 200
    text = response.content.decode()
    assert "If a child is in danger now, call 999" in text
    assert 'name="csrfmiddlewaretoken"' in text


def test_a_concern_is_stored_and_the_reference_shown() -> None:
    response = submit()
    assert response.status_code == 200
    found = _REFERENCE.search(response.content)
    assert found is not None
    concern = Concern.objects.get()
    assert concern.reference == found.group().decode()
    assert concern.child_name == "Tilly Testchild"
    assert concern.anonymous is True
    assert AuditEntry.objects.filter(object_type="concern", object_id=str(concern.pk)).exists()


def test_references_are_random_not_sequential() -> None:
    refs = {submit_service.new_reference() for _ in range(200)}
    assert len(refs) == 200


def test_missing_description_is_shown_in_an_error_summary_linking_to_the_field() -> None:
    response = submit(what_happened="   ")
    assert response.status_code == 400
    text = response.content.decode()
    assert 'href="#what_happened"' in text
    assert 'id="what_happened"' in text
    assert "Tell us what happened" in text
    assert Concern.objects.count() == 0


def test_contact_details_are_needed_only_if_not_anonymous() -> None:
    response = submit(anonymous="no", contact_details="")
    assert response.status_code == 400
    assert b'href="#contact_details"' in response.content
    assert submit(anonymous="no", contact_details="01234 567890").status_code == 200
    concern = Concern.objects.get()
    assert concern.anonymous is False
    assert concern.contact_details == "01234 567890"


def test_anonymous_concerns_keep_no_contact_details() -> None:
    submit(anonymous="yes", contact_name="Sam", contact_details="sam@example.org")
    concern = Concern.objects.get()
    assert (concern.contact_name, concern.contact_details) == ("", "")


def _normalised(body: bytes) -> bytes:
    return _REFERENCE.sub(b"REF", body)


def test_known_and_unknown_children_get_byte_identical_answers() -> None:
    child = f.person("Tilly", "Testchild", dob=date(2019, 3, 3), address="4 Canary Row")
    from safeguard.safeguarding.models import Child

    Child.objects.create(person=child, registered_at=child.created_at)
    known = submit(child_name="Tilly Testchild", address="4 Canary Row", postcode="NS1 1AA")
    unknown = submit(child_name="Nobody Unknownchild", address="9 Nowhere Lane", postcode="ZZ9 9ZZ")
    assert known.status_code == unknown.status_code == 200
    assert known.headers.keys() == unknown.headers.keys()
    assert _normalised(known.content) == _normalised(unknown.content)
    assert known.content != unknown.content  # the references differ, nothing else


def _imported_modules(module: object) -> set[str]:
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("module", [public_views, submit_service])
def test_the_submit_path_never_looks_at_the_person_index(module: object) -> None:
    imported = _imported_modules(module)
    forbidden = ("safeguard.people", "safeguard.safeguarding", "safeguard.referrals.matching")
    assert not [m for m in imported if m.startswith(forbidden)], imported
    # And the modules it does import from this area are only these (no indirect lookup).
    local = {m for m in imported if m.startswith("safeguard.referrals")}
    assert local <= {
        "safeguard.referrals",
        "safeguard.referrals.conf",
        "safeguard.referrals.models",
        "safeguard.referrals.models.Concern",
        "safeguard.referrals.models.ConcernSource",
        "safeguard.referrals.models.PublicSubmission",
        "safeguard.referrals.services.submit",
        "safeguard.referrals.services.submit.clean_public_form",
        "safeguard.referrals.services.submit.public_concern_submit",
        "safeguard.referrals.services.submit.submission_allowed",
    }, local


# --- Abuse resistance ------------------------------------------------------------------------

_SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_any_field_is_stored_as_text_and_shown_as_text() -> None:
    values = {name: _SCRIPT for name in FORM if name not in ("anonymous", "postcode", "child_age")}
    response = submit(**{**values, "what_happened": ""}, postcode="<b>", child_age="<i>6</i>")
    # The form comes back (description missing) with everything typed, escaped.
    assert response.status_code == 400
    assert b"<script>alert" not in response.content
    assert b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.content
    assert b"<img src=x" not in response.content
    assert submit(**values, postcode="<b>", child_age="<i>6</i>").status_code == 200
    concern = Concern.objects.get()
    assert concern.what_happened == _SCRIPT  # kept exactly as written, never "cleaned"
    assert concern.postcode == "<b>"


def test_csrf_is_enforced() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/report-a-concern", FORM)
    assert response.status_code == 403
    assert Concern.objects.count() == 0
    page = client.get("/report-a-concern")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert token is not None
    ok = client.post("/report-a-concern", {**FORM, "csrfmiddlewaretoken": token.group(1).decode()})
    assert ok.status_code == 200
    assert Concern.objects.count() == 1


def test_an_overlong_field_is_refused_with_a_message() -> None:
    response = submit(child_name="A" * 201)
    assert response.status_code == 400
    assert b"Use 200 characters or fewer" in response.content
    assert b'href="#child_name"' in response.content
    assert Concern.objects.count() == 0


def test_an_oversized_request_is_refused_before_it_is_read(settings: object) -> None:
    settings.REFERRALS_PUBLIC_MAX_REQUEST_BYTES = 10_000  # type: ignore[attr-defined]
    response = submit(adults="x" * 20_000)
    assert response.status_code == 413
    assert b"too long" in response.content
    assert Concern.objects.count() == 0


def test_rapid_resubmission_is_limited_per_client_with_a_clear_page(settings: object) -> None:
    settings.REFERRALS_PUBLIC_MAX_SUBMISSIONS = 3  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        assert submit(client).status_code == 200
    refused = submit(client)
    assert refused.status_code == 429
    assert b"Wait an hour, then try again" in refused.content
    assert b"call 999" in refused.content
    assert Concern.objects.count() == 3
    # Correcting mistakes is never limited, and another address is not affected.
    assert submit(client, what_happened="").status_code == 400
    assert submit(Client(REMOTE_ADDR="192.0.2.11")).status_code == 200


def test_a_filled_honeypot_gets_the_same_page_and_nothing_is_stored() -> None:
    robot = submit(website="http://spam.example")
    person = submit()
    assert robot.status_code == person.status_code == 200
    assert _normalised(robot.content) == _normalised(person.content)
    assert Concern.objects.count() == 1
