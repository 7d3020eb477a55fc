"""Regenerate Safeguard's condition catalogue from the official licence-policy files.

    python -m safeguard.licences.engine.importer SOURCE_DIR [--out DIR]

SOURCE_DIR holds policyV3.json and policyV4.json as published by the Ministry of Justice's
create-and-vary-a-licence-api (MIT licence). The output files (catalogue/v3.json, v4.json) are
Safeguard's own data: the application never reads the source files at run time.

What the import adds to the source: Safeguard input types (a named person is a reference to
the person index, a map upload is a drawn polygon, an age is a bounded number), required flags,
GOV.UK-style error messages, curfew and time windows, and an ``em_check`` per condition from
catalogue/em_checks.json.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

CATALOGUE_DIR = Path(__file__).with_name("catalogue")
SOURCE_FILES = {"3.0": "policyV3.json", "4.0": "policyV4.json"}
OUTPUT_FILES = {"3.0": "v3.json", "4.0": "v4.json"}

SOURCE_TYPES = {
    "radio": "radio",
    "check": "checkbox",
    "text": "text",
    "timePicker": "time",
    "datePicker": "date",
    "address": "address",
    "fileUpload": "zone",
}
# Free-text inputs that name a person: Safeguard stores a reference to the person index.
PERSON_INPUTS = {("NoContactWithVictim", "name"), ("NamedIndividuals", "nameOfIndividual")}
AGE_LABEL = "Enter an age up to 18"
MONEY_LABEL = "Enter the value in £"
ZONE_LABELS = {
    "outOfBoundFilename": "Draw the area this person must not enter",
    "inBoundFilename": "Draw the area this person must not leave",
}

MISSING_BY_LABEL = {
    "Enter the curfew start time": "Enter a curfew start time",
    "Enter the curfew end time": "Enter a curfew end time",
    "Enter the reporting time": "Enter a reporting time",
    "Name or type of premises": "Enter the name or type of premises",
    "Vehicle types": "Select the types of vehicle",
    "Time restriction": "Select a time restriction",
    "Select a time restriction": "Select a time restriction",
    "Event type": "Select an event type",
    "Location restriction": "Select a location restriction",
    AGE_LABEL: "Enter an age",
    MONEY_LABEL: "Enter an amount in pounds",
    "Enter time": "Enter a time",
    "Enter date": "Enter a date",
    "Enter name": "Enter a name",
    "Enter address": "Enter an address",
    "Enter first start time": "Enter the first start time",
    "Enter first end time": "Enter the first end time",
    "Enter second start time": "Enter the second start time",
    "Enter second end time": "Enter the second end time",
    "Select gender": "Select the gender of the children",
}
MISSING_BY_CHECKBOX = {
    "appointmentType": "Select at least one type of appointment",
    "behaviourProblems": "Select at least one behaviour to address",
    "services": "Select at least one service",
    "deviceTypes": "Select at least one type of device",
    "contentTypes": "Select at least one type of site or app",
    "accountTypes": "Select at least one type of account",
    "substanceTypes": "Select at least one substance",
    "electronicMonitoringTypes": "Select at least one thing the tag will check",
    "evidenceOfIncome": "Select at least one type of evidence of income",
}
NUMBERED_CURFEW = re.compile(r"^(First|Second|Third) curfew – enter the (start|end) time$")


def _plain_label(label: str) -> str:
    return label.replace("(optional)", "").strip()


def missing_message(kind: str, name: str, label: str) -> str:
    """The GOV.UK-style message shown when a required input is left empty."""
    plain = _plain_label(label)
    if kind == "checkbox" and name in MISSING_BY_CHECKBOX:
        return MISSING_BY_CHECKBOX[name]
    if kind == "zone":
        return f"{plain} on the map"
    numbered = NUMBERED_CURFEW.match(plain)
    if numbered:
        which, edge = numbered.groups()
        article = "an" if edge == "end" else "a"
        return f"Enter {article} {edge} time for the {which.lower()} curfew"
    return MISSING_BY_LABEL.get(plain, plain)


def _input_type(validator: str | None, raw: Mapping[str, Any]) -> str:
    if raw["type"] == "text":
        if (validator, raw["name"]) in PERSON_INPUTS:
            return "person"
        if raw["label"] == AGE_LABEL:
            return "number"
        if raw["label"] == MONEY_LABEL:
            return "money"
    return SOURCE_TYPES[raw["type"]]


def convert_input(raw: Mapping[str, Any], validator: str | None) -> dict[str, Any]:
    kind = _input_type(validator, raw)
    name = raw["name"]
    label = ZONE_LABELS.get(name, raw["label"]) if kind == "zone" else raw["label"]
    out: dict[str, Any] = {
        "name": name,
        "type": kind,
        "label": label,
        "required": "(optional)" not in raw["label"],
    }
    if raw.get("options"):
        options = []
        for option in raw["options"]:
            entry: dict[str, Any] = {"value": option["value"]}
            conditional = option.get("conditional")
            if conditional and conditional.get("inputs"):
                entry["inputs"] = [convert_input(i, validator) for i in conditional["inputs"]]
            options.append(entry)
        out["options"] = options
    if raw.get("addAnother"):
        out["repeatable"] = True
        out["add_another_label"] = raw["addAnother"]["label"]
    if kind == "number":
        out["min"], out["max"] = 1, 18
    if kind == "zone":
        out["source_label"] = raw["label"]
    for source_key, key in (
        ("case", "case"),
        ("listType", "list_type"),
        ("includeBefore", "include_before"),
        ("defaultValue", "default_value"),
        ("subtext", "hint"),
    ):
        if raw.get(source_key) is not None:
            out[key] = raw[source_key]
    if raw.get("handleIndefiniteArticle"):
        out["indefinite_article"] = True
    out["error_missing"] = missing_message(kind, name, label)
    out["source_type"] = raw["type"]
    return out


def _time_inputs(inputs: Sequence[Mapping[str, Any]]) -> list[str]:
    names: list[str] = []
    for item in inputs:
        if item["type"] == "time" and item["name"] not in names:
            names.append(item["name"])
        for option in item.get("options", []):
            for name in _time_inputs(option.get("inputs", [])):
                if name not in names:
                    names.append(name)
    return names


def time_windows(inputs: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Pairs of time inputs that bound one period (``xStart2`` with ``xEnd2``)."""
    names = _time_inputs(inputs)
    return [
        {"start": name, "end": name.replace("Start", "End")}
        for name in names
        if "Start" in name and name.replace("Start", "End") in names
    ]


def convert_condition(
    raw: Mapping[str, Any],
    *,
    policy: str,
    licence_type: str,
    kind: str,
    em_checks: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    validator = raw.get("type")
    inputs = [convert_input(i, validator) for i in raw.get("inputs") or []]
    em = em_checks.get(raw["code"].lower(), {"em_check": "none"})
    out: dict[str, Any] = {
        "policy": policy,
        "code": raw["code"],
        "licence_type": licence_type,
        "kind": kind,
        "category": raw.get("category") or "Standard conditions",
        "text": raw.get("tpl") or raw["text"],
        "inputs": inputs,
        "em_check": em["em_check"],
    }
    if "note" in em:
        out["em_check_note"] = em["note"]
    out["display_text"] = raw["text"]
    for source_key, key in (("categoryShort", "category_short"), ("textPlural", "text_plural")):
        if raw.get(source_key):
            out[key] = raw[source_key]
    if validator:
        out["validator"] = validator
    windows = time_windows(inputs)
    if windows:
        out["time_windows"] = windows
    if raw.get("skippable"):
        out["skippable"] = True
    return out


def import_policy(source: Mapping[str, Any], em_checks: Mapping[str, Any]) -> dict[str, Any]:
    policy = source["version"]
    checks = {code.lower(): entry for code, entry in em_checks.get(policy, {}).items()}
    conditions = [
        convert_condition(raw, policy=policy, licence_type=lt, kind=kind, em_checks=checks)
        for kind, key in (
            ("standard", "standardConditions"),
            ("additional", "additionalConditions"),
        )
        for lt in ("AP", "PSS")
        for raw in source[key][lt]
    ]
    unknown = {c.lower() for c in checks} - {c["code"].lower() for c in conditions}
    if unknown:
        raise ValueError(f"em_checks.json names codes not in policy {policy}: {sorted(unknown)}")
    return {
        "policy": policy,
        "source": f"create-and-vary-a-licence-api policyV{policy.split('.')[0]}.json"
        " (MIT licence, Crown Copyright)",
        "conditions": conditions,
        "change_hints": [
            {"previous_code": h["previousCode"], "replacements": h["replacements"]}
            for h in source.get("changeHints", [])
        ],
    }


def write_catalogue(source_dir: Path, out_dir: Path) -> list[Path]:
    em_checks = json.loads((CATALOGUE_DIR / "em_checks.json").read_text(encoding="utf-8"))
    written = []
    for policy, file_name in SOURCE_FILES.items():
        source = json.loads((source_dir / file_name).read_text(encoding="utf-8"))
        if source.get("version") != policy:
            raise ValueError(f"{file_name} is version {source.get('version')}, not {policy}")
        target = out_dir / OUTPUT_FILES[policy]
        target.write_text(
            json.dumps(import_policy(source, em_checks), indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source_dir", type=Path, help="folder with policyV3.json, policyV4.json")
    parser.add_argument("--out", type=Path, default=CATALOGUE_DIR, help="where to write v3/v4")
    args = parser.parse_args(argv)
    try:
        for path in write_catalogue(args.source_dir, args.out):
            print(f"wrote {path}")  # noqa: T201  # a developer tool's report
    except (OSError, ValueError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)  # noqa: T201
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
