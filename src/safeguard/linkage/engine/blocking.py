"""Blocking keys: which pairs of records are worth scoring at all.

Every rule is an equality between one key column of the left record and one of the right (the
same column, or a mirror one for swapped day and month). Keys are precomputed in Python so that
the batch run (Splink blocking rules) and the one-record matcher (dictionary lookups) find
exactly the same candidates (same strings: parts joined with '|', integers in decimal).

A key value shared by very many records ('1900-01-01', a hostel's address, a switchboard
number) would make a block of millions of pairs and says little anyway: values above
`max_block_size` are blanked for blocking only (the comparisons still see them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_BLOCK_SIZE = 400


@dataclass(frozen=True, slots=True)
class BlockingRule:
    left: str
    right: str

    @property
    def sql(self) -> str:
        return f"l.{self.left} = r.{self.right}"


# key column -> the feature columns joined to make it
KEY_PARTS: dict[str, tuple[str, ...]] = {
    "k_dob_swapped": ("dob_y", "dob_d", "dob_m"),
    "k_dob_ymd": ("dob_y", "dob_m", "dob_d"),
    "k_name": ("fn_key", "sn"),
    "k_name_sound_year": ("fn_phon", "sn_phon", "dob_y"),
    "k_forename_postcode": ("fn_key", "pc"),
    "k_surname_postcode": ("sn", "pc"),
    "k_forename_month": ("fn_key", "dob_ym"),
    "k_dwelling": ("dwelling",),
    "k_phone": ("phone",),
    "k_nhs": ("nhs",),
    "k_pnc": ("pnc",),
    "k_ni": ("ni",),
}

RULES = (
    BlockingRule("k_dob_ymd", "k_dob_ymd"),
    BlockingRule("k_dob_ymd", "k_dob_swapped"),
    BlockingRule("k_dob_swapped", "k_dob_ymd"),
    BlockingRule("k_name", "k_name"),
    BlockingRule("k_name_sound_year", "k_name_sound_year"),
    BlockingRule("k_forename_postcode", "k_forename_postcode"),
    BlockingRule("k_surname_postcode", "k_surname_postcode"),
    BlockingRule("k_forename_month", "k_forename_month"),
    BlockingRule("k_dwelling", "k_dwelling"),
    BlockingRule("k_phone", "k_phone"),
    BlockingRule("k_nhs", "k_nhs"),
    BlockingRule("k_pnc", "k_pnc"),
    BlockingRule("k_ni", "k_ni"),
)


def blocking_key_columns(
    features: dict[str, list[Any]], max_block_size: int = DEFAULT_MAX_BLOCK_SIZE
) -> dict[str, list[str | None]]:
    """One list per blocking key, aligned with the feature lists; values shared by more than
    max_block_size records are blanked."""
    as_text = {
        column: [None if v is None else str(v) for v in features[column]]
        for column in {p for parts in KEY_PARTS.values() for p in parts}
    }
    keys: dict[str, list[str | None]] = {}
    for name, parts in KEY_PARTS.items():
        values: list[str | None]
        if len(parts) == 1:
            values = as_text[parts[0]]
        else:
            values = [
                None if None in row else "|".join(row)
                for row in zip(*(as_text[p] for p in parts), strict=True)
            ]
        counts = Counter(values)
        common = {v for v, n in counts.items() if n > max_block_size}
        keys[name] = [None if v in common else v for v in values]
    return keys


def record_keys(features: dict[str, object]) -> dict[str, str]:
    """The key values of one record (for the one-record matcher), missing keys left out."""
    keys: dict[str, str] = {}
    for name, parts in KEY_PARTS.items():
        values = [features.get(p) for p in parts]
        if all(v is not None for v in values):
            keys[name] = "|".join(str(v) for v in values)
    return keys
