"""`safeguard link` through Typer's test runner, as a user would run it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safeguard.linkage.cli import app
from safeguard.linkage.engine.files import write_records, write_truth
from safeguard.linkage.engine.synthetic import generate

runner = CliRunner()


@pytest.fixture(scope="module")
def records_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("link")
    data = generate(250, seed=8)
    records, truth = folder / "records.csv", folder / "truth.csv"
    write_records(records, data.records)
    write_truth(truth, data.truth)
    with records.open("a") as handle:  # three bad rows at lines 252-254
        handle.write(",police,No,Id,,,,,,,,\n")
        handle.write("R0000001,police,Dup,Licate,,,,,,,,\n")
        handle.write("X1,police,Bad,Date,1990-02-31,,,,,,,\n")
    return records, truth


def read_clusters(path: Path) -> dict[str, str]:
    with path.open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["record_id", "person_id"]
    return dict(rows[1:])


def test_link_writes_a_person_for_every_record_and_the_rejected_rows(
    records_csv: tuple[Path, Path], tmp_path: Path
) -> None:
    records, _ = records_csv
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, [str(records), "--out", str(out)])
    assert result.exit_code == 0, result.output
    clusters = read_clusters(out)
    assert len(clusters) == 250 and "X1" not in clusters
    assert len(set(clusters.values())) < 200  # people with several records were linked
    errors = [
        json.loads(line) for line in (tmp_path / "clusters.errors.jsonl").read_text().splitlines()
    ]
    assert [e["line"] for e in errors] == [252, 253, 254]
    assert "3 rows rejected" in result.stderr

    again = tmp_path / "again.csv"
    assert runner.invoke(app, [str(records), "--out", str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_a_saved_model_links_the_same_way(records_csv: tuple[Path, Path], tmp_path: Path) -> None:
    records, _ = records_csv
    model = tmp_path / "model.json"
    assert runner.invoke(app, ["train", str(records), "--model-out", str(model)]).exit_code == 0
    saved = json.loads(model.read_text())
    assert saved["format"] == "safeguard-linkage-model" and saved["format_version"] == 1
    trained, reused = tmp_path / "trained.csv", tmp_path / "reused.csv"
    review = tmp_path / "review.csv"
    assert runner.invoke(app, [str(records), "--out", str(trained)]).exit_code == 0
    result = runner.invoke(
        app, [str(records), "--out", str(reused), "--model", str(model), "--review", str(review)]
    )
    assert result.exit_code == 0, result.output
    assert read_clusters(reused) == read_clusters(trained)
    assert review.read_text().startswith("record_id_1,record_id_2,match_probability\n")


def test_evaluate_reports_precision_recall_f1(
    records_csv: tuple[Path, Path], tmp_path: Path
) -> None:
    records, truth = records_csv
    report = tmp_path / "report.json"
    result = runner.invoke(
        app, ["evaluate", str(records), "--truth", str(truth), "--json", str(report)]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(report.read_text())
    assert scores["f1"] > 0.9 and scores["precision"] > 0.9 and scores["recall"] > 0.9
    assert scores["rejected_rows"] == 3
    assert f"f1        {scores['f1']:.4f}" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["missing.csv", "--out", "x.csv"],
        ["evaluate"],
        ["evaluate", "missing.csv", "--truth", "t.csv"],
    ],
)
def test_unusable_arguments_exit_2_with_one_line(args: list[str], tmp_path: Path) -> None:
    result = runner.invoke(
        app, [a if a.startswith("-") or a == "evaluate" else str(tmp_path / a) for a in args]
    )
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_columns_and_bad_model_exit_2(tmp_path: Path) -> None:
    records = tmp_path / "records.csv"
    records.write_text("record_id,forename\nA,B\n")
    result = runner.invoke(app, [str(records), "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 2 and "missing column" in result.stderr
    good = tmp_path / "good.csv"
    write_records(good, generate(20, seed=1).records)
    model = tmp_path / "model.json"
    model.write_text('{"format": "something else"}')
    result = runner.invoke(
        app, [str(good), "--out", str(tmp_path / "c.csv"), "--model", str(model)]
    )
    assert result.exit_code == 2 and "not a safeguard linkage model" in result.stderr
    assert not (tmp_path / "c.csv").exists()
