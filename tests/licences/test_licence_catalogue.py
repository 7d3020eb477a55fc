"""The catalogue matches the official policies, keyed by (policy, code) (contracts.md §5)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from safeguard.licences.engine import (
    CatalogueError,
    get_condition,
    load_catalogue,
    normalise_policy,
    policy_for,
    v4_start_from,
)
from safeguard.licences.engine.importer import import_policy, write_catalogue

DATA = Path(__file__).parent / "data"
SHIPPED = Path(str(resources.files("safeguard.licences.engine").joinpath("catalogue")))

V4_CURFEW = "52faefcf-15f0-42c5-b908-621b4a7ecdb9"
REUSED_STANDARD = "e670ac69-eda2-4b04-a0a1-a3c8492fe1e6"


def counts(policy: str) -> Counter[tuple[str, str]]:
    return Counter((c.licence_type, c.kind) for c in load_catalogue(policy).conditions)


def test_v3_counts_match_the_published_policy() -> None:
    assert counts("3.0") == {
        ("AP", "standard"): 9,
        ("AP", "additional"): 63,
        ("PSS", "standard"): 8,
        ("PSS", "additional"): 2,
    }


def test_v4_counts_match_the_published_policy() -> None:
    assert counts("4.0") == {("AP", "standard"): 8, ("AP", "additional"): 66}


@pytest.mark.parametrize(("policy", "source"), [("3.0", "policyV3.json"), ("4.0", "policyV4.json")])
def test_every_source_condition_is_in_the_catalogue_once(policy: str, source: str) -> None:
    raw = json.loads((DATA / source).read_text())
    expected = [
        (c["code"], lt, kind)
        for kind, key in (
            ("standard", "standardConditions"),
            ("additional", "additionalConditions"),
        )
        for lt in ("AP", "PSS")
        for c in raw[key][lt]
    ]
    got = [(c.code, c.licence_type, c.kind) for c in load_catalogue(policy).conditions]
    assert got == expected
    assert len({code.lower() for code, _, _ in got}) == len(got)


def test_importer_regenerates_the_shipped_catalogue_exactly(tmp_path: Path) -> None:
    write_catalogue(DATA, tmp_path)
    for name in ("v3.json", "v4.json"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), name


def test_importer_refuses_em_checks_for_codes_not_in_the_policy() -> None:
    raw = json.loads((DATA / "policyV4.json").read_text())
    with pytest.raises(ValueError, match=r"not in policy 4\.0"):
        import_policy(
            raw, {"4.0": {"00000000-0000-0000-0000-000000000000": {"em_check": "direct"}}}
        )


def test_v4_reuses_v3_codes_with_a_different_meaning() -> None:
    v3 = get_condition("3.0", REUSED_STANDARD)
    v4 = get_condition("4.0", REUSED_STANDARD)
    assert v3.text.startswith("Reside permanently at an address")
    assert v4.text.startswith("Tell your supervising officer about any names")
    assert (v3.policy, v4.policy) == ("3.0", "4.0")


def test_a_code_of_one_policy_is_unknown_in_the_other() -> None:
    with pytest.raises(CatalogueError, match=r"policy 4\.0 has no condition"):
        get_condition("4.0", "0a370862-5426-49c1-b6d4-3d074d78a81a")  # the V3 curfew
    with pytest.raises(CatalogueError, match=r"policy 3\.0 has no condition"):
        get_condition("3.0", V4_CURFEW)


def test_codes_are_matched_without_regard_to_case() -> None:
    assert get_condition("4.0", "2f8a5418-c6e4-4f32-9e58-64b23550e504").code == (
        "2F8A5418-C6E4-4F32-9E58-64B23550E504"
    )


@pytest.mark.parametrize(
    ("text", "policy"), [("3", "3.0"), ("v4", "4.0"), ("V3", "3.0"), ("4.0", "4.0")]
)
def test_policy_versions_may_be_written_several_ways(text: str, policy: str) -> None:
    assert normalise_policy(text) == policy


def test_unknown_policy_version_is_refused() -> None:
    with pytest.raises(CatalogueError, match=r"unknown licence policy version '2\.1'"):
        load_catalogue("2.1")


def check_input_shape(item: dict[str, Any]) -> None:
    assert isinstance(item["name"], str) and item["name"]
    assert item["type"] in {
        "text",
        "number",
        "money",
        "time",
        "date",
        "address",
        "person",
        "radio",
        "checkbox",
        "zone",
    }
    assert isinstance(item["label"], str) and item["label"]
    assert isinstance(item["required"], bool)
    assert item.get("repeatable", True) is True
    if item["type"] in ("radio", "checkbox"):
        assert item["options"]
    for option in item.get("options", []):
        assert set(option) <= {"value", "inputs"}
        for nested in option.get("inputs", []):
            check_input_shape(nested)


@pytest.mark.parametrize("policy", ["3.0", "4.0"])
def test_every_entry_has_the_contract_shape(policy: str) -> None:
    for condition in load_catalogue(policy).conditions:
        entry = condition.data
        assert entry["policy"] == policy
        assert entry["licence_type"] in ("AP", "PSS")
        assert entry["kind"] in ("standard", "additional")
        assert isinstance(entry["category"], str) and entry["category"]
        assert entry["em_check"] in ("direct", "partial", "none")
        for item in entry["inputs"]:
            check_input_shape(item)
        placeholders = {n.strip() for p in _placeholders(entry["text"]) for n in p.split("||")}
        assert placeholders <= set(condition.all_inputs()), entry["code"]


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"\{([^{}]*)\}", text)


def test_nested_inputs_sit_under_the_option_that_reveals_them() -> None:
    curfew = get_condition("4.0", V4_CURFEW)
    (number_of_curfews,) = curfew.inputs
    assert number_of_curfews.type == "radio"
    sizes = {o.value: [i.type for i in o.inputs] for o in number_of_curfews.options}
    assert sizes == {
        "One curfew": ["time"] * 2,
        "Two curfews": ["time"] * 4,
        "Three curfews": ["time"] * 6,
    }


@pytest.mark.parametrize("policy", ["3.0", "4.0"])
def test_add_another_inputs_are_repeatable(policy: str) -> None:
    repeatable = sorted(
        (c.data.get("validator"), name)
        for c in load_catalogue(policy).conditions
        for name, spec in c.all_inputs().items()
        if spec.repeatable
    )
    assert repeatable == [
        ("NamedIndividuals", "nameOfIndividual"),
        ("NamedOrganisation", "nameOfOrganisation"),
        ("NoContactWithVictim", "name"),
        ("SpecifiedItem", "item"),
    ]


def test_named_people_are_person_references_and_maps_are_zones() -> None:
    victims = get_condition("4.0", "4858cd8b-bca6-4f11-b6ee-439e27216d7d").all_inputs()["name"]
    assert (victims.type, victims.repeatable) == ("person", True)
    zone = get_condition("4.0", "0f9a20f4-35c7-4c77-8af8-f200f153fa11").all_inputs()
    assert zone["outOfBoundFilename"].type == "zone"


V4_DIRECT = {
    "52faefcf-15f0-42c5-b908-621b4a7ecdb9",  # curfew
    "0f9a20f4-35c7-4c77-8af8-f200f153fa11",  # exclusion zone
    "005d70e4-a247-4f82-b8b3-6d294a0f5051",  # inclusion zone
    "99195049-f355-46fb-b7d8-aef87a1b19c5",  # event exclusion zone
    "fd129172-bdd3-4d97-a4a0-efd7b47a49d4",  # the tag itself
    "524f2fd6-ad53-47dd-8edc-2161d3dd2ed4",  # trail
    "d36a3b77-30ba-40ce-8953-83e761d3b487",  # alcohol abstinence
    "2f8a5418-c6e4-4f32-9e58-64b23550e504",  # alcohol monitoring
}


def test_em_checks_follow_domain_estimates() -> None:
    additional = [c for c in load_catalogue("4.0").conditions if c.kind == "additional"]
    direct = {c.code.lower() for c in additional if c.em_check == "direct"}
    partial = [c for c in additional if c.em_check == "partial"]
    assert direct == V4_DIRECT
    assert len(partial) == 12
    standard = [c for c in load_catalogue("4.0").conditions if c.kind == "standard"]
    assert {c.em_check for c in standard} == {"none"}
    v3_direct = {c.code.lower() for c in load_catalogue("3.0").conditions if c.em_check == "direct"}
    assert v3_direct == (V4_DIRECT - {V4_CURFEW, "005d70e4-a247-4f82-b8b3-6d294a0f5051"}) | {
        "0a370862-5426-49c1-b6d4-3d074d78a81a"  # the V3 curfew
    }


# --- which policy a licence is on ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "v4_start", "policy"),
    [
        (date(2026, 5, 1), None, "3.0"),
        (date(2026, 5, 1), date(2026, 5, 2), "3.0"),
        (date(2026, 5, 2), date(2026, 5, 2), "4.0"),
        (date(2027, 1, 1), date(2026, 5, 2), "4.0"),
    ],
)
def test_policy_for_a_licence_start(start: date, v4_start: date | None, policy: str) -> None:
    assert policy_for(start, v4_start) == policy


def test_v4_start_is_read_from_the_environment() -> None:
    assert v4_start_from({}) is None
    assert v4_start_from({"SAFEGUARD_LICENCE_V4_START": ""}) is None
    assert v4_start_from({"SAFEGUARD_LICENCE_V4_START": "2026-05-02"}) == date(2026, 5, 2)
    with pytest.raises(CatalogueError, match="SAFEGUARD_LICENCE_V4_START must be a date"):
        v4_start_from({"SAFEGUARD_LICENCE_V4_START": "next spring"})
