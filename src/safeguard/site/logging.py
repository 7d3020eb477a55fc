"""Log filter: neutralise log injection and keep request paths free of identifiers.

Application code never logs personal data; this filter is the safety net. Carriage returns and
line feeds in any argument are escaped so one event stays one line, and UUIDs (record ids in
paths) are masked so access logs do not become a list of who was looked at.
"""

from __future__ import annotations

import logging
import re

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.replace("\r", "\\r").replace("\n", "\\n")
        return _UUID.sub("<id>", value)
    return value


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _clean(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        return True
