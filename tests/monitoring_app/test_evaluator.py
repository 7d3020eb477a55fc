"""Queued evaluation (ADR 0112): the feed answers once a batch is stored and queued, and the
evaluator process turns the queue into the same violations the in-request path records."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from safeguard.audit.models import AuditEntry
from safeguard.licences.models import LicenceCondition
from safeguard.monitoring import evaluator as evaluator_module
from safeguard.monitoring.evaluation_queue import orders_version, shard_of
from safeguard.monitoring.evaluator import QueuedEvaluator, ShardTaken
from safeguard.monitoring.models import Fix, PendingEvaluation, Violation
from safeguard.people.models import Person
from safeguard.recall.models import BreachCase, BreachEvidence, EvidenceKind
from tests.licences.helpers import EXCLUSION, square
from tests.monitoring_app.helpers import feed_client, post, tagged_team, walk

pytestmark = pytest.mark.django_db


def _rows(person: Person) -> list[tuple[Any, ...]]:
    """A person's current violations (not the zone id: each licence's zones have their own)."""
    query = Violation.objects.filter(person=person, superseded=False).order_by("started_at")
    return list(query.values_list("kind", "started_at", "ended_at", "evidence"))


@pytest.fixture
def queued(settings: Any) -> None:
    settings.MONITORING_EVALUATION = "queue"
    settings.MONITORING_EVALUATOR_SHARDS = 1


@pytest.mark.usefixtures("queued")
def test_the_feed_answers_once_stored_and_the_evaluator_records_the_violation() -> None:
    team = tagged_team()
    answer = post(feed_client(), walk(team.person.pk)).json()
    assert answer["accepted"] == 10
    assert not Violation.objects.exists()  # not evaluated in the request
    queued = PendingEvaluation.objects.get()
    assert sorted(queued.fix_ids) == sorted(Fix.objects.values_list("id", flat=True))

    result = QueuedEvaluator().run_once()

    assert (result.batches, result.fixes, result.created) == (1, 10, 1)
    row = Violation.objects.get()
    assert (row.kind, row.state, row.evidence) == (
        "exclusion_entry",
        "open",
        {"start_seq": 3, "end_seq": 7},
    )
    assert not PendingEvaluation.objects.exists()
    assert AuditEntry.objects.filter(object_type="em_violations").count() == 1
    assert QueuedEvaluator().run_once().batches == 0  # nothing left to do


def test_a_resent_batch_queues_nothing(queued: None) -> None:
    team = tagged_team()
    client = feed_client()
    items = walk(team.person.pk)
    post(client, items)
    assert post(client, items).json() == {
        "accepted": 0,
        "duplicate": 10,
        "rejected": 0,
        "rejects": [],
    }
    assert PendingEvaluation.objects.count() == 1


@hsettings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    order=st.permutations(list(range(10))),
    cuts=st.lists(st.integers(1, 9), max_size=4),
    resend=st.lists(st.integers(0, 9), max_size=3),
    evaluate_after=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_any_chunking_and_order_through_the_warm_evaluator_gives_the_in_request_result(
    settings: Any,
    order: list[int],
    cuts: list[int],
    resend: list[int],
    evaluate_after: list[bool],
) -> None:
    start = (timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    client = feed_client()
    settings.MONITORING_EVALUATION = "request"
    whole = tagged_team()
    post(client, walk(whole.person.pk, start))

    settings.MONITORING_EVALUATION = "queue"
    chunked = tagged_team()
    items = walk(chunked.person.pk, start)
    sequence = [items[i] for i in order] + [items[i] for i in resend]
    bounds = [0, *sorted(set(cuts)), len(sequence)]
    evaluator = QueuedEvaluator()  # one warm process across the batches
    for number, (low, high) in enumerate(itertools.pairwise(bounds)):
        post(client, sequence[low:high])
        if evaluate_after[number]:
            evaluator.run_once()
    while evaluator.run_once().batches:
        pass

    assert len(_rows(whole.person)) == 1
    assert _rows(chunked.person) == _rows(whole.person)


def test_a_failed_pass_leaves_the_batch_queued_and_the_subject_cold(
    queued: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = tagged_team()
    post(feed_client(), walk(team.person.pk))
    evaluator = QueuedEvaluator()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(evaluator_module, "record_found", broken)
    with pytest.raises(RuntimeError):
        evaluator.run_once()
    assert PendingEvaluation.objects.count() == 1
    assert not Violation.objects.exists()

    monkeypatch.undo()
    result = evaluator.run_once()
    assert (result.cold_loads, result.created) == (1, 1)
    assert not PendingEvaluation.objects.exists()


def test_a_licence_change_reaches_a_warm_evaluator(queued: None) -> None:
    team = tagged_team()
    client = feed_client()
    items = walk(team.person.pk)
    post(client, items[:3])  # away from the zone
    evaluator = QueuedEvaluator()
    evaluator.run_once()
    assert not Violation.objects.exists()
    version = orders_version()

    # The exclusion zone is redrawn around where the person has been: with the old order the
    # next fix (one inside the old zone, not confirmed) would raise nothing.
    condition = LicenceCondition.objects.get(licence__person=team.person, code=EXCLUSION)
    condition.values = {
        **condition.values,
        "outOfBoundFilename": square(items[0]["lat"], items[0]["lon"]),
    }
    condition.save()
    assert orders_version() > version

    post(client, items[3:4])
    result = evaluator.run_once()
    assert result.cold_loads == 1  # the subject's order changed: its history is re-read
    row = Violation.objects.get()
    assert (row.kind, row.evidence["start_seq"]) == ("exclusion_entry", 0)


def test_each_shard_evaluates_only_its_own_subjects(queued: None, settings: Any) -> None:
    settings.MONITORING_EVALUATOR_SHARDS = 2
    teams = [tagged_team()]
    while len(teams) < 2:
        team = tagged_team()
        if shard_of(str(team.person.pk), 2) != shard_of(str(teams[0].person.pk), 2):
            teams.append(team)
    client = feed_client()
    post(client, walk(teams[0].person.pk) + walk(teams[1].person.pk))
    assert sorted(PendingEvaluation.objects.values_list("shard", flat=True)) == [0, 1]

    first = shard_of(str(teams[0].person.pk), 2)
    QueuedEvaluator(shard=first).run_once()
    assert list(Violation.objects.values_list("person", flat=True)) == [teams[0].person.pk]
    QueuedEvaluator(shard=1 - first).run_once()
    assert Violation.objects.count() == 2


def test_an_open_violation_cited_as_breach_evidence_is_kept_when_late_fixes_move_it() -> None:
    team = tagged_team()
    client = feed_client()
    items = walk(team.person.pk)
    post(client, items[5:])
    cited = Violation.objects.get()
    case = BreachCase.objects.create(person=team.person, opened_at=timezone.now())
    BreachEvidence.objects.create(
        case=case,
        kind=EvidenceKind.VIOLATION,
        occurred_at=cited.started_at,
        violation=cited,
        recorded_at=timezone.now(),
    )
    post(client, items[:5])  # the entry really started two fixes earlier
    cited.refresh_from_db()
    assert cited.state == "open" and cited.superseded  # kept for the case, out of the queue
    current = Violation.objects.get(superseded=False)
    assert current.started_at < cited.started_at


def test_a_second_process_for_an_owned_shard_waits_as_a_standby(queued: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("shard ownership is a PostgreSQL session lock")
    import psycopg

    team = tagged_team()
    post(feed_client(), walk(team.person.pk))
    with connection.cursor() as cursor:  # earlier tests' evaluators owned shards on this session
        cursor.execute("SELECT pg_advisory_unlock_all()")
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        dbname=params["NAME"],
        autocommit=True,
    ) as owner:  # another evaluator's session, owning shard 0
        row = owner.execute("SELECT pg_try_advisory_lock(%s, %s)", (0x4556, 0)).fetchone()
        assert row is not None and row[0]
        with pytest.raises(ShardTaken):
            QueuedEvaluator().run_once()
        assert PendingEvaluation.objects.count() == 1
    # The owner's session ended: the standby takes the shard over.
    assert QueuedEvaluator().run_once().created == 1
