"""Case notes, injury and health details, and triage notes are encrypted at rest (ASVS 6.1 /
11.1): the raw database and a pg_dump show no canary, the application still reads and filters,
and key rotation re-encrypts them."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection

from safeguard.referrals.models import Concern, ConcernSource
from safeguard.referrals.services.submit import concern_store
from safeguard.referrals.services.triage import concern_outcome_record, concern_rate
from safeguard.safeguarding.bodymap import SITES
from safeguard.safeguarding.models import ChronologyEvent
from safeguard.safeguarding.selectors.plans import last_seen_visits
from safeguard.safeguarding.services import contact_record
from safeguard.site import crypto
from safeguard.site.keys import key_generate, keys_rotate
from tests.safeguarding.helpers import Family, ago, family

NARRATIVE = "Canary narrative 5512 kitchen"
EXPLANATION = "Canary explanation 7731 fell on stairs"
ACTION = "Canary action 3309 strategy meeting"
REASON = "Canary attendance reason 6620 scald"
RAG_REASON = "Canary rag reason 4418 repeated"
RATIONALE = "Canary rationale 2207 section 47"
CANARIES = [NARRATIVE, EXPLANATION, ACTION, REASON, RAG_REASON, RATIONALE]

pytestmark = pytest.mark.django_db


def _raw(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return repr(cursor.fetchall())


def _records(fam: Family) -> tuple[ChronologyEvent, ChronologyEvent, ChronologyEvent, Concern]:
    injury = contact_record(
        actor=fam.sw,
        child=fam.child,
        kind="injury",
        agency="social_care",
        occurred_at=ago(3),
        details={"site": SITES[0], "type": "bruise", "explanation": EXPLANATION},
        narrative=NARRATIVE,
        action_taken=ACTION,
        significant=True,
    )
    attendance = contact_record(
        actor=fam.sw,
        child=fam.child,
        kind="attendance",
        agency="health",
        occurred_at=ago(2),
        details={
            "setting": "emergency_department",
            "provider": "Testshire General",
            "reason": REASON,
        },
    )
    visit = contact_record(
        actor=fam.sw,
        child=fam.child,
        kind="visit",
        agency="social_care",
        occurred_at=ago(1),
        details={"child_seen": True, "seen_alone": False},
    )
    concern = concern_store(
        {"child_name": "Tilly Testchild", "what_happened": "Shouting at night"},
        source=ConcernSource.PUBLIC,
    )
    concern_rate(actor=fam.sw, concern=concern, rag="amber", reason=RAG_REASON)
    concern_outcome_record(actor=fam.sw, concern=concern, outcome="nfa", rationale=RATIONALE)
    return injury, attendance, visit, concern


def test_case_notes_and_health_details_are_unreadable_in_the_raw_database() -> None:
    fam = family()
    injury, attendance, _, concern = _records(fam)
    raw = _raw("SELECT narrative, action_taken, details FROM safeguarding_chronologyevent") + _raw(
        "SELECT rag_reason, outcome_rationale FROM referrals_concern"
    )
    for canary in CANARIES:
        assert canary not in raw, canary
    assert "bruise" not in raw and "Testshire General" not in raw
    # The application reads them back in full.
    injury.refresh_from_db()
    assert injury.narrative == NARRATIVE and injury.action_taken == ACTION
    assert injury.details["explanation"] == EXPLANATION and injury.details["type"] == "bruise"
    assert ChronologyEvent.objects.get(pk=attendance.pk).details["reason"] == REASON
    stored = Concern.objects.get(pk=concern.pk)
    assert (stored.rag_reason, stored.outcome_rationale) == (RAG_REASON, RATIONALE)


def test_the_flag_the_plans_page_filters_on_still_works() -> None:
    fam = family()
    _, _, visit, _ = _records(fam)
    assert ChronologyEvent.objects.filter(pk=visit.pk, details__child_seen=True).exists()
    assert str(fam.child.pk) in last_seen_visits([fam.child.pk])


def test_a_sealed_detail_moved_to_another_column_does_not_open() -> None:
    fam = family()
    injury, *_ = _records(fam)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE safeguarding_chronologyevent SET action_taken = narrative WHERE id = %s",
            [injury.pk],
        )
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        ChronologyEvent.objects.get(pk=injury.pk)


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    crypto.reset_keyring_cache()
    yield monkeypatch
    crypto.reset_keyring_cache()


def _use(monkeypatch: pytest.MonkeyPatch, ring: str) -> None:
    monkeypatch.setenv("SAFEGUARD_FIELD_KEYS", ring)
    crypto.reset_keyring_cache()


def test_rotation_re_encrypts_case_notes_details_and_triage_notes(
    keys: pytest.MonkeyPatch,
) -> None:
    k1, k2 = key_generate("k1"), key_generate("k2")
    _use(keys, k1)
    fam = family()
    injury, attendance, _, concern = _records(fam)
    assert "enc1:k1:" in _raw("SELECT details FROM safeguarding_chronologyevent")
    _use(keys, f"{k2},{k1}")
    assert keys_rotate().values_rotated > 0
    _use(keys, k2)  # k1 retired: everything must open with k2 alone
    raw = _raw("SELECT narrative, action_taken, details FROM safeguarding_chronologyevent") + _raw(
        "SELECT rag_reason, outcome_rationale FROM referrals_concern"
    )
    assert "enc1:k1:" not in raw and "enc1:k2:" in raw
    injury.refresh_from_db()
    assert injury.narrative == NARRATIVE and injury.details["explanation"] == EXPLANATION
    assert ChronologyEvent.objects.get(pk=attendance.pk).details["reason"] == REASON
    assert Concern.objects.get(pk=concern.pk).outcome_rationale == RATIONALE
    assert keys_rotate().values_rotated == 0


def test_events_written_before_encryption_are_sealed_by_rotation() -> None:
    fam = family()
    injury, *_ = _records(fam)
    with connection.cursor() as cursor:  # as the table was before migration 0002
        cursor.execute(
            "UPDATE safeguarding_chronologyevent SET details = %s WHERE id = %s",
            ['{"site": "x", "type": "bruise", "explanation": "Legacy 8080"}', injury.pk],
        )
    assert "Legacy 8080" in _raw("SELECT details FROM safeguarding_chronologyevent")
    keys_rotate()
    assert "Legacy 8080" not in _raw("SELECT details FROM safeguarding_chronologyevent")
    assert ChronologyEvent.objects.get(pk=injury.pk).details["explanation"] == "Legacy 8080"


@pytest.mark.django_db(transaction=True)
def test_pg_dump_shows_no_case_note_or_health_canary() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is for PostgreSQL")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    _records(family(child_dob=date(2022, 5, 6)))
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = ["pg_dump", "--data-only", "-d", str(db["NAME"])]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    dump = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    assert "child_seen" in dump  # the dump is real: the clear flag is there
    for canary in CANARIES:
        assert canary not in dump, canary
