"""Encrypt chronology narratives, actions taken and event details at rest, converting existing
rows (docs/security.md, "Encryption at rest"). Reversible: going back writes plain text again."""

import json
from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import safeguard.site.fields
from safeguard.site import crypto

TABLE = "safeguarding_chronologyevent"
TEXT_COLUMNS = ["narrative", "action_taken"]
PLAIN_KEYS = ("child_seen", "person", "adults_present")


def _context(column: str) -> str:
    return f"safeguarding.chronologyevent.{column}"


def _rows(schema_editor: BaseDatabaseSchemaEditor, column: str) -> list[tuple[Any, Any]]:
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {quote(column)} FROM {TABLE} ORDER BY id")  # noqa: S608  # nosec B608
        return list(cursor.fetchall())


def _set(schema_editor: BaseDatabaseSchemaEditor, column: str, key: Any, value: str) -> None:
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608  # nosec B608
            [value, key],
        )


def encrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for column in TEXT_COLUMNS:
        for key, value in _rows(schema_editor, column):
            if not value or str(value).startswith(crypto.PREFIX + ":"):
                continue
            _set(schema_editor, column, key, crypto.encrypt(str(value), context=_context(column)))
    Event = apps.get_model("safeguarding", "ChronologyEvent")
    for key, raw in _rows(schema_editor, "details"):
        value = json.loads(raw) if isinstance(raw, str) else raw
        if isinstance(value, dict) and "_sealed" not in value:
            # The field seals the object when it is saved.
            Event.objects.filter(pk=key).update(details=value)


def decrypt_existing(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for column in TEXT_COLUMNS:
        for key, value in _rows(schema_editor, column):
            if value and str(value).startswith(crypto.PREFIX + ":"):
                _set(schema_editor, column, key, crypto.decrypt(value, context=_context(column)))
    field = safeguard.site.fields.EncryptedJSONField(plain_keys=PLAIN_KEYS)
    field.crypto_context = _context("details")
    for key, raw in _rows(schema_editor, "details"):
        value = json.loads(raw) if isinstance(raw, str) else raw
        if isinstance(value, dict) and "_sealed" in value:
            _set(schema_editor, "details", key, json.dumps(field.unseal(value)))


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="chronologyevent",
            name="action_taken",
            field=safeguard.site.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="chronologyevent",
            name="details",
            field=safeguard.site.fields.EncryptedJSONField(default=dict, plain_keys=PLAIN_KEYS),
        ),
        migrations.AlterField(
            model_name="chronologyevent",
            name="narrative",
            field=safeguard.site.fields.EncryptedTextField(blank=True),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
