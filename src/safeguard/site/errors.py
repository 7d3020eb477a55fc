"""Errors that views and API handlers translate into one response shape each."""

from __future__ import annotations

from typing import Any


class NotFoundError(Exception):
    """The record does not exist *or* the user may not know it exists: one answer for both."""


class DomainError(Exception):
    """A business rule refused the operation; ``extra`` carries field errors for forms and API."""

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
