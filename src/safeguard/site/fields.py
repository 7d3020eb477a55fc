"""Model fields for values encrypted at rest (see safeguard.site.crypto)."""

from __future__ import annotations

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
    from django.apps import apps

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, _EncryptedField)]
        if fields:
            found.append((model, fields))
    return found
