"""Sensitive fields encrypted at rest; keys outside the database; rotation; blind index."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection

from safeguard.people.models import IdentityLink, PersonAddress, postcode_digest
from safeguard.site import crypto
from safeguard.site.keys import key_generate, keys_rotate
from tests import factories as f

CANARY = "Canary Cottage 4471"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    crypto.reset_keyring_cache()
    yield monkeypatch
    crypto.reset_keyring_cache()


def _use(monkeypatch: pytest.MonkeyPatch, ring: str) -> None:
    monkeypatch.setenv("SAFEGUARD_FIELD_KEYS", ring)
    crypto.reset_keyring_cache()


def _raw(sql: str) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return list(cursor.fetchall())


@pytest.mark.django_db
def test_address_is_unreadable_in_the_raw_database() -> None:
    person = f.person(address=CANARY)
    PersonAddress.objects.filter(person=person).update(latitude=51.12345, longitude=-0.5432)
    raw = repr(_raw("SELECT line1, town, postcode, latitude, longitude FROM people_personaddress"))
    assert CANARY not in raw and "NS1 1AA" not in raw and "51.12345" not in raw
    address = PersonAddress.objects.get(person=person)
    assert address.line1 == CANARY and address.latitude == 51.12345


@pytest.mark.django_db
def test_identity_link_is_unreadable_in_the_raw_database() -> None:
    current, former = f.person(protected=True), f.person(former=True)
    IdentityLink.build(current=current, former=former).save()
    raw = repr(_raw("SELECT * FROM people_identitylink"))
    assert str(former.pk) not in raw and former.pk.hex not in raw
    assert IdentityLink.objects.get(current=current).former == former
    assert IdentityLink.objects.filter(former_index=IdentityLink.index_of(former.pk)).exists()


@pytest.mark.django_db
def test_postcode_is_searchable_through_its_blind_index() -> None:
    person = f.person(address=CANARY)
    found = PersonAddress.objects.filter(postcode_index=postcode_digest("ns1 1aa"))
    assert [a.person_id for a in found] == [person.pk]


@pytest.mark.django_db
def test_ciphertext_moved_to_another_column_does_not_open() -> None:
    f.person(address=CANARY)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_personaddress SET town = line1")
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        list(PersonAddress.objects.all())


@pytest.mark.django_db
def test_write_with_k1_rotate_to_k2_read_with_k2_only(keys: pytest.MonkeyPatch) -> None:
    k1, k2 = key_generate("k1"), key_generate("k2")
    _use(keys, k1)
    person = f.person(address=CANARY)
    _use(keys, f"{k2},{k1}")  # k2 is now current; k1 still opens old values
    result = keys_rotate()
    assert result.values_rotated >= 3
    _use(keys, k2)  # k1 retired
    assert PersonAddress.objects.get(person=person).line1 == CANARY
    assert all(
        str(v).startswith("enc1:k2:") for (v,) in _raw("SELECT line1 FROM people_personaddress")
    )
    assert keys_rotate().values_rotated == 0  # nothing left under an old key
    _use(keys, k1)
    with pytest.raises(crypto.KeyringError):
        list(PersonAddress.objects.all())


@pytest.mark.django_db(transaction=True)
def test_pg_dump_shows_no_canary() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is for PostgreSQL")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    f.person(address=CANARY, dob=date(1980, 1, 1))
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    args = ["pg_dump", "--data-only", "-d", str(db["NAME"])]
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    dump = subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout
    assert "Testperson" in dump  # the dump is real: unencrypted names are there
    assert CANARY not in dump
