"""Key rotation for encrypted fields: re-encrypt every value under the current key."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from django.db import connection, transaction

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.site import crypto
from safeguard.site.fields import encrypted_fields, encrypted_json_fields, sealed_key_id


@dataclass(frozen=True)
class RotationResult:
    values_checked: int
    values_rotated: int


def key_generate(key_id: str) -> str:
    return f"{key_id}:" + base64.urlsafe_b64encode(os.urandom(32)).decode()


def keys_rotate(*, batch_size: int = 500) -> RotationResult:
    """Re-encrypt values whose key is not the current one. Safe to run again after a crash:
    each batch commits on its own, and values already under the current key are skipped."""
    ring = crypto.keyring()
    checked = rotated = 0
    quote = connection.ops.quote_name
    for model, fields in encrypted_fields():
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        for field in fields:
            column = quote(field.column)
            last = None
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    where = f"WHERE {column} IS NOT NULL" + (f" AND {pk} > %s" if last else "")
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} {where} ORDER BY {pk} LIMIT %s",  # noqa: S608  # nosec B608 - quoted identifiers, bound values
                        [last, batch_size] if last else [batch_size],
                    )
                    rows = cursor.fetchall()
                    for key, value in rows:
                        if value == "":  # a blank optional value is stored as it is
                            continue
                        checked += 1
                        if crypto.key_id_of(value) == ring.current_id:
                            continue
                        plain = crypto.decrypt(value, context=field.crypto_context, ring=ring)
                        fresh = crypto.encrypt(plain, context=field.crypto_context, ring=ring)
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608  # nosec B608
                            [fresh, key],
                        )
                        rotated += 1
                if len(rows) < batch_size:
                    break
                last = rows[-1][0]
    for json_model, json_fields in encrypted_json_fields():
        table, pk = quote(json_model._meta.db_table), quote(json_model._meta.pk.column)
        for json_field in json_fields:
            column = quote(json_field.column)
            last = None
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    where = f"WHERE {column} IS NOT NULL" + (f" AND {pk} > %s" if last else "")
                    cursor.execute(
                        f"SELECT {pk}, {column} FROM {table} {where} ORDER BY {pk} LIMIT %s",  # noqa: S608  # nosec B608 - quoted identifiers, bound values
                        [last, batch_size] if last else [batch_size],
                    )
                    rows = cursor.fetchall()
                    for key, raw in rows:
                        checked += 1
                        if sealed_key_id(raw) == ring.current_id:
                            continue
                        value = json.loads(raw) if isinstance(raw, str) else raw
                        if not isinstance(value, dict):
                            continue
                        # Saving the opened value seals it again under the current key (a
                        # value written before encryption is sealed for the first time).
                        plain = json_field.unseal(value, ring=ring)
                        json_model._base_manager.filter(pk=key).update(**{json_field.name: plain})
                        rotated += 1
                if len(rows) < batch_size:
                    break
                last = rows[-1][0]
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.ALTERATION,
            object_type="encryption_keys",
            summary="re-encrypted sensitive fields under the current key",
            details={"current_key": ring.current_id, "checked": checked, "rotated": rotated},
            actor_label="key-rotation",
        )
    return RotationResult(checked, rotated)
