"""The one-record matcher's Python scoring must agree with Splink's SQL scoring."""

from __future__ import annotations

import pytest
from splink import Linker

from safeguard.linkage.engine.batch import LinkResult
from safeguard.linkage.engine.blocking import blocking_key_columns
from safeguard.linkage.engine.features import feature_columns, to_frame
from safeguard.linkage.engine.incremental import IncrementalMatcher
from safeguard.linkage.engine.model import duckdb_api
from safeguard.linkage.engine.records import PersonRecord
from safeguard.linkage.engine.scoring import PairScorer
from safeguard.linkage.engine.synthetic import SyntheticData
from safeguard.linkage.engine.term_frequencies import register_with_splink, share_tables


class Row(dict[str, object]):
    pass


def test_python_scores_equal_splink_scores(
    small_data: SyntheticData, small_result: LinkResult
) -> None:
    records = small_data.records[:600]
    columns = feature_columns(records)
    api = duckdb_api()
    table = api.register(to_frame(columns | blocking_key_columns(columns)), table_name="records")
    linker = Linker(table, small_result.model.splink_settings, log_level=None)
    scorer = PairScorer(small_result.model.splink_settings)
    shares = share_tables(columns, scorer.tf_priors)
    register_with_splink(linker, api, shares, tag="parity")
    scored = linker.inference.predict(warning_mode="never")
    predictions = scored.as_pandas_dataframe()  # type: ignore[no-untyped-call]  # Splink: untyped
    assert len(predictions) > 500
    rows = [Row({c: values[i] for c, values in columns.items()}) for i in range(len(records))]
    for left, right, weight in predictions[
        ["unique_id_l", "unique_id_r", "match_weight"]
    ].itertuples(index=False):
        score = scorer.score(rows[int(left)], rows[int(right)], shares)
        assert score.match_weight == pytest.approx(weight, abs=1e-6)


def test_matcher_finds_a_new_records_person_and_explains_it(
    small_data: SyntheticData, small_result: LinkResult
) -> None:
    matcher = IncrementalMatcher(small_result.model, small_data.records)
    known = small_data.records[10]
    typed_again = PersonRecord(
        record_id="NEW-1",
        source="health",
        forename=known.forename.upper(),
        surname=known.surname.lower(),
        date_of_birth=known.date_of_birth,
        postcode=known.postcode,
        address=known.address,
        phone=known.phone,
    )
    found = matcher.match(typed_again)
    assert found and found[0].decision == "link"
    assert small_data.truth[found[0].record_id] == small_data.truth[known.record_id]
    assert [f.comparison for f in found[0].fields][:3] == ["forename", "surname", "date_of_birth"]
    assert found[0].fields[0].level == "same forename"
    assert found == sorted(found, key=lambda c: -c.match_weight)


def test_an_added_record_can_be_found(small_data: SyntheticData, small_result: LinkResult) -> None:
    matcher = IncrementalMatcher(small_result.model, small_data.records[:100])
    newcomer = PersonRecord(
        "ADD-1", "police", "Zebedee", "Quixley", "1977-07-07", "ZZ9 9ZZ", "1 Nowhere Rd", ""
    )
    probe = PersonRecord("ADD-2", "health", "Zeb", "Quixley", "1977-07-07", "ZZ9 9ZZ", "", "")
    assert matcher.match(probe) == []
    matcher.add(newcomer)
    assert len(matcher) == 101
    assert [c.record_id for c in matcher.match(probe)] == ["ADD-1"]
