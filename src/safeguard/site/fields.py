"""Model fields for values encrypted at rest (see safeguard.site.crypto)."""

from __future__ import annotations

from typing import Any

from django.db import models

from safeguard.site import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stored as ``enc1:<key id>:<nonce+ciphertext>``; Python code sees plain text."""

    def contribute_to_class(
        self, cls: type[models.Model], name: str, *args: Any, **kwargs: Any
    ) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.crypto_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.crypto_context)

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertext is randomised: only null checks make sense. Search through a blind index.
        if lookup_name not in {"isnull"}:
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


class EncryptedFloatField(EncryptedTextField):
    """A float (e.g. a coordinate) encrypted at rest; Python code sees a float."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return None if text in (None, "") else float(text)

    def to_python(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, float):
            return value
        return float(value)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        return crypto.encrypt(repr(float(value)), context=self.crypto_context)
