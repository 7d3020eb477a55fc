"""The comparisons of the UK person model, over the columns built in `features`.

Each comparison is an ordered list of levels, most specific first; Splink learns how much each
level says about a match (m and u probabilities). Every level is written twice, side by side:
as DuckDB SQL for Splink's batch scoring, and as a Python test for scoring one new record
without a database (`incremental`). A parity test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from safeguard.linkage.engine.names import damerau_levenshtein, jaro_winkler

Row = Mapping[str, Any]
Test = Callable[[Row, Row], bool]


@dataclass(frozen=True, slots=True)
class Level:
    label: str
    sql: str
    test: Test
    tf_column: str | None = None
    is_null: bool = False


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]

    def splink(self) -> Any:
        creators: list[Any] = []
        for level in self.levels:
            creator = cll.CustomLevel(
                level.sql, label_for_charts=level.label, base_dialect_str="duckdb"
            )
            if level.is_null:
                creator.configure(is_null_level=True)
            if level.tf_column:
                creator.configure(tf_adjustment_column=level.tf_column, tf_adjustment_weight=1.0)
            creators.append(creator)
        return cl.CustomComparison(output_column_name=self.name, comparison_levels=creators)

    def level_of(self, left: Row, right: Row) -> int:
        """Index of the first level whose test holds (the last level always holds)."""
        for index, level in enumerate(self.levels):
            if level.test(left, right):
                return index
        return len(self.levels) - 1


# Python tests mirror SQL: a comparison with NULL (None) on either side is never true.
def _both(left: Row, right: Row, column: str) -> bool:
    return left[column] is not None and right[column] is not None


def _null(*columns: str) -> Level:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return Level(
        f"{' or '.join(columns)} missing",
        sql,
        lambda a, b: any(a[c] is None or b[c] is None for c in columns),
        is_null=True,
    )


def _exact(column: str, label: str, tf: bool = False) -> Level:
    return Level(
        label,
        f"{column}_l = {column}_r",
        lambda a, b: _both(a, b, column) and a[column] == b[column],
        tf_column=column if tf else None,
    )


def _overlap_test(column: str) -> Test:
    return lambda a, b: _both(a, b, column) and not set(a[column]).isdisjoint(b[column])


def _overlap(column: str, label: str) -> Level:
    return Level(label, f"list_has_any({column}_l, {column}_r)", _overlap_test(column))


def _typo_test(column: str, max_edits: int, min_similarity: float | None) -> Test:
    def test(a: Row, b: Row) -> bool:
        if not _both(a, b, column):
            return False
        x, y = a[column], b[column]
        close = damerau_levenshtein(x, y) <= max_edits
        return close or (min_similarity is not None and jaro_winkler(x, y) >= min_similarity)

    return test


def _typo(
    column: str, label: str, max_edits: int = 1, min_similarity: float | None = None
) -> Level:
    sql = f"damerau_levenshtein({column}_l, {column}_r) <= {max_edits}"
    if min_similarity is not None:
        sql += f" OR jaro_winkler_similarity({column}_l, {column}_r) >= {min_similarity}"
    return Level(label, sql, _typo_test(column, max_edits, min_similarity))


def _else() -> Level:
    return Level("all other comparisons", "ELSE", lambda a, b: True)


def _forename_similar(a: Row, b: Row) -> bool:
    if _overlap_test("fn_tokens")(a, b):
        return True
    if _both(a, b, "fn_phon") and a["fn_phon"] == b["fn_phon"]:
        return True
    if not _both(a, b, "fn"):
        return False
    x, y = a["fn"], b["fn"]
    return jaro_winkler(x, y) >= 0.8 or ((len(x) == 1 or len(y) == 1) and x[0] == y[0])


def _is(column: str, value: str) -> Test:
    return lambda a, b: a[column] == value and b[column] == value


def _dob_parts(a: Row, b: Row) -> tuple[int, int, int, int, int, int] | None:
    if a["dob_y"] is None or b["dob_y"] is None:
        return None
    return (a["dob_y"], a["dob_m"], a["dob_d"], b["dob_y"], b["dob_m"], b["dob_d"])


def _dob_swapped(a: Row, b: Row) -> bool:
    p = _dob_parts(a, b)
    return p is not None and p[0] == p[3] and p[1] == p[5] and p[2] == p[4]


def _dob_same_year(a: Row, b: Row) -> bool:
    p = _dob_parts(a, b)
    return p is not None and p[0] == p[3] and (p[1] == p[4] or p[2] == p[5])


def _dob_same_birthday(a: Row, b: Row) -> bool:
    p = _dob_parts(a, b)
    return p is not None and p[1] == p[4] and p[2] == p[5] and abs(p[0] - p[3]) <= 10


def forename() -> Comparison:
    return Comparison(
        "forename",
        (
            _null("fn"),
            _exact("fn", "same forename", tf=True),
            _overlap("fn_groups", "nickname of the same name"),
            _typo("fn", "forename with a typo", 1, 0.92),
            Level(
                "forename similar, sounds alike, an initial, or a shared given name",
                "list_has_any(fn_tokens_l, fn_tokens_r) OR fn_phon_l = fn_phon_r"
                " OR jaro_winkler_similarity(fn_l, fn_r) >= 0.8"
                " OR ((length(fn_l) = 1 OR length(fn_r) = 1) AND fn_l[1] = fn_r[1])",
                _forename_similar,
            ),
            _else(),
        ),
    )


def surname() -> Comparison:
    return Comparison(
        "surname",
        (
            _null("sn"),
            _exact("sn", "same surname", tf=True),
            _typo("sn", "surname with a typo", 1, 0.92),
            _overlap("sn_parts", "one part of a double surname"),
            Level(
                "surname similar or sounds alike",
                "sn_phon_l = sn_phon_r OR jaro_winkler_similarity(sn_l, sn_r) >= 0.8",
                lambda a, b: (
                    (_both(a, b, "sn_phon") and a["sn_phon"] == b["sn_phon"])
                    or (_both(a, b, "sn") and jaro_winkler(a["sn"], b["sn"]) >= 0.8)
                ),
            ),
            # Women more often change surname on marriage: a different surname between two
            # records of women is weaker evidence against a match than between two men.
            Level("different surname, both women", "sex_l = 'F' AND sex_r = 'F'", _is("sex", "F")),
            _else(),
        ),
    )


def date_of_birth() -> Comparison:
    return Comparison(
        "date_of_birth",
        (
            _null("dob"),
            _exact("dob", "same date of birth", tf=True),
            Level(
                "day and month swapped",
                "dob_y_l = dob_y_r AND dob_m_l = dob_d_r AND dob_d_l = dob_m_r",
                _dob_swapped,
            ),
            Level(
                "same year, day or month differs",
                "dob_y_l = dob_y_r AND (dob_m_l = dob_m_r OR dob_d_l = dob_d_r)",
                _dob_same_year,
            ),
            Level(
                "same birthday, year differs by up to ten",
                "dob_m_l = dob_m_r AND dob_d_l = dob_d_r AND abs(dob_y_l - dob_y_r) <= 10",
                _dob_same_birthday,
            ),
            _else(),
        ),
    )


def sex() -> Comparison:
    return Comparison("sex", (_null("sex"), _exact("sex", "same sex"), _else()))


def _eq(column: str) -> Test:
    return lambda a, b: _both(a, b, column) and a[column] == b[column]


def residence() -> Comparison:
    """Postcode and address together: they move together when a person moves house, so two
    separate comparisons would count the same evidence twice."""
    return Comparison(
        "residence",
        (
            Level(
                "postcode or address missing",
                "(pc_l IS NULL OR pc_r IS NULL) AND (addr_key_l IS NULL OR addr_key_r IS NULL)",
                lambda a, b: (
                    (a["pc"] is None or b["pc"] is None)
                    and (a["addr_key"] is None or b["addr_key"] is None)
                ),
                is_null=True,
            ),
            # A hostel many people pass through counts for less than a family home (TF).
            _exact("dwelling", "same dwelling and postcode", tf=True),
            Level(
                "same dwelling",
                "addr_key_l = addr_key_r AND list_has_any(addr_tokens_l, addr_tokens_r)",
                lambda a, b: _eq("addr_key")(a, b) and _overlap_test("addr_tokens")(a, b),
            ),
            _exact("pc", "same postcode", tf=True),
            _exact("pc_sector", "same postcode sector"),
            _exact("pc_district", "same postcode district"),
            _else(),
        ),
    )


def phone() -> Comparison:
    return Comparison(
        "phone",
        (
            _null("phone"),
            _exact("phone", "same phone number", tf=True),
            _typo("phone", "phone number with one digit wrong"),
            _else(),
        ),
    )


def identifier(column: str, name: str, typo_level: bool = False) -> Comparison:
    """An identifier: same, (optionally) one character wrong, or different."""
    levels = [_null(column), _exact(column, f"same {name}")]
    if typo_level:
        levels.append(_typo(column, f"{name} with one character wrong"))
    return Comparison(name, (*levels, _else()))


def person_comparisons(optional_columns: tuple[str, ...] = ()) -> list[Comparison]:
    """The comparisons for the columns present: the optional ones only when given."""
    comparisons = [forename(), surname(), date_of_birth(), residence(), phone()]
    if "sex" in optional_columns:
        comparisons.append(sex())
    if "nhs_number" in optional_columns:
        comparisons.append(identifier("nhs", "nhs_number"))
    if "pnc_id" in optional_columns:
        comparisons.append(identifier("pnc", "pnc_id"))
    if "ni_number" in optional_columns:
        # No check digit: a typed slip survives normalisation, unlike in an NHS number.
        comparisons.append(identifier("ni", "ni_number", typo_level=True))
    return comparisons


def comparisons_by_name() -> dict[str, Comparison]:
    """Every comparison the model may use, by its Splink output column name."""
    every = person_comparisons(("sex", "nhs_number", "pnc_id", "ni_number"))
    return {comparison.name: comparison for comparison in every}
