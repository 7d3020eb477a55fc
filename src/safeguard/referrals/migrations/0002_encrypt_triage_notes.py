"""Encrypt the triage notes (RAG reason, outcome rationale) at rest like the concern they quote,
converting existing rows. Reversible: going back writes plain text again."""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import safeguard.site.fields
from safeguard.site import crypto

TABLE = "referrals_concern"
COLUMNS = ["rag_reason", "outcome_rationale"]


def _convert(schema_editor: BaseDatabaseSchemaEditor, *, seal: bool) -> None:
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        for column in COLUMNS:
            context = f"referrals.concern.{column}"
            cursor.execute(f"SELECT id, {quote(column)} FROM {TABLE}")  # noqa: S608  # nosec B608
            rows: list[tuple[Any, Any]] = list(cursor.fetchall())
            for key, value in rows:
                if not value or str(value).startswith(crypto.PREFIX + ":") == seal:
                    continue
                new = (
                    crypto.encrypt(str(value), context=context)
                    if seal
                    else crypto.decrypt(str(value), context=context)
                )
                cursor.execute(
                    f"UPDATE {TABLE} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608  # nosec B608
                    [new, key],
                )


def encrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _convert(schema_editor, seal=True)


def decrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _convert(schema_editor, seal=False)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="concern",
            name="outcome_rationale",
            field=safeguard.site.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="concern",
            name="rag_reason",
            field=safeguard.site.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
