"""`safeguard chronology export` writes EVENTS.jsonl exactly as contracts.md §3 describes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from safeguard.audit.models import AuditEntry
from safeguard.people.models import Person
from safeguard.safeguarding.chronology_cli import app
from safeguard.safeguarding.engine.parse import parse_lines
from safeguard.safeguarding.models import ChronologyEvent, HouseholdMember
from safeguard.safeguarding.services import (
    NewAdult,
    contact_record,
    household_member_add,
    household_member_leave,
    plan_end,
    plan_start,
)
from tests import factories as f
from tests.safeguarding.helpers import Family, ago, family

pytestmark = pytest.mark.django_db

# contracts.md §3, written out here independently of the code's own kind table.
CONTRACT_DETAILS: dict[str, set[str]] = {
    "child_registered": {"dob", "name"},
    "cp_plan_started": {"category"},
    "cp_plan_ended": {"category"},
    "household_member_added": {"person", "role"},
    "household_member_left": {"person", "role"},
    "visit": {"child_seen", "adults_present"},
    "injury": {"site", "type", "explanation", "mobile"},
    "attendance": {"setting", "provider", "reason"},
    "missed_appointment": {"setting"},
    "police_callout": {"reason", "adults_present"},
    "concern": {"summary"},
    "adult_restriction": {"person", "restriction"},
    "adult_associated": {"person", "reason"},
}
PERSON_KEYS = {"person"}
PEOPLE_KEYS = {"adults_present"}
AGENCIES = {"social_care", "police", "health", "education", "probation", "public"}
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def every_kind(fam: Family) -> None:
    """One event of every kind (registration and a household member come from the fixture)."""
    sw, child = fam.sw, fam.child
    today = timezone.localdate()
    partner = f.person("Jesse", "Testpartner", dob=None)
    member = household_member_add(
        actor=sw,
        child=child,
        person=partner,
        role="partner_of_parent",
        relationship="mother's partner",
        moved_in_on=today - timedelta(days=90),
        known_by="told",
    )
    household_member_leave(actor=sw, member=member, moved_out_on=today - timedelta(days=30))
    plan = plan_start(
        actor=sw,
        child=child,
        category="neglect",
        started_on=today - timedelta(days=120),
        initial_conference_on=today - timedelta(days=120),
        team=fam.social_care,
        social_worker=sw,
    )
    mother = str(fam.mother.pk)

    def record(
        kind: str,
        agency: str,
        days: float,
        details: dict[str, object],
        new_adults: Sequence[NewAdult] = (),
    ) -> None:
        contact_record(
            actor=sw,
            child=child,
            kind=kind,
            agency=agency,
            occurred_at=ago(days),
            details=details,
            new_adults=new_adults,
        )

    record(
        "visit",
        "social_care",
        100,
        {"child_seen": True, "seen_alone": True, "adults_present": [mother]},
    )
    record("visit", "health", 95, {"child_seen": False, "adults_present": []})
    record(
        "injury",
        "health",
        80,
        {
            "site": "left_forearm_front",
            "type": "bruise",
            "explanation": "fell over",
            "mobile": True,
            "u": 0.25,
            "v": 0.5,
        },
    )
    record(
        "injury", "education", 79, {"site": "face", "type": "burn"}
    )  # explanation, mobile unknown
    record(
        "attendance",
        "health",
        70,
        {"setting": "emergency_department", "provider": "Testshire General", "reason": "fall"},
    )
    record("missed_appointment", "health", 60, {"setting": "gp"})
    record(
        "police_callout",
        "police",
        50,
        {"reason": "noise", "adults_present": [mother]},
        new_adults=[NewAdult("Dale", "Stranger")],
    )
    record("concern", "public", 40, {"summary": "children left alone"})
    record(
        "adult_associated",
        "police",
        35,
        {"person": str(partner.pk), "reason": "partner of the mother"},
    )
    record(
        "adult_restriction",
        "probation",
        34,
        {"person": str(partner.pk), "restriction": "no unsupervised contact"},
    )
    plan_end(actor=sw, plan=plan, ended_on=today - timedelta(days=1), reason="risk reduced")


def export(
    tmp_path: Path, child_id: object, user: str, name: str = "EVENTS.jsonl"
) -> tuple[int, str, Path]:
    out = tmp_path / name
    result = CliRunner().invoke(
        app, ["export", str(child_id), "--format", "jsonl", "--out", str(out), "--as-user", user]
    )
    return result.exit_code, result.output, out


def test_every_kind_exports_in_the_contract_shape(tmp_path: Path) -> None:
    fam = family()
    every_kind(fam)
    code, output, out = export(tmp_path, fam.child.pk, "sw.test")
    assert code == 0, output
    lines = out.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert len(events) == ChronologyEvent.objects.filter(child=fam.child).count()
    assert {e["kind"] for e in events} == set(CONTRACT_DETAILS)
    people = {str(pk) for pk in Person.objects.values_list("pk", flat=True)}
    instants = []
    for e in events:
        assert set(e) == {"id", "child", "at", "agency", "kind", "details"}
        assert e["child"] == str(fam.child.pk)
        assert re.fullmatch(r"e\d+", e["id"])
        assert UTC_TIME.match(e["at"]), e["at"]
        instants.append(datetime.fromisoformat(e["at"]))
        assert e["agency"] in AGENCIES
        details = e["details"]
        assert CONTRACT_DETAILS[e["kind"]] <= set(details), (e["kind"], details)
        for key in PERSON_KEYS & set(details):
            assert details[key] in people
        for key in PEOPLE_KEYS & set(details):
            assert isinstance(details[key], list)
            assert set(details[key]) <= people
    assert instants == sorted(instants)
    by_kind = {e["kind"]: e["details"] for e in events}
    assert by_kind["child_registered"] == {
        "dob": str(fam.child.person.date_of_birth),
        "name": "Robin Testchild",
    }
    assert by_kind["cp_plan_ended"] == {"category": "neglect"}
    assert by_kind["household_member_left"]["role"] == "partner_of_parent"
    assert isinstance(by_kind["visit"]["child_seen"], bool)
    injuries = [e["details"] for e in events if e["kind"] == "injury"]
    assert injuries[0]["mobile"] is True and injuries[0]["site"] == "left_forearm_front"
    assert injuries[1]["mobile"] is None and injuries[1]["explanation"] == ""
    callout = by_kind["police_callout"]
    assert len(callout["adults_present"]) == 2  # the mother and the new adult, by person id
    stranger = Person.objects.get(given_name="Dale", family_name="Stranger")
    assert str(stranger.pk) in callout["adults_present"]


def test_the_indicator_engine_reads_the_export_unchanged(tmp_path: Path) -> None:
    fam = family()
    every_kind(fam)
    code, _, out = export(tmp_path, fam.child.pk, "sw.test")
    assert code == 0
    parsed = parse_lines(out.read_text(encoding="utf-8").splitlines(keepends=True))
    assert parsed.rejects == []
    assert len(parsed.events) == len(out.read_text().splitlines())


def test_export_is_byte_identical_when_run_twice(tmp_path: Path) -> None:
    fam = family()
    every_kind(fam)
    assert export(tmp_path, fam.child.pk, "sw.test", "a.jsonl")[0] == 0
    assert export(tmp_path, fam.child.pk, "sw.test", "b.jsonl")[0] == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_times_are_written_in_utc_with_z(tmp_path: Path) -> None:
    """contracts.md: output times are UTC with Z. 00:30 on a summer night is 23:30Z the day
    before (ADR 0502)."""
    fam = family()
    from zoneinfo import ZoneInfo

    night = datetime(2026, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/London"))
    contact_record(
        actor=fam.sw,
        child=fam.child,
        kind="concern",
        agency="public",
        occurred_at=night,
        details={"summary": "late noise"},
    )
    code, _, out = export(tmp_path, fam.child.pk, "sw.test")
    assert code == 0
    concern = next(json.loads(line) for line in out.read_text().splitlines() if '"concern"' in line)
    assert concern["at"] == "2026-06-30T23:30:00Z"


def test_export_is_a_disclosure_with_purpose_and_recipient(tmp_path: Path) -> None:
    fam = family()
    before = AuditEntry.objects.count()
    out = tmp_path / "EVENTS.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "export",
            str(fam.child.pk),
            "--out",
            str(out),
            "--as-user",
            "sw.test",
            "--purpose",
            "strategy discussion",
            "--recipient",
            "MASH",
        ],
    )
    assert result.exit_code == 0, result.output
    [entry] = AuditEntry.objects.filter(seq__gt=before)
    assert entry.action == "disclosure"
    assert entry.object_id == str(fam.child.pk)
    assert entry.justification == "strategy discussion"
    assert entry.recipients == ["MASH"]
    assert entry.actor_id == fam.sw.pk


def test_unusable_arguments_exit_2_without_writing(tmp_path: Path) -> None:
    fam = family()
    missing_user = export(tmp_path, fam.child.pk, "nobody")
    assert missing_user[0] == 2 and "no active user" in missing_user[1]
    assert not missing_user[2].exists()
    # Someone who may not see the child gets the same answer as for a child that does not exist.
    forbidden = export(tmp_path, fam.child.pk, fam.outsider.username)
    missing = export(tmp_path, "0b0b0b0b-0000-4000-8000-000000000000", fam.outsider.username)
    assert forbidden[0] == missing[0] == 2
    assert forbidden[1] == missing[1]
    assert not (tmp_path / "EVENTS.jsonl").exists()
    bad_format = CliRunner().invoke(
        app,
        [
            "export",
            str(fam.child.pk),
            "--format",
            "xml",
            "--out",
            str(tmp_path / "x"),
            "--as-user",
            "sw.test",
        ],
    )
    assert bad_format.exit_code == 2


def test_household_rows_and_events_agree(tmp_path: Path) -> None:
    """The recorded household (table) and its events (export) say the same."""
    fam = family()
    every_kind(fam)
    code, _, out = export(tmp_path, fam.child.pk, "sw.test")
    assert code == 0
    current: set[str] = set()
    for line in out.read_text().splitlines():
        e = json.loads(line)
        if e["kind"] == "household_member_added":
            current.add(e["details"]["person"])
        elif e["kind"] == "household_member_left":
            current.discard(e["details"]["person"])
    rows = {
        str(p)
        for p in HouseholdMember.objects.filter(
            child=fam.child, moved_out_on__isnull=True
        ).values_list("person_id", flat=True)
    }
    assert current == rows == {str(fam.mother.pk)}
