"""Fixes by day (ADR 0113): each fix in its UTC day's partition on PostgreSQL, (subject, seq)
still unique across days through the key table, partitions made ahead and dropped for
retention; SQLite's single table behaves the same to the feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from safeguard.audit.models import AuditEntry
from safeguard.monitoring.cli import app as monitor_app
from safeguard.monitoring.models import Fix, FixKey
from safeguard.monitoring.partitions import (
    default_rows,
    drop_before,
    ensure_partitions,
    is_partitioned,
)
from tests import factories as f
from tests.monitoring_app.helpers import feed_client, post

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="partitions are PostgreSQL's"
)


def _fix(subject: Any, seq: int, at: datetime, lat: float = 53.05) -> dict[str, Any]:
    return {
        "subject": str(subject),
        "seq": seq,
        "recorded_at": at.isoformat(),
        "lat": lat,
        "lon": -1.45,
        "accuracy_m": 10,
    }


def _partition_of(seq: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM monitoring_fix WHERE seq = %s", [seq])
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


@postgresql_only
def test_each_fix_is_stored_in_its_utc_days_partition() -> None:
    person = f.person()
    now = datetime.now(UTC).replace(microsecond=0)
    yesterday = now - timedelta(days=1)
    answer = post(feed_client(), [_fix(person.pk, 1, now), _fix(person.pk, 2, yesterday)]).json()
    assert answer["accepted"] == 2
    assert is_partitioned()
    assert _partition_of(1) == f"monitoring_fix_p{now:%Y%m%d}"
    assert _partition_of(2) == f"monitoring_fix_p{yesterday:%Y%m%d}"


@postgresql_only
def test_a_resend_on_another_day_is_still_one_fix() -> None:
    # (subject, seq) is unique across partitions: a copy with another time is a conflict.
    person = f.person()
    now = datetime.now(UTC).replace(microsecond=0)
    client = feed_client()
    post(client, [_fix(person.pk, 7, now)])
    answer = post(client, [_fix(person.pk, 7, now - timedelta(days=1))]).json()
    assert answer["accepted"] == 0
    assert answer["rejects"] == [{"index": 0, "reason": "conflict: differs from the stored copy"}]
    assert Fix.objects.filter(seq=7).count() == 1


@postgresql_only
def test_a_new_days_partition_takes_its_rows_from_the_default_partition() -> None:
    person = f.person()
    future = datetime(2031, 3, 4, 12, 0, tzinfo=UTC)  # a device clock years ahead
    client = feed_client()
    post(client, [_fix(person.pk, 1, future)])
    assert _partition_of(1) == "monitoring_fix_default"
    result = CliRunner().invoke(monitor_app, ["partitions", "--days", "1"])
    assert "1 fixes are in the DEFAULT partition" in result.output

    report = ensure_partitions(today=date(2031, 3, 4), days=1)

    assert report.created == [date(2031, 3, 3), date(2031, 3, 4), date(2031, 3, 5)]
    assert _partition_of(1) == "monitoring_fix_p20310304"
    assert post(client, [_fix(person.pk, 1, future)]).json()["duplicate"] == 1
    assert ensure_partitions(today=date(2031, 3, 4), days=1).created == []  # idempotent
    assert default_rows() == 0


@postgresql_only
def test_retention_drops_whole_days_and_forgets_their_keys() -> None:
    person = f.person()
    ensure_partitions(today=date(2031, 3, 4), days=1)
    client = feed_client()
    old, kept = datetime(2031, 3, 4, 9, tzinfo=UTC), datetime(2031, 3, 5, 9, tzinfo=UTC)
    post(client, [_fix(person.pk, 1, old), _fix(person.pk, 2, kept)])

    report = drop_before(date(2031, 3, 5))

    assert date(2031, 3, 4) in report.dropped and date(2031, 3, 5) not in report.dropped
    assert list(Fix.objects.filter(subject=str(person.pk)).values_list("seq", flat=True)) == [2]
    assert not FixKey.objects.filter(subject=str(person.pk), seq=1).exists()
    # Forgotten: the same reading sent again is a new one.
    assert post(client, [_fix(person.pk, 1, old)]).json()["accepted"] == 1


def test_deleting_a_fix_lets_the_same_reading_be_stored_again() -> None:
    person = f.person()
    now = datetime.now(UTC).replace(microsecond=0)
    client = feed_client()
    post(client, [_fix(person.pk, 1, now)])
    Fix.objects.filter(subject=str(person.pk)).delete()
    assert post(client, [_fix(person.pk, 1, now)]).json()["accepted"] == 1


def test_the_partitions_command_removes_expired_fixes_and_audits_it() -> None:
    person = f.person()
    client = feed_client()
    old = datetime(2020, 1, 1, 9, tzinfo=UTC)
    recent = datetime.now(UTC).replace(microsecond=0)
    post(client, [_fix(person.pk, 1, old), _fix(person.pk, 2, recent)])

    result = CliRunner().invoke(monitor_app, ["partitions", "--drop-before", "2020-06-01"])

    assert result.exit_code == 0, result.output
    assert "removed 1 fixes recorded before 2020-06-01" in result.output
    assert list(Fix.objects.filter(subject=str(person.pk)).values_list("seq", flat=True)) == [2]
    entry = AuditEntry.objects.filter(object_type="em_fixes", action="erasure").get()
    assert entry.details["fixes"] == 1
    bad = CliRunner().invoke(monitor_app, ["partitions", "--drop-before", "June"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    ahead = (recent + timedelta(days=2)).date().isoformat()
    typo = CliRunner().invoke(monitor_app, ["partitions", "--drop-before", ahead])
    assert typo.exit_code == 2 and "after today" in typo.output
    assert Fix.objects.filter(subject=str(person.pk)).count() == 1  # nothing current removed


@postgresql_only
def test_a_key_left_without_its_fix_is_reported_not_counted_as_a_duplicate() -> None:
    person = f.person()
    FixKey.objects.create(subject=str(person.pk), seq=3)  # as if its fix had been lost
    now = datetime.now(UTC).replace(microsecond=0)
    answer = post(feed_client(), [_fix(person.pk, 3, now)]).json()
    assert (answer["accepted"], answer["duplicate"]) == (0, 0)
    assert answer["rejects"] == [
        {"index": 0, "reason": "not stored: the store is inconsistent for this key"}
    ]
