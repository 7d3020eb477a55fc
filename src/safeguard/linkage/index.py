"""The in-process matcher over every person in the index (engine ``IncrementalMatcher``).

Built on first use from all ``people.Person`` rows (current address decrypted in memory only,
never stored in clear), then kept up to date: each use asks the database how many persons exist
and when the newest was created; new persons are added to the matcher (no retraining, no
rebuild), and anything else (a deletion, a rolled-back test) rebuilds it. Edits to an existing
person's name or address are picked up by the next rebuild (``index_reset`` or a restart).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Prefetch

from safeguard.linkage import conf
from safeguard.people.models import IdentifierScheme, Person, PersonAddress

if TYPE_CHECKING:
    from safeguard.linkage.engine.incremental import IncrementalMatcher
    from safeguard.linkage.engine.model import LinkageModel
    from safeguard.linkage.engine.records import PersonRecord


def _model() -> LinkageModel:
    from safeguard.linkage.engine.model import LinkageModel, Thresholds, default_model

    path = conf.model_path()
    model = LinkageModel.load(path) if path is not None else default_model()
    thresholds = Thresholds(review=conf.review_threshold(), link=conf.link_threshold())
    return LinkageModel(
        splink_settings=model.splink_settings,
        thresholds=thresholds,
        max_block_size=model.max_block_size,
        contradiction_rules=model.contradiction_rules,
        training=model.training,
    )


def person_record(person: Person, *, record_id: str | None = None) -> PersonRecord:
    """The engine's view of a person: names, date of birth, sex, current address, ids.

    Expects ``addresses`` and ``identifiers`` prefetched (see ``_persons``) when called in bulk.
    """
    from safeguard.linkage.engine.records import PersonRecord

    addresses = [a for a in person.addresses.all() if a.valid_to is None]
    current = max(addresses, key=lambda a: (a.valid_from, a.pk)) if addresses else None
    ids = {i.scheme: i.value for i in person.identifiers.all()}
    return PersonRecord(
        record_id=record_id or str(person.pk),
        forename=person.given_name,
        surname=person.family_name,
        date_of_birth=person.date_of_birth.isoformat() if person.date_of_birth else "",
        postcode=current.postcode if current else "",
        address=f"{current.line1}, {current.town}" if current else "",
        sex=person.sex if person.sex in ("F", "M") else "",
        nhs_number=ids.get(IdentifierScheme.NHS, ""),
        pnc_id=ids.get(IdentifierScheme.PNC, ""),
    )


def _persons(queryset: Iterable[Person]) -> list[PersonRecord]:
    return [person_record(p) for p in queryset]


def with_details(ids: Iterable[object] | None = None) -> Iterable[Person]:
    rows = Person.objects.all() if ids is None else Person.objects.filter(pk__in=list(ids))
    return rows.order_by("created_at", "pk").prefetch_related(
        Prefetch("addresses", queryset=PersonAddress.objects.filter(valid_to__isnull=True)),
        "identifiers",
    )


@dataclass
class _State:
    matcher: IncrementalMatcher
    known: set[str]
    count: int
    latest: datetime | None


class _Cache:
    lock = threading.Lock()
    state: _State | None = None


def index_reset() -> None:
    """Forget the matcher: the next use rebuilds it from the database."""
    with _Cache.lock:
        _Cache.state = None


def matcher() -> IncrementalMatcher:
    """The matcher over every person now in the database."""
    from safeguard.linkage.engine.incremental import IncrementalMatcher

    with _Cache.lock:
        summary = Person.objects.aggregate(n=Count("pk"), latest=Max("created_at"))
        count, latest = int(summary["n"]), summary["latest"]
        state = _Cache.state
        if state is not None and (state.count, state.latest) == (count, latest):
            return state.matcher
        if state is not None and count > state.count and state.latest is not None:
            newer = list(
                Person.objects.filter(created_at__gte=state.latest).values_list("pk", flat=True)
            )
            fresh = [pk for pk in newer if str(pk) not in state.known]
            if len(state.known) + len(fresh) == count:
                for record in _persons(with_details(fresh)):
                    state.matcher.add(record)
                    state.known.add(record.record_id)
                state.count, state.latest = count, latest
                return state.matcher
        records = _persons(with_details())
        built = IncrementalMatcher(_model(), records)
        _Cache.state = _State(built, {r.record_id for r in records}, count, latest)
        return built
