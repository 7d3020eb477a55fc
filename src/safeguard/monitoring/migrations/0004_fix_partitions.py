"""Fixes partitioned by day on PostgreSQL, their (subject, seq) kept unique by a key table
(ADRs 0106, 0113). SQLite keeps its single table; the key table exists there unused."""

from typing import Any

from django.db import migrations, models


def forwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from safeguard.monitoring.partitions import partition_fixes

    partition_fixes(schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    from safeguard.monitoring.partitions import unpartition_fixes

    unpartition_fixes(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_evaluation_queue"),
    ]

    operations = [
        migrations.CreateModel(
            name="FixKey",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "subject",
                        "seq",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("subject", models.CharField(max_length=64)),
                ("seq", models.BigIntegerField()),
            ],
            options={"db_table": "monitoring_fix_key"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
