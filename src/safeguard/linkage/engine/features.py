"""Turn person records into the cleaned columns the Splink model compares.

All cleaning happens here, in Python, once per record: the SQL in the model then only compares
ready-made values, which keeps it fast, identical for batch and one-record scoring, and portable
between DuckDB and Spark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from safeguard.linkage.engine import names
from safeguard.linkage.engine.normalise import (
    address_tokens,
    dwelling_key,
    normalise_nhs_number,
    normalise_ni_number,
    normalise_phone,
    normalise_pnc_id,
    normalise_postcode,
    normalise_sex,
    parse_date_of_birth,
    postcode_district,
    postcode_sector,
)
from safeguard.linkage.engine.records import PersonRecord

FEATURE_COLUMNS = (
    "unique_id",
    "fn",
    "fn_tokens",
    "fn_groups",
    "fn_phon",
    "fn_key",
    "sn",
    "sn_parts",
    "sn_phon",
    "dob",
    "dob_y",
    "dob_m",
    "dob_d",
    "dob_ym",
    "sex",
    "pc",
    "pc_sector",
    "pc_district",
    "addr_key",
    "addr_tokens",
    "dwelling",
    "phone",
    "nhs",
    "pnc",
    "ni",
)
INTEGER_COLUMNS = ("unique_id", "dob_y", "dob_m", "dob_d")


# Each group of columns is computed from one input field, once per distinct value.
FieldValues = tuple[Any, ...]


def forename_columns(text: str) -> FieldValues:
    """fn, fn_tokens, fn_groups, fn_phon, fn_key."""
    tokens = names.name_tokens(text)
    if not tokens:
        return (None, None, None, None, None)
    first = tokens[0]
    groups = names.forename_groups(first)
    # The blocking key puts a nickname and its formal name in the same block.
    key = groups[0] if groups else first
    return (first, tokens, list(groups) or None, names.phonetic_key(first), key)


def surname_columns(text: str) -> FieldValues:
    """sn, sn_parts, sn_phon."""
    cleaned = names.clean_surname(text)
    if not cleaned:
        return (None, None, None)
    return (cleaned, names.surname_parts(text) or None, names.phonetic_key(cleaned))


def dob_columns(text: str) -> FieldValues:
    """dob, dob_y, dob_m, dob_d, dob_ym."""
    try:
        dob = parse_date_of_birth(text)
    except ValueError:  # readers reject these rows; a caller that did not gets no evidence
        dob = None
    if dob is None:
        return (None, None, None, None, None)
    return (dob.isoformat(), dob.year, dob.month, dob.day, f"{dob.year}-{dob.month}")


def postcode_columns(text: str) -> FieldValues:
    """pc, pc_sector, pc_district."""
    postcode = normalise_postcode(text)
    return (postcode, postcode_sector(postcode), postcode_district(postcode))


def address_columns(text: str) -> FieldValues:
    """addr_key, addr_tokens."""
    tokens = address_tokens(text)
    return (dwelling_key(tokens), tokens or None)


def _single(function: Callable[[str], str | None]) -> Callable[[str], FieldValues]:
    return lambda text: (function(text),)


# (input field, columns it makes, function), in FEATURE_COLUMNS order after unique_id.
_FIELD_GROUPS: tuple[tuple[str, Callable[[str], FieldValues]], ...] = (
    ("forename", forename_columns),
    ("surname", surname_columns),
    ("date_of_birth", dob_columns),
    ("sex", _single(normalise_sex)),
    ("postcode", postcode_columns),
    ("address", address_columns),
    ("phone", _single(normalise_phone)),
    ("nhs_number", _single(normalise_nhs_number)),
    ("pnc_id", _single(normalise_pnc_id)),
    ("ni_number", _single(normalise_ni_number)),
)
_GROUP_COLUMNS = (
    ("fn", "fn_tokens", "fn_groups", "fn_phon", "fn_key"),
    ("sn", "sn_parts", "sn_phon"),
    ("dob", "dob_y", "dob_m", "dob_d", "dob_ym"),
    ("sex",),
    ("pc", "pc_sector", "pc_district"),
    ("addr_key", "addr_tokens"),
    ("phone",),
    ("nhs",),
    ("pnc",),
    ("ni",),
)


def _dwelling(postcode: str | None, addr_key: str | None) -> str | None:
    # One value for 'this dwelling', so that a hostel many people pass through counts for
    # less (term-frequency adjustment) than a family home.
    return f"{postcode} {addr_key}" if postcode and addr_key else None


def record_features(record: PersonRecord, unique_id: int) -> dict[str, Any]:
    """The model's columns for one record (None for 'not recorded')."""
    values: dict[str, Any] = {"unique_id": unique_id}
    for (field, function), columns in zip(_FIELD_GROUPS, _GROUP_COLUMNS, strict=True):
        values.update(zip(columns, function(getattr(record, field)), strict=True))
    values["dwelling"] = _dwelling(values["pc"], values["addr_key"])
    return {column: values[column] for column in FEATURE_COLUMNS}


def feature_columns(records: Sequence[PersonRecord]) -> dict[str, list[Any]]:
    """The model's columns as Python lists, one entry per record, unique_id = position.

    Same values as `record_features`, computed once per distinct field value: agencies
    repeat names, postcodes and addresses a lot, and this is the slow Python part of a run.
    """
    data: dict[str, list[Any]] = {"unique_id": list(range(len(records)))}
    for (field, function), columns in zip(_FIELD_GROUPS, _GROUP_COLUMNS, strict=True):
        cache: dict[str, FieldValues] = {}
        rows = []
        for record in records:
            text = getattr(record, field)
            found = cache.get(text)
            if found is None:
                found = cache[text] = function(text)
            rows.append(found)
        for position, column in enumerate(columns):
            data[column] = [row[position] for row in rows]
    data["dwelling"] = [_dwelling(p, a) for p, a in zip(data["pc"], data["addr_key"], strict=True)]
    return {column: data[column] for column in FEATURE_COLUMNS}


def to_frame(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """A DataFrame of feature (and key) columns, integer columns nullable."""
    frame = pd.DataFrame(columns)
    for column in INTEGER_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    return frame


def features_frame(records: Sequence[PersonRecord]) -> pd.DataFrame:
    return to_frame(feature_columns(records))
