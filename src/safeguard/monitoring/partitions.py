"""Fixes partitioned by day on PostgreSQL (ADRs 0106, 0113).

``monitoring_fix`` is ``PARTITION BY RANGE (recorded_at)`` with one partition per UTC day
(``monitoring_fix_pYYYYMMDD``) and a DEFAULT partition for readings dated outside them. The
uniqueness of (subject, seq), which the ingest's idempotency rests on, is kept by the
``monitoring_fix_key`` table (``FixKey``) and a delete trigger that forgets a deleted fix's
key. ``ensure_partitions`` (run daily by ``safeguard monitor partitions``) creates the coming
days' partitions, moving any rows the DEFAULT partition already holds for those days;
``drop_before`` is retention: whole days detached and dropped, their keys forgotten. SQLite
keeps one table: there ``drop_before`` deletes in batches and ``ensure_partitions`` does
nothing.

Every identifier built here comes from a date (``_name``), never from input text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction

PARENT = "monitoring_fix"
DEFAULT = "monitoring_fix_default"
_PREFIX = "monitoring_fix_p"
_DELETE_BATCH = 50_000

# The columns after ``id``, as the Django model (models.Fix) has them.
_FIX_COLUMNS = """subject varchar(64) NOT NULL,
        seq bigint NOT NULL,
        recorded_at timestamptz NOT NULL,
        lat double precision NOT NULL,
        lon double precision NOT NULL,
        accuracy_m double precision NULL,
        received_at timestamptz NOT NULL"""

# The partitioned table, its sequence, indexes, DEFAULT partition and key trigger. The columns
# and index names are the model's, so the ORM reads and writes it as before.
CREATE_PARTITIONED = [
    "CREATE SEQUENCE monitoring_fix_row_id_seq",
    f"""CREATE TABLE monitoring_fix (
        id bigint NOT NULL DEFAULT nextval('monitoring_fix_row_id_seq'),
        {_FIX_COLUMNS},
        CONSTRAINT monitoring_fix_row_pkey PRIMARY KEY (id, recorded_at)
    ) PARTITION BY RANGE (recorded_at)""",
    "ALTER SEQUENCE monitoring_fix_row_id_seq OWNED BY monitoring_fix.id",
    "CREATE INDEX monitoring_fix_time_idx ON monitoring_fix (subject, recorded_at)",
    "CREATE INDEX monitoring_fix_at_idx ON monitoring_fix (recorded_at)",
    f"CREATE TABLE {DEFAULT} PARTITION OF monitoring_fix DEFAULT",
    """CREATE FUNCTION monitoring_fix_forget_key() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM monitoring_fix_key WHERE subject = OLD.subject AND seq = OLD.seq;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER monitoring_fix_forget_key AFTER DELETE ON monitoring_fix
        FOR EACH ROW EXECUTE FUNCTION monitoring_fix_forget_key()""",
]


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [PARENT],
        )
        return cursor.fetchone() is not None


def _name(day: date) -> str:
    return f"{_PREFIX}{day:%Y%m%d}"


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    return start, start + timedelta(days=1)


def default_rows() -> int:
    """Fixes in the DEFAULT partition: dated outside every day partition (a device clock far
    off, or `partitions` not run). Worth an alarm when it grows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DEFAULT}")  # noqa: S608  # nosec B608 - a constant
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def existing_days() -> list[date]:
    """The days that have their own partition, in order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s AND c.relname LIKE %s",
            [PARENT, _PREFIX + "%"],
        )
        names = [row[0] for row in cursor.fetchall()]
    return sorted(datetime.strptime(n[len(_PREFIX) :], "%Y%m%d").date() for n in names)


def create_day(day: date) -> bool:
    """Give ``day`` its partition (False when it has one), moving its rows out of DEFAULT.
    In one transaction: the DEFAULT partition is locked while its rows for the day move."""
    if day in existing_days():
        return False
    start, end = _bounds(day)
    name = _name(day)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS)")  # nosec B608
        move = (
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE recorded_at >= %s AND recorded_at < %s "  # noqa: S608  # nosec B608 - names from a date
            f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"
        )
        cursor.execute(move, [start, end])
        # The delete trigger forgot the moved rows' keys: they are still stored, so back.
        keep = f"INSERT INTO monitoring_fix_key (subject, seq) SELECT subject, seq FROM {name}"  # noqa: S608  # nosec B608 - the name is from a date
        cursor.execute(keep + " ON CONFLICT DO NOTHING")
        cursor.execute(
            f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",  # nosec B608
            [start, end],
        )
    return True


@dataclass
class PartitionReport:
    created: list[date] = field(default_factory=list)
    dropped: list[date] = field(default_factory=list)
    rows_removed: int = 0


def ensure_partitions(*, today: date, days: int) -> PartitionReport:
    """Partitions for yesterday through ``days`` days ahead (UTC days)."""
    report = PartitionReport()
    if not is_partitioned():
        return report
    for offset in range(-1, days + 1):
        day = today + timedelta(days=offset)
        if create_day(day):
            report.created.append(day)
    return report


def drop_before(cutoff: date) -> PartitionReport:
    """Retention: every fix recorded before ``cutoff`` (00:00 UTC) is removed. PostgreSQL:
    whole day partitions detached and dropped (no bulk DELETE, no vacuum storm), their keys
    forgotten first; older rows in DEFAULT deleted. SQLite: deleted in batches."""
    report = PartitionReport()
    start, _ = _bounds(cutoff)
    if not is_partitioned():
        report.rows_removed = _delete_older(start)
        return report
    for day in existing_days():
        if day >= cutoff:
            break
        name = _name(day)
        with transaction.atomic(), connection.cursor() as cursor:
            forget = (
                f"DELETE FROM monitoring_fix_key k USING {name} f "  # noqa: S608  # nosec B608 - the name is from a date
                "WHERE k.subject = f.subject AND k.seq = f.seq"
            )
            cursor.execute(forget)
            report.rows_removed += max(cursor.rowcount, 0)
            cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {name}")  # nosec B608
            cursor.execute(f"DROP TABLE {name}")
        report.dropped.append(day)
    report.rows_removed += _delete_older(start)  # stragglers in DEFAULT; the trigger forgets keys
    return report


def _delete_older(moment: datetime) -> int:
    from safeguard.monitoring.models import Fix

    removed = 0
    while True:
        with transaction.atomic():
            ids = list(
                Fix.objects.filter(recorded_at__lt=moment).values_list("id", flat=True)[
                    :_DELETE_BATCH
                ]
            )
            if not ids:
                return removed
            removed += Fix.objects.filter(id__in=ids).delete()[0]


def partition_fixes(schema_editor: Any, days_ahead: int = 7) -> None:
    """Migration step (PostgreSQL): the single table becomes the partitioned one, rows and
    ids kept, one partition for each day that has rows and for yesterday to a week ahead."""
    execute = schema_editor.execute
    execute("ALTER TABLE monitoring_fix RENAME TO monitoring_fix_single")
    for index in ("monitoring_fix_time_idx", "monitoring_fix_at_idx"):
        execute(f"ALTER INDEX {index} RENAME TO {index}_single")
    for statement in CREATE_PARTITIONED:
        execute(statement)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT (recorded_at AT TIME ZONE 'UTC')::date FROM monitoring_fix_single"
        )
        with_rows = [row[0] for row in cursor.fetchall()]
    today = datetime.now(UTC).date()
    ahead = [today + timedelta(days=k) for k in range(-1, days_ahead + 1)]
    for day in sorted(set(with_rows) | set(ahead)):
        create_day(day)
    execute(
        "INSERT INTO monitoring_fix (id, subject, seq, recorded_at, lat, lon, accuracy_m, "
        "received_at) SELECT id, subject, seq, recorded_at, lat, lon, accuracy_m, received_at "
        "FROM monitoring_fix_single"
    )
    execute(
        "INSERT INTO monitoring_fix_key (subject, seq) "
        "SELECT subject, seq FROM monitoring_fix_single"
    )
    execute(
        "SELECT setval('monitoring_fix_row_id_seq', "
        "COALESCE((SELECT max(id) FROM monitoring_fix_single), 0) + 1, false)"
    )
    execute("DROP TABLE monitoring_fix_single")


def unpartition_fixes(schema_editor: Any) -> None:
    """The reverse migration: one table again, with its unique key; the key table emptied."""
    execute = schema_editor.execute
    execute("ALTER TABLE monitoring_fix RENAME TO monitoring_fix_parts")
    for index in ("monitoring_fix_time_idx", "monitoring_fix_at_idx"):
        execute(f"ALTER INDEX {index} RENAME TO {index}_parts")
    execute(
        f"""CREATE TABLE monitoring_fix (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            {_FIX_COLUMNS},
            CONSTRAINT monitoring_fix_subject_seq UNIQUE (subject, seq)
        )"""
    )
    execute("CREATE INDEX monitoring_fix_time_idx ON monitoring_fix (subject, recorded_at)")
    execute("CREATE INDEX monitoring_fix_at_idx ON monitoring_fix (recorded_at)")
    execute(
        "INSERT INTO monitoring_fix (id, subject, seq, recorded_at, lat, lon, accuracy_m, "
        "received_at) OVERRIDING SYSTEM VALUE SELECT id, subject, seq, recorded_at, lat, lon, "
        "accuracy_m, received_at FROM monitoring_fix_parts"
    )
    execute(
        "SELECT setval(pg_get_serial_sequence('monitoring_fix', 'id'), "
        "COALESCE((SELECT max(id) FROM monitoring_fix), 0) + 1, false)"
    )
    execute("DROP TABLE monitoring_fix_parts")
    execute("DROP FUNCTION monitoring_fix_forget_key()")
    execute("DELETE FROM monitoring_fix_key")


def day_names(days: Iterable[date]) -> list[str]:
    return [d.isoformat() for d in days]
