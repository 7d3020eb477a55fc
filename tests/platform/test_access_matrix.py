"""Need-to-know: role × relationship × route, generated from the URL configuration.

A reference model of the rules (written here, independently of safeguard.people.access) says
who may see whom; every person route must agree with it, and a forbidden record must look
exactly like a missing one. A new route without a policy, or without an entry below, fails.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safeguard.accounts.roles import AgencyKind, Role
from safeguard.people.models import AccessGrant, IdentityLink, Person
from safeguard.site.routes import all_routes
from tests import factories as f

pytestmark = pytest.mark.django_db

SCENARIOS = [
    "allocated",
    "household",
    "household_ended",
    "grant",
    "grant_expired",
    "grant_revoked",
    "allocation_ended",
    "other_team_same_agency",
    "other_agency",
    "unconnected",
    "former_identity",
    "protected",
]

# (label, role, cleared for protected identities)
SUBJECTS: list[tuple[str, Role, bool]] = [
    ("practitioner", Role.PRACTITIONER, False),
    ("senior_practitioner", Role.SENIOR_PRACTITIONER, False),
    ("manager", Role.MANAGER, False),
    ("triage", Role.TRIAGE, False),
    ("privacy_officer", Role.PRIVACY_OFFICER, False),
    ("auditor", Role.AUDITOR, False),
    ("administrator", Role.ADMINISTRATOR, False),
    ("cleared_practitioner", Role.PRACTITIONER, True),
]


def reference_may_see(role: Role | None, cleared: bool, scenario: str) -> bool:
    """The rules in plain Python, as the README states them."""
    if role is None:
        return False
    if role is Role.PRIVACY_OFFICER or cleared:
        return True
    if role in (Role.AUDITOR, Role.ADMINISTRATOR):
        return False
    if scenario in ("allocated", "household", "grant", "protected"):
        return True
    return scenario == "other_team_same_agency" and role is Role.MANAGER


@dataclass
class RouteSpec:
    kind: str  # "person", "list", "staff", "public"
    url: str
    api: bool
    method: str = "get"


ROUTE_SPECS: dict[str, RouteSpec] = {
    "home": RouteSpec("list", "/", api=False),
    "sign-in": RouteSpec("public", "/sign-in", api=False),
    "sign-out": RouteSpec("public", "/sign-out", api=False, method="post"),
    "person": RouteSpec("person", "/people/{id}", api=False),
    "health": RouteSpec("public", "/healthz", api=False),
    "openapi-json": RouteSpec("public", "/api/v1/openapi.json", api=False),
    "openapi-view": RouteSpec("public", "/api/v1/docs", api=False),
    "api-root": RouteSpec("public", "/api/v1/", api=False),
    "me": RouteSpec("staff", "/api/v1/me", api=True),
    "list_caseload": RouteSpec("list", "/api/v1/people/", api=True),
    "get_person": RouteSpec("person", "/api/v1/people/{id}", api=True),
    "two-factor": RouteSpec("first_factor", "/two-factor", api=False),
    "two-factor-setup": RouteSpec("first_factor", "/two-factor/setup", api=False),
    "security-key": RouteSpec("first_factor", "/two-factor/security-key", api=False),
    "security-key-setup": RouteSpec("first_factor", "/two-factor/security-key/setup", api=False),
    # The break-glass form answers the same for every person URL, existing or not.
    "break-glass": RouteSpec("staff", "/people/{id}/break-glass", api=False),
    "break-glass-reviews": RouteSpec("privacy", "/break-glass/reviews", api=False),
    "break-glass-close": RouteSpec(
        "privacy", "/break-glass/reviews/999999", api=False, method="post"
    ),
    # Safeguarding (issue 5): "child" routes follow the same reference model, for targets
    # registered as children (see the tests at the end of this file).
    "children": RouteSpec("child_list", "/children", api=False),
    "child-register": RouteSpec("person", "/children/new/{id}", api=False),
    "child": RouteSpec("child", "/children/{id}", api=False),
    "child-chronology": RouteSpec("child", "/children/{id}/chronology", api=False),
    "child-story": RouteSpec("child", "/children/{id}/story", api=False),
    "child-body-map": RouteSpec("child", "/children/{id}/body-map", api=False),
    "child-export": RouteSpec("child", "/children/{id}/export", api=False),
    "child-event-new": RouteSpec("child", "/children/{id}/events/new/visit", api=False),
    "child-event": RouteSpec("child", "/children/{id}/events/{event}", api=False),
    "child-household-add": RouteSpec("child", "/children/{id}/household/new", api=False),
    "child-household-leave": RouteSpec(
        "child", "/children/{id}/household/{member}/left", api=False
    ),
    "child-plan-start": RouteSpec("child", "/children/{id}/plan/new", api=False),
    "child-plan-review": RouteSpec("child", "/children/{id}/plan/review", api=False),
    "child-plan-end": RouteSpec("child", "/children/{id}/plan/end", api=False),
    "notifications": RouteSpec("staff", "/notifications", api=False),
    "child-flag": RouteSpec("flag", "/child-flag", api=False),
    "children_list": RouteSpec("child_list", "/api/v1/safeguarding/children", api=True),
    "child_get": RouteSpec("child", "/api/v1/safeguarding/children/{id}", api=True),
    "child_chronology_get": RouteSpec(
        "child", "/api/v1/safeguarding/children/{id}/chronology", api=True
    ),
    "child_event_post": RouteSpec(
        "child", "/api/v1/safeguarding/children/{id}/events", api=True, method="post"
    ),
    "child_events_export": RouteSpec(
        "child",
        "/api/v1/safeguarding/children/{id}/events.jsonl?purpose=matrix+check&recipients=me",
        api=True,
    ),
    "notifications_list": RouteSpec("staff", "/api/v1/safeguarding/notifications", api=True),
    "child_flag_post": RouteSpec(
        "flag", "/api/v1/safeguarding/child-flag", api=True, method="post"
    ),
    "health_attendance_feed": RouteSpec(
        "feed", "/api/v1/safeguarding/feeds/health/attendances", api=True, method="post"
    ),
    "police_callout_feed": RouteSpec(
        "feed", "/api/v1/safeguarding/feeds/police/callouts", api=True, method="post"
    ),
    # Licences (issue 3): "licence" routes take a licence id ({id}) and a condition id ({cid});
    # a licence is visible exactly when its person is (tests at the end of this file).
    "licence-list": RouteSpec("licence_list", "/licences", api=False),
    "licence-create": RouteSpec("licence_person", "/people/{id}/licences/new", api=False),
    "licence": RouteSpec("licence", "/licences/{id}", api=False),
    "licence-edit": RouteSpec("licence", "/licences/{id}/edit", api=False),
    "licence-condition-choose": RouteSpec("licence", "/licences/{id}/conditions/add", api=False),
    "licence-condition-add": RouteSpec(
        "licence",
        "/licences/{id}/conditions/add/0a370862-5426-49c1-b6d4-3d074d78a81a",
        api=False,
    ),
    "licence-condition-change": RouteSpec(
        "licence", "/licences/{id}/conditions/{cid}/change", api=False
    ),
    "licence-condition-remove": RouteSpec(
        "licence", "/licences/{id}/conditions/{cid}/remove", api=False
    ),
    "licence-submit": RouteSpec("licence", "/licences/{id}/submit", api=False, method="post"),
    "licence-approve": RouteSpec("licence", "/licences/{id}/approve", api=False, method="post"),
    "licence-activate": RouteSpec("licence", "/licences/{id}/activate", api=False, method="post"),
    "licence-return": RouteSpec("licence", "/licences/{id}/return", api=False),
    "licence-recall": RouteSpec("licence", "/licences/{id}/recall", api=False),
    "licence-disclosure": RouteSpec("licence", "/licences/{id}/disclosures/new", api=False),
    "licence-document": RouteSpec("licence", "/licences/{id}/licence.pdf", api=False),
    "list_licences": RouteSpec("licence_list", "/api/v1/licences/", api=True),
    "create_licence": RouteSpec("licence_person", "/api/v1/licences/", api=True, method="post"),
    "condition_catalogue": RouteSpec("staff", "/api/v1/licences/catalogue/3.0", api=True),
    "monitoring_orders_api": RouteSpec(
        "monitoring_service", "/api/v1/licences/monitoring/orders", api=True
    ),
    "get_licence": RouteSpec("licence", "/api/v1/licences/{id}", api=True),
    "conditions_on": RouteSpec("licence", "/api/v1/licences/{id}/conditions", api=True),
    "licence_document_api": RouteSpec("licence", "/api/v1/licences/{id}/document", api=True),
    "update_licence": RouteSpec("licence", "/api/v1/licences/{id}", api=True, method="put"),
    "add_condition": RouteSpec(
        "licence", "/api/v1/licences/{id}/conditions", api=True, method="post"
    ),
    "change_condition": RouteSpec(
        "licence", "/api/v1/licences/{id}/conditions/{cid}", api=True, method="put"
    ),
    "remove_condition": RouteSpec(
        "licence", "/api/v1/licences/{id}/conditions/{cid}", api=True, method="delete"
    ),
    "submit_licence": RouteSpec("licence", "/api/v1/licences/{id}/submit", api=True, method="post"),
    "approve_licence": RouteSpec(
        "licence", "/api/v1/licences/{id}/approve", api=True, method="post"
    ),
    "return_licence": RouteSpec("licence", "/api/v1/licences/{id}/return", api=True, method="post"),
    "activate_licence": RouteSpec(
        "licence", "/api/v1/licences/{id}/activate", api=True, method="post"
    ),
    "recall_licence": RouteSpec("licence", "/api/v1/licences/{id}/recall", api=True, method="post"),
    "vary_licence": RouteSpec(
        "licence", "/api/v1/licences/{id}/variations", api=True, method="post"
    ),
    "record_disclosure": RouteSpec(
        "licence", "/api/v1/licences/{id}/disclosures", api=True, method="post"
    ),
    # Concerns front door (issue 9): the public form, and the triage pages for Role.TRIAGE.
    "report-concern": RouteSpec("public", "/report-a-concern", api=False),
    "triage-queue": RouteSpec("triage", "/triage", api=False),
    "triage-concern": RouteSpec("triage", "/triage/SG-2222-2222", api=False),
    "refer-concern": RouteSpec("staff", "/refer-a-concern", api=False),
    "referral_create": RouteSpec("referral", "/api/v1/referrals/", api=True, method="post"),
    # Monitoring (issue 4): a subject's violations are visible exactly when the person is;
    # "violation" routes take a violation id (tests at the end of this file).
    "monitoring-violations": RouteSpec(
        "violation_list", "/monitoring/violations?closed=1", api=False
    ),
    "monitoring-subject": RouteSpec("person", "/monitoring/subjects/{id}", api=False),
    "monitoring-violation-acknowledge": RouteSpec(
        "violation", "/monitoring/violations/{id}/acknowledge", api=False, method="post"
    ),
    "monitoring-violation-close": RouteSpec(
        "violation", "/monitoring/violations/{id}/close", api=False, method="post"
    ),
    "monitoring_fixes_ingest": RouteSpec(
        "monitoring_feed", "/api/v1/monitoring/fixes", api=True, method="post"
    ),
    "monitoring_events_ingest": RouteSpec(
        "monitoring_feed", "/api/v1/monitoring/events", api=True, method="post"
    ),
    # Crime matching: police casework staff only (test_crime_matching_is_for_police_only).
    "monitoring-near": RouteSpec("police", "/monitoring/near", api=False),
    "monitoring_near_search": RouteSpec(
        "police", "/api/v1/monitoring/near", api=True, method="post"
    ),
    # Breach and recall (issue 8): a case is visible exactly when its person is; "breach_*"
    # routes are checked in tests/recall_app/test_recall_access.py.
    "recall-cases": RouteSpec("breach_list", "/recall/cases", api=False),
    "recall-casework": RouteSpec("breach_list", "/recall/casework", api=False),
    "recall-open": RouteSpec("breach_person", "/people/{id}/breach-cases/new", api=False),
    "recall-case": RouteSpec("breach_case", "/recall/cases/{id}", api=False),
    "recall-facts": RouteSpec("breach_case", "/recall/cases/{id}/facts", api=False),
    "recall-evidence": RouteSpec("breach_case", "/recall/cases/{id}/evidence", api=False),
    "recall-recommend": RouteSpec("breach_case", "/recall/cases/{id}/recommend", api=False),
    "recall-return": RouteSpec("breach_case", "/recall/cases/{id}/return", api=False),
    "recall-countersign": RouteSpec(
        "breach_case", "/recall/cases/{id}/countersign", api=False, method="post"
    ),
    "recall-approve": RouteSpec(
        "breach_case", "/recall/cases/{id}/approve", api=False, method="post"
    ),
    "recall-send": RouteSpec("breach_case", "/recall/cases/{id}/send", api=False, method="post"),
    "recall-book": RouteSpec("breach_case", "/recall/cases/{id}/book", api=False, method="post"),
    "recall-part-a": RouteSpec("breach_case", "/recall/cases/{id}/part-a.pdf", api=False),
    "recall-letter": RouteSpec("breach_case", "/recall/cases/{id}/decision-letter.pdf", api=False),
    "recall_cases_list": RouteSpec("breach_list", "/api/v1/recall/cases", api=True),
    "recall_case_open": RouteSpec("breach_person", "/api/v1/recall/cases", api=True, method="post"),
    "recall_case_get": RouteSpec("breach_case", "/api/v1/recall/cases/{id}", api=True),
    "recall_case_evidence": RouteSpec(
        "breach_case", "/api/v1/recall/cases/{id}/evidence", api=True, method="post"
    ),
    "recall_case_recommend": RouteSpec(
        "breach_case", "/api/v1/recall/cases/{id}/recommendation", api=True, method="post"
    ),
    "recall_case_countersign": RouteSpec(
        "breach_case", "/api/v1/recall/cases/{id}/countersign", api=True, method="post"
    ),
    "recall_case_approve": RouteSpec(
        "breach_case", "/api/v1/recall/cases/{id}/approve", api=True, method="post"
    ),
    "recall_case_return": RouteSpec(
        "breach_case", "/api/v1/recall/cases/{id}/return", api=True, method="post"
    ),
    "recall_case_sent": RouteSpec(
        "breach_case", "/api/v1/recall/cases/{id}/sent", api=True, method="post"
    ),
    "recall_case_booked": RouteSpec(
        "breach_case", "/api/v1/recall/cases/{id}/booked", api=True, method="post"
    ),
    "recall_case_part_a": RouteSpec("breach_case", "/api/v1/recall/cases/{id}/part-a", api=True),
    "recall_case_letter": RouteSpec(
        "breach_case", "/api/v1/recall/cases/{id}/decision-letter", api=True
    ),
    "recall-parole-review": RouteSpec(
        "breach_person", "/people/{id}/parole-reviews/new", api=False
    ),
    "recall_parole_review_record": RouteSpec(
        "breach_person", "/api/v1/recall/parole-reviews", api=True, method="post"
    ),
    # Alerts (issue 7): "alert" routes take an alert id and follow the child's visibility
    # (restricted-adult alerts also the adult's); tests in tests/alerts/test_alerts_access.py.
    "alerts": RouteSpec("staff", "/alerts?scope=all&closed=1", api=False),
    "alerts_list": RouteSpec("staff", "/api/v1/alerts/?scope=all&closed=true", api=True),
    "alerts-fairness": RouteSpec("alert_oversight", "/alerts/fairness", api=False),
    "alerts_fairness": RouteSpec("alert_oversight", "/api/v1/alerts/fairness", api=True),
    "alert": RouteSpec("alert", "/alerts/{id}", api=False),
    "alert-acknowledge": RouteSpec("alert", "/alerts/{id}/acknowledge", api=False, method="post"),
    "alert-close": RouteSpec("alert", "/alerts/{id}/close", api=False, method="post"),
    "alert-reopen": RouteSpec("alert", "/alerts/{id}/reopen", api=False, method="post"),
    "alert_get": RouteSpec("alert", "/api/v1/alerts/{id}", api=True),
    "alert_acknowledge_api": RouteSpec(
        "alert", "/api/v1/alerts/{id}/acknowledge", api=True, method="post"
    ),
    "alert_close_api": RouteSpec("alert", "/api/v1/alerts/{id}/close", api=True, method="post"),
    "alert_reopen_api": RouteSpec("alert", "/api/v1/alerts/{id}/reopen", api=True, method="post"),
    # Linkage review (issue 6): privacy officer and triage; restricted pairs the officer only.
    "linkage-queue": RouteSpec("linkage_queue", "/linkage/review", api=False),
    "linkage-pair": RouteSpec("linkage_pair", "/linkage/pairs/{id}", api=False),
    "linkage-pair-decide": RouteSpec(
        "linkage_pair", "/linkage/pairs/{id}/decide", api=False, method="post"
    ),
    "linkage-event-undo": RouteSpec(
        "linkage_event", "/linkage/events/{id}/undo", api=False, method="post"
    ),
    "linkage-master": RouteSpec("linkage_master", "/linkage/masters/{id}", api=False),
    "linkage-master-unmerge": RouteSpec(
        "linkage_master", "/linkage/masters/{id}/unmerge", api=False, method="post"
    ),
    "linkage_queue": RouteSpec("linkage_queue", "/api/v1/linkage/pairs", api=True),
    "linkage_pair": RouteSpec("linkage_pair", "/api/v1/linkage/pairs/{id}", api=True),
    "linkage_pair_decide": RouteSpec(
        "linkage_pair", "/api/v1/linkage/pairs/{id}/decision", api=True, method="post"
    ),
    "linkage_event_undo": RouteSpec(
        "linkage_event", "/api/v1/linkage/events/{id}/undo", api=True, method="post"
    ),
}


@dataclass
class World:
    users: dict[str, Any]
    tokens: dict[str, str]
    targets: dict[str, Person]


@pytest.fixture
def world() -> World:
    probation = f.agency("Testshire Probation", AgencyKind.PROBATION)
    police = f.agency("Testshire Police", AgencyKind.POLICE)
    team1, team2 = f.team(probation, "North"), f.team(probation, "South")
    team3 = f.team(police, "PPU")
    users = {
        label: f.user(role, team1, cleared=cleared, username=f"matrix-{label}")
        for label, role, cleared in SUBJECTS
    }
    users["service"] = f.user(Role.PRACTITIONER, team1, service=True, username="matrix-feed")
    t: dict[str, Person] = {}
    for scenario in SCENARIOS:
        t[scenario] = f.person("Target", scenario.replace("_", "-").title(), address="1 Canary Row")
    f.allocate(t["allocated"], team1)
    f.relate(t["allocated"], t["household"])
    f.relate(t["allocated"], t["household_ended"], ended=True)
    f.allocate(t["allocation_ended"], team1, ended=True)
    f.allocate(t["other_team_same_agency"], team2)
    f.allocate(t["other_agency"], team3)
    f.allocate(t["protected"], team1)
    t["protected"].protected_identity = True
    t["protected"].save()
    t["former_identity"].is_former_identity = True
    t["former_identity"].save()
    f.allocate(t["former_identity"], team1)  # even allocated, it must stay invisible
    IdentityLink.build(current=t["protected"], former=t["former_identity"]).save()
    now = timezone.now()
    for u in users.values():
        AccessGrant.objects.create(user=u, person=t["grant"], reason="covering a colleague")
        AccessGrant.objects.create(
            user=u,
            person=t["grant_expired"],
            reason="covering a colleague",
            expires_at=now - timedelta(minutes=1),
        )
        AccessGrant.objects.create(
            user=u, person=t["grant_revoked"], reason="covering a colleague", revoked_at=now
        )
    tokens = {label: f.token_for(u) for label, u in users.items()}
    return World(users, tokens, t)


def _client(world: World, label: str | None, api: bool) -> Client:
    if label is None:
        return Client()
    if api:
        return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[label]}")
    client = Client()
    client.force_login(world.users[label])
    return client


def test_every_route_declares_an_access_policy() -> None:
    missing = [r.path for r in all_routes() if r.policy is None]
    assert missing == [], f"routes without an access policy: {missing}"


def test_every_route_is_covered_by_the_matrix() -> None:
    uncovered = [f"{r.name} ({r.path})" for r in all_routes() if r.name not in ROUTE_SPECS]
    assert uncovered == [], f"add these routes to ROUTE_SPECS: {uncovered}"


PERSON_ROUTES = [name for name, spec in ROUTE_SPECS.items() if spec.kind == "person"]


@pytest.mark.parametrize("route", PERSON_ROUTES)
@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_person_routes_follow_need_to_know(
    world: World, route: str, label: str, role: Role, cleared: bool
) -> None:
    spec = ROUTE_SPECS[route]
    client = _client(world, label, spec.api)
    missing_id = uuid.uuid4()
    missing = client.get(spec.url.format(id=missing_id))
    assert missing.status_code == 404
    for scenario in SCENARIOS:
        target_id = world.targets[scenario].pk
        response = client.get(spec.url.format(id=target_id))
        expected = reference_may_see(role, cleared, scenario)
        assert response.status_code == (200 if expected else 404), (label, scenario)
        if not expected:
            # No existence oracle: forbidden and missing give the same status and body (up to
            # the id the user typed, which the page repeats in its break-glass link).
            assert response.content.replace(str(target_id).encode(), b"ID") == (
                missing.content.replace(str(missing_id).encode(), b"ID")
            ), (label, scenario)


@pytest.mark.parametrize("route", PERSON_ROUTES)
def test_service_accounts_and_anonymous_see_no_one(world: World, route: str) -> None:
    spec = ROUTE_SPECS[route]
    feed = _client(world, "service", spec.api)
    anonymous = _client(world, None, spec.api)
    for scenario in SCENARIOS:
        url = spec.url.format(id=world.targets[scenario].pk)
        assert feed.get(url).status_code == 404
        response = anonymous.get(url)
        if spec.api:
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/sign-in")


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_lists_show_only_permitted_people(
    world: World, label: str, role: Role, cleared: bool
) -> None:
    names = {p.family_name: s for s, p in world.targets.items()}
    for route in [n for n, s in ROUTE_SPECS.items() if s.kind == "list"]:
        spec = ROUTE_SPECS[route]
        response = _client(world, label, spec.api).get(spec.url)
        assert response.status_code == 200
        text = response.content.decode()
        shown = {scenario for family, scenario in names.items() if family in text}
        allowed = {s for s in SCENARIOS if reference_may_see(role, cleared, s)}
        assert shown <= allowed, (label, route, shown - allowed)
        if role in (Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER):
            assert "allocated" in shown  # the caseload does show the team's own people


def test_staff_routes_refuse_service_accounts_and_anonymous(world: World) -> None:
    for name, spec in ROUTE_SPECS.items():
        if spec.kind not in ("staff", "list"):
            continue
        url = spec.url.format(id=uuid.uuid4())
        assert _client(world, "practitioner", spec.api).get(url).status_code == 200, name
        feed = _client(world, "service", spec.api).get(url)
        assert feed.status_code == 404, name
        anonymous = Client().get(url)
        assert anonymous.status_code in (302, 401), name


def test_second_factor_pages_need_the_first_factor(world: World) -> None:
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "first_factor":
            continue
        assert Client().get(spec.url).status_code == 302, name
        assert Client().get(spec.url)["Location"].startswith("/sign-in"), name
        response = _client(world, "practitioner", api=False).get(spec.url)
        assert response.status_code in (200, 302), name
        if response.status_code == 302:
            assert response["Location"].startswith("/two-factor"), name


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_privacy_officer_routes(world: World, label: str, role: Role, cleared: bool) -> None:
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "privacy":
            continue
        response = getattr(_client(world, label, spec.api), spec.method)(spec.url)
        if role is Role.PRIVACY_OFFICER:
            # Reachable: the page itself, or the not-found answer for a review that is not there.
            assert response.status_code in (200, 404), name
            if spec.method == "get":
                assert response.status_code == 200, name
        else:
            assert response.status_code == 404, (label, name)
        assert getattr(Client(), spec.method)(spec.url).status_code == 302, name


def test_public_routes_answer_everyone(world: World) -> None:
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "public":
            continue
        response = getattr(Client(), spec.method)(spec.url)
        assert response.status_code < 500, name
        assert response.status_code != 403, name


def test_revoking_a_grant_takes_effect_on_the_next_request(world: World) -> None:
    user = world.users["practitioner"]
    person = world.targets["unconnected"]
    grant = AccessGrant.objects.create(user=user, person=person, reason="covering a colleague")
    client = _client(world, "practitioner", api=False)
    assert client.get(f"/people/{person.pk}").status_code == 200
    grant.revoked_at = timezone.now()
    grant.save()
    assert client.get(f"/people/{person.pk}").status_code == 404


def test_disabling_a_user_ends_their_session_and_tokens(world: World) -> None:
    from safeguard.accounts.services import user_disable

    user = world.users["practitioner"]
    page = _client(world, "practitioner", api=False)
    api = _client(world, "practitioner", api=True)
    url = f"/people/{world.targets['allocated'].pk}"
    assert page.get(url).status_code == 200
    assert api.get("/api/v1" + url).status_code == 200
    user_disable(actor=world.users["administrator"], user=user)
    assert page.get(url).status_code == 302
    assert api.get("/api/v1" + url).status_code == 401


# --- Safeguarding (issue 5): children's records follow the same reference model -------------

CHILD_ROUTES = [name for name, spec in ROUTE_SPECS.items() if spec.kind == "child"]
_EVENT_BODY = {
    "kind": "concern",
    "agency": "public",
    "at": "2026-01-05T10:00:00+00:00",
    "details": {"summary": "matrix check"},
}


@dataclass
class ChildIds:
    event: int
    member: int


@pytest.fixture
def child_world(world: World) -> dict[str, ChildIds]:
    """Every target registered as a child, with an event, a household member and a plan."""
    from datetime import date

    from safeguard.accounts.models import Team
    from safeguard.safeguarding.models import (
        Child,
        ChildProtectionPlan,
        ChronologyEvent,
        HouseholdMember,
    )

    team = Team.objects.get(name="North")
    ids = {}
    for scenario, person in world.targets.items():
        child = Child.objects.create(person=person, registered_at=timezone.now())
        event = ChronologyEvent.objects.create(
            child=child,
            occurred_at=timezone.now(),
            agency="public",
            kind="concern",
            details={"summary": "matrix"},
            source="test",
        )
        adult = f.person("Adult", f"Of-{scenario}")
        member = HouseholdMember.objects.create(
            child=child,
            person=adult,
            role="parent_carer",
            moved_in_on=date(2024, 1, 1),
            known_by="seen",
        )
        ChildProtectionPlan.objects.create(
            child=child,
            category="neglect",
            started_on=date(2025, 1, 1),
            initial_conference_on=date(2025, 1, 1),
            team=team,
            visit_every_working_days=10,
        )
        ids[scenario] = ChildIds(event.pk, member.pk)
    return ids


def _child_request(client: Client, spec: RouteSpec, url: str) -> Any:
    if spec.method == "post":
        import json

        return client.post(url, json.dumps(_EVENT_BODY), content_type="application/json")
    return client.get(url)


def _check_child_route(
    world: World,
    child_world: dict[str, ChildIds],
    route: str,
    label: str,
    role: Role | None,
    cleared: bool,
) -> None:
    spec = ROUTE_SPECS[route]
    client = _client(world, label, spec.api)
    missing = _child_request(
        client, spec, spec.url.format(id=uuid.uuid4(), event=999999, member=999999)
    )
    assert missing.status_code == 404, route
    for scenario in SCENARIOS:
        ids = child_world[scenario]
        url = spec.url.format(id=world.targets[scenario].pk, event=ids.event, member=ids.member)
        response = _child_request(client, spec, url)
        if reference_may_see(role, cleared, scenario):
            assert response.status_code < 400, (route, label, scenario)
        else:
            assert response.status_code == 404, (route, label, scenario)
            assert response.content == missing.content, (route, label, scenario)


# Every subject against the child's record (page and API); every other child route against the
# practitioner and the auditor: they all reach the record through access_child_by_id, so a route
# that skipped it would fail here, and the rule itself is covered by the first test.
@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_child_record_follows_need_to_know(
    world: World, child_world: dict[str, ChildIds], label: str, role: Role, cleared: bool
) -> None:
    for route in ("child", "child_get"):
        _check_child_route(world, child_world, route, label, role, cleared)


@pytest.mark.parametrize("route", CHILD_ROUTES)
def test_child_routes_follow_need_to_know(
    world: World, child_world: dict[str, ChildIds], route: str
) -> None:
    _check_child_route(world, child_world, route, "practitioner", Role.PRACTITIONER, False)
    _check_child_route(world, child_world, route, "auditor", Role.AUDITOR, False)


def test_child_routes_refuse_service_accounts_and_anonymous(
    world: World, child_world: dict[str, ChildIds]
) -> None:
    ids = child_world["allocated"]
    for route in CHILD_ROUTES:
        spec = ROUTE_SPECS[route]
        url = spec.url.format(id=world.targets["allocated"].pk, event=ids.event, member=ids.member)
        assert _child_request(_client(world, "service", spec.api), spec, url).status_code == 404
        anonymous = _child_request(Client(), spec, url)
        assert anonymous.status_code == (401 if spec.api else 302), route


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_child_lists_show_only_permitted_children(
    world: World, child_world: dict[str, ChildIds], label: str, role: Role, cleared: bool
) -> None:
    names = {p.family_name: s for s, p in world.targets.items()}
    allowed = {s for s in SCENARIOS if reference_may_see(role, cleared, s)}
    for route in [n for n, s in ROUTE_SPECS.items() if s.kind == "child_list"]:
        spec = ROUTE_SPECS[route]
        response = _client(world, label, spec.api).get(spec.url)
        assert response.status_code == 200
        shown = {s for family, s in names.items() if family in response.content.decode()}
        assert shown <= allowed, (label, route, shown - allowed)
        if role in (Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER):
            assert "allocated" in shown


def test_flag_routes_are_for_health_and_police_staff_only(world: World) -> None:
    import json

    officer = f.user(Role.PRACTITIONER, f.team(f.agency("Testshire Police"), "PPU"))
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "flag":
            continue
        body = {"nhs_number": "9990000026", "reason": "matrix"}
        for label in [label for label, _, _ in SUBJECTS] + ["service"]:
            client = _client(world, label, spec.api)
            response = (
                client.post(spec.url, json.dumps(body), content_type="application/json")
                if spec.api
                else client.get(spec.url)
            )
            assert response.status_code == 404, (name, label)
        police = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(officer)}")
        if not spec.api:
            police = Client()
            police.force_login(officer)
        response = (
            police.post(spec.url, json.dumps(body), content_type="application/json")
            if spec.api
            else police.get(spec.url)
        )
        assert response.status_code == 200, name


def test_feed_routes_are_for_their_agencys_service_accounts_only(world: World) -> None:
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "feed":
            continue
        for label in [label for label, _, _ in SUBJECTS] + ["service"]:  # "service": probation
            # An empty body is refused before the handler runs (422); a valid body from anyone
            # but the feed's own agency's service account is not found (tests/safeguarding).
            response = _client(world, label, True).post(
                spec.url, "{}", content_type="application/json"
            )
            assert response.status_code in (404, 422), (name, label)
        assert Client().post(spec.url, "{}", content_type="application/json").status_code == 401


# --- Licences (issue 3): a licence is visible exactly when its person is ---------------------

LICENCE_ROUTES = [n for n, s in ROUTE_SPECS.items() if s.kind in ("licence", "licence_person")]
# Every route shares one access function; the licence page and its API twin are checked in
# every scenario, the other routes in the scenarios that tell the rules apart (keeps CI fast).
LICENCE_FULL_ROUTES = {"licence", "get_licence"}
LICENCE_SCENARIOS = ["allocated", "other_team_same_agency", "unconnected"]
# Bodies that get past request parsing, so that the access check is what answers.
_LICENCE_BODIES: dict[str, dict[str, str]] = {
    "add_condition": {"code": "matrix"},
}


@pytest.fixture
def licence_world(world: World) -> dict[str, tuple[Any, Any]]:
    """An active licence (with one condition) for every target."""
    from tests.licences.helpers import matrix_licence

    return {scenario: matrix_licence(person) for scenario, person in world.targets.items()}


def _licence_request(client: Client, name: str, url: str) -> Any:
    import json

    spec = ROUTE_SPECS[name]
    if spec.method == "get":
        return client.get(url)
    if not spec.api:
        return client.post(url, {})
    body = _LICENCE_BODIES.get(name, {})
    if spec.kind == "licence_person":
        body, url = {"person_id": url.rsplit("#", 1)[-1]}, url.rsplit("#", 1)[0]
    request = getattr(client, spec.method)
    return request(url, json.dumps(body), content_type="application/json")


def _licence_url(name: str, target: Any, licence: Any, condition: Any) -> str:
    spec = ROUTE_SPECS[name]
    if spec.kind == "licence_person":
        # The create operation names the person in its body: carried after a "#".
        return spec.url.format(id=target) + (f"#{target}" if spec.api else "")
    return spec.url.format(id=licence, cid=condition)


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_licence_routes_follow_need_to_know(
    world: World,
    licence_world: dict[str, tuple[Any, Any]],
    label: str,
    role: Role,
    cleared: bool,
) -> None:
    policies = {r.name: r.policy for r in all_routes()}
    user = world.users[label]
    for name in LICENCE_ROUTES:
        spec = ROUTE_SPECS[name]
        client = _client(world, label, spec.api)
        missing = _licence_request(client, name, _licence_url(name, uuid.uuid4(), uuid.uuid4(), 0))
        assert missing.status_code == 404, name
        allowed = policies[name] is not None and policies[name].allows(user)  # type: ignore[union-attr]
        for scenario in SCENARIOS if name in LICENCE_FULL_ROUTES else LICENCE_SCENARIOS:
            licence, condition = licence_world[scenario]
            url = _licence_url(name, world.targets[scenario].pk, licence.pk, condition.pk)
            response = _licence_request(client, name, url)
            if allowed and reference_may_see(role, cleared, scenario):
                assert response.status_code not in (404, 500), (name, label, scenario)
            else:
                assert response.status_code == 404, (name, label, scenario)
                assert response.content == missing.content, (name, label, scenario)


def test_licence_routes_refuse_service_accounts_and_anonymous(
    world: World, licence_world: dict[str, tuple[Any, Any]]
) -> None:
    licence, condition = licence_world["allocated"]
    for name in LICENCE_ROUTES:
        spec = ROUTE_SPECS[name]
        url = _licence_url(name, world.targets["allocated"].pk, licence.pk, condition.pk)
        feed = _licence_request(_client(world, "service", spec.api), name, url)
        assert feed.status_code == 404, name
        anonymous = _licence_request(Client(), name, url)
        assert anonymous.status_code == (401 if spec.api else 302), name


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_licence_lists_show_only_permitted_people(
    world: World,
    licence_world: dict[str, tuple[Any, Any]],
    label: str,
    role: Role,
    cleared: bool,
) -> None:
    names = {p.family_name: s for s, p in world.targets.items()}
    allowed = {s for s in SCENARIOS if reference_may_see(role, cleared, s)}
    for route in [n for n, s in ROUTE_SPECS.items() if s.kind == "licence_list"]:
        spec = ROUTE_SPECS[route]
        response = _client(world, label, spec.api).get(spec.url)
        assert response.status_code == 200
        shown = {s for family, s in names.items() if family in response.content.decode()}
        assert shown <= allowed, (label, route, shown - allowed)
        if role in (Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER):
            assert "allocated" in shown


def test_monitoring_orders_are_for_service_accounts_only(world: World) -> None:
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "monitoring_service":
            continue
        assert _client(world, "service", api=True).get(spec.url).status_code == 200, name
        for label in ("practitioner", "privacy_officer", "manager"):
            assert _client(world, label, api=True).get(spec.url).status_code == 404, name
        assert Client().get(spec.url).status_code == 401, name


# --- Concerns front door (issue 9): triage pages are for Role.TRIAGE only ---------------------


def test_triage_routes_are_for_triage_staff_only(world: World) -> None:
    from safeguard.referrals.models import Concern, ConcernSource

    Concern.objects.create(
        reference="SG-2222-2222",
        received_at=timezone.now(),
        source=ConcernSource.PUBLIC,
        what_happened="matrix check",
    )
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "triage":
            continue
        for label, role, _ in SUBJECTS:
            response = _client(world, label, spec.api).get(spec.url)
            assert response.status_code == (200 if role is Role.TRIAGE else 404), (name, label)
        assert _client(world, "service", spec.api).get(spec.url).status_code == 404, name
        anonymous = Client().get(spec.url)
        assert anonymous.status_code == 302, name
        assert anonymous["Location"].startswith("/sign-in"), name


# Monitoring (issue 4): violation routes and lists follow the person's visibility.
@pytest.fixture
def violation_world(world: World) -> dict[str, Any]:
    """An open monitoring violation for every target."""
    from safeguard.monitoring.models import Violation

    return {
        scenario: Violation.objects.create(
            subject=str(person.pk),
            person=person,
            kind="tamper",
            started_at=timezone.now() - timedelta(hours=1),
            rule_version="em-rules/1",
        )
        for scenario, person in world.targets.items()
    }


VIOLATION_ROUTES = [name for name, spec in ROUTE_SPECS.items() if spec.kind == "violation"]


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_violation_routes_follow_need_to_know(
    world: World, violation_world: dict[str, Any], label: str, role: Role, cleared: bool
) -> None:
    client = _client(world, label, api=False)
    for name in VIOLATION_ROUTES:
        url = ROUTE_SPECS[name].url
        missing = client.post(url.format(id=999_999_999), {})
        assert missing.status_code == 404, name
        for scenario in SCENARIOS:
            response = client.post(url.format(id=violation_world[scenario].pk), {})
            if reference_may_see(role, cleared, scenario):
                assert response.status_code == 302, (name, label, scenario)
            else:
                assert response.status_code == 404, (name, label, scenario)
                assert response.content == missing.content, (name, label, scenario)


def test_violation_routes_refuse_service_accounts_and_anonymous(
    world: World, violation_world: dict[str, Any]
) -> None:
    violation = violation_world["allocated"]
    for name in VIOLATION_ROUTES:
        url = ROUTE_SPECS[name].url.format(id=violation.pk)
        assert _client(world, "service", api=False).post(url, {}).status_code == 404, name
        anonymous = Client().post(url, {})
        assert anonymous.status_code == 302, name
        assert anonymous["Location"].startswith("/sign-in"), name
    violation.refresh_from_db()
    assert violation.state == "open"


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_violation_lists_show_only_permitted_people(
    world: World, violation_world: dict[str, Any], label: str, role: Role, cleared: bool
) -> None:
    names = {p.family_name: s for s, p in world.targets.items()}
    allowed = {s for s in SCENARIOS if reference_may_see(role, cleared, s)}
    for route in [n for n, s in ROUTE_SPECS.items() if s.kind == "violation_list"]:
        response = _client(world, label, api=False).get(ROUTE_SPECS[route].url)
        assert response.status_code == 200
        shown = {s for family, s in names.items() if family in response.content.decode()}
        assert shown <= allowed, (label, route, shown - allowed)
        if role in (Role.PRACTITIONER, Role.SENIOR_PRACTITIONER, Role.MANAGER):
            assert "allocated" in shown


def test_monitoring_feeds_are_for_service_accounts_only(world: World) -> None:
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "monitoring_feed":
            continue
        feed = _client(world, "service", api=True)
        assert feed.post(spec.url, "[]", content_type="application/json").status_code == 200
        for label in ("practitioner", "privacy_officer", "manager"):
            staff = _client(world, label, api=True)
            answer = staff.post(spec.url, "[]", content_type="application/json")
            assert answer.status_code == 404, (name, label)
        anonymous = Client().post(spec.url, "[]", content_type="application/json")
        assert anonymous.status_code == 401, name


def test_crime_matching_is_for_police_only(world: World) -> None:
    """Only police-agency casework staff may search trails; to everyone else the routes look
    exactly like a missing record."""
    import json

    police = f.agency("Testshire Police", AgencyKind.POLICE)
    officer = f.user(Role.PRACTITIONER, f.team(police, "PPU"), username="matrix-police")
    body = json.dumps(
        {
            "at": "2026-11-29T21:00:00+00:00",
            "lat": 53.0,
            "lon": -1.4,
            "radius_m": 100,
            "window_minutes": 30,
            "reason": "matrix check",
        }
    )
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "police":
            continue

        def call(client: Client, spec: RouteSpec = spec) -> Any:
            if spec.api:
                return client.post(spec.url, body, content_type="application/json")
            return client.get(spec.url)

        if spec.api:
            police_client = Client(HTTP_AUTHORIZATION=f"Bearer {f.token_for(officer)}")
        else:
            police_client = Client()
            police_client.force_login(officer)
        assert call(police_client).status_code == 200, name
        for label, _, _ in SUBJECTS:
            client = _client(world, label, spec.api)
            # The API's missing-record answer; for pages, the site's page-not-found.
            missing = client.get(f"/api/v1/people/{uuid.uuid4()}" if spec.api else "/no-such-page")
            refused = call(client)
            assert refused.status_code == 404, (name, label)
            assert refused.content == missing.content, (name, label)
        assert call(_client(world, "service", spec.api)).status_code == 404, name
        assert call(Client()).status_code == (401 if spec.api else 302), name


def test_referral_api_takes_referrals_from_staff_only(world: World) -> None:
    import json

    body = json.dumps({"what_happened": "matrix check"})
    for name, spec in ROUTE_SPECS.items():
        if spec.kind != "referral":
            continue
        for label, _, _ in SUBJECTS:
            response = _client(world, label, spec.api).post(
                spec.url, body, content_type="application/json"
            )
            assert response.status_code == 201, (name, label)
        service = _client(world, "service", spec.api)
        assert service.post(spec.url, body, content_type="application/json").status_code == 404
        anonymous = Client().post(spec.url, body, content_type="application/json")
        assert anonymous.status_code == 401, name


# --- Linkage review (issue 6): the comparison page reveals two whole records -------------------


def _linkage_world(world: World) -> dict[str, dict[str, str]]:
    """A plain pair and a restricted one (a former identity), each with an event and a master."""
    from safeguard.linkage.models import CandidatePair, LinkageEvent, PairStatus
    from safeguard.linkage.services import membership_of

    def pair(left: Person, right: Person, restricted: bool) -> dict[str, str]:
        made = CandidatePair.objects.create(
            left=left,
            right=right,
            match_weight=3.0,
            match_probability=0.9,
            restricted=restricted,
            status=PairStatus.KEPT_APART,
            reason="matrix",
        )
        event = LinkageEvent.objects.create(
            kind="keep_apart", pair=made, reason="matrix", pair_before={"status": "pending"}
        )
        return {
            "linkage_pair": str(made.pk),
            "linkage_event": str(event.pk),
            "linkage_master": str(membership_of(right).master_id),
        }

    t = world.targets
    return {
        "plain": pair(t["allocated"], t["other_agency"], restricted=False),
        "restricted": pair(t["unconnected"], t["former_identity"], restricted=True),
    }


_LINKAGE_KINDS = ("linkage_queue", "linkage_pair", "linkage_event", "linkage_master")


def _linkage_call(client: Client, spec: RouteSpec, url: str) -> Any:
    if spec.method == "get":
        return client.get(url)
    body = {"decision": "link", "reason": "matrix"} if "pairs" in url else {}
    if spec.api:  # a valid body: the policy, not the schema, must answer
        import json

        return client.post(url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


@pytest.mark.parametrize(("label", "role", "cleared"), SUBJECTS)
def test_linkage_routes_are_for_reviewers_and_restricted_pairs_for_the_officer(
    world: World, label: str, role: Role, cleared: bool
) -> None:
    ids = _linkage_world(world)
    for name, spec in ROUTE_SPECS.items():
        if spec.kind not in _LINKAGE_KINDS:
            continue
        for which in ("plain", "restricted"):
            if spec.kind == "linkage_queue" and which == "restricted":
                continue
            url = spec.url.replace("{id}", ids[which].get(spec.kind, ""))
            response = _linkage_call(_client(world, label, spec.api), spec, url)
            allowed = role is Role.PRIVACY_OFFICER or (role is Role.TRIAGE and which == "plain")
            if allowed:
                assert response.status_code != 404, (name, label, which)
            else:
                assert response.status_code == 404, (name, label, which)
            service = _linkage_call(_client(world, "service", spec.api), spec, url)
            assert service.status_code == 404, (name, which)
            anonymous = _linkage_call(Client(), spec, url)
            assert anonymous.status_code == (401 if spec.api else 302), (name, which)


def test_a_hidden_linkage_pair_looks_exactly_like_a_missing_one(world: World) -> None:
    ids = _linkage_world(world)
    triage = _client(world, "triage", api=False)
    for name in ("linkage-pair", "linkage-master"):
        spec = ROUTE_SPECS[name]
        hidden = triage.get(spec.url.replace("{id}", ids["restricted"][spec.kind]))
        missing = triage.get(spec.url.replace("{id}", str(uuid.uuid4())))
        assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)
    page = triage.get("/linkage/review").content.decode()
    assert "Former-Identity" not in page
    # The officer sees it among the recently decided pairs.
    officer = _client(world, "privacy_officer", api=False)
    assert "Former-Identity" in officer.get("/linkage/review").content.decode()
