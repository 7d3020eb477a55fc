from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.linkage.engine.clustering import (
    ContradictionRules,
    Evidence,
    ScoredPair,
    constrained_clusters,
    dates_contradict,
    person_ids,
)


def person(
    forename: str,
    dob: tuple[int, int, int] | None,
    sex: str | None = None,
    nhs: str | None = None,
    ni: str | None = None,
) -> Evidence:
    return Evidence((forename,), dob, sex, nhs, None, ni)


def test_father_and_son_of_one_name_stay_apart_through_a_record_without_birth_date() -> None:
    father = person("JOHN", (1960, 5, 1))
    son = person("JOHN", (1988, 9, 14))
    either = person("JOHN", None)
    # The undated record scores highly with both: plain connected components would merge all.
    pairs = [ScoredPair(0, 2, 0.99), ScoredPair(1, 2, 0.98), ScoredPair(0, 1, 0.9)]
    labels = constrained_clusters(3, pairs, [father, son, either])
    assert labels[0] != labels[1]
    assert labels[2] == labels[0]  # the stronger link wins


def test_twins_stay_apart_but_a_nickname_joins() -> None:
    records = [
        person("OLIVER", (2010, 3, 3), "M"),
        person("JAMES", (2010, 3, 3), "M"),
        person("OLLIE", (2010, 3, 3), "M"),
    ]
    pairs = [ScoredPair(0, 1, 0.999), ScoredPair(0, 2, 0.99), ScoredPair(1, 2, 0.99)]
    labels = constrained_clusters(3, pairs, records)
    assert labels[0] == labels[2] != labels[1]


def test_opposite_sex_twins_with_similar_names_stay_apart() -> None:
    records = [person("DANIEL", (2010, 3, 3), "M"), person("DANIELLE", (2010, 3, 3), "F")]
    assert constrained_clusters(2, [ScoredPair(0, 1, 0.999)], records) == [0, 1]


def test_different_nhs_numbers_contradict_and_a_shared_one_overrides_slips() -> None:
    rules = ContradictionRules()
    assert rules.contradict(
        person("ANN", None, nhs="9434765919"), person("ANN", None, nhs="4010232137")
    )
    assert not rules.contradict(
        person("ANN", (1950, 1, 2), nhs="9434765919"),
        person("MARY", (1990, 1, 2), nhs="9434765919"),
    )


def test_date_slips_are_not_contradictions_but_a_generation_is() -> None:
    assert not dates_contradict((1985, 3, 12), (1985, 12, 3))  # day and month swapped
    assert not dates_contradict((1985, 3, 12), (1958, 3, 12))  # year digits swapped
    assert not dates_contradict((1985, 3, 12), (1986, 4, 2))  # close: slips in both records
    assert not dates_contradict((1985, 1, 1), (1985, 7, 19))  # 1 January = year only
    assert dates_contradict((1960, 5, 1), (1988, 9, 14))
    assert dates_contradict((1960, 5, 1), (1988, 5, 1))


def test_calibration_stands_the_forename_rule_down_where_anchors_disagree() -> None:
    # 40 people each recorded twice under the same identifier but a different forename
    # (as in FEBRL): forename disagreement is no evidence in such data.
    evidence = []
    for i in range(40):
        evidence += [
            person("ALICE", (1970, 1, 2), ni=f"NI{i:04d}"),
            person("ZARA", (1970, 1, 2), ni=f"NI{i:04d}"),
        ]
    rules, stats = ContradictionRules.calibrate(evidence)
    assert "forename" not in rules.enabled
    assert "dob" in rules.enabled
    assert stats["forename"] == {"anchor_pairs": 40, "contradicted": 40}
    assert ContradictionRules.from_dict(rules.to_dict()) == rules


def test_calibration_keeps_rules_without_enough_anchors() -> None:
    rules, _ = ContradictionRules.calibrate([person("A", None), person("B", None)])
    assert rules == ContradictionRules()


@settings(max_examples=40)
@given(
    st.lists(st.sampled_from(["R3", "R1", "R7", "R2", "R9"]), min_size=1, max_size=5, unique=True)
)
def test_person_ids_depend_on_membership_not_order(ids: list[str]) -> None:
    labels = [0] * len(ids)
    assert len(set(person_ids(ids, labels))) == 1
    assert person_ids(ids, labels) == person_ids(list(reversed(ids)), labels)
    assert person_ids(ids, labels)[0] == person_ids([min(ids)], [0])[0]
