from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.linkage.engine.records import RecordsFileError, read_records_csv

HEADER = "record_id,source,forename,surname,date_of_birth,postcode,address,phone"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "records.csv"
    path.write_text(text)
    return path


def test_reads_records_and_rejects_bad_rows_with_their_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER},nhs_number\n"
        "A1,police,Steve,Smith,1980-01-02,LS1 1AA,1 High St,,9434765919\n"
        ",police,No,Id,,,,,\n"
        "A1,health,Steve,Smith,,,,,\n"
        "A2,health,Bad,Date,1980-13-01,,,,\n"
        "A3,health,Too,Few\n"
        "\n"
        'A4,housing,"Mary\nAnn",Jones,,,,,\n'
        "A5,health,Ok,Row,,,,,\n",
    )
    read = read_records_csv(path)
    assert [r.record_id for r in read.records] == ["A1", "A4", "A5"]
    assert read.records[0].nhs_number == "9434765919"
    assert read.optional_columns == ("nhs_number",)
    lines = {row.line: row.reason for row in read.rejected}
    assert sorted(lines) == [3, 4, 5, 6]
    assert "empty record_id" in lines[3]
    assert "duplicate" in lines[4] and "line 2" in lines[4]
    assert "calendar date" in lines[5]
    assert "fields" in lines[6]


def test_header_case_and_extra_columns_do_not_matter(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER.upper() + ",notes\nB1,police,A,B,,,,,anything\n")
    read = read_records_csv(path)
    assert read.records[0].record_id == "B1"
    assert read.rejected == []


def test_missing_column_makes_the_file_unusable(tmp_path: Path) -> None:
    path = write(tmp_path, "record_id,forename,surname\nA,B,C\n")
    with pytest.raises(RecordsFileError, match="missing column"):
        read_records_csv(path)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(RecordsFileError):
        read_records_csv(tmp_path / "absent.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(RecordsFileError):
        read_records_csv(binary)
    with pytest.raises(RecordsFileError, match="empty"):
        read_records_csv(write(tmp_path, ""))
