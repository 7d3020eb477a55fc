"""Matching each agency record as it arrives: after the transaction that created it commits.

A ``post_save`` receiver on ``people.Person`` (creation only) schedules ``record_arrival`` with
``transaction.on_commit``, so every way of creating a person (the people service, adult
resolution, disclosures) is covered without those areas calling linkage, the match sees the
addresses and identifiers written in the same transaction, and a rolled-back creation is never
matched. Bulk loads (``bulk_create``: the demo county, imports) send no signal; they are indexed
by ``safeguard.linkage.demo`` or on first use. A failure is logged (no personal data) and
never undoes the person's creation. Switch off with ``LINKAGE_MATCH_ON_ARRIVAL = False``.
See ADR 0402.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from safeguard.linkage import conf
from safeguard.people.models import Person

logger = logging.getLogger(__name__)


def _arrive(person_id: Any) -> None:
    from safeguard.linkage.services import record_arrival

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return
    try:
        record_arrival(person=person)
    except Exception as error:  # matching must never break recording a person
        logger.error("linkage: matching a new record failed (%s)", type(error).__name__)


def _person_saved(
    sender: Any, instance: Person, created: bool, raw: bool = False, **_: Any
) -> None:
    if not created or raw or not conf.match_on_arrival():
        return
    person_id = instance.pk
    transaction.on_commit(lambda: _arrive(person_id))


def connect() -> None:
    post_save.connect(_person_saved, sender=Person, dispatch_uid="linkage-person-arrival")
