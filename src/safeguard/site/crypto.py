"""Application-level encryption of the most sensitive fields, with keys outside the database.

Values are encrypted with AES-256-GCM under the current key of a key ring that comes from the
environment (``SAFEGUARD_FIELD_KEYS``) or a file (``SAFEGUARD_FIELD_KEYS_FILE``), never from the
database or Django's SECRET_KEY. Each ciphertext names its key id, so old keys keep decrypting
until ``safeguard keys rotate`` has re-encrypted everything under the current one. The column's
name is bound in as associated data, so a ciphertext copied into another column fails to open.
Where a field must be searched for equality, a keyed blind index (HMAC-SHA256 under a separate
key) is stored beside it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc1"
# Only for the demo and tests; `manage.py check --deploy` refuses it (safeguard.E004).
DEMO_KEYRING = "demo1:" + base64.urlsafe_b64encode(b"safeguard-demo-field-key-32bytes").decode()
DEMO_BLIND_INDEX_KEY = "safeguard-demo-blind-index-key"


class KeyringError(Exception):
    pass


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]
    blind_index_key: bytes

    @property
    def is_demo(self) -> bool:
        return "demo1" in self.keys or self.blind_index_key == DEMO_BLIND_INDEX_KEY.encode()


def parse_keyring(text: str, blind_index_key: str) -> Keyring:
    """``id:base64key,id:base64key`` — the first is used for new values."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in [part.strip() for part in text.split(",") if part.strip()]:
        key_id, _, encoded = item.partition(":")
        try:
            key = base64.urlsafe_b64decode(encoded.encode())
        except ValueError as exc:
            raise KeyringError(f"key {key_id!r} is not base64") from exc
        if not key_id or len(key) != 32:
            raise KeyringError(f"key {key_id!r} must be 32 bytes")
        keys[key_id] = key
        order.append(key_id)
    if not order:
        raise KeyringError("no field encryption keys")
    return Keyring(order[0], keys, blind_index_key.encode())


@cache
def keyring() -> Keyring:
    path = os.environ.get("SAFEGUARD_FIELD_KEYS_FILE")
    text = Path(path).read_text() if path else os.environ.get("SAFEGUARD_FIELD_KEYS", DEMO_KEYRING)
    return parse_keyring(text, os.environ.get("SAFEGUARD_BLIND_INDEX_KEY", DEMO_BLIND_INDEX_KEY))


def reset_keyring_cache() -> None:
    keyring.cache_clear()


def encrypt(plaintext: str, *, context: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(12)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(
        nonce, plaintext.encode("utf-8"), context.encode()
    )
    blob = base64.urlsafe_b64encode(nonce + sealed).decode()
    return f"{PREFIX}:{ring.current_id}:{blob}"


def key_id_of(ciphertext: str) -> str | None:
    parts = ciphertext.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None


def decrypt(ciphertext: str, *, context: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    prefix, key_id, blob = ciphertext.split(":", 2)
    if prefix != PREFIX or key_id not in ring.keys:
        raise KeyringError(f"no key {key_id!r} to decrypt a value")
    raw = base64.urlsafe_b64decode(blob.encode())
    opened = AESGCM(ring.keys[key_id]).decrypt(raw[:12], raw[12:], context.encode())
    return opened.decode("utf-8")


def blind_index(value: str, *, context: str, ring: Keyring | None = None) -> str:
    """A keyed digest for equality search; normalised (case, spaces) before hashing."""
    ring = ring or keyring()
    normalised = " ".join(value.split()).casefold()
    message = f"{context}\x00{normalised}".encode()
    return hmac.new(ring.blind_index_key, message, hashlib.sha256).hexdigest()
