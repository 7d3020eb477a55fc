"""Keep personal data out of logs, and one event on one line.

Application code never logs personal data; this is the safety net underneath it. Every log
record is cleaned as it is created (a record factory, so records from Django, the server and
third-party libraries are covered too, whatever handler writes them): carriage returns and line
feeds are escaped so a crafted username cannot forge a second log line, and UUIDs (record ids in
request paths) are masked so access logs do not become a list of who was looked at.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def clean(value: object) -> object:
    if isinstance(value, str):
        value = value.replace("\r", "\\r").replace("\n", "\\n")
        return _UUID.sub("<id>", value)
    return value


def clean_record(record: logging.LogRecord) -> logging.LogRecord:
    record.msg = clean(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(clean(a) for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: clean(v) for k, v in record.args.items()}
    return record


class RedactingFilter(logging.Filter):
    """The same cleaning as a handler filter, for handlers configured outside Safeguard."""

    def filter(self, record: logging.LogRecord) -> bool:
        clean_record(record)
        return True


_installed = False


def install_record_factory() -> None:
    global _installed  # noqa: PLW0603 - installed once per process
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return clean_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
