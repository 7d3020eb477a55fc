from __future__ import annotations

import pytest

from safeguard.linkage.engine.names import (
    are_nickname_equivalent,
    clean_surname,
    forename_groups,
    forenames_related,
    name_tokens,
    surname_parts,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("STEVE", "STEPHEN"),
        ("STEVE", "STEVEN"),
        ("LIZ", "ELIZABETH"),
        ("BETH", "LIZZIE"),
        ("PEGGY", "MARGARET"),
        ("BILL", "WILLIAM"),
        ("JACK", "JOHN"),
        ("VICTOIA", "VICKY"),
    ],
)
def test_nicknames_are_the_same_name(a: str, b: str) -> None:
    assert are_nickname_equivalent(a, b)
    assert are_nickname_equivalent(b, a)


@pytest.mark.parametrize(("a", "b"), [("STEVE", "SAM"), ("JOHN", "IAN"), ("DANIEL", "DANIELLE")])
def test_different_names_are_not_nicknames(a: str, b: str) -> None:
    assert not are_nickname_equivalent(a, b)


def test_a_mistyped_name_takes_its_groups() -> None:
    assert forename_groups("HOMAS") == ("THOMAS",)
    assert forename_groups("ZXQW") == ()


def test_names_are_cleaned_of_case_accents_titles_and_punctuation() -> None:
    assert name_tokens("  mr  José-Luis ") == ["JOSE", "LUIS"]
    assert clean_surname("O'Neil") == "ONEIL"
    assert surname_parts("Smith-Jones") == ["SMITH", "JONES"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (["JAMES"], ["JIM"]),
        (["KATHRYN"], ["CATHERINE"]),
        (["J"], ["JAMES"]),
        (["JOHN", "PAUL"], ["PAUL"]),
        (["HARRRY"], ["HAGRY"]),
    ],
)
def test_forenames_that_may_be_one_person(a: list[str], b: list[str]) -> None:
    assert forenames_related(a, b)


@pytest.mark.parametrize(("a", "b"), [(["JAMES"], ["OLIVER"]), (["SOPHIE"], ["AMELIA"])])
def test_twins_forenames_are_unrelated(a: list[str], b: list[str]) -> None:
    assert not forenames_related(a, b)
