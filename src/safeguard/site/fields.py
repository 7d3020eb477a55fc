"""Model fields for values encrypted at rest (see safeguard.site.crypto)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import models

from safeguard.site import crypto

if TYPE_CHECKING:  # django-stubs' generic fields: what Python code sets and gets
    _TextBase = models.Field[str | None, str | None]
    _FloatBase = models.Field[float | int | None, float | None]
else:
    _TextBase = _FloatBase = models.Field


class _EncryptedField(models.Field):  # type: ignore[type-arg]
    """Stored as ``enc1:<key id>:<nonce+ciphertext>`` in a text column."""

    def get_internal_type(self) -> str:
        return "TextField"

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any
    ) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def _open(self, value: str | None) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.crypto_context)

    def _seal(self, text: str) -> str:
        return crypto.encrypt(text, context=self.crypto_context)

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertext is randomised: only null checks make sense. Search through a blind index.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedTextField(_EncryptedField, _TextBase):
    """Python code sees plain text."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return self._open(value)

    def to_python(self, value: Any) -> Any:
        return value if value is None else str(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return self._seal(str(value))


class EncryptedFloatField(_EncryptedField, _FloatBase):
    """A float (e.g. a coordinate); Python code sees a float."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> float | None:
        text = self._open(value)
        return None if text is None or text == "" else float(text)

    def to_python(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, float):
            return value
        return float(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        return self._seal(repr(float(value)))


def encrypted_fields() -> list[tuple[type[models.Model], list[_EncryptedField]]]:
    """Models with text or float fields encrypted whole (EncryptedJSONField: see json_fields)."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, _EncryptedField)]
        if fields:
            found.append((model, fields))
    return found


SEALED_KEY = "_sealed"


class EncryptedJSONField(models.JSONField):
    """A JSON object whose keys are sealed, except those named in ``plain_keys``.

    Stored as ``{<plain key>: value, ..., "_sealed": "enc1:<key id>:..."}``, so the few keys the
    application filters on in the database (flags, record ids) stay queryable
    (``details__child_seen=True``) while every free-text and health detail is ciphertext. Python
    code sees the whole object. Lookups pass through unchanged (only saved values are sealed).
    """

    def __init__(self, *args: Any, plain_keys: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.plain_keys = tuple(plain_keys)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.plain_keys:
            kwargs["plain_keys"] = self.plain_keys
        return name, path, args, kwargs

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any
    ) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def seal(self, value: Any, ring: crypto.Keyring | None = None) -> Any:
        """The stored form of a Python value (only objects are sealed)."""
        if not isinstance(value, dict) or SEALED_KEY in value:
            return value
        plain = {k: v for k, v in value.items() if k in self.plain_keys}
        secret = {k: v for k, v in value.items() if k not in self.plain_keys}
        text = json.dumps(secret, cls=self.encoder, sort_keys=True)
        return {**plain, SEALED_KEY: crypto.encrypt(text, context=self.crypto_context, ring=ring)}

    def unseal(self, value: Any, ring: crypto.Keyring | None = None) -> Any:
        if not isinstance(value, dict) or not isinstance(value.get(SEALED_KEY), str):
            return value
        opened = json.loads(
            crypto.decrypt(value[SEALED_KEY], context=self.crypto_context, ring=ring)
        )
        return {**{k: v for k, v in value.items() if k != SEALED_KEY}, **opened}

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        return super().get_db_prep_save(self.seal(value), connection)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return self.unseal(super().from_db_value(value, expression, connection))


def sealed_key_id(raw: Any) -> str | None:
    """The key id of a stored (raw column) value of an EncryptedJSONField."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if isinstance(raw, dict) and isinstance(raw.get(SEALED_KEY), str):
        return crypto.key_id_of(raw[SEALED_KEY])
    return None


def encrypted_json_fields() -> list[tuple[type[models.Model], list[EncryptedJSONField]]]:
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedJSONField)]
        if fields:
            found.append((model, fields))
    return found
