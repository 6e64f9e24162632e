"""Errors of the service layer.

    PalaceUsageError            base: carries the HTTP status an API shows
    ├── InvalidInputError       422: a field is wrong; `errors` names each one
    ├── ForbiddenPalaceError    403: the request may not write to that palace
    └── DatabaseUnavailableError 503: PostgreSQL did not answer in time
"""

from typing import Any


class PalaceUsageError(Exception):
    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.message}


class InvalidInputError(PalaceUsageError):
    status_code = 422

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.errors = errors

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.message, "fields": self.errors}


class ForbiddenPalaceError(PalaceUsageError):
    status_code = 403


class DatabaseUnavailableError(PalaceUsageError):
    status_code = 503
