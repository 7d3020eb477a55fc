"""The person page links to the areas' records about the person that the reader may see."""

from __future__ import annotations

import pytest
from django.test import Client

from safeguard.accounts.roles import AgencyKind, Role
from tests import factories as f
from tests.licences.helpers import active, curfew, probation_team
from tests.safeguarding.helpers import family

pytestmark = pytest.mark.django_db


def _page(user: object, person_id: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(f"/people/{person_id}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_childs_page_links_to_their_childrens_record() -> None:
    fam = family()
    page = _page(fam.sw, fam.child.pk)
    assert 'id="child-record-link"' in page
    assert f'href="/children/{fam.child.pk}"' in page


def test_an_adult_without_a_childrens_record_has_no_such_link() -> None:
    team = probation_team()
    page = _page(team.practitioner, team.person.pk)
    assert 'id="child-record-link"' not in page


def test_a_person_on_licence_shows_their_licences_with_status() -> None:
    team = probation_team()
    licence = active(team, curfew())
    page = _page(team.practitioner, team.person.pk)
    assert 'id="person-licences"' in page
    assert f'href="/licences/{licence.pk}"' in page
    assert "Active" in page


def test_someone_who_may_not_see_the_person_gets_no_links_either() -> None:
    team = probation_team()
    active(team, curfew())
    stranger = f.user(Role.PRACTITIONER, f.team(f.agency("Elsewhere", AgencyKind.PROBATION), "X"))
    client = Client()
    client.force_login(stranger)
    response = client.get(f"/people/{team.person.pk}")
    assert response.status_code == 404
    assert "person-licences" not in response.content.decode()
